"""Time, injected: production uses the system clock, tests and the demo move time by hand."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any, Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch (UTC)."""

    async def wait(self, event: asyncio.Event, timeout: float) -> bool:
        """Wait until the event is set (True) or timeout seconds pass (False)."""


class SystemClock:
    def now(self) -> float:
        return time.time()

    async def wait(self, event: asyncio.Event, timeout: float) -> bool:
        try:
            await asyncio.wait_for(event.wait(), timeout=max(0.0, timeout))
        except TimeoutError:
            return False
        return True


class FakeClock:
    """A clock that only moves when told to; `wait` returns when time passes its deadline."""

    def __init__(self, start: float | datetime = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)) -> None:
        self._now = start.timestamp() if isinstance(start, datetime) else float(start)
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds
        self._wake()

    def set(self, when: datetime) -> None:
        self._now = when.timestamp()
        self._wake()

    def _wake(self) -> None:
        for deadline, fut in self._sleepers:
            if deadline <= self._now and not fut.done():
                fut.set_result(None)
        self._sleepers = [(d, f) for d, f in self._sleepers if not f.done()]

    async def wait(self, event: asyncio.Event, timeout: float) -> bool:
        if event.is_set() or timeout <= 0:
            return event.is_set()
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self._now + timeout, fut))
        flag: asyncio.Future[bool] = asyncio.ensure_future(event.wait())
        waiters: set[asyncio.Future[Any]] = {fut, flag}
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            flag.cancel()
            fut.cancel()
        return event.is_set()
