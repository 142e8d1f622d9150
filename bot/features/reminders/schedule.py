"""The schedule maths of daily reminders: local wall-clock times, right across DST."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def next_daily(after: float, hhmm: str, timezone: str) -> int:
    """The first local HH:MM strictly after `after`, as UTC seconds (right across DST)."""
    zone = ZoneInfo(timezone)
    hour, minute = (int(x) for x in hhmm.split(":"))
    local = datetime.fromtimestamp(after, zone)
    for days in range(3):
        day = local.date() + timedelta(days=days)
        candidate = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
        if candidate.timestamp() > after:
            return int(candidate.timestamp())
    raise AssertionError("a local time recurs within three days")
