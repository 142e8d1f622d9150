"""Anonymous counters and page feedback: aggregate numbers only, never who."""

from __future__ import annotations

import json
import sqlite3


def bump(conn: sqlite3.Connection, name: str, by: int = 1) -> None:
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


def snapshot(conn: sqlite3.Connection, now: int) -> dict[str, object]:
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
    return {
        "users": users,
        "active_7d": active_week,
        "counters": counters,
        "reminders": reminders,
        "least_helpful": [tuple(r) for r in least],
    }
