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
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, dataclass_transform

from content.limits import MAX_CALLBACK_BYTES
from content.model import ACTIONS
from content.problems import Problem


@dataclass(frozen=True, slots=True)
class Wire:
    """What a field may look like on the wire (a regular expression), for `Annotated` types."""

    pattern: str


# A field's type says what it may carry: plain `str` is a TOKEN, `int` an ID, `bool` "0"/"1";
# an `Annotated[..., Wire(...)]` alias says anything narrower or wider (a feature's own ones live
# beside its classes).
TOKEN = r"[a-z0-9_]{1,24}"  # noqa: S105 - an identifier pattern, not a secret
ID = r"\d{1,12}"
BOOL = r"[01]"
SESSION = r"[a-z0-9]{6,12}"  # a checklist run id (the checklist makes 8 hex digits)
Session = Annotated[str, Wire(SESSION)]
Path = Annotated[str, Wire(r"[0-9a-fynu]{0,16}")]  # a checklist's answers so far (content.triage: at most 11)
LONGEST_PATH = "y" * 16  # the longest Path, for the content checks (the features' static_callbacks)
ReportForm = Annotated[str, Wire("pdf|text")]
MaybeSession = Annotated[str, Wire(f"|{SESSION}")]
_DEFAULT_WIRE: Mapping[type, str] = MappingProxyType({str: TOKEN, int: ID, bool: BOOL})

_Reader = Callable[[str], object]


def _bool(raw: str) -> bool:
    return raw == "1"


def _wire(cls: type) -> tuple[tuple[str, _Reader], ...]:
    """Each field's pattern and reader, from its type (worked out once per class, not per tap)."""
    hints = typing.get_type_hints(cls, include_extras=True)
    shape: list[tuple[str, _Reader]] = []
    for field in fields(cls):
        hint = hints[field.name]
        annotated = typing.get_origin(hint) is Annotated
        base = typing.get_args(hint)[0] if annotated else hint
        wires = [m.pattern for m in getattr(hint, "__metadata__", ()) if isinstance(m, Wire)]
        if base not in _DEFAULT_WIRE:
            raise TypeError(f"{cls.__name__}.{field.name}: a button carries only str, int or bool")
        shape.append((wires[0] if wires else _DEFAULT_WIRE[base], _bool if base is bool else base))
    return tuple(shape)


