"""The callback_data codec, and the operations more than one owner builds.

One frozen dataclass per operation, so the router dispatches on the type alone and a handler
receives typed fields (an int is an int), never a string to split. Telegram gives a button 64
bytes of data and returns it verbatim, so anything a client sends back may be stale (old
message, older content) or forged: `parse` accepts exactly the shapes `encode` produces and
returns None for everything else.

Where a class lives: an operation only its own feature builds is that feature's
(`bot/features/<name>/callbacks.py`); this module keeps the base, the codec and the *entries*:
the operations a button of another feature, or bot/ui itself (a page's keyboard, the main
menu's actions), must build, since a feature never imports another feature. The wiring builds the
codec from every feature's routed classes (bot/app.py), and each feature declares the
callbacks its content produces (`Feature.static_callbacks`), which `content_problems` checks.

Wire form: `PREFIX` or `PREFIX:field:field...`. Prefixes of operations that existed before
this codec (p, l, c, h) are kept, so buttons already in users' chats keep working.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import ClassVar

from content.limits import MAX_CALLBACK_BYTES
from content.model import ACTIONS
from content.problems import Problem

# Field patterns the operations share (a feature's own ones live beside its classes).
TOKEN = r"[a-z0-9_]{1,24}"  # noqa: S105 - an identifier pattern, not a secret
SESSION = r"[a-z0-9]{6,12}"  # a checklist run id (the checklist makes 8 hex digits)
PATH = r"[0-9a-fynu]{0,16}"  # a checklist's answers so far (content.triage: at most 11 characters)
LONGEST_PATH = "y" * 16  # the longest PATH, for the content checks (the features' static_callbacks)
ID = r"\d{1,12}"
BOOL = r"[01]"


@dataclass(frozen=True, slots=True)
class Callback:
    PREFIX: ClassVar[str]
    PATTERNS: ClassVar[tuple[str, ...]] = ()

    def encode(self) -> str:
        # __match_args__ is the dataclass's field names in order; dataclasses.fields() would
        # rebuild its tuple for every button, and a checklist step encodes five.
        names: tuple[str, ...] = self.__match_args__
        if not names:
            return self.PREFIX
        return ":".join([self.PREFIX, *(_text(getattr(self, name)) for name in names)])


def _text(value: object) -> str:
    if value is True or value is False:
        return "1" if value else "0"
    return str(value)


# --- menu ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Nav(Callback):
    """Show a content page."""

    PREFIX = "p"
    PATTERNS = (TOKEN,)
    page: str


@dataclass(frozen=True, slots=True)
class NavFrom(Callback):
    """Show a content page reached from another page's cross-reference: Back returns there."""

    PREFIX = "pf"
    PATTERNS = (TOKEN, TOKEN)
    page: str
    origin: str


@dataclass(frozen=True, slots=True)
class NavResult(Callback):
    """Show a content page opened from search results: Back returns to the results."""

    PREFIX = "pr"
    PATTERNS = (TOKEN,)
    page: str


@dataclass(frozen=True, slots=True)
class BackToResults(Callback):
    """'‹ Back to results': the user's last search results again."""

    PREFIX = "sr"


@dataclass(frozen=True, slots=True)
class Vote(Callback):
    """'Was this helpful?' on a page."""

    PREFIX = "h"
    PATTERNS = (TOKEN, BOOL)
    page: str
    helpful: bool


@dataclass(frozen=True, slots=True)
class OpenLanguage(Callback):
    PREFIX = "al"


@dataclass(frozen=True, slots=True)
class OpenHelp(Callback):
    PREFIX = "ah"


# --- privacy ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenPrivacy(Callback):
    PREFIX = "ap"


# --- checklist -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartChecklist(Callback):
    PREFIX = "ac"


# --- reminders -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenReminders(Callback):
    PREFIX = "ar"


@dataclass(frozen=True, slots=True)
class AddFollowup(Callback):
    """Ask when to check in; a finished checklist run, if any, gives the check-in its reasons.
    new: below the tapped message (the checklist's advice stays on screen) rather than in its place."""

    PREFIX = "rf"
    PATTERNS = (BOOL, PATH)
    new: bool = False
    path: str = ""  # from the checklist's result: its answers, which the check-in follows up


@dataclass(frozen=True, slots=True)
class PickKind(Callback):
    PREFIX = "rk"
    PATTERNS = (TOKEN,)
    kind: str


