"""The write-behind checklist store: group commits, ordering against erasure, failure, expiry."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.app import TABLES
from storage import checklists, users
from storage.checklist_store import ChecklistStore
from storage.checklists import ChecklistRun
from storage.db import Database


def _run(user_id: int, answers: int = 0, *, session: str = "s1", at: int = 1000) -> ChecklistRun:
    return ChecklistRun(user_id, session, user_id, 7, "en", (("red_flags", "no"),) * answers, None, at, at)


async def _on_disk(db: Database) -> dict[int, str]:
    rows = await db.read(lambda c: c.execute("SELECT user_id, answers FROM checklist_sessions").fetchall())
    return {r[0]: r[1] for r in rows}


async def test_writes_queued_together_share_one_commit(db):
    store = ChecklistStore(db)
    for user_id in range(50):
        store.put(_run(user_id), "checklist_started")
    store.put(_run(3, answers=1))  # a newer state of the same run replaces the queued one
    await store.flush()
    assert store.commits == 1
    on_disk = await _on_disk(db)
    assert len(on_disk) == 50 and on_disk[3] == '[["red_flags", "no"]]'
    counters = await db.read(
        lambda c: c.execute("SELECT value FROM counters WHERE name = 'checklist_started'").fetchone()
    )
    assert counters[0] == 50


async def test_commits_in_the_background_without_a_flush(db):
    store = ChecklistStore(db)
    store.put(_run(1))
    writer = store._task  # started by put itself: nobody has to ask for the commit
    assert writer is not None
    await writer
    assert store.commits == 1
    assert list(await _on_disk(db)) == [1]


async def test_reads_come_from_memory_after_the_first(db):
    store = ChecklistStore(db)
    assert await store.get(1) is None
    await db.run(checklists.save_many, [_run(1)])  # behind the store's back: it owns the table
    assert await store.get(1) is None
    store.drop(2)
    assert await store.get(2) is None


async def test_forget_before_erase_leaves_nothing_behind(db):
    store = ChecklistStore(db)
    store.put(_run(1))
    await store.flush()
    store.put(_run(1, answers=2))  # queued, not yet written
    store.forget(1)
    await db.run(users.erase, 1, TABLES)
    await store.flush()
    assert await _on_disk(db) == {}
    assert await store.get(1) is None


async def test_erase_queued_behind_a_batch_in_flight_runs_after_it(db):
    store = ChecklistStore(db)
    store.put(_run(1))
    writer = asyncio.ensure_future(store.flush())
    await asyncio.sleep(0)  # a yield, not a wait: the batch is now handed to the database thread
    store.forget(1)
    await db.run(users.erase, 1, TABLES)
    await writer
    assert await _on_disk(db) == {}


async def test_failed_commit_keeps_the_batch_under_newer_writes(db, tmp_path):
    store = ChecklistStore(db)
    store.put(_run(1))
    await store.flush()
    blocker = sqlite3.connect(tmp_path / "bot.sqlite3", isolation_level=None, timeout=0)
    await db.read(lambda c: c.execute("PRAGMA busy_timeout = 0"))
    blocker.execute("BEGIN EXCLUSIVE")
    store.put(_run(1, answers=1))
    store.put(_run(2))
    with pytest.raises(sqlite3.OperationalError):
        await store.flush()
    store.put(_run(2, answers=2))  # newer than the failed batch's copy
    blocker.execute("ROLLBACK")
    blocker.close()
    await store.close()
    on_disk = await _on_disk(db)
    assert on_disk == {1: '[["red_flags", "no"]]', 2: '[["red_flags", "no"], ["red_flags", "no"]]'}


async def test_take_idle_keeps_a_run_started_while_it_ran(db):
    store = ChecklistStore(db)
    store.put(_run(1, at=100))
    store.put(_run(2, at=100))
    await store.flush()
    taking = asyncio.ensure_future(store.take_idle(idle_before=500))
    await asyncio.sleep(0)  # a yield: the delete is now queued on the database thread
    store.put(_run(2, session="s2", at=900))  # user 2 starts afresh meanwhile
    taken = await taking
    assert sorted(r.user_id for r in taken) == [1, 2]
    assert await store.get(1) is None
    fresh = await store.get(2)
    assert fresh is not None and fresh.session == "s2"
    await store.flush()
    assert list(await _on_disk(db)) == [2]


async def test_cache_is_bounded_but_never_drops_a_queued_write(db):
    store = ChecklistStore(db, cache_size=10)
    for user_id in range(25):
        store.put(_run(user_id))
    await store.flush()
    assert len(await _on_disk(db)) == 25
    for user_id in range(100, 130):
        await store.get(user_id)
    assert len(store._cache) <= 10


async def test_batch_write_round_trips_every_field(db):
    store = ChecklistStore(db)
    runs = [
        ChecklistRun(1, "a1", -100, None, "it", (("red_flags", "no"), ("intense", "unsure")), "see_doctor", 5, 9),
        ChecklistRun(2, "b2", 2, 77, "en", (), None, 3, 3),
    ]
    for run in runs:
        store.put(run, "checklist_finished")
    store.drop(3, "checklist_finished")
    await store.flush()
    assert [await db.read(checklists.get, r.user_id) for r in runs] == runs
    value = await db.read(
        lambda c: c.execute("SELECT value FROM counters WHERE name = 'checklist_finished'").fetchone()
    )
    assert value[0] == 3


async def test_background_commit_failure_is_logged_and_retried_later(db, tmp_path, caplog):
    store = ChecklistStore(db)
    blocker = sqlite3.connect(tmp_path / "bot.sqlite3", isolation_level=None, timeout=0)
    await db.read(lambda c: c.execute("PRAGMA busy_timeout = 0"))
    blocker.execute("BEGIN EXCLUSIVE")
    store.put(_run(1))
    writer = store._task
    assert writer is not None
    await writer
    assert "could not save checklist answers; retrying in 5 s" in caplog.text
    assert store._retry is not None  # a timer, not a loop: nothing spins while the lock is held
    blocker.execute("ROLLBACK")
    blocker.close()
    await store.close()  # cancels the timer, commits what is left
    assert list(await _on_disk(db)) == [1]
