"""The user's local time when they have not told us their time zone yet.

Greenwich time was wrong for nearly everyone: an Italian logging a spasm "just now" at 00:07
had it saved on the previous day. Until a zone is set, the zone the user's language suggests
(reminders.yaml `guess_zones`: it -> Europe/Rome) is used, and every place that shows a time
says it was guessed and offers to set the real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from content.model import Content


@dataclass(frozen=True, slots=True)
class LocalZone:
    zone: str | None  # None: neither set nor guessable (times are then Greenwich time)
    guessed: bool  # True: from the language, not from the user


def zone_for(content: Content, lang: str, zone: str | None) -> LocalZone:
    if zone:
        return LocalZone(zone, guessed=False)
    guess = content.reminders.guess_zones.get(lang)
    return LocalZone(guess, guessed=guess is not None)


def local_day(ts: float, zone: LocalZone) -> date:
    """The calendar day `ts` falls on for the user (a diary entry's day)."""
    return datetime.fromtimestamp(ts, ZoneInfo(zone.zone or "UTC")).date()
