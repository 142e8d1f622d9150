"""Concurrent updates, serial per user, with flood control.

PTB's concurrent_updates runs every update at once; that is what makes a bot fast (about 4,500
updates/s instead of 94 with 5 ms of API latency) but lets one user's double tap race itself.
Here updates of different users run concurrently while one user's updates run in arrival order,
and a user sending faster than the flood limit is paused with one polite notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor

from bot.infra.logs import hash_user, log_update
from bot.infra.services import Services
from bot.services.update_counter import UpdateCounter

log = logging.getLogger(__name__)


class _Bucket:
    __slots__ = ("muted_until", "notified", "stamp", "tokens")

    def __init__(self, burst: float, now: float) -> None:
        self.tokens = burst
        self.stamp = now
        self.muted_until = 0.0
        self.notified = False


class PerUserProcessor(BaseUpdateProcessor):
    def __init__(self, services: Services, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._services = services
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._buckets: dict[int, _Bucket] = {}
        self.dropped = 0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        user_id = _user_id(update)
        if user_id is None:
            await coroutine
            return
        if self._flooding(user_id):
            self.dropped += 1
            if asyncio.iscoroutine(coroutine):
                coroutine.close()  # never started, so nothing half-done
            await self._notify_flood(update, user_id)
            return
        lock, users = self._locks.get(user_id, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[user_id] = (lock, users + 1)
        health = self._services.health
        try:
            async with lock:
                self._services.state(UpdateCounter).advance(user_id)  # in order: one user's updates are serial
                started = time.monotonic()
                health.updates += 1
                health.in_flight[id(update)] = started
                try:
                    await coroutine
                finally:
                    del health.in_flight[id(update)]
                    if log.isEnabledFor(logging.INFO):
                        fields = {
                            "update_id": getattr(update, "update_id", None),
                            "user": hash_user(user_id),
                            "handler": describe(update),
                            "duration_ms": round((time.monotonic() - started) * 1000, 2),
                        }
                        log_update(log, fields)
        finally:
            lock, users = self._locks[user_id]
            if users <= 1:
                del self._locks[user_id]
            else:
                self._locks[user_id] = (lock, users - 1)

    def _flooding(self, user_id: int) -> bool:
        settings = self._services.settings
        now = self._services.clock.now()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) > 100_000:
                self._buckets.clear()  # crude but bounded: a reset only forgives floods
            bucket = self._buckets[user_id] = _Bucket(settings.flood_burst, now)
        if now < bucket.muted_until:
            return True
        bucket.tokens = min(settings.flood_burst, bucket.tokens + (now - bucket.stamp) * settings.flood_rate)
        bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.notified = False
            return False
        bucket.muted_until = now + 5.0
        return True

    async def _notify_flood(self, update: object, user_id: int) -> None:
        bucket = self._buckets[user_id]
        if bucket.notified or not isinstance(update, Update):
            if isinstance(update, Update) and update.callback_query is not None:
                with contextlib.suppress(TelegramError):
                    await update.callback_query.answer()
            return
        bucket.notified = True
        content = self._services.content
        lang = content.language(update.effective_user.language_code if update.effective_user else None)
        with contextlib.suppress(TelegramError):
            if update.callback_query is not None:
                await update.callback_query.answer(content.text(lang, "alerts.slow_down"))
            elif update.effective_chat is not None and update.effective_chat.type == "private":
                await update.get_bot().send_message(update.effective_chat.id, content.text(lang, "errors.flood"))


def describe(update: object) -> str:
    """What kind of event this was, never what the user wrote."""
    if not isinstance(update, Update):
        return type(update).__name__
    if update.callback_query is not None:
        data = update.callback_query.data or ""
        return f"button {data.split(':', 1)[0]}"
    message = update.message
    if message is not None and message.text is not None:
        if message.text.startswith("/"):
            return "command " + message.text.split()[0].split("@")[0][:32]
        return "text"
    if message is not None:
        return "message"
    for kind in ("my_chat_member", "edited_message", "inline_query", "chosen_inline_result", "channel_post"):
        if getattr(update, kind, None) is not None:
            return kind
    return "update"


def _user_id(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_user is not None:
        return update.effective_user.id
    return None
