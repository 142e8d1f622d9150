"""The reminders' own operations (its entries, OpenReminders, AddFollowup and PickKind, which
the checklist and the diary build too, are in bot/ui/callbacks.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.ui.callbacks import ID, LONGEST_PATH, PATH, TOKEN, AddFollowup, Callback, PickKind
from content.model import Content


@dataclass(frozen=True, slots=True)
class PickDelay(Callback):
    PREFIX = "rd"
    PATTERNS = (TOKEN, PATH)
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
class PickTime(Callback):
    """A daily reminder's kind and local time of day, as minutes after midnight."""

    PREFIX = "rh"
    PATTERNS = (TOKEN, r"\d{1,4}", ID)
    kind: str
    minute: int
    replace: int = 0  # changing a daily reminder's time: the one this replaces


@dataclass(frozen=True, slots=True)
class CancelReminder(Callback):
    PREFIX = "rc"
    PATTERNS = (ID,)
    reminder_id: int


@dataclass(frozen=True, slots=True)
class CheckinBetter(Callback):
    """A check-in answer; `path`: the checklist answers it follows ("" for a plain check-in).
    They ride in the button because the reminder's health context is erased once it is sent."""

    PREFIX = "rb"
    PATTERNS = (ID, PATH)
    reminder_id: int
    path: str


@dataclass(frozen=True, slots=True)
class CheckinSame(Callback):
    """A check-in answer; `path`: the checklist answers it follows ("" for a plain check-in).
    They ride in the button because the reminder's health context is erased once it is sent."""

    PREFIX = "rs"
    PATTERNS = (ID, PATH)
    reminder_id: int
    path: str


@dataclass(frozen=True, slots=True)
class CheckinWorse(Callback):
    """A check-in answer; `path`: the checklist answers it follows ("" for a plain check-in).
    They ride in the button because the reminder's health context is erased once it is sent."""

    PREFIX = "rw"
    PATTERNS = (ID, PATH)
    reminder_id: int
    path: str


@dataclass(frozen=True, slots=True)
class WorseAnswer(Callback):
    """The answer to the emergency-sign question asked after "Worse"."""

    PREFIX = "rq"
    PATTERNS = (ID, TOKEN, PATH)
    reminder_id: int
    answer: str
    path: str


@dataclass(frozen=True, slots=True)
class Snooze(Callback):
    PREFIX = "rn"
    PATTERNS = (ID, TOKEN)
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
    PATTERNS = (TOKEN, r"\d{1,4}")
    kind: str
    minute: int


@dataclass(frozen=True, slots=True)
class UndoDelete(Callback):
    """Undo a deleted (cancelled) reminder: it goes back to pending if it is still in the future."""

    PREFIX = "ru"
    PATTERNS = (ID,)
    reminder_id: int


@dataclass(frozen=True, slots=True)
class PickHour(Callback):
    """A daily reminder at any time of day: the hour first, then the minutes (PickTime)."""

    PREFIX = "ri"
    PATTERNS = (TOKEN, r"\d{1,2}", ID)
    kind: str
    hour: int
    replace: int = 0


@dataclass(frozen=True, slots=True)
class ChangeDaily(Callback):
    """ "🕒 Change time" of a daily reminder: the time picker, replacing it once a time is chosen."""

    PREFIX = "rv"
    PATTERNS = (ID,)
    reminder_id: int


@dataclass(frozen=True, slots=True)
class SetCity(Callback):
    """A city found for what the user typed: its zone, and the city kept as their place."""

    PREFIX = "rzg"
    PATTERNS = (ID,)
    geonameid: int


@dataclass(frozen=True, slots=True)
class MoreZones(Callback):
    """The rest of a country's zones ("More…")."""

    PREFIX = "rzm"
    PATTERNS = (r"[A-Z]{2}",)
    country: str


def static_callbacks(content: Content) -> Iterator[Callback]:
    """The reminders' buttons whose data depends on content, at their longest."""
    yield AddFollowup(True, LONGEST_PATH)
    for delay in content.reminders.followup_delays:
        yield PickDelay(delay.id, LONGEST_PATH)
    for snooze in content.reminders.snoozes:
        yield Snooze(10**12 - 1, snooze.id)
    yield CheckinBetter(10**12 - 1, LONGEST_PATH)
    yield CheckinSame(10**12 - 1, LONGEST_PATH)
    yield CheckinWorse(10**12 - 1, LONGEST_PATH)
    for answer in ("yes", "no", "unsure"):
        yield WorseAnswer(10**12 - 1, answer, LONGEST_PATH)
    for kind in content.reminders.daily_kinds:
        yield PickKind(kind)
        yield PickTime(kind, 23 * 60 + 59)
    for tz in content.reminders.timezones:
        yield SetZone(tz)
