"""The spasm diary: one row per episode a user logged.

An episode is kept by the user's *local date* (the log flow asks "now / earlier today /
yesterday", a day, not an instant), so every read is a range of ISO dates, which sort as text,
over the index (user_id, day). Each function is a unit of work for `Database.run`/`read`.

Health data: rows live DIARY_RETENTION_DAYS (`purge`), are shown by /mydata (`export`) and
erased by /delete_my_data (`erase`, with the database's secure_delete and a WAL checkpoint).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

WHENS = ("now", "today", "yesterday")
DURATIONS = ("lt1", "m1_10", "m10_60", "gt60")
LONG_DURATIONS = ("m10_60", "gt60")  # "lasted over 10 minutes"
SEVERITIES = ("mild", "moderate", "severe")
LOCATIONS = ("calf", "foot", "thigh", "back", "neck", "hand", "other")
CONTEXTS = ("exercise", "night", "heat", "other")


# Declared by the diary feature's table (storage/tables.py); applied in name order.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0005_diary_entries",
        """
        -- The spasm diary: health data, kept DIARY_RETENTION_DAYS and erased with the user.
        CREATE TABLE diary_entries (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
            day TEXT NOT NULL,                  -- the user's local date of the episode, YYYY-MM-DD
            at_when TEXT NOT NULL,              -- now | today | yesterday, as the user chose
            duration TEXT NOT NULL,             -- lt1 | m1_10 | m10_60 | gt60
            severity TEXT NOT NULL,             -- mild | moderate | severe
            location TEXT,                      -- optional: calf, foot, ...
            context TEXT,                       -- optional: exercise, night, ...
            token TEXT NOT NULL,                -- the log flow's draft id: a double tap adds nothing
            logged_at INTEGER NOT NULL,         -- unix seconds, UTC
            UNIQUE (user_id, token)
        );
        -- Every read is one user's date range (summary, chart, export, check-in comparison).
        CREATE INDEX diary_user_day ON diary_entries(user_id, day);
        -- Retention purges by date across all users.
        CREATE INDEX diary_day ON diary_entries(day);
        """,
    ),
)


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    user_id: int
    day: date
    when: str
    duration: str
    severity: str
    location: str | None
    context: str | None
    logged_at: int
    token: str = ""  # the log flow's draft id, which the bot's buttons name the entry by


@dataclass(frozen=True, slots=True)
class DayCount:
    """How many episodes of one (day, duration, severity): the rows a summary is made of."""

    day: date
    duration: str
    severity: str
    count: int


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(
        row["id"],
        row["user_id"],
        date.fromisoformat(row["day"]),
        row["at_when"],
        row["duration"],
        row["severity"],
        row["location"],
        row["context"],
        row["logged_at"],
        row["token"],
    )


def add(
    conn: sqlite3.Connection,
    *,
    user_id: int,
    day: date,
    when: str,
    duration: str,
    severity: str,
    token: str,
    now: int,
    location: str | None = None,
    context: str | None = None,
) -> tuple[int, bool]:
    """Save an episode; (its id, True) or, when this draft token was saved already (a double
    tap, a retried update), (the existing entry's id, False): one entry, never two."""
    if when not in WHENS or duration not in DURATIONS or severity not in SEVERITIES:
        raise ValueError(f"not a diary choice: {when!r} {duration!r} {severity!r}")
    if location is not None and location not in LOCATIONS:
        raise ValueError(f"not a diary location: {location!r}")
    if context is not None and context not in CONTEXTS:
        raise ValueError(f"not a diary context: {context!r}")
    conn.execute(
        "INSERT INTO users (user_id, first_seen, last_seen) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (user_id, now, now),
    )
    row = conn.execute(
        """
        INSERT INTO diary_entries
            (user_id, day, at_when, duration, severity, location, context, token, logged_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (user_id, token) DO NOTHING
        RETURNING id
        """,
        (user_id, day.isoformat(), when, duration, severity, location, context, token, now),
    ).fetchone()
    if row is not None:
        return int(row[0]), True
    existing = conn.execute("SELECT id FROM diary_entries WHERE user_id = ? AND token = ?", (user_id, token)).fetchone()
    return int(existing[0]), False


def set_details(
    conn: sqlite3.Connection,
    user_id: int,
    entry_id: int,
    *,
    location: str | None = None,
    context: str | None = None,
) -> bool:
    """The optional taps after saving: where, and what was going on. False: no such entry."""
    if location is not None and location not in LOCATIONS:
        raise ValueError(f"not a diary location: {location!r}")
    if context is not None and context not in CONTEXTS:
        raise ValueError(f"not a diary context: {context!r}")
    cur = conn.execute(
        "UPDATE diary_entries SET location = COALESCE(?, location), context = COALESCE(?, context) "
        "WHERE id = ? AND user_id = ?",
        (location, context, entry_id, user_id),
    )
    return cur.rowcount > 0


def by_token(conn: sqlite3.Connection, user_id: int, token: str) -> Entry | None:
    """The entry a log flow saved under its draft id (the bot's buttons name entries so)."""
    row = conn.execute("SELECT * FROM diary_entries WHERE user_id = ? AND token = ?", (user_id, token)).fetchone()
    return _entry(row) if row else None


def set_details_by_token(
    conn: sqlite3.Connection, user_id: int, token: str, *, location: str | None = None, context: str | None = None
) -> bool:
    row = conn.execute("SELECT id FROM diary_entries WHERE user_id = ? AND token = ?", (user_id, token)).fetchone()
    return row is not None and set_details(conn, user_id, int(row[0]), location=location, context=context)


def undo_by_token(conn: sqlite3.Connection, user_id: int, token: str) -> bool:
    cur = conn.execute("DELETE FROM diary_entries WHERE user_id = ? AND token = ?", (user_id, token))
    return cur.rowcount > 0


def get(conn: sqlite3.Connection, user_id: int, entry_id: int) -> Entry | None:
    """An entry, only for its owner (a forged button with someone else's id finds nothing)."""
    row = conn.execute("SELECT * FROM diary_entries WHERE id = ? AND user_id = ?", (entry_id, user_id)).fetchone()
    return _entry(row) if row else None


def undo(conn: sqlite3.Connection, user_id: int, entry_id: int) -> bool:
    """Delete a mistaken entry; only its owner can. False: already gone (a second tap)."""
    cur = conn.execute("DELETE FROM diary_entries WHERE id = ? AND user_id = ?", (entry_id, user_id))
    return cur.rowcount > 0


def day_counts(conn: sqlite3.Connection, user_id: int, first: date, last: date) -> list[DayCount]:
    """Episodes per (day, duration, severity) from `first` to `last` inclusive.

    Grouped in SQL: 1,000 entries in 60 days come back as at most 60 x 4 x 3 small rows, and the
    maths on them (bot.services.diary_summary) is pure."""
    rows = conn.execute(
        """
        SELECT day, duration, severity, COUNT(*) FROM diary_entries
        WHERE user_id = ? AND day BETWEEN ? AND ?
        GROUP BY day, duration, severity ORDER BY day
        """,
        (user_id, first.isoformat(), last.isoformat()),
    ).fetchall()
    return [DayCount(date.fromisoformat(r[0]), r[1], r[2], int(r[3])) for r in rows]


def count_between(conn: sqlite3.Connection, user_id: int, first: date, last: date) -> tuple[int, int]:
    """(episodes, of which lasted over 10 minutes) from `first` to `last` inclusive."""
    row = conn.execute(
        f"""
        SELECT COUNT(*), COALESCE(SUM(duration IN {LONG_DURATIONS!r}), 0) FROM diary_entries
        WHERE user_id = ? AND day BETWEEN ? AND ?
        """,  # noqa: S608 - LONG_DURATIONS is a constant tuple of our own codes
        (user_id, first.isoformat(), last.isoformat()),
    ).fetchone()
    return int(row[0]), int(row[1])


def count_logged(conn: sqlite3.Connection, user_id: int, start: int, end: int) -> int:
    """Entries the user logged from `start` (inclusive) to `end` (exclusive), unix seconds: what
    a check-in means by "since we last spoke", whatever day each episode is filed under."""
    row = conn.execute(
        "SELECT COUNT(*) FROM diary_entries WHERE user_id = ? AND logged_at >= ? AND logged_at < ?",
        (user_id, start, end),
    ).fetchone()
    return int(row[0])


def totals(conn: sqlite3.Connection, user_id: int, first: date, last: date) -> tuple[int, int, int]:
    """(episodes, lasted over 10 minutes, severe) from `first` to `last` inclusive."""
    row = conn.execute(
        f"""
        SELECT COUNT(*), COALESCE(SUM(duration IN {LONG_DURATIONS!r}), 0),
               COALESCE(SUM(severity = 'severe'), 0)
        FROM diary_entries WHERE user_id = ? AND day BETWEEN ? AND ?
        """,  # noqa: S608 - LONG_DURATIONS is a constant tuple of our own codes
        (user_id, first.isoformat(), last.isoformat()),
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def page(conn: sqlite3.Connection, user_id: int, after: tuple[str, int] | None, limit: int) -> list[Entry]:
    """Up to `limit` of the user's entries in (day, id) order after the key `after`.

    Keyset paging: the CSV export reads one page per database call and writes it out before
    asking for the next, so neither the rows nor the file are ever all in memory, and other
    users' queries run between pages."""
    if after is None:
        rows = conn.execute(
            "SELECT * FROM diary_entries WHERE user_id = ? ORDER BY day, id LIMIT ?", (user_id, limit)
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT * FROM diary_entries WHERE user_id = ? AND (day, id) > (?, ?) ORDER BY day, id LIMIT ?",
            (user_id, after[0], after[1], limit),
        ).fetchall()
    return [_entry(r) for r in rows]


def iter_entries(conn: sqlite3.Connection, user_id: int, batch: int = 500) -> Iterator[Entry]:
    """Every entry of the user, oldest first, read `batch` rows at a time (for one-thread use:
    a script, a test; the bot pages with `page` so the database thread is not held)."""
    after: tuple[str, int] | None = None
    while True:
        rows = page(conn, user_id, after, batch)
        yield from rows
        if len(rows) < batch:
            return
        after = (rows[-1].day.isoformat(), rows[-1].id)


def total(conn: sqlite3.Connection, user_id: int) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM diary_entries WHERE user_id = ?", (user_id,)).fetchone()[0])


def first_day(conn: sqlite3.Connection, user_id: int) -> date | None:
    row = conn.execute("SELECT MIN(day) FROM diary_entries WHERE user_id = ?", (user_id,)).fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


def latest(conn: sqlite3.Connection, user_id: int, first: date, last: date, limit: int) -> tuple[list[Entry], int]:
    """The newest `limit` entries from `first` to `last` inclusive (newest first), and how many
    there are in all: the doctor's report's table."""
    rows = conn.execute(
        "SELECT * FROM diary_entries WHERE user_id = ? AND day BETWEEN ? AND ? ORDER BY day DESC, id DESC LIMIT ?",
        (user_id, first.isoformat(), last.isoformat(), limit),
    ).fetchall()
    (count,) = conn.execute(
        "SELECT COUNT(*) FROM diary_entries WHERE user_id = ? AND day BETWEEN ? AND ?",
        (user_id, first.isoformat(), last.isoformat()),
    ).fetchone()
    return [_entry(r) for r in rows], int(count)


def purge(conn: sqlite3.Connection, before: date) -> int:
    """Retention: forget every episode dated before `before` (DIARY_RETENTION_DAYS ago)."""
    return conn.execute("DELETE FROM diary_entries WHERE day < ?", (before.isoformat(),)).rowcount


# What /mydata shows of an entry (the draft token is ours, not theirs).
EXPORTED = "id, day, at_when, duration, severity, location, context, logged_at"
