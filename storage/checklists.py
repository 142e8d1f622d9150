"""Checklist runs in progress: one row per user, deleted when it ends or goes idle."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

# A run idle this long ends and its answers are deleted (the checklist's chore); a finished one is
# kept no longer for its report and reminder.
IDLE_SECONDS = 30 * 60

# Declared by the checklist feature's table (storage/tables.py); applied in name order.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0002_checklist_sessions",
        """
        CREATE TABLE checklist_sessions (
            user_id INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
            session TEXT NOT NULL,              -- random id carried by this run's buttons
            chat_id INTEGER NOT NULL,
            message_id INTEGER,                 -- the message the checklist edits in place
            language TEXT NOT NULL,
            answers TEXT NOT NULL DEFAULT '[]', -- JSON [[question, answer], ...] in order
            outcome TEXT,                       -- set once finished
            started_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX checklist_sessions_idle ON checklist_sessions(updated_at);
        """,
    ),
)


@dataclass(frozen=True, slots=True)
class ChecklistRun:
    user_id: int
    session: str
    chat_id: int
    message_id: int | None
    language: str
    answers: tuple[tuple[str, str], ...]
    outcome: str | None
    started_at: int
    updated_at: int

    @property
    def as_dict(self) -> dict[str, str]:
        return dict(self.answers)


def _run(row: sqlite3.Row | None) -> ChecklistRun | None:
    if row is None:
        return None
    return ChecklistRun(
        row["user_id"],
        row["session"],
        row["chat_id"],
        row["message_id"],
        row["language"],
        tuple((q, a) for q, a in json.loads(row["answers"])),
        row["outcome"],
        row["started_at"],
        row["updated_at"],
    )


def get(conn: sqlite3.Connection, user_id: int) -> ChecklistRun | None:
    return _run(conn.execute("SELECT * FROM checklist_sessions WHERE user_id = ?", (user_id,)).fetchone())


def save_many(conn: sqlite3.Connection, runs: Iterable[ChecklistRun]) -> None:
    """Insert or replace these runs, and a users row for any user not yet known.

    Set-based: the batch is written in a constant number of statements, each run by SQLite
    in C, instead of two Python-driven statements per run on aiosqlite's thread while the event
    loop is busy (bench/taps.py: a small gain; README "Performance" says what the rest is)."""
    batch = json.dumps(
        [
            [
                r.user_id,
                r.session,
                r.chat_id,
                r.message_id,
                r.language,
                json.dumps([list(a) for a in r.answers]),
                r.outcome,
                r.started_at,
                r.updated_at,
            ]
            for r in runs
        ]
    )
    conn.execute(
        """
        INSERT INTO users (user_id, first_seen, last_seen)
        SELECT value ->> 0, value ->> 8, value ->> 8 FROM json_each(?) WHERE true
        ON CONFLICT (user_id) DO NOTHING
        """,
        (batch,),
    )
    conn.execute(
        """
        INSERT OR REPLACE INTO checklist_sessions
            (user_id, session, chat_id, message_id, language, answers, outcome, started_at, updated_at)
        SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
               value ->> 6, value ->> 7, value ->> 8
        FROM json_each(?)
        """,
        (batch,),
    )


def delete_many(conn: sqlite3.Connection, user_ids: Iterable[int]) -> None:
    conn.execute(
        "DELETE FROM checklist_sessions WHERE user_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(user_ids)),),
    )


def take_idle(conn: sqlite3.Connection, idle_before: int, limit: int = 100) -> list[ChecklistRun]:
    """Remove and return runs idle since before `idle_before` (health answers are not kept)."""
    rows = conn.execute(
        "DELETE FROM checklist_sessions WHERE user_id IN ("
        " SELECT user_id FROM checklist_sessions WHERE updated_at < ? ORDER BY updated_at LIMIT ?"
        ") RETURNING *",
        (idle_before, limit),
    ).fetchall()
    return [r for r in (_run(row) for row in rows) if r is not None]
