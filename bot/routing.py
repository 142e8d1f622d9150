"""The one callback router (by callback type) and the error handler."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.core.feature import Route
from bot.core.turn import turn_of
from bot.infra.services import BotContext, services_of
from bot.ui.callbacks import Callback, Codec

log = logging.getLogger(__name__)


def callback_router(
    routes: Mapping[type[Callback], Route[Any]],
    codec: Codec,
) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    """Parse callback_data once, hand it to its feature, and always answer the query."""

    async def route(update: Update, ctx: BotContext) -> None:
        query = update.callback_query
        assert query is not None
        parsed = codec.parse(query.data)
        handler = routes.get(type(parsed)) if parsed is not None else None
        alert: str | None
        try:
            turn = await turn_of(update, ctx)
            if handler is None:
                # Forged, or from a build of the bot that no longer exists: say so, show the menu.
                alert = await turn.stale()
            else:
                alert = await handler(turn, parsed)
        except Exception as exc:
            # No endless spinner, whatever happened; the error handler logs and cleans up.
            with contextlib.suppress(TelegramError):
                await query.answer(_failure_text(ctx, update, exc, alert=True))
            raise
        with contextlib.suppress(TelegramError):
            await query.answer(alert)

    return route


async def on_error(update: object, ctx: BotContext) -> None:
    error = ctx.error
    services = services_of(ctx.application)
    if isinstance(error, Forbidden) and isinstance(update, Update) and update.effective_user:
        await services.mark_blocked(update.effective_user.id)
        return
    busy = _is_busy(error)
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed: %r", update_id, error, exc_info=not busy and error is not None)
    if not isinstance(update, Update) or update.callback_query is not None:
        return  # the callback router already answered the query
    if update.effective_chat is not None and update.effective_chat.type == "private":
        with contextlib.suppress(TelegramError):
            await ctx.bot.send_message(update.effective_chat.id, _failure_text(ctx, update, error, alert=False))


def _is_busy(error: object) -> bool:
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)


def _failure_text(ctx: BotContext, update: Update, error: object, *, alert: bool) -> str:
    content = services_of(ctx.application).content
    lang = content.language(update.effective_user.language_code if update.effective_user else None)
    if alert:
        return content.text(lang, "alerts.busy" if _is_busy(error) else "alerts.error")
    return content.text(lang, "errors.busy" if _is_busy(error) else "errors.generic")
