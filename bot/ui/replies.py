"""Putting a Screen in front of the user: edit the message in place, or send a new one."""

from __future__ import annotations

import logging
from typing import Any

from telegram import LinkPreviewOptions, Message, Update
from telegram.error import BadRequest

from bot.infra.services import BotContext
from bot.ui.keyboards import Screen

log = logging.getLogger(__name__)


class NoLinkPreview(LinkPreviewOptions):
    """Link previews off, with its JSON form made once.

    It is the bot's default for every message (a search reply quotes what the user typed, and
    Telegram would preview a link in it). PTB calls to_dict() on the default for every request,
    walking every attribute: about 15 us of a menu tap (bench/taps.py). Immutable, so the dict
    cannot go stale.
    """

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(is_disabled=True)

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        return {"is_disabled": True}


# Telegram's answers that mean "this message cannot be edited, send a fresh one instead".
_EDIT_IMPOSSIBLE = (
    "message to edit not found",
    "message can't be edited",
    "there is no text in the message to edit",
    "message_id_invalid",
)


async def show(update: Update, ctx: BotContext, screen: Screen, *, new: bool = False) -> Message | None:
    """Edit the message whose button was tapped; otherwise (or when that fails) send one."""
    query = update.callback_query
    # A button under a photo or a file (the diary's chart, its CSV): that message has no text to
    # edit, and Telegram refuses ("there is no text in the message to edit"). Send the screen as
    # a new message straight away instead of spending a refused call on every such tap.
    on_media = (
        query is not None
        and isinstance(query.message, Message)
        and query.message.text is None
        and (query.message.photo or query.message.document or query.message.caption is not None)
    )
    if query is not None and not new and not on_media and query.message is not None and query.message.is_accessible:
        try:
            result = await query.edit_message_text(screen.text, reply_markup=screen.markup)
        except BadRequest as exc:
            text = exc.message.lower()
            if "message is not modified" in text:
                return None  # a double tap on the same button: the screen is already right
            if not any(reason in text for reason in _EDIT_IMPOSSIBLE):
                raise
            log.debug("edit impossible (%s), sending a new message", exc.message)
        else:
            return result if isinstance(result, Message) else None
    chat = update.effective_chat
    if chat is None:
        return None
    return await ctx.bot.send_message(chat.id, screen.text, reply_markup=screen.markup)


async def send(ctx: BotContext, chat_id: int, screen: Screen) -> Message:
    return await ctx.bot.send_message(chat_id, screen.text, reply_markup=screen.markup)
