"""Admin-only commands. To anyone else they do not exist: the unknown-command reply, nothing more."""

from __future__ import annotations

from bot.core.feature import Command, Feature
from bot.features.admin import handlers as h

FEATURE = Feature(
    name="admin",
    commands=(
        Command("stats", h.stats_command, admin_only=True),
        Command("reload", h.reload_command, admin_only=True),
    ),
)
