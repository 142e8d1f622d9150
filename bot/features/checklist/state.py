"""The checklist's write queue: outcome traces waiting for the database."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from typing import Any

from storage.db import Database


class TraceQueue:
    """Outcome traces (storage/outcomes.py) waiting to be written. The user's result never waits
    for the database: an awaited write per finished checklist put 20 users finishing at once
    behind one another on the database thread (bench/taps.py: p99 430 ms, 2.3x bare PTB). The
    expiry chore writes the queue every minute; `Services.flush()` (before /mydata, an erase, a
    backup) and closing the database write it too. A crash can lose a minute of traces, never a
    user's answers or advice."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.writes: list[Callable[[Any], object]] = []

    async def flush(self) -> None:
        """Everything queued, in one transaction (one trip to the database thread, not one per
        trace); a locked database rolls it back, leaves it all queued and raises, as other
        queues do. Traces queued meanwhile wait for the next flush."""
        batch = list(self.writes)
        if not batch:
            return

        def write_all(conn: Any) -> None:
            for write in batch:
                write(conn)

        await self._db.run(write_all, durable=False)
        del self.writes[: len(batch)]

    async def try_flush(self) -> None:
        with contextlib.suppress(sqlite3.OperationalError):  # locked by another process: next chore
            await self.flush()

    async def close(self) -> None:
        await self.flush()
