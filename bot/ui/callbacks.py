"""The callback_data codec: the only place that writes or reads button data.

One frozen dataclass per operation, so the router dispatches on the type alone and a handler
receives typed fields (an int is an int), never a string to split. Telegram gives a button 64
bytes of data and returns it verbatim, so anything a client sends back may be stale (old
message, older content) or forged: `parse` accepts exactly the shapes `encode` produces and
returns None for everything else.

Wire form: `PREFIX` or `PREFIX:field:field...`. Prefixes of operations that existed before
this codec (p, l, c, h) are kept, so buttons already in users' chats keep working.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import ClassVar

from content.limits import MAX_CALLBACK_BYTES
from content.model import ACTIONS, Content
from content.problems import Problem

_TOKEN = r"[a-z0-9_]{1,24}"  # noqa: S105 - an identifier pattern, not a secret
_SESSION = r"[a-z0-9]{6,12}"  # a checklist run id (the checklist makes 8 hex digits)
_PATH = r"[0-9a-fynu]{0,16}"  # a checklist's answers so far (content.triage: at most 11 characters)
_ID = r"\d{1,12}"
_BOOL = r"[01]"


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
    PATTERNS = (_TOKEN,)
    page: str


@dataclass(frozen=True, slots=True)
class NavFrom(Callback):
    """Show a content page reached from another page's cross-reference: Back returns there."""

    PREFIX = "pf"
    PATTERNS = (_TOKEN, _TOKEN)
    page: str
    origin: str


@dataclass(frozen=True, slots=True)
class NavResult(Callback):
    """Show a content page opened from search results: Back returns to the results."""

    PREFIX = "pr"
    PATTERNS = (_TOKEN,)
    page: str


@dataclass(frozen=True, slots=True)
class BackToResults(Callback):
    """'‹ Back to results': the user's last search results again."""

    PREFIX = "sr"


@dataclass(frozen=True, slots=True)
class Vote(Callback):
    """'Was this helpful?' on a page."""

    PREFIX = "h"
    PATTERNS = (_TOKEN, _BOOL)
    page: str
    helpful: bool


@dataclass(frozen=True, slots=True)
class OpenLanguage(Callback):
    PREFIX = "al"


@dataclass(frozen=True, slots=True)
class SetLang(Callback):
    PREFIX = "l"
    PATTERNS = (r"[a-z]{2,3}",)
    lang: str


@dataclass(frozen=True, slots=True)
class OpenHelp(Callback):
    PREFIX = "ah"


# --- privacy ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenPrivacy(Callback):
    PREFIX = "ap"


@dataclass(frozen=True, slots=True)
class ConfirmDelete(Callback):
    PREFIX = "dc"


@dataclass(frozen=True, slots=True)
class KeepData(Callback):
    PREFIX = "dk"


# --- checklist -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StartChecklist(Callback):
    PREFIX = "ac"


@dataclass(frozen=True, slots=True)
class Step(Callback):
    """A checklist answer. `path`: the answers so far (content.triage.encode_path), so the step
    needs no stored state; `session` ties it to one run, so an ended run's buttons are known."""

    PREFIX = "cs"
    PATTERNS = (_SESSION, _PATH, r"[0-9a-fynu]{1,2}")
    session: str
    path: str
    choice: str  # an audience's index, y / n / u, or the ticked contexts as a hex bit mask


@dataclass(frozen=True, slots=True)
class ContextTick(Callback):
    """Tick or untick a context option: the same screen again, with the options now ticked."""

    PREFIX = "ct"
    PATTERNS = (_SESSION, _PATH, r"\d{1,3}")
    session: str
    path: str
    mask: int


@dataclass(frozen=True, slots=True)
class ChecklistBack(Callback):
    """Back to the screen the answers in `path` lead to (one answer fewer than the screen shown)."""

    PREFIX = "kb"
    PATTERNS = (_SESSION, _PATH)
    session: str
    path: str


@dataclass(frozen=True, slots=True)
class ChecklistCancel(Callback):
    PREFIX = "kc"
    PATTERNS = (_SESSION,)
    session: str


@dataclass(frozen=True, slots=True)
class ChecklistRestart(Callback):
    PREFIX = "kr"
    PATTERNS = (_SESSION,)
    session: str


@dataclass(frozen=True, slots=True)
class ChecklistSummary(Callback):
    """Send the run's answers as plain text a user can forward to their doctor (`path`: the answers)."""

    PREFIX = "ks"
    PATTERNS = (_SESSION, _PATH)
    session: str
    path: str


# --- reminders -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenReminders(Callback):
    PREFIX = "ar"


