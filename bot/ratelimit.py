"""Telegram's send limits with priority for people who are waiting on a reply.

PTB's AIORateLimiter treats every request alike, so a burst of 10,000 due reminders would queue
interactive replies behind it. Here message-producing calls share one sliding one-second window
(Telegram allows about 30 messages per second overall), interactive calls always go first, and
bulk calls (the reminder dispatcher passes rate_limit_args=BULK) also keep one message per second
per chat. A 429 RetryAfter pauses everything for the time Telegram asks, then retries.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

BULK = "bulk"
LIMITED_PREFIXES = ("send", "edit", "copyMessage", "forwardMessage")


class PriorityRateLimiter(BaseRateLimiter[str]):
    def __init__(
        self,
        *,
        per_second: int = 29,  # one below Telegram's 30 leaves room for clock skew at the window edge
        per_chat_interval: float = 1.0,
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Coroutine[Any, Any, None]] = asyncio.sleep,
    ) -> None:
        self.per_second = per_second
        self.per_chat_interval = per_chat_interval
        self.max_retries = max_retries
        self._clock = clock
        self._sleep = sleep
        self._window: deque[float] = deque()
        self._chat_last: OrderedDict[int | str, float] = OrderedDict()
        self._interactive_waiting = 0
        self._paused_until = 0.0
        self.retries = 0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def _acquire(self, bulk: bool, chat_id: object) -> None:
        if not bulk:
            self._interactive_waiting += 1
        try:
            while True:
                now = self._clock()
                while self._window and self._window[0] <= now - 1.0:
                    self._window.popleft()
                wait = self._paused_until - now
                if wait <= 0 and len(self._window) >= self.per_second:
                    wait = self._window[0] + 1.0 - now
                if wait <= 0 and bulk and self._interactive_waiting:
                    wait = 0.002  # let people who are waiting go first
                if wait <= 0 and bulk and isinstance(chat_id, int | str):
                    last = self._chat_last.get(chat_id)
                    if last is not None and now - last < self.per_chat_interval:
                        wait = last + self.per_chat_interval - now
                if wait <= 0:
                    self._window.append(now)
                    if isinstance(chat_id, int | str):
                        self._chat_last[chat_id] = now
                        self._chat_last.move_to_end(chat_id)
                        while len(self._chat_last) > 10_000:
                            self._chat_last.popitem(last=False)
                    return
                await self._sleep(wait)
        finally:
            if not bulk:
                self._interactive_waiting -= 1

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        limited = endpoint.startswith(LIMITED_PREFIXES)
        bulk = rate_limit_args == BULK
        for attempt in range(self.max_retries + 1):
            if limited:
                await self._acquire(bulk, data.get("chat_id"))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                delay = exc.retry_after if isinstance(exc.retry_after, int | float) else exc.retry_after.total_seconds()
                self.retries += 1
                self._paused_until = max(self._paused_until, self._clock() + float(delay))
                log.warning("Telegram asked to wait %.0f s (%s, attempt %d)", delay, endpoint, attempt + 1)
                if attempt == self.max_retries:
                    raise
        raise AssertionError("unreachable")