@dataclass_transform(frozen_default=True)
class Callback:
    """One operation a button carries. A subclass is a frozen dataclass: given `prefix=`, an
    operation the codec routes; without it, a base sharing fields between operations (the three
    check-in answers, a checklist run's buttons). A field's type is its wire pattern:

        class Snooze(Callback, prefix="rn"):
            reminder_id: int
            snooze: str
    """

    __slots__ = ()
    PREFIX: ClassVar[str]
    WIRE: ClassVar[tuple[tuple[str, _Reader], ...]]  # each field's pattern and reader, in order

    def __init_subclass__(cls, *, prefix: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Without slots: dataclass(slots=True) returns a new class, which __init_subclass__
        # cannot put in the old one's place (an instance's __dict__ costs nothing we measure).
        dataclass(frozen=True)(cls)
        if prefix is not None:
            cls.PREFIX = prefix
            cls.WIRE = _wire(cls)

    def encode(self) -> str:
        # __match_args__ is the dataclass's field names in order; dataclasses.fields() would
        # rebuild its tuple for every button, and a checklist step encodes five.
        names: tuple[str, ...] = getattr(self, "__match_args__", ())
        if not names:
            return self.PREFIX
        return ":".join([self.PREFIX, *(_text(getattr(self, name)) for name in names)])


def _text(value: object) -> str:
    if value is True or value is False:
        return "1" if value else "0"
    return str(value)


# --- menu ------------------------------------------------------------------------------------


class Nav(Callback, prefix="p"):
    """Show a content page."""

    page: str


class NavFrom(Callback, prefix="pf"):
    """Show a content page reached from another page's cross-reference: Back returns there."""

    page: str
    origin: str


class NavResult(Callback, prefix="pr"):
    """Show a content page opened from search results: Back returns to the results."""

    page: str


class BackToResults(Callback, prefix="sr"):
    """'‹ Back to results': the user's last search results again."""


class _Vote(Callback):
    page: str
    helpful: bool


class Vote(_Vote, prefix="h"):
    """'Was this helpful?' on a page: the page again without the question, Back to its parent."""


class VoteFrom(_Vote, prefix="hf"):
    """The same on a page reached from a cross-reference: Back still returns to `origin`."""

    origin: str


class VoteResult(_Vote, prefix="hr"):
    """The same on a page opened from search results: Back still returns to the results."""


class OpenLanguage(Callback, prefix="al"):
    """The language chooser."""


class OpenHelp(Callback, prefix="ah"):
    """/help, from a button."""


# --- privacy ---------------------------------------------------------------------------------


class OpenPrivacy(Callback, prefix="ap"):
    """/privacy, from a button: what is kept, /mydata and /delete_my_data."""


# --- checklist -------------------------------------------------------------------------------


class StartChecklist(Callback, prefix="ac"):
    """A new "Should I see a doctor?" checklist run."""


# --- reminders -------------------------------------------------------------------------------


class OpenReminders(Callback, prefix="ar"):
    """/reminders, from a button: the user's reminders and what can be added."""


class AddFollowup(Callback, prefix="rf"):
    """Ask when to check in; a finished checklist run, if any, gives the check-in its reasons.
    new: below the tapped message (the checklist's advice stays on screen) rather than in its place."""

    new: bool = False
    path: Path = ""  # from the checklist's result: its answers, which the check-in follows up


class PickKind(Callback, prefix="rk"):
    """A daily reminder of this kind (content's `daily_kinds`): its time next."""

    kind: str


# --- diary -----------------------------------------------------------------------------------


class StartLog(Callback, prefix="gl"):
    """'Log a spasm': a new draft. new: below the tapped message (a check-in, a daily prompt,
    the checklist's outcome stay in the chat) rather than in its place (the menu)."""

    new: bool = False


class OpenDiary(Callback, prefix="gy"):
    """The last 30 days in words and as a chart."""


class NoSpasmsToday(Callback, prefix="gn"):
    """The daily 'Did you have spasms today?' prompt's one-tap 'no': a spasm-free day recorded
    (`yesterday`: asked in the morning, about the day before)."""

    yesterday: bool = False


class DoctorReport(Callback, prefix="gr"):
    """The report for the doctor, as a PDF or as text: from /diary (no session) or from a
    checklist's result (its run's session, so the report says when those answers are gone)."""

    form: ReportForm  # "pdf" or "text"
    session: MaybeSession = ""


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


class Codec:
    """The parser of a set of operations: the wiring builds one from every feature's declared
    callbacks (a feature's own classes included), so a new feature's buttons need no edit here.
    Each prefix's pattern and field readers are worked out once, not per tap."""

    def __init__(self, kinds: Iterable[type[Callback]]) -> None:
        by_prefix: dict[str, type[Callback]] = {}
        for cls in kinds:
            if not hasattr(cls, "WIRE"):
                raise ValueError(f"{cls.__name__} has no prefix: a base of operations, not one")
            if cls.PREFIX in by_prefix:
                raise ValueError(f"callback prefix {cls.PREFIX!r} is used twice")
            by_prefix[cls.PREFIX] = cls
        self.kinds: Mapping[str, type[Callback]] = MappingProxyType(by_prefix)
        self._shapes: dict[str, tuple[type[Callback], re.Pattern[str], tuple[_Reader, ...]]] = {
            prefix: (
                cls,
                re.compile("^" + re.escape(prefix) + "".join(f":({p})" for p, _ in cls.WIRE) + "$"),
                tuple(read for _, read in cls.WIRE),
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
