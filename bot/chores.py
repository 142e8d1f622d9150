"""The one chore scheduler: every feature's periodic work, on the injected clock.

It runs in the lifecycle beside (not inside) the reminder worker, so a process that sends no
reminders (`run_delivery=False`) still closes idle checklists and applies retention. Each chore
runs at start-up and then every `every` seconds; a chore that fails is logged and tried again at
its next period, and never stops the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot

from bot.core.feature import Chore
from bot.infra.services import Services

log = logging.getLogger(__name__)

MIN_WAIT = 1.0  # seconds between two passes, at the least


class ChoreScheduler:
    def __init__(self, services: Services, bot: Bot, chores: tuple[Chore, ...]) -> None:
        names = [chore.name for chore in chores]
        if len(set(names)) != len(names):
            raise ValueError(f"two chores share a name: {names}")
        self.services = services
        self.bot = bot
        self.chores = chores
        self.last_run: dict[str, float] = {}
        self.runs: dict[str, int] = dict.fromkeys(names, 0)
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    def _due_in(self, chore: Chore, now: float) -> float:
        last = self.last_run.get(chore.name)
        return 0.0 if last is None else last + chore.every - now

    async def run_due(self) -> int:
        """Run every chore whose period has passed; returns how many ran (tests drive this)."""
        ran = 0
        for chore in self.chores:
            now = self.services.clock.now()
            if self._due_in(chore, now) > 0:
                continue
            self.last_run[chore.name] = now
            try:
                await chore.run(self.services, self.bot)
            except Exception:
                log.exception("chore %s failed; it runs again in %.0f s", chore.name, chore.every)
            self.runs[chore.name] += 1
            ran += 1
        return ran

    async def _loop(self) -> None:
        while not self._stop.is_set():
            await self.run_due()
            now = self.services.clock.now()
            wait = min((self._due_in(chore, now) for chore in self.chores), default=3600.0)
            # At least a second: a chore whose period has already passed again (it ran longer
            # than its period) must not spin the loop without yielding to the updates.
            await self.services.clock.wait(self._stop, max(MIN_WAIT, wait))

    def start(self) -> None:
        if self.chores and self._task is None:
            self._stop.clear()
            self._task = asyncio.create_task(self._loop(), name="chores")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
