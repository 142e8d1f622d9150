"""Backups taken while the bot writes, and restores that refuse what they must."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import MIGRATIONS, TABLES
from storage import reminders as outbox
from storage import users
from storage.backup import BackupError, backup, backup_rotating, check_database, restore, timestamped_name
from storage.db import Database


def _add(conn: sqlite3.Connection, user_id: int, now: int = 1_000) -> int:
    users.touch(conn, user_id, now)
    rid = outbox.create(
        conn,
        user_id=user_id,
        chat_id=user_id,
        due_at=now + 3600,
        payload=outbox.FollowupPayload(lang="en"),
        now=now,
        max_active=10,
    )
    assert rid is not None
    return rid


@contextlib.asynccontextmanager
async def _opened(
    path: Path, migrations: tuple[tuple[str, str], ...] = MIGRATIONS, **options: int
) -> AsyncIterator[Database]:
    """Database.open, closed on the way out however the block ends."""
    db = await Database.open(path, migrations, **options)
    try:
        yield db
    finally:
        await db.close()


def _rows_about(path: Path, user_id: int) -> dict[str, int]:
    """How many rows each table with a user_id column holds about the user (tables with none left out)."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {
            table: conn.execute(f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", (user_id,)).fetchone()[0]
            for table in tables
            if any(col[1] == "user_id" for col in conn.execute(f"PRAGMA table_info({table})"))
        }
        return {table: n for table, n in counts.items() if n}
    finally:
        conn.close()


def _ids(path: Path) -> set[int]:
    conn = sqlite3.connect(path)
    try:
        return {int(r[0]) for r in conn.execute("SELECT id FROM reminders")}
    finally:
        conn.close()


async def test_backup_during_concurrent_writes_holds_every_committed_reminder(tmp_path):
    live, dest = tmp_path / "bot.sqlite3", tmp_path / "backups" / "copy.sqlite3"
    async with _opened(live) as db:
        for i in range(200):
            await db.run(_add, i + 1)
        committed_before: set[int] = set()
        done = threading.Event()
        result: list[object] = []

        def take() -> None:
            try:
                result.append(backup(live, dest, MIGRATIONS))
            except BaseException as exc:  # reported by the assert below
                result.append(exc)
            done.set()

        committed_before = {r.id for r in await db.read(lambda c: [outbox.get(c, i) for i in range(1, 201)]) if r}
        thread = threading.Thread(target=take)
        thread.start()
        writes_during = 0
        # The bot keeps committing while the copy runs (its own connection and thread).
        while not done.is_set() or writes_during < 5:
            await db.run(_add, 10_000 + writes_during)
            writes_during += 1
            await asyncio.sleep(0)
        thread.join()
        info = result[0]
        assert not isinstance(info, BaseException), info
    assert writes_during >= 5
    copied = _ids(dest)
    assert committed_before <= copied  # every reminder committed before the backup began
    assert check_database(dest, MIGRATIONS).schema_version == len(MIGRATIONS)
    assert not Path(f"{dest}.partial").exists()
    assert not Path(f"{dest}-wal").exists()  # a plain file, nothing to carry beside it
    conn = sqlite3.connect(dest)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()


async def test_backup_does_not_block_the_bots_commits_for_long(tmp_path):
    """Not a timed test of the machine: a commit during the copy completes at all (WAL: the copy
    is a reader), and the copy's read transaction does not stop later commits."""
    live = tmp_path / "bot.sqlite3"
    async with _opened(live, busy_timeout_ms=50) as db:  # a lock wait would fail, not hide
        for i in range(50):
            await db.run(_add, i + 1)
        task = asyncio.create_task(asyncio.to_thread(backup, live, tmp_path / "b.sqlite3", MIGRATIONS))
        during = 0
        while not task.done():
            await db.run(_add, 5_000 + during)
            during += 1
            await asyncio.sleep(0)
        await task
        assert during >= 1


async def test_restore_round_trip_and_old_wal_removed(tmp_path):
    live, dest = tmp_path / "bot.sqlite3", tmp_path / "copy.sqlite3"
    async with _opened(live) as db:
        kept = await db.run(_add, 1)
        backup(live, dest, MIGRATIONS)
        await db.run(_add, 2)
    # A crashed bot leaves a -wal behind; it belongs to the old file and must not be replayed.
    Path(f"{live}-wal").write_bytes(b"stale wal of the old file")
    info = restore(dest, live, MIGRATIONS)
    assert info.reminders == 1
    assert not Path(f"{live}-wal").exists()
    assert _ids(live) == {kept}
    assert Path(f"{live}.before-restore").exists()  # the replaced one, kept aside
    async with _opened(live) as db:  # the bot opens it normally
        assert await db.read(outbox.get, kept) is not None


