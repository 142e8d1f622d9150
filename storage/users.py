"""Users: who they are to us is a Telegram id, a language, a time zone and two dates."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace

from storage.tables import Rows, Table


@dataclass(frozen=True, slots=True)
class User:
    user_id: int
    language: str | None
    timezone: str | None
    active: bool
    first_seen: int
    last_seen: int
    resumed: int = 0  # set by touch(): paused reminders it just put back to pending


def _row(row: sqlite3.Row | None) -> User | None:
    if row is None:
        return None
    return User(
        row["user_id"],
        row["language"],
        row["timezone"],
        bool(row["active"]),
        row["first_seen"],
        row["last_seen"],
    )


def touch(conn: sqlite3.Connection, user_id: int, now: int) -> User:
    """Record that the user was seen; reactivate them and resume their paused reminders."""
    before = conn.execute("SELECT active FROM users WHERE user_id = ?", (user_id,)).fetchone()
    row = conn.execute(
        """
        INSERT INTO users (user_id, first_seen, last_seen) VALUES (?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET last_seen = excluded.last_seen,
            active = 1, inactive_since = NULL
        RETURNING *
        """,
        (user_id, now, now),
    ).fetchone()
    resumed = 0
    if before is not None and not before["active"]:
        # They are back (unblocked the bot or sent /start): their paused reminders resume.
        resumed = conn.execute(
            "UPDATE reminders SET status = 'pending' WHERE user_id = ? AND status = 'paused'",
            (user_id,),
        ).rowcount
    user = _row(row)
    assert user is not None
    return replace(user, resumed=resumed) if resumed else user


def get(conn: sqlite3.Connection, user_id: int) -> User | None:
    return _row(conn.execute("SELECT * FROM users WHERE user_id = ?", (user_id,)).fetchone())


def set_language(conn: sqlite3.Connection, user_id: int, language: str, now: int) -> None:
    conn.execute(
        """
        INSERT INTO users (user_id, language, first_seen, last_seen) VALUES (?, ?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET language = excluded.language
        """,
        (user_id, language, now, now),
    )


def set_timezone(conn: sqlite3.Connection, user_id: int, timezone: str, now: int) -> None:
    conn.execute(
        """
        INSERT INTO users (user_id, timezone, first_seen, last_seen) VALUES (?, ?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET timezone = excluded.timezone
        """,
        (user_id, timezone, now, now),
    )


def deactivate(conn: sqlite3.Connection, user_id: int, now: int) -> None:
    """The user blocked the bot: stop sending, keep their reminders paused."""
    conn.execute(
        "UPDATE users SET active = 0, inactive_since = COALESCE(inactive_since, ?) WHERE user_id = ?",
        (now, user_id),
    )
    conn.execute(
        "UPDATE reminders SET status = 'paused' WHERE user_id = ? AND status IN ('pending', 'sending')",
        (user_id,),
    )


def erase(conn: sqlite3.Connection, user_id: int, tables: Sequence[Table]) -> int:
    """Delete every row about the user: each feature's table first, then the user."""
    for table in tables:
        table.erase(conn, user_id)
    return conn.execute("DELETE FROM users WHERE user_id = ?", (user_id,)).rowcount


def purge_inactive(conn: sqlite3.Connection, before: int, tables: Sequence[Table]) -> int:
    """Erase users who blocked the bot before `before` (retention period)."""
    ids = [r[0] for r in conn.execute("SELECT user_id FROM users WHERE active = 0 AND inactive_since < ?", (before,))]
    for user_id in ids:
        erase(conn, user_id, tables)
    return len(ids)


def export(conn: sqlite3.Connection, user_id: int, tables: Sequence[Table]) -> dict[str, Rows]:
    """Every row about the user, table by table, for /mydata."""
    rows = conn.execute("SELECT * FROM users WHERE user_id = ?", (user_id,)).fetchall()
    out: dict[str, Rows] = {"users": [dict(r) for r in rows]}
    for table in tables:
        out[table.name] = table.export(conn, user_id)
    return out
