"""The privacy screen's text: what is kept, for how long, and how to see or erase it."""

from __future__ import annotations

from bot.infra.services import Services


def privacy_text(services: Services, lang: str) -> str:
    """What is stored, and how long an erased record may survive in the operator's backups: the
    same schedule the backup service keeps (BACKUP_EVERY_HOURS x BACKUP_KEEP)."""
    content = services.content
    days = services.settings.backup_retention_days
    # The diary's line says how long its entries are kept (DIARY_RETENTION_DAYS).
    kept = content.diary.words(lang).privacy["kept"].replace("{days}", str(services.settings.diary_retention_days))
    # The backups bullet among the others, before the closing sentences (it came after them).
    backups = content.text(lang, "privacy.backups", days=days)
    return content.text(lang, "privacy.text", diary=kept, backups=backups).rstrip("\n")
