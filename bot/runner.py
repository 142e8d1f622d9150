"""Serving Telegram for real: long polling or a webhook, with signals handled."""

from __future__ import annotations

import logging
import signal
from urllib.parse import urlparse

from telegram import Update

from bot.app import build_application
from bot.settings import Settings
from content.model import Content

log = logging.getLogger(__name__)


def serve(settings: Settings, content: Content) -> None:
    app = build_application(settings, content=content)
    # SIGTERM/SIGINT: PTB stops fetching, waits for in-flight handlers, then post_stop stops
    # the dispatcher after its current message and post_shutdown closes the database.
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    log.info("Spasm Guide starting (%s mode, content %s)", settings.mode, content.fingerprint)
    if settings.mode == "webhook":
        assert settings.webhook_url is not None
        path = urlparse(settings.webhook_url).path.lstrip("/")
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=path,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret.reveal(),
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
            stop_signals=stop_signals,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=stop_signals)
    log.info("Spasm Guide stopped")
