"""build_application(): the one place that wires settings, content, storage and features.

main.py, the demo, the tests and the benchmarks all build the bot through this factory, so
what is tested is what runs. A new feature is one line in FEATURES.
"""

from __future__ import annotations

from types import MappingProxyType

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

from bot.features import admin, checklist, menu, privacy, reminders, sharing
from bot.features.diary import feature as diary
from bot.features.reminders.delivery import ReminderDelivery
from bot.infra.clock import Clock, SystemClock
from bot.infra.http import BoundedHTTPXRequest
from bot.infra.ratelimit import PriorityRateLimiter
from bot.infra.services import BotApp, BotContext, Services
from bot.infra.settings import Settings
from bot.lifecycle import Lifecycle, post_init, post_shutdown, post_stop
from bot.processing import PerUserProcessor
from bot.routing import callback_router, on_error
from bot.ui.callbacks import Callback, load_checked_content
from bot.ui.feature import ROUTES_KEY, Feature, Route, Stage
from bot.ui.replies import NoLinkPreview
from bot.ui.screens import PRIVATE
from content.model import Content
from storage.db import Database

# Every feature, in the order its handlers are offered an update within each stage: a
# command or button belongs to exactly one feature, so only free text depends on the order.
FEATURES: tuple[Feature, ...] = (
    privacy.FEATURE,
    admin.FEATURE,
    sharing.FEATURE,  # before menu: its `/start PARAMETER` handler is offered the update first
    menu.FEATURE,
    # Before the checklist: in the CLAIM stage the first matching handler gets the text, and the
    # diary's matches only users with a log question open; the checklist's matches all text.
    diary.FEATURE,
    checklist.FEATURE,
    reminders.FEATURE,
)

# Handler groups: PTB offers an update to one handler per group, in group order.
_COMMANDS_GROUP = 0  # commands, other update kinds, the callback router, unclaimed commands
_CLAIM_GROUPS = 1  # each claim handler in a group of its own, from here up: see register()
_GROUPS = {Stage.UNCLAIMED_COMMAND: _COMMANDS_GROUP, Stage.CLAIM: _CLAIM_GROUPS, Stage.FALLBACK: 1000}


def build_application(
    settings: Settings,
    *,
    content: Content | None = None,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    database: Database | None = None,
    run_delivery: bool = True,
    start_delivery: bool = True,
    rate_limit: bool = True,
    production_hooks: bool = False,
) -> BotApp:
    """The bot, ready for run_polling / run_webhook or `running(app)` in tests.

    `start_delivery=False` leaves the reminder worker to the caller (tests drive it pass by
    pass); `production_hooks` adds SIGHUP reload and the health heartbeat file (the runner's).
    """
    content = content or load_checked_content(settings.content_dir)
    services = Services(settings, content, clock or SystemClock(), database=database)

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

    delivery = None
    if run_delivery:
        chores = tuple(chore for feature in FEATURES for chore in feature.chores)
        delivery = ReminderDelivery(app.bot, services, chores=chores)
    app.bot_data["lifecycle"] = Lifecycle(
        services,
        delivery,
        start_delivery=start_delivery,
        production_hooks=production_hooks,
        stops=tuple(stop for feature in FEATURES for stop in feature.stops),
    )
    register(app, FEATURES)
    return app


def register(app: BotApp, features: tuple[Feature, ...]) -> None:
    """Every feature's handlers, stage by stage, in the features' order."""
    admins = app.bot_data["services"].settings.admin_ids
    only_admins = PRIVATE & filters.User(user_id=list(admins))
    routes: dict[type[Callback], Route] = {}
    for feature in features:
        for command in feature.commands:
            if command.admin_only and not admins:
                continue  # no admins: to everyone the command does not exist
            allowed = only_admins if command.admin_only else PRIVATE
            app.add_handler(CommandHandler(command.name, command.handler, filters=allowed), _COMMANDS_GROUP)
        for handler in feature.updates:
            app.add_handler(handler, _COMMANDS_GROUP)
        for kind, route in feature.callbacks.items():
            if kind in routes:
                raise ValueError(f"{kind.__name__} is routed by two features")
            routes[kind] = route
    app.bot_data[ROUTES_KEY] = MappingProxyType(routes)  # for enter(): deep links into a feature
    app.add_handler(CallbackQueryHandler(callback_router(routes)), _COMMANDS_GROUP)
    claims = 0
    for stage in Stage:
        for feature in features:
            for message in feature.messages:
                if message.stage is not stage:
                    continue
                group = _GROUPS[stage]
                if stage is Stage.CLAIM:
                    # PTB runs one handler per group. A claim handler that lets text through
                    # (returns without ApplicationHandlerStop) must leave the next feature's claim
                    # its chance: the checklist's and the time zone prompt's both see free text.
                    group = _CLAIM_GROUPS + claims
                    claims += 1
                app.add_handler(MessageHandler(message.filter, message.handler), group)
    app.add_error_handler(on_error)


__all__ = ["FEATURES", "build_application", "register"]
