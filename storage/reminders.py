"""The reminder outbox. SQLite is the only record of truth for what is due and what was sent.

Life of a row: pending -> (claimed) sending -> sent | failed, or cancelled / paused by the user's
actions. A crash while rows are `sending` puts them back to pending at the next start, so at
worst the messages that were in flight are sent twice; none is ever lost.

Each delivery is recorded on its own as soon as Telegram has accepted it (`record_delivered`,
group-committed by storage/group_commit.py), not with the rest of its batch: a crash then repeats
only the sends whose record had not committed, not the whole batch of up to 20 users.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

ACTIVE = ("pending", "sending", "paused")


# Declared by the reminders feature's table (storage/tables.py); applied in name order.
# It also gives users their time zone and active flag: reminders need both.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0003_reminders",
        """
        ALTER TABLE users ADD COLUMN timezone TEXT;
        ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE users ADD COLUMN inactive_since INTEGER;
        CREATE TABLE reminders (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
            chat_id INTEGER NOT NULL,
            kind TEXT NOT NULL,                 -- followup | daily
            due_at INTEGER NOT NULL,            -- unix seconds, UTC
            status TEXT NOT NULL DEFAULT 'pending',
                -- pending -> sending -> sent | failed; cancelled; paused (user blocked the bot)
            attempts INTEGER NOT NULL DEFAULT 0,
            payload TEXT NOT NULL DEFAULT '{}', -- followup: what it follows up; daily: kind, time
            created_at INTEGER NOT NULL,
            claimed_at INTEGER,
            sent_at INTEGER,
            last_error TEXT
        );
        CREATE INDEX reminders_due ON reminders(status, due_at);
        CREATE INDEX reminders_user ON reminders(user_id, status);
        """,
    ),
)


@dataclass(frozen=True, slots=True)
class FollowupPayload:
    """A check-in: what it follows up. Health context, so it is emptied once delivered."""

    lang: str = ""  # the language the user was using; "" after delivery
    asked_at: int = 0  # when the user asked for it (the check-in says how long ago)
    reasons: tuple[str, ...] = ()  # checklist question ids that led to the outcome
    outcome: str | None = None  # the checklist outcome it follows, if any
    unsure: tuple[str, ...] = ()  # of the reasons, those answered "Not sure" (read as uncertainty)

    KIND: ClassVar[Literal["followup"]] = "followup"

    def to_json(self) -> str:
        data: dict[str, Any] = {"lang": self.lang, "asked_at": self.asked_at}
        if self.reasons:
            data["reasons"] = list(self.reasons)
        if self.outcome is not None:
            data["outcome"] = self.outcome
        if self.unsure:
            data["unsure"] = list(self.unsure)
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FollowupPayload:
        if not data:
            return cls()
        return cls(
            lang=str(data.get("lang") or ""),
            asked_at=int(data.get("asked_at") or 0),
            reasons=tuple(str(r) for r in data.get("reasons") or ()),
            outcome=data.get("outcome"),
            unsure=tuple(str(r) for r in data.get("unsure") or ()),
        )


@dataclass(frozen=True, slots=True)
class DailyPayload:
    """A daily reminder: which kind, at what local time (the zone is the user's, read at delivery)."""

    kind: str
    time: str  # HH:MM, local
    lang: str = ""
    # A user on a fixed UTC offset was offered a real time zone in one of these: once is enough.
    zone_offered: bool = False

    KIND: ClassVar[Literal["daily"]] = "daily"

    def to_json(self) -> str:
        data: dict[str, Any] = {"kind": self.kind, "time": self.time, "lang": self.lang}
        if self.zone_offered:
            data["zone_offered"] = 1
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DailyPayload:
        return cls(
            kind=str(data.get("kind") or "stretch"),
            time=str(data.get("time") or "09:00"),
            lang=str(data.get("lang") or ""),
            zone_offered=bool(data.get("zone_offered")),
        )


@dataclass(frozen=True, slots=True)
class NoticePayload:
    """A safety notice (storage/safety_notices.py): which one, in which language. Queued by
    `main.py safety-notice`, never by the user, so it counts toward no user's limit."""

    notice: str
    lang: str = ""

    KIND: ClassVar[Literal["notice"]] = "notice"

    def to_json(self) -> str:
        return json.dumps({"notice": self.notice, "lang": self.lang}, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NoticePayload:
        return cls(notice=str(data.get("notice") or ""), lang=str(data.get("lang") or ""))


Payload = FollowupPayload | DailyPayload | NoticePayload
_PAYLOADS: dict[str, type[FollowupPayload] | type[DailyPayload] | type[NoticePayload]] = {
    "followup": FollowupPayload,
    "daily": DailyPayload,
    "notice": NoticePayload,
}


@dataclass(frozen=True, slots=True)
class Reminder:
    id: int
    user_id: int
    chat_id: int
    due_at: int
    status: str
    attempts: int
    payload: Payload
    created_at: int

    @property
    def kind(self) -> Literal["followup", "daily", "notice"]:
        return self.payload.KIND


def _reminder(row: sqlite3.Row) -> Reminder:
    return Reminder(
        row["id"],
        row["user_id"],
        row["chat_id"],
        row["due_at"],
        row["status"],
        row["attempts"],
        _PAYLOADS[row["kind"]].from_dict(json.loads(row["payload"])),
        row["created_at"],
    )


def active_count(conn: sqlite3.Connection, user_id: int) -> int:
    return int(
        conn.execute(
            "SELECT COUNT(*) FROM reminders WHERE user_id = ? AND status IN ('pending', 'sending', 'paused') "
            "AND kind != 'notice'",
            (user_id,),
        ).fetchone()[0]
    )


def create(
    conn: sqlite3.Connection,
    *,
    user_id: int,
    chat_id: int,
    due_at: int,
    payload: Payload,
    now: int,
    max_active: int,
) -> int | None:
    """Insert a reminder unless the user is at the limit; None means the limit was hit."""
    if active_count(conn, user_id) >= max_active:
        return None
    conn.execute(
        "INSERT INTO users (user_id, first_seen, last_seen) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (user_id, now, now),
    )
    cur = conn.execute(
        "INSERT INTO reminders (user_id, chat_id, kind, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, chat_id, payload.KIND, due_at, payload.to_json(), now),
    )
    return int(cur.lastrowid or 0)


def list_active(conn: sqlite3.Connection, user_id: int) -> list[Reminder]:
    rows = conn.execute(
        "SELECT * FROM reminders WHERE user_id = ? AND status IN ('pending', 'sending', 'paused') "
        "AND kind != 'notice' ORDER BY due_at, id",
        (user_id,),
    ).fetchall()
    return [_reminder(r) for r in rows]


def get(conn: sqlite3.Connection, reminder_id: int) -> Reminder | None:
    row = conn.execute("SELECT * FROM reminders WHERE id = ?", (reminder_id,)).fetchone()
    return _reminder(row) if row else None


# Cancelling keeps what Undo needs and drops a follow-up's health context (its reasons and
# outcome): a daily reminder's kind and time, a follow-up's language and when it was asked.
_CANCELLED_PAYLOAD = (
    "CASE kind WHEN 'daily' THEN payload "
    "ELSE json_object('lang', json_extract(payload, '$.lang'), 'asked_at', json_extract(payload, '$.asked_at')) END"
)


def cancel(conn: sqlite3.Connection, user_id: int, reminder_id: int) -> bool:
    cur = conn.execute(
        f"UPDATE reminders SET status = 'cancelled', payload = {_CANCELLED_PAYLOAD} "  # noqa: S608
        "WHERE id = ? AND user_id = ? AND status IN ('pending', 'paused')",
        (reminder_id, user_id),
    )
    return cur.rowcount > 0


def restore(conn: sqlite3.Connection, user_id: int, reminder_id: int, now: int, max_active: int) -> Reminder | None:
    """Undo a cancel: back to pending if it is still due in the future and within the limit."""
    if active_count(conn, user_id) >= max_active:
        return None
    row = conn.execute(
        "UPDATE reminders SET status = 'pending' "
        "WHERE id = ? AND user_id = ? AND status = 'cancelled' AND due_at > ? RETURNING *",
        (reminder_id, user_id, now),
    ).fetchone()
    return _reminder(row) if row else None


def cancel_daily(conn: sqlite3.Connection, user_id: int, kind: str, time: str) -> int:
    """Stop one daily reminder (its kind at its time), whichever occurrence is pending."""
    return conn.execute(
        "UPDATE reminders SET status = 'cancelled' WHERE user_id = ? AND kind = 'daily' "
        "AND status IN ('pending', 'paused') AND json_extract(payload, '$.kind') = ? "
        "AND json_extract(payload, '$.time') = ?",
        (user_id, kind, time),
    ).rowcount


def followup_due_near(conn: sqlite3.Connection, user_id: int, due_at: int, within: int) -> Reminder | None:
    """An active follow-up due within `within` seconds of `due_at`: the same check-in twice."""
    row = conn.execute(
        "SELECT * FROM reminders WHERE user_id = ? AND kind = 'followup' AND status IN ('pending', 'paused') "
        "AND due_at BETWEEN ? AND ? LIMIT 1",
        (user_id, due_at - within, due_at + within),
    ).fetchone()
    return _reminder(row) if row else None


def cancel_all(conn: sqlite3.Connection, user_id: int) -> int:
    """The user's "stop reminders": every reminder they set. A safety notice is not theirs to stop."""
    cur = conn.execute(
        f"UPDATE reminders SET status = 'cancelled', payload = {_CANCELLED_PAYLOAD} "  # noqa: S608
        "WHERE user_id = ? AND status IN ('pending', 'paused') AND kind != 'notice'",
        (user_id,),
    )
    return cur.rowcount


def cancel_notices(conn: sqlite3.Connection, user_id: int) -> int:
    """A user who blocked the bot gets no safety notice later, when they come back."""
    return conn.execute(
        "UPDATE reminders SET status = 'cancelled', payload = '{}' "
        "WHERE user_id = ? AND kind = 'notice' AND status IN ('pending', 'sending', 'paused')",
        (user_id,),
    ).rowcount


def requeue_in_flight(conn: sqlite3.Connection) -> int:
    """At start-up: rows a previous process claimed but never recorded go back to pending."""
    return conn.execute("UPDATE reminders SET status = 'pending' WHERE status = 'sending'").rowcount


def claim_due(conn: sqlite3.Connection, now: int, limit: int) -> list[Reminder]:
    """Atomically move to `sending` every due row of the (at most) `limit` users whose reminders
    are the most overdue, and return them (oldest first).

    Whole users, not single rows: a user with several overdue reminders (the bot was down) gets
    them in one message, wherever they fall in the queue. INDEXED BY: left to itself, SQLite
    walks every due row through reminders_due to test user_id (15 ms with 20,000 due, 0.8 ms
    this way; bench/storage.py)."""
    rows = conn.execute(
        """
        UPDATE reminders INDEXED BY reminders_user
        SET status = 'sending', claimed_at = ?, attempts = attempts + 1
        WHERE status = 'pending' AND due_at <= ? AND user_id IN (
            SELECT user_id FROM reminders WHERE status = 'pending' AND due_at <= ?
            ORDER BY due_at LIMIT ?
        )
        RETURNING *
        """,
        (now, now, now, limit),
    ).fetchall()
    return sorted((_reminder(r) for r in rows), key=lambda r: (r.due_at, r.id))


def next_due_at(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT MIN(due_at) FROM reminders WHERE status = 'pending'").fetchone()
    return None if row[0] is None else int(row[0])


def mark_sent(conn: sqlite3.Connection, ids: Iterable[int], now: int) -> None:
    # The follow-up's health context is only needed until it is delivered.
    conn.executemany(
        "UPDATE reminders SET status = 'sent', sent_at = ?, payload = CASE kind WHEN 'daily' "
        "THEN payload ELSE '{}' END, last_error = NULL WHERE id = ? AND status = 'sending'",
        [(now, i) for i in ids],
    )


def record_delivered(
    conn: sqlite3.Connection,
    group: Sequence[Reminder],
    sent_at: int,
    next_daily: Callable[[Reminder, str], int],
) -> int:
    """One user's message was accepted by Telegram: mark its reminders sent and schedule the next
    occurrence of each daily one, in one unit (run inside the group commit's savepoint).

    `next_daily(reminder, zone)` is the schedule's maths, passed in (storage knows no time
    zones); zone is the user's IANA zone at the moment of recording, "UTC" if none. Returns how
    many rows were marked: 0 when they were no longer `sending` (the user erased their data or
    stopped reminders meanwhile), and then no next daily is scheduled either."""
    ids = [r.id for r in group]
    before = conn.total_changes
    mark_sent(conn, ids, sent_at)
    marked = conn.total_changes - before
    dailies = [r for r in group if r.kind == "daily"]
    if marked and dailies:
        row = conn.execute("SELECT timezone FROM users WHERE user_id = ?", (group[0].user_id,)).fetchone()
        zone = str(row[0]) if row is not None and row[0] else "UTC"
        for reminder in dailies:
            schedule_next_daily(conn, reminder, next_daily(reminder, zone), sent_at)
    return marked


def mark_zone_offered(conn: sqlite3.Connection, user_id: int) -> int:
    """A user on a fixed UTC offset was offered a real time zone in a daily reminder: remember it
    in their daily reminders' payload (copied to each next occurrence), so it is offered once."""
    return conn.execute(
        "UPDATE reminders SET payload = json_set(payload, '$.zone_offered', 1) "
        "WHERE user_id = ? AND kind = 'daily' AND status IN ('pending', 'sending', 'paused', 'sent')",
        (user_id,),
    ).rowcount


def reschedule(
    conn: sqlite3.Connection, reminder_id: int, due_at: int, error: str, *, refund_attempt: bool = False
) -> None:
    """Back to pending for another try; `refund_attempt` when the failure was not the
    reminder's (Telegram asked us to wait), so it spends none of its attempts."""
    conn.execute(
        "UPDATE reminders SET status = 'pending', due_at = ?, last_error = ?, attempts = attempts - ? "
        "WHERE id = ? AND status = 'sending'",
        (due_at, error[:500], 1 if refund_attempt else 0, reminder_id),
    )


def mark_failed(conn: sqlite3.Connection, reminder_id: int, error: str) -> None:
    conn.execute(
        "UPDATE reminders SET status = 'failed', last_error = ?, payload = '{}' WHERE id = ? AND status = 'sending'",
        (error[:500], reminder_id),
    )


def schedule_next_daily(conn: sqlite3.Connection, reminder: Reminder, due_at: int, now: int) -> None:
    """The next occurrence of a daily reminder, in the same transaction that marks this one sent."""
    conn.execute(
        "INSERT INTO reminders (user_id, chat_id, kind, due_at, payload, created_at) VALUES (?, ?, 'daily', ?, ?, ?)",
        (
            reminder.user_id,
            reminder.chat_id,
            due_at,
            reminder.payload.to_json(),
            now,
        ),
    )


def prune(conn: sqlite3.Connection, before: int) -> int:
    """Forget finished rows older than `before`: delivery history is not kept for long."""
    return conn.execute(
        "DELETE FROM reminders WHERE status IN ('sent', 'failed', 'cancelled') AND created_at < ?",
        (before,),
    ).rowcount
