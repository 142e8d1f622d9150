"""/privacy, /mydata and /delete_my_data: what we keep, shown and erased on request."""

from __future__ import annotations

from bot.core.feature import Chore, Command, Feature, routes
from bot.features.privacy import handlers as h
from bot.ui.callbacks import OpenPrivacy

FEATURE = Feature(
    name="privacy",
    commands=(
        Command("privacy", opens=OpenPrivacy(), listed=10),
        Command("mydata", h.mydata_command, listed=11),
        Command("delete_my_data", h.delete_command, listed=12),
    ),
    chores=(Chore("user-retention", 3600.0, h.purge_inactive_users),),
    callbacks=routes(h.on_privacy_button, h.on_confirm_delete, h.on_keep),
)
