"""Storage on its own: migrations from nothing, pragmas, bad files, locks."""

from __future__ import annotations

import sqlite3

import pytest

from bot.app import MIGRATIONS
from bot.fake_telegram import FakeTelegram
from bot.features.checklist.state import TraceQueue
from storage import reminders as outbox
from storage import users
from storage.db import Database, StorageError
from storage.reminders import FollowupPayload
from tests.conftest import Harness


async def test_migrations_from_empty_database(tmp_path):
    path = tmp_path / "new" / "bot.sqlite3"
    db = await Database.open(path, MIGRATIONS)
    try:
        version = await db.read(lambda c: c.execute("PRAGMA user_version").fetchone()[0])
        assert version == len(MIGRATIONS)
        tables = await db.read(lambda c: {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")})
        assert {"users", "checklist_sessions", "reminders", "counters", "page_feedback"} <= tables
        pragmas = await db.read(
            lambda c: [
                c.execute(f"PRAGMA {p}").fetchone()[0]
                for p in ("journal_mode", "synchronous", "foreign_keys", "secure_delete")
            ]
        )
        assert pragmas == ["wal", 2, 1, 1]  # WAL, FULL, on, on
        indexes = await db.read(
            lambda c: {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        )
        assert "reminders_due" in indexes
    finally:
        await db.close()
    db = await Database.open(path, MIGRATIONS)  # idempotent
    await db.close()


async def test_each_migration_applies_in_order(tmp_path):
    path = tmp_path / "bot.sqlite3"
    for n in range(1, len(MIGRATIONS) + 1):
        db = await Database.open(path, MIGRATIONS[:n])
        assert await db.read(lambda c: c.execute("PRAGMA user_version").fetchone()[0]) == n
        await db.close()


async def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "bot.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StorageError, match="newer than this code"):
        await Database.open(path, MIGRATIONS)


async def test_corrupt_file_is_refused_with_clear_message(tmp_path):
    path = tmp_path / "bot.sqlite3"
    path.write_bytes(b"this is not a database" * 300)
    with pytest.raises(StorageError, match=f"database {path} cannot be opened"):
        await Database.open(path, MIGRATIONS)


async def test_failed_transaction_rolls_back(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3", MIGRATIONS)
    try:

        def boom(conn):
            users.touch(conn, 1, 100)
            raise RuntimeError("half way")

        with pytest.raises(RuntimeError):
            await db.run(boom)
        assert await db.read(users.get, 1) is None
    finally:
        await db.close()


async def test_claim_is_atomic_and_ordered(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3", MIGRATIONS)
    try:
        for due in (30, 10, 20):
            await db.run(
                lambda c, d=due: outbox.create(
                    c,
                    user_id=d,
                    chat_id=d,
                    due_at=d,
                    payload=FollowupPayload(),
                    now=0,
                    max_active=10,
                )
            )
        first = await db.run(outbox.claim_due, 25, 10)
        assert [r.due_at for r in first] == [10, 20]
        assert await db.run(outbox.claim_due, 25, 10) == []
        assert await db.run(outbox.requeue_in_flight) == 2
        plan = await db.read(
            lambda c: " ".join(
                r[3]
                for r in c.execute(
                    "EXPLAIN QUERY PLAN SELECT id FROM reminders"
                    " WHERE status = 'pending' AND due_at <= 5 ORDER BY due_at LIMIT 5"
                )
            )
        )
        assert "reminders_due" in plan
    finally:
        await db.close()


async def test_locked_database_gets_busy_reply_and_loses_nothing(tmp_path, settings, content, clock):
    """Another process holds the write lock. A write the reply depends on gets "try again";
    checklist answers, written behind, are kept in memory and saved once the lock is gone."""
    from bot.fake_telegram import FakeTelegram
    from bot.lifecycle import lifecycle_of
    from tests.conftest import Harness

    db = await Database.open(settings.database, MIGRATIONS, busy_timeout_ms=50)
    harness = Harness(settings, content, clock, FakeTelegram(clock=clock.now))
    await harness.start(database=db)
    store = harness.services.checklists
    try:
        await harness.send("/start")
        await harness.tap("Should I see a doctor?")
        await store.flush()
        blocker = sqlite3.connect(settings.database, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")

        for label in ("An adult", "No", "None of these", "No", "No", "Yes"):
            clock.advance(1)
            await harness.tap(label)
        assert "Book an appointment" in harness.text()  # the user is not held up by the lock
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await store.flush()

        await harness.send("/language")
        await harness.tap("Italiano")  # the choice must be stored before it is confirmed
        assert "try again" in harness.ada.last_answer()["text"]

        blocker.execute("ROLLBACK")
        blocker.close()
        rows = await harness.rows("SELECT value FROM counters WHERE name = 'outcome_appointment'")
        assert rows == [{"value": 1}]  # nothing lost: the counters are written once the lock is gone
        # The outcome's trace (issue 21) waited too, and is written once the lock is gone.
        clock.advance(60)  # the expiry chore's period
        await lifecycle_of(harness.app).chores.run_due()
        assert await harness.rows("SELECT outcome FROM checklist_outcomes") == [{"outcome": "appointment"}]
    finally:
        await harness.stop()


async def test_non_durable_transaction_restores_full_sync(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3", MIGRATIONS)
    try:
        seen = await db.run(lambda c: c.execute("PRAGMA synchronous").fetchone()[0], durable=False)
        assert seen == 1  # NORMAL inside
        assert await db.read(lambda c: c.execute("PRAGMA synchronous").fetchone()[0]) == 2  # FULL after
        await db.run(users.touch, 1, 100, durable=False)
        assert (await db.read(users.get, 1)) is not None
    finally:
        await db.close()


async def test_claim_takes_all_of_a_users_due_reminders_together(tmp_path):
    """Far apart in the queue (the bot was down), one user's overdue reminders still share a
    batch, so they go out as one message."""
    db = await Database.open(tmp_path / "bot.sqlite3", MIGRATIONS)
    try:

        def fill(conn: sqlite3.Connection) -> None:
            for i in range(100):  # user 7 is due first and last; 99 others in between
                user = 7 if i in (0, 99) else 100 + i
                outbox.create(
                    conn, user_id=user, chat_id=user, due_at=i, payload=FollowupPayload(), now=0, max_active=10
                )

        await db.run(fill)
        first = await db.run(outbox.claim_due, 1000, 5)
        assert [r.user_id for r in first].count(7) == 2
        assert len({r.user_id for r in first}) == 5
    finally:
        await db.close()


async def test_wal_is_folded_beside_the_connection_not_inside_a_commit(tmp_path):
    """Automatic checkpoints are off, so no commit (a user's new reminder) pays for copying the
    WAL; the side connection's PASSIVE checkpoint copies everything, and the WAL starts over."""
    db = await Database.open(tmp_path / "bot.sqlite3", MIGRATIONS)
    try:
        assert await db.read(lambda c: c.execute("PRAGMA wal_autocheckpoint").fetchone()[0]) == 0
        for user_id in range(50):
            await db.run(users.touch, user_id, 1000)
        busy, frames, copied = await db.fold_wal()
        assert (busy, copied) == (0, frames) and frames >= 50
        await db.run(users.touch, 99, 1000)
        _, frames_after, _ = await db.fold_wal()
        assert frames_after < 10  # written from the start of the WAL again, not appended
    finally:
        await db.close()
    assert db._checkpointer is not None and db._checkpointer.done()


async def test_erase_checkpoint_waits_for_a_fold_in_progress(tmp_path):
    """/delete_my_data truncates the WAL; a background fold at the same moment must not leave
    the erased rows' old pages behind."""
    import asyncio

    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path, MIGRATIONS)
    try:
        for user_id in range(50):
            await db.run(users.touch, user_id, 1000)
        await asyncio.gather(db.fold_wal(), db.checkpoint(), db.fold_wal())
        assert path.with_name("bot.sqlite3-wal").stat().st_size == 0
    finally:
        await db.close()


async def test_queued_outcome_traces_are_written_in_one_transaction(settings, content, clock):
    """Three finished checklists, three traces: one flush writes them together or not at all
    (a failing write rolls the batch back and leaves every trace queued for the next try)."""
    harness = Harness(settings, content, clock, FakeTelegram(clock=clock.now))
    await harness.start()
    try:
        for user_id in (11, 12, 13):
            user = harness.user(user_id, f"U{user_id}")
            await user.send("/check")
            for label in ("An adult", "No", "None of these", "No", "No", "Yes"):
                clock.advance(2)
                await user.tap(label)
        traces = harness.services.queue(TraceQueue, TraceQueue)
        assert len(traces.writes) == 3

        def broken(conn: sqlite3.Connection) -> None:
            raise sqlite3.OperationalError("disk I/O error")

        traces.writes.insert(2, broken)
        with pytest.raises(sqlite3.OperationalError):
            await traces.flush()
        assert len(traces.writes) == 4  # nothing dropped
        count = "SELECT COUNT(*) AS n FROM checklist_outcomes"
        assert await harness.services.db.read(lambda c: c.execute(count).fetchone()[0]) == 0  # rolled back
        traces.writes.remove(broken)
        await traces.flush()
        assert traces.writes == []
        assert await harness.services.db.read(lambda c: c.execute(count).fetchone()[0]) == 3
    finally:
        await harness.stop()
