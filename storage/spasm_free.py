"""Spasm-free days: "No spasms today" is a record, so a day without spasms is told apart from a
day the user forgot to log. One row per user and local day; health data like the diary's entries
(erased with the user, kept as long as the diary, shown in /mydata)."""

from __future__ import annotations

import sqlite3

TABLE = "diary_free_days"
MIGRATION = (
    "0006_diary_free_days",
    """
    CREATE TABLE diary_free_days (
        user_id INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        day TEXT NOT NULL,                  -- the user's local date, YYYY-MM-DD
        recorded_at INTEGER NOT NULL,       -- unix seconds, UTC
        PRIMARY KEY (user_id, day)
    ) WITHOUT ROWID;
    """,
)


def record(conn: sqlite3.Connection, user_id: int, day: str, now: int) -> bool:
    """Mark `day` spasm-free; False if it already was (a second tap adds nothing)."""
    conn.execute(
        "INSERT INTO users (user_id, first_seen, last_seen) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (user_id, now, now),
    )
    cur = conn.execute(
        "INSERT INTO diary_free_days (user_id, day, recorded_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (user_id, day, now),
    )
    return cur.rowcount > 0


def days(conn: sqlite3.Connection, user_id: int, first: str, last: str) -> list[str]:
    """The spasm-free days between two local dates (inclusive), oldest first."""
    rows = conn.execute(
        "SELECT day FROM diary_free_days WHERE user_id = ? AND day BETWEEN ? AND ? ORDER BY day",
        (user_id, first, last),
    ).fetchall()
    return [str(r[0]) for r in rows]


def export(conn: sqlite3.Connection, user_id: int) -> list[dict[str, object]]:
    rows = conn.execute(
        "SELECT day, recorded_at FROM diary_free_days WHERE user_id = ? ORDER BY day", (user_id,)
    ).fetchall()
    return [{"day": r[0], "recorded_at": r[1]} for r in rows]


def purge_before(conn: sqlite3.Connection, day: str) -> int:
    """Retention: the same as the diary's entries (DIARY_RETENTION_DAYS)."""
    return conn.execute("DELETE FROM diary_free_days WHERE day < ?", (day,)).rowcount
