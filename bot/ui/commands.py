"""The command list Telegram shows next to the text box, in every language."""

from __future__ import annotations

import logging

from telegram import BotCommand
from telegram.error import TelegramError

from bot.infra.services import BotApp, services_of

log = logging.getLogger(__name__)

# Shown by Telegram in this order; descriptions are content (`commands.<name>`). Admin commands
# are left out: they would show to everyone. tests/test_menu.py checks every one is handled.
MENU = (
    "start",
    "menu",
    "check",
    "log",
    "diary",
    "reminders",
    "language",
    "help",
    "about",
    "privacy",
    "mydata",
    "delete_my_data",
)


async def register_commands(app: BotApp) -> None:
    """The command list in every language (the default language without a code)."""
    content = services_of(app).content
    for lang in content.languages:
        commands = [BotCommand(c, content.text(lang, f"commands.{c}")) for c in MENU]
        code = None if lang == content.default_language else lang
        try:
            await app.bot.set_my_commands(commands, language_code=code)
        except TelegramError as exc:
            log.warning("could not register the %s command list: %s", lang, exc)
