"""Telegram's send limits with priority for people who are waiting on a reply.

PTB's AIORateLimiter treats every request alike, so a burst of 10,000 due reminders would queue
interactive replies behind it. Here message-producing calls share one sliding one-second window
(Telegram allows about 30 broadcast messages per second): bulk calls (the reminder delivery worker
passes rate_limit_args=BULK) are paced evenly within what the window leaves, one message per
second per chat, and always after any waiting interactive call; interactive calls (replies to a
person's own tap or message) are counted but never queued. A 429 RetryAfter pauses, for the time
Telegram asks, that chat (interactive) or all bulk sending, then retries.
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
        self._chat_paused: dict[int | str | None, float] = {}
        # Bulk sends are paced one every 1/per_second s: sent as fast as the window allows they
        # go out 29 at once at the top of each second, and a tap arriving just after such a
        # burst waited up to a second for the window to roll over (bench/dispatch.py).
        self._bulk_next = 0.0
        self.retries = 0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def _acquire(self, bulk: bool, chat_id: object) -> None:
        chat = chat_id if isinstance(chat_id, int | str) else None
        if not bulk:
            self._interactive_waiting += 1
        try:
            while True:
                now = self._clock()
                while self._window and self._window[0] <= now - 1.0:
                    self._window.popleft()
                wait = max(self._paused_until, self._chat_paused.get(chat, 0.0)) - now
                # A person waiting on a reply is never queued behind the window: Telegram's
                # 30/s is a broadcasting limit. Their messages still count, so bulk yields.
                if wait <= 0 and bulk:
                    wait = self._bulk_wait(now, chat)
                if wait <= 0:
                    self._record(now, bulk, chat)
                    return
                await self._sleep(wait)
        finally:
            if not bulk:
                self._interactive_waiting -= 1

    def _bulk_wait(self, now: float, chat: int | str | None) -> float:
        if len(self._window) >= self.per_second:
            # Never 0 here: float rounding can leave the oldest entry in the window with a
            # non-positive wait, which must not skip the pacing checks below.
            return max(self._window[0] + 1.0 - now, 1e-6)
        if self._interactive_waiting:
            return 0.002  # let people who are waiting go first
        if self._bulk_next > now:
            return self._bulk_next - now
        last = self._chat_last.get(chat) if chat is not None else None
        if last is not None and now - last < self.per_chat_interval:
            return last + self.per_chat_interval - now
        return 0.0

    def _record(self, now: float, bulk: bool, chat: int | str | None) -> None:
        self._window.append(now)
        if bulk:
            # From the schedule, not from now: a late wake-up does not slow the pace.
            interval = 1.0 / self.per_second
            self._bulk_next = max(self._bulk_next, now - interval) + interval
        if chat is not None:
            self._chat_last[chat] = now
            self._chat_last.move_to_end(chat)
            while len(self._chat_last) > 10_000:
                self._chat_last.popitem(last=False)

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
                until = self._clock() + float(delay)
                chat = data.get("chat_id")
                if isinstance(chat, int | str) and not bulk:
                    # One chat flooded by its own user's taps: pause that chat, not everyone.
                    self._chat_paused[chat] = max(self._chat_paused.get(chat, 0.0), until)
                    if len(self._chat_paused) > 10_000:
                        now = self._clock()
                        self._chat_paused = {c: t for c, t in self._chat_paused.items() if t > now}
                else:
                    self._paused_until = max(self._paused_until, until)
                log.warning("Telegram asked to wait %.0f s (%s, attempt %d)", delay, endpoint, attempt + 1)
                if attempt == self.max_retries:
                    raise
        raise AssertionError("unreachable")
