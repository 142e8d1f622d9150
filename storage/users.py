"""Users: who they are to us is a Telegram id, a language, a time zone and two dates."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace

from storage import diary


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


def erase(conn: sqlite3.Connection, user_id: int) -> int:
    """Delete every row about the user (reminders, checklist and diary go by cascade too)."""
    conn.execute("DELETE FROM reminders WHERE user_id = ?", (user_id,))
    diary.erase(conn, user_id)
    conn.execute("DELETE FROM checklist_sessions WHERE user_id = ?", (user_id,))
    return conn.execute("DELETE FROM users WHERE user_id = ?", (user_id,)).rowcount


def purge_inactive(conn: sqlite3.Connection, before: int) -> int:
    """Erase users who blocked the bot before `before` (retention period)."""
    ids = [r[0] for r in conn.execute("SELECT user_id FROM users WHERE active = 0 AND inactive_since < ?", (before,))]
    for user_id in ids:
        erase(conn, user_id)
    return len(ids)


def export(conn: sqlite3.Connection, user_id: int) -> dict[str, list[dict[str, object]]]:
    """Every row about the user, table by table, for /mydata."""
    out: dict[str, list[dict[str, object]]] = {}
    for table in ("users", "checklist_sessions", "reminders"):
        rows = conn.execute(f"SELECT * FROM {table} WHERE user_id = ?", (user_id,)).fetchall()  # noqa: S608
        out[table] = [dict(r) for r in rows]
    out["diary_entries"] = diary.export(conn, user_id)
    return out
