"""Anonymous counters and page feedback: aggregate numbers only, never who."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from enum import StrEnum


class Count(StrEnum):
    """A counter with a fixed name: what features bump and /stats reads, one spelling."""

    CHECKLIST_STARTED = "checklist_started"
    CHECKLIST_FINISHED = "checklist_finished"
    CHECKIN_BETTER = "checkin_better"
    CHECKIN_SAME = "checkin_same"
    CHECKIN_WORSE = "checkin_worse"
    CHECKIN_WORSE_EMERGENCY = "checkin_worse_emergency"
    SAFETY_NOTICES_SENT = "safety_notices_sent"  # corrections sent (storage/safety_notices.py)


class Family(StrEnum):
    """Counters with one member per key (an outcome id, a deep link target, a page)."""

    OUTCOME = "outcome"
    DEEPLINK = "deeplink"
    SHARE = "share"

    def of(self, key: str) -> str:
        """The stored counter name of `key` in this family."""
        return f"{self.value}_{key}"


# The check-in answers, in the order /stats lists them.
CHECKINS = (Count.CHECKIN_BETTER, Count.CHECKIN_SAME, Count.CHECKIN_WORSE, Count.CHECKIN_WORSE_EMERGENCY)


@dataclass(frozen=True, slots=True)
class Snapshot:
    users: int
    active_7d: int
    counts: dict[Count, int]
    families: dict[Family, dict[str, int]]  # family -> key -> count
    reminders: dict[str, int]  # status -> rows
    least_helpful: list[tuple[str, str, int, int]]  # page, language, helpful, not helpful


def bump(conn: sqlite3.Connection, name: str, by: int = 1) -> None:
    """`name` is a Count or a Family's `of(key)`."""
    conn.execute(
        "INSERT INTO counters (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
        (name, by),
    )


def bump_many(conn: sqlite3.Connection, counts: dict[str, int]) -> None:
    """bump() for several counters in one statement (see checklists.save_many for why)."""
    conn.execute(
        "INSERT INTO counters (name, value) SELECT key, value FROM json_each(?) WHERE true "
        "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
        (json.dumps(counts),),
    )


def vote(conn: sqlite3.Connection, page_id: str, language: str, helpful: bool) -> None:
    column = "helpful" if helpful else "not_helpful"
    conn.execute(
        f"INSERT INTO page_feedback (page_id, language, {column}) VALUES (?, ?, 1) "  # noqa: S608
        f"ON CONFLICT (page_id, language) DO UPDATE SET {column} = {column} + 1",
        (page_id, language),
    )


def _classify(stored: dict[str, int]) -> tuple[dict[Count, int], dict[Family, dict[str, int]]]:
    """Stored names back to typed counters: the only place that reads a name's shape."""
    counts = {count: stored.get(count.value, 0) for count in Count}
    families: dict[Family, dict[str, int]] = {family: {} for family in Family}
    for name, value in stored.items():
        if name in Count.__members__.values():
            continue
        for family in Family:
            if name.startswith(family.value + "_"):
                families[family][name.removeprefix(family.value + "_")] = value
                break
    return counts, families


def snapshot(conn: sqlite3.Connection, now: int) -> Snapshot:
    week_ago = now - 7 * 86400
    users, active_week = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(last_seen >= ?), 0) FROM users", (week_ago,)
    ).fetchone()
    counters = dict(conn.execute("SELECT name, value FROM counters ORDER BY name").fetchall())
    reminders = dict(conn.execute("SELECT status, COUNT(*) FROM reminders GROUP BY status").fetchall())
    least = conn.execute(
        "SELECT page_id, language, helpful, not_helpful FROM page_feedback "
        "WHERE helpful + not_helpful > 0 "
        "ORDER BY CAST(helpful AS REAL) / (helpful + not_helpful), not_helpful DESC LIMIT 3"
    ).fetchall()
    counts, families = _classify(counters)
    return Snapshot(users, active_week, counts, families, reminders, [tuple(r) for r in least])
