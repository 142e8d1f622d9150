"""Dates and times as prose shows them, in the user's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def zone_of(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (KeyError, ValueError):
        return None


def format_when(ts: float, timezone: str | None) -> str:
    zone = zone_of(timezone)
    if zone is None:
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return datetime.fromtimestamp(ts, zone).strftime("%Y-%m-%d %H:%M")


def format_date(ts: float, timezone: str | None) -> str:
    zone = zone_of(timezone) or UTC
    return datetime.fromtimestamp(ts, zone).strftime("%Y-%m-%d")
