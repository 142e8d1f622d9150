"""Menu pages (Back to where the user came from, feedback asked once), commands, language, and the
fallbacks for what is not text (free text: bot/features/freetext)."""

from __future__ import annotations

from telegram.ext import filters

from bot.core.feature import Command, Feature, Message, Stage, routes
from bot.features.menu import handlers as h
from bot.features.menu.callbacks import static_callbacks
from bot.features.menu.state import FeedbackAsked
from bot.ui.callbacks import OpenHelp, OpenLanguage
from bot.ui.screens import PRIVATE

FEATURE = Feature(
    name="menu",
    commands=(
        Command("start", h.start, listed=1),
        Command("menu", h.menu, listed=2),
        Command("help", opens=OpenHelp(), listed=8),
        Command("about", h.about, listed=9),
        Command("language", opens=OpenLanguage(), listed=7),
    ),
    messages=(
        Message(PRIVATE & filters.COMMAND, h.unknown, Stage.UNCLAIMED_COMMAND),
        # Stickers, photos, voice, locations: anything but text (service messages are not the user's).
        Message(
            PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL & filters.UpdateType.MESSAGE, h.unknown, Stage.FALLBACK
        ),
        Message(~PRIVATE & filters.COMMAND & filters.UpdateType.MESSAGE, h.private_only, Stage.FALLBACK),
    ),
    static_callbacks=static_callbacks,
    state=FeedbackAsked,
    callbacks=routes(
        h.on_nav,
        h.on_nav_from,
        h.on_nav_result,
        h.on_set_lang,
        h.on_vote,
        h.on_vote_from,
        h.on_vote_result,
        h.on_language_button,
        h.on_help_button,
    ),
)
