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
        """Oldest first; a locked database leaves the rest queued and raises, as other queues do."""
        while self.writes:
            await self._db.run(self.writes[0], durable=False)
            self.writes.pop(0)

    async def try_flush(self) -> None:
        with contextlib.suppress(sqlite3.OperationalError):  # locked by another process: next chore
            await self.flush()

    async def close(self) -> None:
        await self.flush()