@dataclass(frozen=True, slots=True)
class AddFollowup(Callback):
    """Ask when to check in; a finished checklist run, if any, gives the check-in its reasons.
    new: below the tapped message (the checklist's advice stays on screen) rather than in its place."""

    PREFIX = "rf"
    PATTERNS = (_BOOL, _PATH)
    new: bool = False
    path: str = ""  # from the checklist's result: its answers, which the check-in follows up


@dataclass(frozen=True, slots=True)
class PickDelay(Callback):
    PREFIX = "rd"
    PATTERNS = (_TOKEN, _PATH)
    delay: str
    path: str = ""  # the checklist's answers the check-in follows up ("" for none)


@dataclass(frozen=True, slots=True)
class AddDaily(Callback):
    PREFIX = "ry"


@dataclass(frozen=True, slots=True)
class SetZone(Callback):
    PREFIX = "rz"
    PATTERNS = (r"[A-Za-z0-9_+\-/]{1,40}",)
    zone: str


@dataclass(frozen=True, slots=True)
class AskLocalTime(Callback):
    """'Tell you my time instead': one button per UTC offset."""

    PREFIX = "rt"


@dataclass(frozen=True, slots=True)
class SetOffset(Callback):
    PREFIX = "ro"
    PATTERNS = (r"-?\d{1,2}",)
    hours: int


@dataclass(frozen=True, slots=True)
class ChooseZone(Callback):
    """Open the time zone chooser (from a daily reminder that offers a real zone for a fixed
    offset, or to change the zone)."""

    PREFIX = "rzc"


@dataclass(frozen=True, slots=True)
class ShareLocation(Callback):
    """'📍 Share my location': put up the reply keyboard whose button sends the location."""

    PREFIX = "rzl"


@dataclass(frozen=True, slots=True)
class TypeCity(Callback):
    """'🔎 Type my city': the next text message is a city, country or zone name."""

    PREFIX = "rzs"


@dataclass(frozen=True, slots=True)
class KeepOffset(Callback):
    """The user insists on a fixed UTC offset (whole hours) after seeing the named zones."""

    PREFIX = "rzk"
    PATTERNS = (r"-?\d{1,2}",)
    hours: int


@dataclass(frozen=True, slots=True)
class DismissZoneOffer(Callback):
    PREFIX = "rzn"


@dataclass(frozen=True, slots=True)
class PickKind(Callback):
    PREFIX = "rk"
    PATTERNS = (_TOKEN,)
    kind: str


@dataclass(frozen=True, slots=True)
class PickTime(Callback):
    """A daily reminder's kind and local time of day, as minutes after midnight."""

    PREFIX = "rh"
    PATTERNS = (_TOKEN, r"\d{1,4}", _ID)
    kind: str
    minute: int
    replace: int = 0  # changing a daily reminder's time: the one this replaces


@dataclass(frozen=True, slots=True)
class CancelReminder(Callback):
    PREFIX = "rc"
    PATTERNS = (_ID,)
    reminder_id: int


@dataclass(frozen=True, slots=True)
class CheckinBetter(Callback):
    """A check-in answer; `path`: the checklist answers it follows ("" for a plain check-in).
    They ride in the button because the reminder's health context is erased once it is sent."""

    PREFIX = "rb"
    PATTERNS = (_ID, _PATH)
    reminder_id: int
    path: str


@dataclass(frozen=True, slots=True)
class CheckinSame(Callback):
    """A check-in answer; `path`: the checklist answers it follows ("" for a plain check-in).
    They ride in the button because the reminder's health context is erased once it is sent."""

    PREFIX = "rs"
    PATTERNS = (_ID, _PATH)
    reminder_id: int
    path: str


@dataclass(frozen=True, slots=True)
class CheckinWorse(Callback):
    """A check-in answer; `path`: the checklist answers it follows ("" for a plain check-in).
    They ride in the button because the reminder's health context is erased once it is sent."""

    PREFIX = "rw"
    PATTERNS = (_ID, _PATH)
    reminder_id: int
    path: str


@dataclass(frozen=True, slots=True)
class WorseAnswer(Callback):
    """The answer to the emergency-sign question asked after "Worse"."""

    PREFIX = "rq"
    PATTERNS = (_ID, _TOKEN, _PATH)
    reminder_id: int
    answer: str
    path: str


@dataclass(frozen=True, slots=True)
class Snooze(Callback):
    PREFIX = "rn"
    PATTERNS = (_ID, _TOKEN)
    reminder_id: int
    snooze: str


