"""Reach: deep links into the bot, pages shared into any chat through inline mode, counted anonymously.

- ``/start PARAMETER`` (a t.me link, a poster's QR code): the page, the checklist or the diary's log
  (bot/services/deeplinks.py), after the usual greeting for a new user. Anything else: plain /start.
- ``@bot cramp`` in any chat: the matching pages as articles (bot/features/sharing/inline.py); choosing one
  posts the page with a button that opens the bot at it. Pages carry a Share button that starts
  this with the page's title typed (bot/ui/keyboards.py ShareButton).
- Counters only, never who: ``deeplink_<target>`` per link opened, ``share_<page>`` per page shared.
"""

from __future__ import annotations

from telegram.ext import ChosenInlineResultHandler, CommandHandler, InlineQueryHandler

from bot.core.feature import Feature
from bot.features.sharing import handlers as h
from bot.ui.screens import PRIVATE

FEATURE = Feature(
    name="sharing",
    updates=(
        # Only /start with a parameter; plain /start stays the menu's.
        CommandHandler("start", h.on_start_link, filters=PRIVATE, has_args=True),
        InlineQueryHandler(h.on_inline_query),
        ChosenInlineResultHandler(h.on_chosen_result),
    ),
)
