"""Checklist runs kept in memory and written behind to SQLite in group commits.

A checklist step used to wait for its own transaction: one thread hand-off and one commit per
tap, 4.4x the cost of a bare python-telegram-bot tap in bench/taps.py. Here the handler reads
and updates the run in memory and the write is queued; one background task commits everything
queued so far in one transaction, as soon as the event loop is free. Under load, many users'
answers share a commit; at rest each tap still reaches the database within a millisecond or so.

What this trades: the user sees the next question before the answer is committed, so a crash
(not a clean stop: shutdown flushes) can lose the answers of the last few milliseconds. Those
runs resume one step back. Reminders, which are promises, never go through here.

Ordering rules that keep it correct:
* One process owns the database (Telegram allows one poller per token), so the memory copy is
  the truth for every user it holds, and a miss is loaded from SQLite.
* A batch is taken from the queue and handed to the database thread in one step, without an
  await in between, and that thread runs jobs in order. So a job queued after `forget` (the
  privacy erase) always runs after any batch that still held the user's run.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import Counter, OrderedDict

from storage import checklists, stats
from storage.checklists import ChecklistRun
from storage.db import Database

log = logging.getLogger(__name__)

CACHE_SIZE = 10_000
RETRY_AFTER = 5.0  # seconds before retrying a batch whose commit failed


def _write(conn: sqlite3.Connection, runs: dict[int, ChecklistRun | None], counters: Counter[str]) -> None:
    # A constant number of statements per batch, not two per run (checklists.save_many says why).
    saved = [run for run in runs.values() if run is not None]
    deleted = [user_id for user_id, run in runs.items() if run is None]
    if saved:
        checklists.save_many(conn, saved)
    if deleted:
        checklists.delete_many(conn, deleted)
    if counters:
        stats.bump_many(conn, dict(counters))


class ChecklistStore:
    def __init__(self, db: Database, *, cache_size: int = CACHE_SIZE) -> None:
        self._db = db
        self._cache_size = cache_size
        # user id -> run, or None when the user is known to have none (free text asks this).
        self._cache: OrderedDict[int, ChecklistRun | None] = OrderedDict()
        self._pending: dict[int, ChecklistRun | None] = {}
        self._counters: Counter[str] = Counter()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._retry: asyncio.TimerHandle | None = None
        self.commits = 0  # batches committed (tests read it)

    # --- reads -----------------------------------------------------------------------------

    async def get(self, user_id: int) -> ChecklistRun | None:
        if user_id in self._cache:
            self._cache.move_to_end(user_id)
            return self._cache[user_id]
        run = await self._db.read(checklists.get, user_id)
        if user_id not in self._cache:  # nothing newer arrived while it was read
            self._remember(user_id, run)
        return self._cache[user_id]

    # --- writes (queued) -------------------------------------------------------------------

    def put(self, run: ChecklistRun, *count: str) -> None:
        self._remember(run.user_id, run)
        self._pending[run.user_id] = run
        self._counters.update(count)
        self._schedule()

    def remember(self, run: ChecklistRun, *count: str) -> None:
        """Keep the run in memory only: a checklist step, whose answers its buttons carry anyway
        (content.triage.encode_path), so nothing is written until the run ends."""
        self._remember(run.user_id, run)
        # Counters ride with the next commit or flush (the expiry chore flushes every minute):
        # a commit of their own per checklist was most of a step's cost (bench/taps.py).
        self._counters.update(count)

    def drop(self, user_id: int, *count: str) -> None:
        self._remember(user_id, None)
        self._pending[user_id] = None
        self._counters.update(count)
        self._schedule()

    def forget(self, user_id: int) -> None:
        """Before erasing a user: nothing of theirs may be written after the erase."""
        self._pending.pop(user_id, None)
        self._cache.pop(user_id, None)

    def clear_cache(self) -> None:
        """After rows were deleted behind the store's back (the retention purge)."""
        for user_id in [u for u in self._cache if u not in self._pending]:
            del self._cache[user_id]

    async def flush(self) -> None:
        """Commit everything queued so far (raises if the commit fails)."""
        if self._task is not None:
            await asyncio.shield(self._task)
        await self._commit()

    async def take_idle(self, idle_before: int, limit: int = 100) -> list[ChecklistRun]:
        """Remove and return runs last touched before `idle_before`, in memory and on disk."""
        await self.flush()
        runs = await self._db.run(checklists.take_idle, idle_before, limit, durable=False)
        for run in runs:
            cached = self._cache.get(run.user_id)
            # The user may have started afresh while the delete ran: keep the newer run.
            if cached is not None and cached.session == run.session and cached.updated_at == run.updated_at:
                self._cache[run.user_id] = None
        # Runs only in memory (a step is not written: see remember()).
        taken = {run.user_id for run in runs}
        for user_id, cached in list(self._cache.items()):
            idle = cached is not None and cached.updated_at < idle_before
            if idle and cached and user_id not in taken and user_id not in self._pending and len(runs) < limit:
                self._cache[user_id] = None
                runs.append(cached)
        return runs

    # --- the background commit -------------------------------------------------------------

    def _remember(self, user_id: int, run: ChecklistRun | None) -> None:
        self._cache[user_id] = run
        self._cache.move_to_end(user_id)
        while len(self._cache) > self._cache_size:
            oldest = next(iter(self._cache))
            if oldest in self._pending:
                break  # written soon; evicted on a later call
            del self._cache[oldest]

    def _schedule(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="checklist-writer")

    async def _run(self) -> None:
        try:
            while self._pending or self._counters:
                await self._commit()
        except Exception:
            log.exception("could not save checklist answers; retrying in %.0f s", RETRY_AFTER)
            self._retry = asyncio.get_running_loop().call_later(RETRY_AFTER, self._schedule)
        finally:
            self._task = None

    async def _commit(self) -> None:
        async with self._lock:
            if not self._pending and not self._counters:
                return
            runs, counters = self._pending, self._counters
            self._pending, self._counters = {}, Counter()
            try:
                # Answers in flight are not worth an fsync each: a power cut loses a tap or two.
                await self._db.run(_write, runs, counters, durable=False)
            except BaseException:
                # Put the batch back under anything queued since, which is newer.
                self._pending = runs | self._pending
                self._counters = counters + self._counters
                raise
            self.commits += 1

    async def close(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
        await self.flush()
