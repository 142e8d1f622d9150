"""Start-up and shutdown around PTB's own: the database (every feature's migrations), the
command list, the chore scheduler, the delivery worker, and in production the SIGHUP reload and
the health heartbeat. `running(app)` is run_polling's lifecycle without polling, for the tests,
the demo and the benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from bot import health
from bot.chores import ChoreScheduler
from bot.core.feature import Stop
from bot.features.admin.handlers import reload_content
from bot.features.reminders.delivery import ReminderDelivery
from bot.infra.services import BotApp, Services, services_of
from bot.services.commands import register_commands
from bot.services.profile import register_profile
from bot.ui import dates
from storage.db import Database


@dataclass
class Lifecycle:
    services: Services
    delivery: ReminderDelivery | None  # None: this process sends no reminders
    chores: ChoreScheduler
    migrations: tuple[tuple[str, str], ...]  # every feature's and the core's, in name order
    start_delivery: bool = True  # False: the caller drives delivery pass by pass
    start_chores: bool = True  # False: the caller runs chores (tests: `chores.run_due()`)
    production_hooks: bool = False  # SIGHUP reload and the heartbeat file
    stops: tuple[Stop, ...] = ()  # the features' shutdown steps
    heartbeat: asyncio.Task[None] | None = field(default=None, init=False)


def lifecycle_of(app: BotApp) -> Lifecycle:
    lifecycle = app.bot_data["lifecycle"]
    assert isinstance(lifecycle, Lifecycle)
    return lifecycle


async def post_init(app: BotApp) -> None:
    life = lifecycle_of(app)
    services = life.services
    if not services.db_open:
        services.db = await Database.open(services.settings.database, life.migrations)
    await register_commands(app)
    await register_profile(app.bot, services.content)
    if life.delivery is not None:
        await life.delivery.recover()
        if life.start_delivery:
            await life.delivery.start()
    if life.start_chores:
        life.chores.start()
    if life.production_hooks:
        loop = asyncio.get_running_loop()
        # SIGHUP = /reload: operators reload content without a restart.
        loop.add_signal_handler(signal.SIGHUP, lambda: app.create_task(reload_content(services, app)))
        if services.settings.health_file is not None:
            life.heartbeat = loop.create_task(health.heartbeat(services, services.settings.health_file))
        # Babel's import and locale data (~40 ms, bot/ui/dates.py) in a worker thread, not in the
        # first handler that shows a date; not awaited, so getUpdates does not wait for it.
        loop.run_in_executor(None, dates.warm_up, tuple(services.content.locales.values()))


async def post_stop(app: BotApp) -> None:
    life = lifecycle_of(app)
    if life.heartbeat is not None:
        life.heartbeat.cancel()
        life.heartbeat = None
    await life.chores.stop()
    if life.delivery is not None:
        await life.delivery.stop()


async def post_shutdown(app: BotApp) -> None:
    # PTB runs post_stop only if the app got as far as running; a signal during start-up
    # skips it, so the worker and heartbeat are stopped here too (stop is idempotent).
    await post_stop(app)
    life = lifecycle_of(app)
    for stop in life.stops:
        await stop(app)
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
