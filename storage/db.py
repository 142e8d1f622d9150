"""One long-lived aiosqlite connection, its pragmas and the schema migrations.

Every unit of work is a plain function of a sqlite3.Connection that `Database.run` executes
on aiosqlite's worker thread inside one transaction: one thread hand-off (~60 µs) per unit of
work instead of one per statement, and no interleaving of two handlers' statements, because
the worker thread runs one function at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

log = logging.getLogger(__name__)
T = TypeVar("T")
CHECKPOINT_EVERY = 1.0  # seconds between background WAL checkpoints

# The core's own tables, named and append-only: a released migration is never edited, a change is a
# new one. Features declare theirs with their tables (storage/tables.py); bot/app.py runs them all
# in name order (`schema`), so a new migration takes the next free number.
CORE_MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0001_users",
        """
        CREATE TABLE users (
            user_id INTEGER PRIMARY KEY,
            language TEXT,                      -- NULL: follow Telegram's language_code
            first_seen INTEGER NOT NULL,        -- unix seconds, UTC
            last_seen INTEGER NOT NULL
        );
        """,
    ),
    (
        "0004_counters",
        """
        -- Anonymous counts only: no user id ever goes in here.
        CREATE TABLE counters (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE page_feedback (
            page_id TEXT NOT NULL,
            language TEXT NOT NULL,
            helpful INTEGER NOT NULL DEFAULT 0,
            not_helpful INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (page_id, language)
        );
        """,
    ),
)


class StorageError(Exception):
    """The database cannot be used: a clear message for the operator, no traceback needed."""


def _prepare(conn: sqlite3.Connection, path: str, busy_timeout_ms: int) -> int:
    try:
        # Another process (a backup, an admin's sqlite3 shell) may hold a lock briefly: wait.
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if path != ":memory:" and str(mode).lower() != "wal":
            log.warning("journal_mode is %s, not WAL", mode)
        # FULL: in WAL mode, NORMAL may lose the last commits on power loss, and a reminder
        # the user was told is saved must survive that. Our writes are few and small.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # Deleted rows are overwritten with zeros, so /delete_my_data leaves no trace in the file.
        conn.execute("PRAGMA secure_delete = ON")
        # Checkpoints run beside this connection (Database.fold_wal), never inside a commit.
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"database {path} cannot be opened: {exc}") from exc
    if check != "ok":
        raise StorageError(f"database {path} is corrupt ({check}); restore it from a backup")
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _migrate(
    conn: sqlite3.Connection,
    path: str,
    migrations: tuple[tuple[str, str], ...],
    busy_timeout_ms: int,
) -> list[str]:
    version = _prepare(conn, path, busy_timeout_ms)
    if version > len(migrations):
        raise StorageError(
            f"database {path} has schema version {version}, newer than this code "
            f"({len(migrations)}): run the newer release or restore a backup"
        )
    applied = []
    for number, (name, sql) in enumerate(migrations[version:], start=version + 1):
        # executescript commits first, so the whole migration and its version bump go in one
        # explicit transaction: a crash leaves the schema at the old or the new version.
        conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        applied.append(name)
    return applied


class Database:
    """The bot's connection, plus a side connection that folds the WAL into the database file.

    SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 WAL pages: that
    commit, a user's new reminder as likely as any, then also copies the pages and fsyncs the
    database file (3.5 ms instead of 0.6 ms; bench/storage.py). Here automatic checkpoints are off
    and a PASSIVE checkpoint runs every CHECKPOINT_EVERY seconds on a second connection and
    thread. PASSIVE never takes the write lock, so commits do not wait for it, and once it has
    copied everything the next commit starts the WAL over from its beginning.
    """

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self.path = path
        self._side: sqlite3.Connection | None = None
        self._stop = asyncio.Event()
        self._folding = asyncio.Lock()
        self._checkpointer: asyncio.Task[None] | None = None

    @classmethod
    async def open(
        cls,
        path: str | Path,
        migrations: tuple[tuple[str, str], ...],
        *,
        busy_timeout_ms: int = 5000,
    ) -> Database:
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = aiosqlite.connect(path, isolation_level=None, check_same_thread=False, timeout=5.0)
        try:
            await conn
        except sqlite3.Error as exc:
            raise StorageError(f"database {path} cannot be opened: {exc}") from exc
        db = cls(conn, path)
        try:
            conn.row_factory = sqlite3.Row
            applied = await db._call(_migrate, path, migrations, busy_timeout_ms)
        except BaseException:
            await conn.close()
            raise
        if applied:
            log.info("database %s migrated: %s", path, ", ".join(applied))
        if path != ":memory:":
            db._checkpointer = asyncio.get_running_loop().create_task(db._fold_wal_often(), name="wal-checkpointer")
        return db

    async def close(self) -> None:
        self._stop.set()
        if self._checkpointer is not None:
            await self._checkpointer  # lets a checkpoint in progress finish first
        if self._side is not None:
            await asyncio.to_thread(self._side.close)
            self._side = None
        # Unclosed, aiosqlite's worker thread keeps the process alive after the bot stops.
        await self._conn.close()

    async def fold_wal(self) -> tuple[int, int, int]:
        """One PASSIVE checkpoint on the side connection: (busy, WAL frames, frames copied)."""
        async with self._folding:
            return await asyncio.to_thread(self._fold_wal)

    def _fold_wal(self) -> tuple[int, int, int]:
        if self._side is None:
            self._side = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._side.execute("PRAGMA synchronous = FULL")  # fsync the database file after copying
        # fetchall: a statement left unfinished would hold a read lock and stop the WAL restart.
        busy, frames, copied = self._side.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()[0]
        return int(busy), int(frames), int(copied)

    async def _fold_wal_often(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), CHECKPOINT_EVERY)
            if self._stop.is_set():
                return
            try:
                await self.fold_wal()
            except sqlite3.Error as exc:  # the next round tries again; the WAL only grows meanwhile
                log.warning("background WAL checkpoint failed: %s", exc)

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        def job() -> T:
            return fn(self._conn._conn, *args)  # the sqlite3 connection, on its own thread

        # aiosqlite has no public "run this function on the connection's thread"; _execute is
        # that, and batching is worth it (see module docstring). Pinned in pyproject.toml.
        return await self._conn._execute(job)  # type: ignore[no-untyped-call,no-any-return]

    async def run(self, fn: Callable[..., T], *args: Any, durable: bool = True) -> T:
        """Run fn(conn, *args) in one write transaction (BEGIN IMMEDIATE … COMMIT).

        durable=False commits without an fsync (synchronous=NORMAL for this transaction): for
        state whose loss on power failure costs a user one tap, not a promise. The next durable
        commit syncs the WAL, and these transactions with it.
        """

        def tx(conn: sqlite3.Connection, *a: Any) -> T:
            if not durable:
                conn.execute("PRAGMA synchronous = NORMAL")
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    result = fn(conn, *a)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            finally:
                if not durable:
                    conn.execute("PRAGMA synchronous = FULL")
            return result

        return await self._call(tx, *args)

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn(conn, *args) without opening a write transaction (consistent per statement)."""
        return await self._call(fn, *args)

    async def checkpoint(self) -> None:
        """Fold the WAL into the main file and truncate it (used after erasing a user)."""
        # Wait for a fold in progress here, not in SQLite's busy handler on the database thread,
        # where it would hold up every other query.
        async with self._folding:
            busy = await self._call(lambda conn: conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()[0][0])
        if busy:
            log.warning(
                "WAL checkpoint after an erase was blocked by another reader; "
                "old pages stay in the WAL until overwritten"
            )