async def test_restore_refuses_while_the_bot_has_the_database_open(tmp_path):
    live, dest = tmp_path / "bot.sqlite3", tmp_path / "copy.sqlite3"
    async with _opened(live) as db:
        await db.run(_add, 1)
        backup(live, dest, MIGRATIONS)
        with pytest.raises(BackupError, match="in use"):
            restore(dest, live, MIGRATIONS)
        assert await db.read(outbox.get, 1) is not None  # untouched
    restore(dest, live, MIGRATIONS)  # stopped: now it may


def test_restore_refuses_what_is_not_ours(tmp_path):
    live = tmp_path / "bot.sqlite3"
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00not sqlite at all" * 300)
    with pytest.raises(BackupError, match=r"not a usable SQLite database|cannot be opened"):
        restore(junk, live, MIGRATIONS)
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.execute("PRAGMA user_version = 2")
    conn.close()
    with pytest.raises(BackupError, match="not a Spasm Guide database"):
        restore(other, live, MIGRATIONS)
    with pytest.raises(BackupError, match="no such file"):
        restore(tmp_path / "missing.sqlite3", live, MIGRATIONS)
    assert not live.exists()


async def test_restore_refuses_a_newer_schema(tmp_path):
    newer = tmp_path / "newer.sqlite3"
    db = await Database.open(newer, (*MIGRATIONS, ("9999_future", "CREATE TABLE future (x);")))
    await db.close()
    with pytest.raises(BackupError, match=f"newer than this code \\({len(MIGRATIONS)}\\)"):
        restore(newer, tmp_path / "bot.sqlite3", MIGRATIONS)


async def test_restore_refuses_a_corrupt_backup(tmp_path):
    live, dest = tmp_path / "bot.sqlite3", tmp_path / "copy.sqlite3"
    async with _opened(live) as db:
        await db.run(lambda c: [_add(c, i + 1) for i in range(300)])
    backup(live, dest, MIGRATIONS)
    data = bytearray(dest.read_bytes())
    page = 4096
    for n in range(2, len(data) // page):
        data[n * page] = 0x42  # not a b-tree page type: every page from the third is broken
    dest.write_bytes(bytes(data))
    with pytest.raises(BackupError, match=r"corrupt|malformed|not a usable"):
        restore(dest, live, MIGRATIONS)
    assert _ids(live) == set(range(1, 301))  # the live one is untouched


async def test_older_schema_restores_and_migrates_on_open(tmp_path):
    old = tmp_path / "old.sqlite3"
    async with _opened(old, MIGRATIONS[:3]) as db:
        await db.run(_add, 7)
    live = tmp_path / "bot.sqlite3"
    assert restore(old, live, MIGRATIONS).schema_version == 3
    async with _opened(live) as db:
        assert await db.read(lambda c: c.execute("PRAGMA user_version").fetchone()[0]) == len(MIGRATIONS)


async def test_rotating_backups_keep_the_newest(tmp_path):
    live = tmp_path / "bot.sqlite3"
    db = await Database.open(live, MIGRATIONS)
    await db.close()
    directory = tmp_path / "backups"
    start = time.time()
    for i in range(5):
        info, _ = backup_rotating(live, directory, keep=3, now=start + i * 86400, migrations=MIGRATIONS)
        assert info.path.name == timestamped_name(start + i * 86400)
    names = sorted(p.name for p in directory.iterdir())
    assert names == [timestamped_name(start + i * 86400) for i in (2, 3, 4)]
    with pytest.raises(BackupError):
        backup_rotating(live, directory, keep=0, migrations=MIGRATIONS)


async def test_backup_of_a_missing_database_is_one_clear_error(tmp_path):
    with pytest.raises(BackupError, match="no such database"):
        backup(tmp_path / "nothing.sqlite3", tmp_path / "b.sqlite3", MIGRATIONS)


async def test_erased_user_is_not_in_a_backup_taken_after(tmp_path):
    live, dest = tmp_path / "bot.sqlite3", tmp_path / "copy.sqlite3"
    async with _opened(live) as db:
        await db.run(_add, 424242)
        await db.run(users.erase, 424242, TABLES)
    backup(live, dest, MIGRATIONS)
    assert _rows_about(dest, 424242) == {}
    # No trace in the bytes either: VACUUM INTO copies live rows only and secure_delete zeroed the
    # erased ones (a page-by-page copy of a file without secure_delete keeps the payload readable).
    assert b'"asked_at"' not in dest.read_bytes()