# --- diary -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartLog(Callback):
    """'Log a spasm': a new draft. new: below the tapped message (a check-in, a daily prompt,
    the checklist's outcome stay in the chat) rather than in its place (the menu)."""

    PREFIX = "gl"
    PATTERNS = (BOOL,)
    new: bool = False


@dataclass(frozen=True, slots=True)
class OpenDiary(Callback):
    """The last 30 days in words and as a chart."""

    PREFIX = "gy"


@dataclass(frozen=True, slots=True)
class NoSpasmsToday(Callback):
    """The daily 'Did you have spasms today?' prompt's one-tap 'no': a spasm-free day recorded
    (`yesterday`: asked in the morning, about the day before)."""

    PREFIX = "gn"
    PATTERNS = (BOOL,)
    yesterday: bool = False


@dataclass(frozen=True, slots=True)
class DoctorReport(Callback):
    """The report for the doctor, as a PDF or as text: from /diary (no session) or from a
    checklist's result (its run's session, so the report says when those answers are gone)."""

    PREFIX = "gr"
    PATTERNS = ("pdf|text", f"|{SESSION}")
    form: str  # "pdf" or "text"
    session: str = ""


# --- page actions ----------------------------------------------------------------------------

# A page's "@name" target opens a feature: which operation each name stands for.
ACTION_CALLBACKS: Mapping[str, Callback] = MappingProxyType(
    {
        "checklist": StartChecklist(),
        "reminders": OpenReminders(),
        "language": OpenLanguage(),
        "privacy": OpenPrivacy(),
        "help": OpenHelp(),
        "log": StartLog(new=False),
        "diary": OpenDiary(),
    }
)


_Reader = Callable[[str], object]


def _bool(raw: str) -> bool:
    return raw == "1"


def _reader(kind: object) -> _Reader:
    return int if kind in ("int", int) else _bool if kind in ("bool", bool) else str


class Codec:
    """The parser of a set of operations: the wiring builds one from every feature's declared
    callbacks (a feature's own classes included), so a new feature's buttons need no edit here.
    Each prefix's pattern and field readers are worked out once, not per tap."""

    def __init__(self, kinds: Iterable[type[Callback]]) -> None:
        by_prefix: dict[str, type[Callback]] = {}
        for cls in kinds:
            if cls.PREFIX in by_prefix:
                raise ValueError(f"callback prefix {cls.PREFIX!r} is used twice")
            if len(cls.PATTERNS) != len(fields(cls)):
                raise ValueError(f"{cls.__name__} needs one pattern per field")
            by_prefix[cls.PREFIX] = cls
        self.kinds: Mapping[str, type[Callback]] = MappingProxyType(by_prefix)
        self._shapes: dict[str, tuple[type[Callback], re.Pattern[str], tuple[_Reader, ...]]] = {
            prefix: (
                cls,
                re.compile("^" + re.escape(prefix) + "".join(f":({p})" for p in cls.PATTERNS) + "$"),
                tuple(_reader(f.type) for f in fields(cls)),
            )
            for prefix, cls in by_prefix.items()
        }

    def parse(self, data: object) -> Callback | None:
        """The callback a button carried, or None when it is not one we could have made."""
        if not isinstance(data, str) or len(data) > MAX_CALLBACK_BYTES:
            return None
        shape = self._shapes.get(data.split(":", 1)[0])
        if shape is None:
            return None
        cls, regex, readers = shape
        match = regex.match(data)
        if match is None:
            return None
        return cls(*[read(raw) for read, raw in zip(readers, match.groups(), strict=True)])


# --- content checks --------------------------------------------------------------------------


def content_problems(callbacks: Iterable[Callback], codec: Codec) -> list[Problem]:
    """Content that no button could carry: over Telegram's 64 bytes, or refused by `codec`.
    `callbacks`: every callback whose value depends on content, at its longest (what the
    features declare as their `static_callbacks`)."""
    problems = []
    for callback in callbacks:
        data = callback.encode()
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            problems.append(Problem("pages.yaml", None, f"callback data {data!r} is over {MAX_CALLBACK_BYTES} bytes"))
        elif codec.parse(data) != callback:
            problems.append(Problem("pages.yaml", None, f"{data!r} is not a valid name for a button"))
    for name in sorted(ACTIONS - ACTION_CALLBACKS.keys()):  # pragma: no cover - a code change
        problems.append(Problem("pages.yaml", None, f"action @{name} opens nothing"))
    return problems
