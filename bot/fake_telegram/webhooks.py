"""How updates reach the bot: the queue that getUpdates long-polls (``push_update`` wakes it) and
setWebhook / deleteWebhook / getWebhookInfo, with Telegram's refusals (an https URL only, no
getUpdates while a webhook is set)."""

from __future__ import annotations

import asyncio
import contextlib

from bot.fake_telegram.dispatch import Dispatch
from bot.fake_telegram.model import ApiError, JSONDict, bad

__all__ = ["Webhooks"]


class Webhooks(Dispatch):
    """getUpdates and the webhook methods, over one queue of pending updates."""

    def __init__(self) -> None:
        super().__init__()
        self.webhook_url = ""
        self._updates: list[JSONDict] = []
        self._update_event: asyncio.Event | None = None
        self._update_event_loop: asyncio.AbstractEventLoop | None = None

    def _event(self) -> asyncio.Event:
        loop = asyncio.get_running_loop()
        if self._update_event is None or self._update_event_loop is not loop:
            self._update_event = asyncio.Event()
            self._update_event_loop = loop
            if self._updates:
                self._update_event.set()
        return self._update_event

    def push_update(self, update: JSONDict) -> None:
        """Queue an update (e.g. from a factory) for getUpdates; wakes a waiting long poll."""
        self._updates.append(update)
        if self._update_event is not None:
            self._update_event.set()

    def pending_updates(self) -> list[JSONDict]:
        """Queued updates not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset > 0:
            # Telegram: offset is the first update to return; older ones are confirmed.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and timeout > 0:
            event = self._event()
            event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout)
        return [u for u in self._updates if u["update_id"] >= offset][:limit]

    def _set_webhook(self, params: JSONDict) -> bool:
        url = params.get("url") or ""
        if not isinstance(url, str):
            raise bad("bad webhook: invalid URL")
        if url and not url.startswith("https://"):
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _delete_webhook(self, params: JSONDict) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, _params: JSONDict) -> JSONDict:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
