"""The diary's retention chore: entries older than DIARY_RETENTION_DAYS are deleted hourly."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Bot

from bot.infra.services import Services
from bot.services.diary import local_today
from storage import diary, spasm_free

log = logging.getLogger(__name__)

# --- retention -------------------------------------------------------------------------------

PURGE_EVERY = 3600.0


async def purge_old(services: Services, bot: Bot) -> int:
    """Chore: hourly, delete diary entries older than DIARY_RETENTION_DAYS (by the entry's date;
    a day's margin so no time zone loses an entry a day early)."""
    today = local_today(services, None)
    before = today - timedelta(days=services.settings.diary_retention_days + 1)
    purged = await services.db.run(diary.purge, before)
    # Spasm-free days are diary data too: kept exactly as long as the entries.
    purged += await services.db.run(spasm_free.purge_before, before.isoformat())
    if purged:
        log.info("purged %d diary entries older than %d days", purged, services.settings.diary_retention_days)
    return purged
