"""Group commit: many small writes that each must be on disk before their caller goes on, in as
few transactions as the database's pace allows.

Made for the reminder worker's per-delivery records (storage/reminders.record_delivered): each
delivery is recorded as soon as Telegram has accepted it, so a kill -9 repeats only the sends
whose record had not yet committed. A transaction per record would cost a thread hand-off and a
commit each; here a record submitted while a commit is running waits for the next one, which
takes everything queued by then. No timer: at rest a record commits at once (one commit, ~1 ms);
under load records share commits, so the cost per record falls as the rate rises.

Each record runs inside its own SAVEPOINT: a record that raises is rolled back alone and its
caller gets the exception; the others in the batch still commit.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any

from storage.db import Database

Write = Callable[[sqlite3.Connection], Any]


def _apply(conn: sqlite3.Connection, writes: list[Write]) -> list[BaseException | None]:
    outcomes: list[BaseException | None] = []
    for write in writes:
        conn.execute("SAVEPOINT record")
        try:
            write(conn)
        except Exception as exc:
            conn.execute("ROLLBACK TO record")
            outcomes.append(exc)
        else:
            outcomes.append(None)
        conn.execute("RELEASE record")
    return outcomes


class GroupCommit:
    """`await writer.submit(fn)` returns once fn(conn) is committed (or raises what fn raised)."""

    def __init__(self, db: Database, *, durable: bool = False, name: str = "group-commit") -> None:
        self._db = db
        # Not durable by default: a process crash keeps every commit (the OS has it); only a
        # power cut can lose the last ones, which then repeat a message, never lose one.
        self._durable = durable
        self._name = name
        self._queue: list[tuple[Write, asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None
        self.commits = 0  # transactions (tests and benchmarks read these)
        self.records = 0

    @property
    def pending(self) -> int:
        return len(self._queue)

    def submit(self, write: Write) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((write, future))
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=self._name)
        return future

    async def flush(self) -> None:
        """Wait until everything submitted so far is committed (or has failed)."""
        while self._task is not None:
            await asyncio.shield(self._task)

    async def _run(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                writes = [w for w, _ in batch]
                try:
                    outcomes = await self._db.run(_apply, writes, durable=self._durable)
                except BaseException as exc:  # the transaction failed: every caller learns it
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc if isinstance(exc, Exception) else RuntimeError(str(exc)))
                    if not isinstance(exc, Exception):
                        raise
                    continue
                self.commits += 1
                self.records += len(batch)
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():  # the caller was cancelled; the record stands
                        continue
                    if outcome is None:
                        future.set_result(None)
                    else:
                        future.set_exception(outcome)
        finally:
            self._task = None
