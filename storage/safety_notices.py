"""Safety notices: a correction sent once to each user whose checklist outcome relied on words
that were withdrawn or changed (`python main.py safety-notice`).

A notice is written once (its id is a hash of the items and the message, so running the same
command twice queues nothing new); each recipient is recorded with it, so a user gets a notice
once however often it is queued; the message itself goes out through the reminder outbox (kind
`notice`), with its rate limits, retries and crash safety.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Declared by the reminders feature's tables (storage/tables.py); applied in name order.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0007_safety_notices",
        """
        CREATE TABLE safety_notices (
            id TEXT PRIMARY KEY,                -- hash of items and messages: the same notice twice is one
            created_at INTEGER NOT NULL,
            items TEXT NOT NULL,                -- JSON [item id, ...] it corrects
            messages TEXT NOT NULL              -- JSON {language: Telegram HTML}
        );
        CREATE TABLE safety_notice_recipients (
            notice_id TEXT NOT NULL REFERENCES safety_notices(id),
            user_id INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
            queued_at INTEGER NOT NULL,
            PRIMARY KEY (notice_id, user_id)
        ) WITHOUT ROWID;
        """,
    ),
)


@dataclass(frozen=True, slots=True)
class Notice:
    id: str
    items: tuple[str, ...]
    messages: Mapping[str, str]


def notice_id(items: Iterable[str], messages: Mapping[str, str]) -> str:
    body = json.dumps({"items": sorted(set(items)), "messages": dict(sorted(messages.items()))}, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def get(conn: sqlite3.Connection, nid: str) -> Notice | None:
    row = conn.execute("SELECT id, items, messages FROM safety_notices WHERE id = ?", (nid,)).fetchone()
    if row is None:
        return None
    return Notice(str(row[0]), tuple(json.loads(row[1])), json.loads(row[2]))


def queue(
    conn: sqlite3.Connection,
    notice: Notice,
    recipients: Iterable[tuple[int, str]],
    now: int,
) -> int:
    """Record the notice and queue one outbox message per recipient (user id, language) not
    queued before; skips users who blocked the bot. Returns how many were queued now."""
    conn.execute(
        "INSERT OR IGNORE INTO safety_notices (id, created_at, items, messages) VALUES (?, ?, ?, ?)",
        (notice.id, now, json.dumps(list(notice.items)), json.dumps(dict(notice.messages), ensure_ascii=False)),
    )
    queued = 0
    for user_id, language in recipients:
        row = conn.execute("SELECT active FROM users WHERE user_id = ?", (user_id,)).fetchone()
        if row is None or not row[0]:
            continue  # erased, or blocked the bot: never a notice to them
        added = conn.execute(
            "INSERT OR IGNORE INTO safety_notice_recipients (notice_id, user_id, queued_at) VALUES (?, ?, ?)",
            (notice.id, user_id, now),
        ).rowcount
        if not added:
            continue  # queued by an earlier run: once per user
        payload = json.dumps({"notice": notice.id, "lang": language}, separators=(",", ":"))
        conn.execute(
            "INSERT INTO reminders (user_id, chat_id, kind, due_at, payload, created_at) "
            "VALUES (?, ?, 'notice', ?, ?, ?)",
            (user_id, user_id, now, payload, now),
        )
        queued += 1
    return queued


def export(conn: sqlite3.Connection, user_id: int) -> list[dict[str, object]]:
    rows = conn.execute(
        "SELECT r.notice_id, r.queued_at, n.items FROM safety_notice_recipients AS r "
        "JOIN safety_notices AS n ON n.id = r.notice_id WHERE r.user_id = ? ORDER BY r.queued_at",
        (user_id,),
    ).fetchall()
    return [{"notice": r[0], "queued_at": r[1], "items": json.loads(r[2])} for r in rows]


def erase(conn: sqlite3.Connection, user_id: int) -> int:
    return conn.execute("DELETE FROM safety_notice_recipients WHERE user_id = ?", (user_id,)).rowcount
