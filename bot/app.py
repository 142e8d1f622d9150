"""build_application(): the one place that wires settings, content, storage and features.

main.py, the demo, the tests and the benchmarks all build the bot through this factory, so
what is tested is what runs.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
)
from telegram.request import BaseRequest

from bot import admin, callbacks, checklist, menu, privacy, reminders
from bot.callbacks import Callback
from bot.clock import Clock, SystemClock
from bot.dispatcher import ReminderDispatcher
from bot.http import BoundedHTTPXRequest
from bot.processing import PerUserProcessor
from bot.ratelimit import PriorityRateLimiter
from bot.replies import NoLinkPreview
from bot.services import BotContext, Services, services_of
from bot.settings import Settings
from content.loader import load_content
from content.model import Content
from storage.db import Database

log = logging.getLogger(__name__)

Route = Callable[[Update, BotContext, Any], Awaitable[str | None]]
BotApp = Application[Any, BotContext, Any, Any, Any, Any]

# Command menu shown by Telegram, in this order.
COMMANDS = (
    "start",
    "menu",
    "check",
    "reminders",
    "language",
    "help",
    "about",
    "privacy",
    "mydata",
    "delete_my_data",
)


def build_application(
    settings: Settings,
    *,
    content: Content | None = None,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    database: Database | None = None,
    run_dispatcher: bool = True,
    start_dispatcher: bool = True,
    rate_limit: bool = True,
) -> BotApp:
    """The bot, ready for run_polling / run_webhook or `running(app)` in tests."""
    content = content or load_content(settings.content_dir)
    services = Services(settings, content, clock or SystemClock())
    services.db = database

    token = settings.token.reveal() or "0:demo"
    builder = (
        ApplicationBuilder()
        .token(token)
        .context_types(ContextTypes(context=BotContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=NoLinkPreview()))
        # Updates from different users run concurrently; one user's updates run in order,
        # so a double tap cannot race two checklist answers.
        .concurrent_updates(PerUserProcessor(services, max_concurrent_updates=256))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .arbitrary_callback_data(False)
    )
    if rate_limit:
        builder = builder.rate_limiter(PriorityRateLimiter())  # type: ignore[arg-type]
    if settings.base_url:
        builder = builder.base_url(settings.base_url.rstrip("/")).base_file_url(
            settings.base_url.rstrip("/").removesuffix("/bot") + "/file/bot"
        )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        builder = builder.request(BoundedHTTPXRequest())
    app: BotApp = builder.build()
    app.bot_data["services"] = services
    if run_dispatcher:
        services.dispatcher = ReminderDispatcher(app)
    # Tests drive the dispatcher pass by pass instead of letting its loop run.
    services.autostart_dispatcher = start_dispatcher

    routes: dict[type[Callback], Route] = {}
    named_actions: dict[str, Route] = {}
    for feature in (privacy, admin, menu, checklist, reminders):
        feature.register(app)
        routes.update(feature.routes())
        named_actions.update(feature.actions())
    menu.register_last(app)
    routes[callbacks.Act] = _action_router(named_actions)
    app.add_handler(CallbackQueryHandler(_router(routes)), group=0)
    app.add_error_handler(_on_error)
    return app


def _router(routes: dict[type[Callback], Route]) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    """Parse callback_data once, hand it to its feature, and always answer the query."""

    async def route(update: Update, ctx: BotContext) -> None:
        query = update.callback_query
        assert query is not None
        parsed = callbacks.parse(query.data)
        handler = routes.get(type(parsed)) if parsed is not None else None
        alert: str | None
        try:
            if handler is None:
                # Forged, or from a build of the bot that no longer exists: say so, show the menu.
                alert = await menu.show_stale(update, ctx)
            else:
                alert = await handler(update, ctx, parsed)
        except Exception as exc:
            # No endless spinner, whatever happened; the error handler logs and cleans up.
            with contextlib.suppress(TelegramError):
                await query.answer(_failure_text(ctx, update, exc, alert=True))
            raise
        with contextlib.suppress(TelegramError):
            await query.answer(alert)

    return route


def _action_router(named: dict[str, Route]) -> Route:
    async def act(update: Update, ctx: BotContext, cb: callbacks.Act) -> str | None:
        handler = named.get(cb.name)
        if handler is None:
            return await menu.show_stale(update, ctx)
        return await handler(update, ctx, cb)

    return act


async def _on_error(update: object, ctx: BotContext) -> None:
    error = ctx.error
    services = services_of(ctx.application)
    if isinstance(error, Forbidden) and isinstance(update, Update) and update.effective_user:
        await reminders.mark_blocked(services, update.effective_user.id)
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


async def post_init(app: BotApp) -> None:
    services = services_of(app)
    if not services.db_open:
        services.db = await Database.open(services.settings.database)
    await register_commands(app)
    if services.dispatcher is not None:
        await services.dispatcher.recover()
        if services.autostart_dispatcher:
            await services.dispatcher.start()
    if services.install_signals:
        _install_production_hooks(app, services)


def _install_production_hooks(app: BotApp, services: Services) -> None:
    import asyncio
    import signal

    from bot import health
    from bot.admin import reload_content

    loop = asyncio.get_running_loop()
    # SIGHUP = /reload: operators reload content without a restart.
    loop.add_signal_handler(signal.SIGHUP, lambda: app.create_task(reload_content(services, app)))
    if services.settings.health_file is not None:
        services.heartbeat = loop.create_task(health.heartbeat(services, services.settings.health_file))


async def register_commands(app: BotApp) -> None:
    """The command list Telegram shows, in every language (default language without a code)."""
    content = services_of(app).content
    for lang in content.languages:
        commands = [BotCommand(c, content.text(lang, f"commands.{c}")) for c in COMMANDS]
        code = None if lang == content.default_language else lang
        try:
            await app.bot.set_my_commands(commands, language_code=code)
        except TelegramError as exc:
            log.warning("could not register the %s command list: %s", lang, exc)


async def post_stop(app: BotApp) -> None:
    services = services_of(app)
    if services.heartbeat is not None:
        services.heartbeat.cancel()
        services.heartbeat = None
    if services.dispatcher is not None:
        await services.dispatcher.stop()


async def post_shutdown(app: BotApp) -> None:
    # PTB runs post_stop only if the app got as far as running; a signal during start-up
    # skips it, so the dispatcher and heartbeat are stopped here too (stop is idempotent).
    await post_stop(app)
    await services_of(app).close_db()


@contextlib.asynccontextmanager
async def running(app: BotApp) -> AsyncIterator[BotApp]:
    """The lifecycle of run_polling without polling: for tests, the demo and benchmarks."""
    async with app:
        await post_init(app)
        try:
            yield app
        finally:
            await post_stop(app)
            await post_shutdown(app)


__all__ = ["COMMANDS", "build_application", "register_commands", "running"]
