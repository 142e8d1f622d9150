"""Per-delivery records, group-committed: each on disk before its caller goes on, few commits."""

from __future__ import annotations

import asyncio
import sqlite3
from functools import partial

import pytest

from bot.app import TABLES
from storage import reminders as outbox
from storage import users
from storage.group_commit import GroupCommit
from storage.reminders import Reminder

NOW = 1_800_000_000


def _seed(conn: sqlite3.Connection, n: int, kind: str = "followup") -> None:
    for user_id in range(1, n + 1):
        users.touch(conn, user_id, NOW - 100)
        outbox.create(
            conn,
            user_id=user_id,
            chat_id=user_id,
            due_at=NOW - 10,
            payload=outbox.DailyPayload("stretch", "09:00", "en") if kind == "daily" else outbox.FollowupPayload("en"),
            now=NOW - 100,
            max_active=10,
        )


def _next(reminder: Reminder, zone: str, seen: list[str]) -> int:
    seen.append(zone)
    return reminder.due_at + 86400


def _status(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT status, COUNT(*) FROM reminders GROUP BY status").fetchall())


async def test_each_record_is_committed_when_its_future_resolves(db):
    await db.run(_seed, 3)
    claimed = await db.run(outbox.claim_due, NOW, 20)
    writer = GroupCommit(db)
    seen: list[str] = []
    await writer.submit(
        partial(outbox.record_delivered, group=[claimed[0]], sent_at=NOW, next_daily=partial(_next, seen=seen))
    )
    # Already on disk for another connection: that is what a kill -9 right now would leave.
    conn = sqlite3.connect(db.path)
    try:
        assert _status(conn) == {"sent": 1, "sending": 2}
    finally:
        conn.close()
    assert writer.commits == 1


async def test_records_arriving_together_share_commits(db):
    await db.run(_seed, 200)
    claimed = await db.run(outbox.claim_due, NOW, 200)
    writer = GroupCommit(db)
    seen: list[str] = []
    futures = [
        writer.submit(partial(outbox.record_delivered, group=[r], sent_at=NOW, next_daily=partial(_next, seen=seen)))
        for r in claimed
    ]
    await asyncio.gather(*futures)
    assert writer.records == 200
    assert writer.commits < 10  # 200 records, a handful of transactions
    assert await db.read(_status) == {"sent": 200}


async def test_a_failing_record_fails_alone(db):
    await db.run(_seed, 2)
    claimed = await db.run(outbox.claim_due, NOW, 20)
    writer = GroupCommit(db)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE reminders SET status = 'sent' WHERE id = ?", (claimed[1].id,))
        raise ValueError("boom")

    good = writer.submit(partial(outbox.mark_sent, ids=[claimed[0].id], now=NOW))
    bad = writer.submit(broken)
    await good
    with pytest.raises(ValueError, match="boom"):
        await bad
    rows = await db.read(lambda c: dict(c.execute("SELECT id, status FROM reminders").fetchall()))
    assert rows == {claimed[0].id: "sent", claimed[1].id: "sending"}  # the broken one rolled back


async def test_daily_record_schedules_the_next_in_the_users_zone(db):
    await db.run(_seed, 2, "daily")
    await db.run(users.set_timezone, 1, "Europe/Rome", NOW)
    claimed = await db.run(outbox.claim_due, NOW, 20)
    writer = GroupCommit(db)
    seen: list[str] = []
    for r in claimed:
        await writer.submit(
            partial(outbox.record_delivered, group=[r], sent_at=NOW, next_daily=partial(_next, seen=seen))
        )
    assert sorted(seen) == ["Europe/Rome", "UTC"]
    pending = await db.read(
        lambda c: c.execute("SELECT user_id, due_at FROM reminders WHERE status='pending'").fetchall()
    )
    assert sorted(tuple(r) for r in pending) == [(1, NOW - 10 + 86400), (2, NOW - 10 + 86400)]


async def test_record_after_erase_marks_nothing_and_schedules_nothing(db):
    await db.run(_seed, 1, "daily")
    claimed = await db.run(outbox.claim_due, NOW, 20)
    await db.run(users.erase, 1, TABLES)
    writer = GroupCommit(db)
    seen: list[str] = []
    marked = []

    def record(conn: sqlite3.Connection) -> None:
        marked.append(outbox.record_delivered(conn, claimed, NOW, partial(_next, seen=seen)))

    await writer.submit(record)
    assert marked == [0]
    assert seen == []
    assert await db.read(lambda c: c.execute("SELECT COUNT(*) FROM reminders").fetchone()[0]) == 0


async def test_flush_waits_for_everything_submitted(db):
    await db.run(_seed, 50)
    claimed = await db.run(outbox.claim_due, NOW, 50)
    writer = GroupCommit(db)
    for r in claimed:
        writer.submit(partial(outbox.mark_sent, ids=[r.id], now=NOW))
    await writer.flush()
    assert writer.pending == 0
    assert await db.read(_status) == {"sent": 50}


async def test_zone_offer_is_remembered_in_every_daily_and_carried_to_the_next(db):
    await db.run(_seed, 1, "daily")
    claimed = await db.run(outbox.claim_due, NOW, 20)
    writer = GroupCommit(db)
    seen: list[str] = []

    def record(conn: sqlite3.Connection) -> None:
        outbox.record_delivered(conn, claimed, NOW, partial(_next, seen=seen))
        outbox.mark_zone_offered(conn, 1)

    await writer.submit(record)
    payloads = await db.read(lambda c: [outbox.get(c, i) for i in (1, 2)])
    assert [isinstance(p.payload, outbox.DailyPayload) and p.payload.zone_offered for p in payloads if p] == [
        True,
        True,
    ]  # this one and the next
    claimed = await db.run(outbox.claim_due, NOW + 86400, 20)
    await writer.submit(
        partial(outbox.record_delivered, group=claimed, sent_at=NOW, next_daily=partial(_next, seen=seen))
    )
    third = await db.read(outbox.get, 3)
    assert third is not None and isinstance(third.payload, outbox.DailyPayload) and third.payload.zone_offered
