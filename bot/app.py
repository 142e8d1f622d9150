"""build_application(): the one place that wires settings, content, storage and features.

main.py, the demo, the tests and the benchmarks all build the bot through this factory, so
what is tested is what runs. A new feature is one package and one line in FEATURES: its
commands, callbacks, text claims, state, tables (migrations, export, erase) and chores are
collected from its `Feature` here (see bot/core/feature.py).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from types import MappingProxyType
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.chores import ChoreScheduler
from bot.core.feature import Chore, Feature, Handler, Routes, Stage, TextClaim
from bot.core.turn import Turn, turn_of
from bot.features.admin import feature as admin
from bot.features.checklist import feature as checklist
from bot.features.diary import feature as diary
from bot.features.freetext import feature as freetext
from bot.features.menu import feature as menu
from bot.features.privacy import feature as privacy
from bot.features.reminders import feature as reminders
from bot.features.reminders.delivery import ReminderDelivery
from bot.features.sharing import feature as sharing
from bot.infra.clock import Clock, SystemClock
from bot.infra.http import BoundedHTTPXRequest
from bot.infra.ratelimit import PriorityRateLimiter
from bot.infra.services import BotApp, BotContext, Services, services_of
from bot.infra.settings import Settings
from bot.lifecycle import Lifecycle, post_init, post_shutdown, post_stop
from bot.processing import PerUserProcessor
from bot.routing import callback_router, on_error
from bot.services.checked_content import ContentChecks
from bot.services.commands import CommandMenu
from bot.services.update_counter import UpdateCounter
from bot.ui.callbacks import Callback, Codec
from bot.ui.replies import NoLinkPreview
from bot.ui.screens import PRIVATE
from content.model import Content
from storage.db import CORE_MIGRATIONS, Database
from storage.tables import Migration, Table, schema

# Every feature. A command or button belongs to exactly one feature and free text goes to the
# claims by their declared precedence, so the order only sets the order of fallbacks.
FEATURES: tuple[Feature, ...] = (
    privacy.FEATURE,
    admin.FEATURE,
    sharing.FEATURE,  # before menu: its `/start PARAMETER` handler is offered the update first
    menu.FEATURE,
    freetext.FEATURE,
    diary.FEATURE,
    checklist.FEATURE,
    reminders.FEATURE,
)

# Handler groups: PTB offers an update to one handler per group, in group order.
_COMMANDS_GROUP = 0  # commands, other update kinds, the callback router, unclaimed commands
_CLAIMS_GROUP = 1  # the one dispatcher of every feature's free-text claims
_GROUPS = MappingProxyType({Stage.UNCLAIMED_COMMAND: _COMMANDS_GROUP, Stage.FALLBACK: 1000})


def tables_of(features: tuple[Feature, ...]) -> tuple[Table, ...]:
    tables = tuple(table for feature in features for table in feature.tables)
    names = [table.name for table in tables]
    if len(set(names)) != len(names):
        raise ValueError(f"a table is declared twice: {names}")
    return tables


def migrations_of(features: tuple[Feature, ...]) -> tuple[Migration, ...]:
    """The core's migrations and every feature table's, in name order (storage/tables.py)."""
    return schema(CORE_MIGRATIONS, *(table.migrations for table in tables_of(features)))


def command_menu(features: tuple[Feature, ...]) -> tuple[str, ...]:
    listed = [(c.listed, c.name) for f in features for c in f.commands if c.listed is not None]
    return tuple(name for _, name in sorted(listed))


def codec_of(features: tuple[Feature, ...]) -> Codec:
    """The parser of exactly the operations some feature routes (its own classes and entries)."""
    return Codec(on.kind for feature in features for on in feature.callbacks)


def content_checks(features: tuple[Feature, ...] = FEATURES) -> ContentChecks:
    """The code's checks of content: every button a feature's content produces fits the codec."""
    produced = tuple(f.static_callbacks for f in features if f.static_callbacks is not None)
    return ContentChecks(codec_of(features), produced)


def load_checked_content(root: Path | str | None = None, features: tuple[Feature, ...] = FEATURES) -> Content:
    """The content at `root` (the shipped content by default) with the code's checks: the CLI's,
    the tests' and build_application's loader; /reload uses the same ContentChecks."""
    return content_checks(features).load(root)


# The schema of the shipped bot: what backups, restores and the CLI check a database against.
MIGRATIONS = migrations_of(FEATURES)
TABLES = tables_of(FEATURES)


def build_application(
    settings: Settings,
    *,
    content: Content | None = None,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    database: Database | None = None,
    features: tuple[Feature, ...] = FEATURES,
    run_delivery: bool = True,
    start_delivery: bool = True,
    start_chores: bool | None = None,
    rate_limit: bool = True,
    production_hooks: bool = False,
) -> BotApp:
    """The bot, ready for run_polling / run_webhook or `running(app)` in tests.

    `start_delivery=False` leaves the reminder worker to the caller (tests drive it pass by
    pass), and the chores too unless `start_chores` says otherwise; `production_hooks` adds
    SIGHUP reload and the health heartbeat file (the runner's). `features` is FEATURES unless a
    test adds one of its own.
    """
    checks = content_checks(features)
    content = content or checks.load(settings.content_dir)
    states: list[object] = [CommandMenu(command_menu(features)), UpdateCounter(), checks]
    states += [feature.state() for feature in features if feature.state is not None]
    services = Services(
        settings, content, clock or SystemClock(), database=database, tables=tables_of(features), states=states
    )

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

    chores: tuple[Chore, ...] = tuple(chore for feature in features for chore in feature.chores)
    app.bot_data["lifecycle"] = Lifecycle(
        services,
        ReminderDelivery(app.bot, services) if run_delivery else None,
        ChoreScheduler(services, app.bot, chores),
        migrations_of(features),
        start_delivery=start_delivery,
        start_chores=start_delivery if start_chores is None else start_chores,
        production_hooks=production_hooks,
        stops=tuple(stop for feature in features for stop in feature.stops),
    )
    register(app, features)
    return app


def register(app: BotApp, features: tuple[Feature, ...]) -> None:
    """Every feature's handlers: commands, the callback router, the claims, the fallbacks."""
    services = services_of(app)
    admins = services.settings.admin_ids
    only_admins = PRIVATE & filters.User(user_id=list(admins))
    routes = Routes({})
    for feature in features:
        for on in feature.callbacks:
            if on.kind in routes.by_kind:
                raise ValueError(f"{on.kind.__name__} is routed by two features")
            routes.by_kind[on.kind] = on.route
    services.add_state(routes)  # for enter() and commands that open a button's screen
    for feature in features:
        for command in feature.commands:
            if command.admin_only and not admins:
                continue  # no admins: to everyone the command does not exist
            allowed = only_admins if command.admin_only else PRIVATE
            handler = command.handler or _opening(command.opens, routes)
            app.add_handler(CommandHandler(command.name, _with_turn(handler), filters=allowed), _COMMANDS_GROUP)
        for update_handler in feature.updates:
            app.add_handler(update_handler, _COMMANDS_GROUP)
    # The codec knows exactly the operations some feature routes (theirs, declared in `callbacks`).
    codec = codec_of(features)
    app.add_handler(CallbackQueryHandler(callback_router(routes.by_kind, codec)), _COMMANDS_GROUP)
    claims = sorted((claim for feature in features for claim in feature.claims), key=lambda c: c.precedence)
    precedences = [claim.precedence for claim in claims]
    if len(set(precedences)) != len(precedences):
        raise ValueError(f"two text claims share a precedence: {precedences}")
    if claims:
        app.add_handler(MessageHandler(_any_of(claims), _claims_dispatcher(tuple(claims))), _CLAIMS_GROUP)
    for stage in Stage:
        for feature in features:
            for message in feature.messages:
                if message.stage is stage:
                    app.add_handler(MessageHandler(message.filter, _with_turn(message.handler)), _GROUPS[stage])
    app.add_error_handler(on_error)


def _opening(callback: Callback | None, routes: Routes) -> Handler:
    """A command that opens its button twin's screen: the button's route is the one body."""
    assert callback is not None
    route = routes.by_kind[type(callback)]

    async def command(turn: Turn) -> None:
        alert = await route(turn, callback)
        if alert and turn.chat is not None:
            await turn.bot.send_message(turn.chat.id, alert)  # a button's alert, as a reply

    return command


def _with_turn(handler: Handler) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    """PTB's callback for a command or message handler: the update's Turn, built once."""

    async def run(update: Update, ctx: BotContext) -> None:
        await handler(await turn_of(update, ctx))

    return run


def _any_of(claims: list[TextClaim]) -> filters.BaseFilter:
    combined = claims[0].filter
    for claim in claims[1:]:
        combined = combined | claim.filter
    return combined


def _claims_dispatcher(claims: tuple[TextClaim, ...]) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    """Ask each claim whose filter matches, lowest precedence first: the first that raises
    ApplicationHandlerStop has the update; if none does, search and the fallbacks get it."""

    async def dispatch(update: Update, ctx: BotContext) -> None:
        turn: Turn | None = None
        for claim in claims:
            if claim.filter.check_update(update):
                turn = turn or await turn_of(update, ctx)  # once, and only for a claim that matches
                await claim.handle(turn)

    return dispatch


__all__ = [
    "FEATURES",
    "MIGRATIONS",
    "TABLES",
    "build_application",
    "codec_of",
    "content_checks",
    "load_checked_content",
    "register",
]