@dataclass(frozen=True, slots=True)
class StopReminders(Callback):
    """ "Stop all reminders…": asks once, naming what it would stop."""

    PREFIX = "rx"


@dataclass(frozen=True, slots=True)
class StopAllConfirmed(Callback):
    PREFIX = "rxy"


@dataclass(frozen=True, slots=True)
class KeepReminders(Callback):
    PREFIX = "rxn"


@dataclass(frozen=True, slots=True)
class StopDaily(Callback):
    """ "Stop this reminder" under a daily one: that kind at that time, nothing else (the row
    delivered is already sent; its next occurrence has a new id, so the series is named)."""

    PREFIX = "rj"
    PATTERNS = (_TOKEN, r"\d{1,4}")
    kind: str
    minute: int


@dataclass(frozen=True, slots=True)
class UndoDelete(Callback):
    """Undo a deleted (cancelled) reminder: it goes back to pending if it is still in the future."""

    PREFIX = "ru"
    PATTERNS = (_ID,)
    reminder_id: int


@dataclass(frozen=True, slots=True)
class PickHour(Callback):
    """A daily reminder at any time of day: the hour first, then the minutes (PickTime)."""

    PREFIX = "ri"
    PATTERNS = (_TOKEN, r"\d{1,2}", _ID)
    kind: str
    hour: int
    replace: int = 0


@dataclass(frozen=True, slots=True)
class ChangeDaily(Callback):
    """ "🕒 Change time" of a daily reminder: the time picker, replacing it once a time is chosen."""

    PREFIX = "rv"
    PATTERNS = (_ID,)
    reminder_id: int


@dataclass(frozen=True, slots=True)
class SetCity(Callback):
    """A city found for what the user typed: its zone, and the city kept as their place."""

    PREFIX = "rzg"
    PATTERNS = (_ID,)
    geonameid: int


@dataclass(frozen=True, slots=True)
class MoreZones(Callback):
    """The rest of a country's zones ("More…")."""

    PREFIX = "rzm"
    PATTERNS = (r"[A-Z]{2}",)
    country: str


# --- diary -----------------------------------------------------------------------------------
# The log flow keeps its draft in the buttons, not in memory: each step's buttons carry the
# answers so far and a random draft id, which the final tap saves under (UNIQUE per user), so a
# double tap, a retried update or a restart in between still makes one entry. The saved entry is
# named by that draft id too (undo, where, what), so its buttons need not wait for its row id.

_DRAFT = r"[a-z0-9]{8}"
_CHOICE = r"[a-z0-9_]{1,12}"  # a diary choice id (content/diary.py refuses longer ones)


@dataclass(frozen=True, slots=True)
class StartLog(Callback):
    """'Log a spasm': a new draft. new: below the tapped message (a check-in, a daily prompt,
    the checklist's outcome stay in the chat) rather than in its place (the menu)."""

    PREFIX = "gl"
    PATTERNS = (_BOOL,)
    new: bool = False


@dataclass(frozen=True, slots=True)
class LogWhen(Callback):
    """Change 'when' on the first step (it starts at 'now', so the common case is 3 taps)."""

    PREFIX = "gw"
    PATTERNS = (_DRAFT, _CHOICE)
    draft: str
    when: str


@dataclass(frozen=True, slots=True)
class LogDuration(Callback):
    PREFIX = "gd"
    PATTERNS = (_DRAFT, _CHOICE, _CHOICE)
    draft: str
    when: str
    duration: str


@dataclass(frozen=True, slots=True)
class LogSeverity(Callback):
    """The last required answer: saves the entry."""

    PREFIX = "gs"
    PATTERNS = (_DRAFT, _CHOICE, _CHOICE, _CHOICE)
    draft: str
    when: str
    duration: str
    severity: str


@dataclass(frozen=True, slots=True)
class LogCancel(Callback):
    PREFIX = "gc"
    PATTERNS = (_DRAFT,)
    draft: str


@dataclass(frozen=True, slots=True)
class AskWhere(Callback):
    PREFIX = "ga"
    PATTERNS = (_DRAFT,)
    draft: str


@dataclass(frozen=True, slots=True)
class SetWhere(Callback):
    PREFIX = "gp"
    PATTERNS = (_DRAFT, _CHOICE)
    draft: str
    location: str


@dataclass(frozen=True, slots=True)
class AskWhat(Callback):
    PREFIX = "gq"
    PATTERNS = (_DRAFT,)
    draft: str


@dataclass(frozen=True, slots=True)
class SetWhat(Callback):
    PREFIX = "gx"
    PATTERNS = (_DRAFT, _CHOICE)
    draft: str
    context: str


