"""The reminders' own operations (its entries, OpenReminders, AddFollowup and PickKind, which
the checklist and the diary build too, are in bot/ui/callbacks.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from bot.ui.callbacks import LONGEST_PATH, AddFollowup, Callback, Path, PickKind, Wire
from content.model import Content

ZoneName = Annotated[str, Wire(r"[A-Za-z0-9_+\-/]{1,40}")]  # an IANA zone name
Offset = Annotated[int, Wire(r"-?\d{1,2}")]  # whole hours from UTC
Hour = Annotated[int, Wire(r"\d{1,2}")]
Minute = Annotated[int, Wire(r"\d{1,4}")]  # of the day: minutes after midnight
Country = Annotated[str, Wire(r"[A-Z]{2}")]  # ISO 3166 alpha-2


class _OfReminder(Callback):
    reminder_id: int


class _Checkin(_OfReminder):
    """A check-in answer; `path`: the checklist answers it follows ("" for a plain check-in).
    They ride in the button because the reminder's health context is erased once it is sent."""

    path: Path


class PickDelay(Callback, prefix="rd"):
    """When the follow-up check-in comes (content's `followup_delays`)."""

    delay: str
    path: Path = ""  # the checklist's answers the check-in follows up ("" for none)


class AddDaily(Callback, prefix="ry"):
    """A daily reminder: its kind next (PickKind)."""


class SetZone(Callback, prefix="rz"):
    """The user's time zone, by name."""

    zone: ZoneName


class AskLocalTime(Callback, prefix="rt"):
    """'Tell you my time instead': one button per UTC offset."""


class SetOffset(Callback, prefix="ro"):
    """The user's local time, picked as a whole-hour offset from UTC: named zones offered."""

    hours: Offset


class ChooseZone(Callback, prefix="rzc"):
    """Open the time zone chooser (from a daily reminder that offers a real zone for a fixed
    offset, or to change the zone)."""


class ShareLocation(Callback, prefix="rzl"):
    """'📍 Share my location': put up the reply keyboard whose button sends the location."""


class TypeCity(Callback, prefix="rzs"):
    """'🔎 Type my city': the next text message is a city, country or zone name."""


class KeepOffset(Callback, prefix="rzk"):
    """The user insists on a fixed UTC offset (whole hours) after seeing the named zones."""

    hours: Offset


class DismissZoneOffer(Callback, prefix="rzn"):
    """ "Not now" to the offer of a named zone for a fixed offset."""


class PickHour(Callback, prefix="ri"):
    """A daily reminder at any time of day: the hour first, then the minutes (PickTime)."""

    kind: str
    hour: Hour
    replace: int = 0


class PickTime(Callback, prefix="rh"):
    """A daily reminder's kind and local time of day, as minutes after midnight."""

    kind: str
    minute: Minute
    replace: int = 0  # changing a daily reminder's time: the one this replaces


class ChangeDaily(_OfReminder, prefix="rv"):
    """ "🕒 Change time" of a daily reminder: the time picker, replacing it once a time is chosen."""


class CancelReminder(_OfReminder, prefix="rc"):
    """Delete one reminder (Undo is offered)."""


class UndoDelete(_OfReminder, prefix="ru"):
    """Undo a deleted (cancelled) reminder: it goes back to pending if it is still in the future."""


class CheckinBetter(_Checkin, prefix="rb"):
    """ "Better": the check-in's advice for an improving course."""


class CheckinSame(_Checkin, prefix="rs"):
    """ "About the same": the check-in's advice, following the earlier outcome."""


class CheckinWorse(_Checkin, prefix="rw"):
    """ "Worse": one question about emergency signs first (WorseAnswer)."""


class WorseAnswer(_OfReminder, prefix="rq"):
    """The answer to the emergency-sign question asked after "Worse"."""

    answer: str
    path: Path


class Snooze(_OfReminder, prefix="rn"):
    """Send the reminder again later (content's `snoozes`)."""

    snooze: str


class StopReminders(Callback, prefix="rx"):
    """ "Stop all reminders…": asks once, naming what it would stop."""


class StopAllConfirmed(Callback, prefix="rxy"):
    """ "Stop all reminders…" confirmed."""


class KeepReminders(Callback, prefix="rxn"):
    """ "Stop all reminders…" declined: nothing stops."""


class StopDaily(Callback, prefix="rj"):
    """ "Stop this reminder" under a daily one: that kind at that time, nothing else (the row
    delivered is already sent; its next occurrence has a new id, so the series is named)."""

    kind: str
    minute: Minute


class SetCity(Callback, prefix="rzg"):
    """A city found for what the user typed: its zone, and the city kept as their place."""

    geonameid: int


class MoreZones(Callback, prefix="rzm"):
    """The rest of a country's zones ("More…")."""

    country: Country


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
