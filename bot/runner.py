"""Serving Telegram for real: long polling or our webhook endpoint, with signals handled."""

from __future__ import annotations

import asyncio
import logging
import signal
from urllib.parse import urlparse

from telegram import Update

from bot.app import MIGRATIONS, build_application
from bot.infra.services import BotApp
from bot.infra.settings import Settings
from bot.infra.webhook import make_server
from bot.lifecycle import post_init, post_shutdown, post_stop
from content.model import Content
from storage.db import Database

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def serve(settings: Settings, content: Content) -> None:
    # Open the database once before talking to Telegram, so a locked or corrupt file is
    # reported as such (and first), not after a network round trip.
    asyncio.run(_check_database(settings))
    app = build_application(settings, content=content, production_hooks=True)
    log.info("Spasm Guide starting (%s mode, content %s)", settings.mode, content.fingerprint)
    if settings.mode == "webhook":
        asyncio.run(serve_webhook(app, settings))
    else:
        # On SIGTERM/SIGINT PTB stops fetching and waits for in-flight handlers; post_stop then
        # lets the delivery worker finish its current batch and post_shutdown closes the database.
        app.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=STOP_SIGNALS)
    log.info("Spasm Guide stopped")


async def _check_database(settings: Settings) -> None:
    db = await Database.open(settings.database, MIGRATIONS)
    await db.close()


async def serve_webhook(app: BotApp, settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    assert settings.webhook_url is not None
    if stop is None:  # a caller's own event (tests) replaces the process signals
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, stop.set)
    path = urlparse(settings.webhook_url).path or "/"
    server = make_server(app, path, settings.webhook_secret.reveal())
    async with app:
        await post_init(app)
        await app.start()
        server.listen(settings.webhook_port, address=settings.webhook_listen)
        await app.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret.reveal(),
            allowed_updates=Update.ALL_TYPES,
        )
        log.info("webhook listening on %s:%d%s", settings.webhook_listen, settings.webhook_port, path)
        try:
            await stop.wait()
        finally:
            server.stop()  # no new updates; those already queued are still processed
            await server.close_all_connections()
            await app.stop()
            await post_stop(app)
            await post_shutdown(app)


__all__ = ["serve", "serve_webhook"]