@dataclass(frozen=True, slots=True)
class ShowEntry(Callback):
    """Back to a saved entry's confirmation (the 'Done' of its optional questions)."""

    PREFIX = "gv"
    PATTERNS = (_DRAFT,)
    draft: str


@dataclass(frozen=True, slots=True)
class UndoEntry(Callback):
    PREFIX = "gu"
    PATTERNS = (_DRAFT,)
    draft: str


@dataclass(frozen=True, slots=True)
class OpenDiary(Callback):
    """The last 30 days in words and as a chart."""

    PREFIX = "gy"


@dataclass(frozen=True, slots=True)
class DoctorReport(Callback):
    """The report for the doctor, as a PDF or as text: from /diary (no session) or from a
    checklist's result (its run's session, so the report says when those answers are gone)."""

    PREFIX = "gr"
    PATTERNS = ("pdf|text", f"|{_SESSION}")
    form: str  # "pdf" or "text"
    session: str = ""


@dataclass(frozen=True, slots=True)
class ExportDiary(Callback):
    PREFIX = "ge"


@dataclass(frozen=True, slots=True)
class NoSpasmsToday(Callback):
    """The daily 'Did you have spasms today?' prompt's one-tap 'no': a spasm-free day recorded
    (`yesterday`: asked in the morning, about the day before)."""

    PREFIX = "gn"
    PATTERNS = (_BOOL,)
    yesterday: bool = False


# --- the registry ----------------------------------------------------------------------------

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


def _all_kinds() -> tuple[type[Callback], ...]:
    """Every operation defined above. (`dataclass(slots=True)` makes a second class, so the
    throw-away one is still among __subclasses__: the module's own name picks the real one.)"""
    module = globals()
    return tuple(cls for cls in Callback.__subclasses__() if module.get(cls.__name__) is cls)


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
                tuple(
                    int if f.type in ("int", int) else _bool if f.type in ("bool", bool) else str for f in fields(cls)
                ),
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


# The operations of this module: the content checks' codec (and the tests').
CODEC = Codec(_all_kinds())
KINDS = CODEC.kinds
parse = CODEC.parse


# --- content checks --------------------------------------------------------------------------


def all_static_callbacks(content: Content) -> Iterator[Callback]:
    """Every callback whose value depends on content, at its longest."""
    longest = max(content.pages, key=len)
    for page_id in content.pages:
        yield Nav(page_id)
        yield NavFrom(page_id, longest)
        yield NavResult(page_id)
        yield Vote(page_id, helpful=True)
    for lang in content.languages:
        yield SetLang(lang)
    longest = "y" * 16
    for choice in ("ff", "y"):
        yield Step("x" * 12, longest, choice)
    yield ContextTick("x" * 12, longest, 255)
    yield ChecklistBack("x" * 12, longest)
    yield ChecklistSummary("x" * 12, longest)
    yield AddFollowup(True, longest)
    for delay in content.reminders.followup_delays:
        yield PickDelay(delay.id, longest)
    for snooze in content.reminders.snoozes:
        yield Snooze(10**12 - 1, snooze.id)
    yield CheckinBetter(10**12 - 1, longest)
    yield CheckinSame(10**12 - 1, longest)
    yield CheckinWorse(10**12 - 1, longest)
    for answer in ("yes", "no", "unsure"):
        yield WorseAnswer(10**12 - 1, answer, longest)
    for kind in content.reminders.daily_kinds:
        yield PickKind(kind)
        yield PickTime(kind, 23 * 60 + 59)
    for tz in content.reminders.timezones:
        yield SetZone(tz)
    fields = content.diary.fields
    for when in fields["when"].choices:
        for duration in fields["duration"].choices:
            for severity in fields["severity"].choices:
                yield LogSeverity("x" * 8, when, duration, severity)
    for location in fields["location"].choices:
        yield SetWhere("x" * 8, location)
    for context in fields["context"].choices:
        yield SetWhat("x" * 8, context)


def content_problems(content: Content) -> list[Problem]:
    """Content that no button could carry: over Telegram's 64 bytes, or refused by `parse`."""
    problems = []
    for callback in all_static_callbacks(content):
        data = callback.encode()
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            problems.append(Problem("pages.yaml", None, f"callback data {data!r} is over {MAX_CALLBACK_BYTES} bytes"))
        elif parse(data) != callback:
            problems.append(Problem("pages.yaml", None, f"{data!r} is not a valid name for a button"))
    for name in sorted(ACTIONS - ACTION_CALLBACKS.keys()):  # pragma: no cover - a code change
        problems.append(Problem("pages.yaml", None, f"action @{name} opens nothing"))
    return problems
