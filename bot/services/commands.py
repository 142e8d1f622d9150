"""The command list Telegram shows next to the text box, in every language."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import BotCommand
from telegram.error import TelegramError

from bot.infra.services import BotApp, services_of

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CommandMenu:
    """The commands Telegram lists, in order: collected from every feature's `Command(listed=)`
    (per-application state). Descriptions are content (`commands.<name>`); admin commands are
    never listed (they would show to everyone). tests/test_menu.py checks every one is handled."""

    names: tuple[str, ...]


async def register_commands(app: BotApp) -> None:
    """The command list in every language (the default language without a code)."""
    services = services_of(app)
    content = services.content
    names = services.state(CommandMenu).names
    for lang in content.languages:
        commands = [BotCommand(c, content.text(lang, f"commands.{c}")) for c in names]
        code = None if lang == content.default_language else lang
        try:
            await app.bot.set_my_commands(commands, language_code=code)
        except TelegramError as exc:
            log.warning("could not register the %s command list: %s", lang, exc)
