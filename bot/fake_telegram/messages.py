"""Text messages: sendMessage, editMessageText, editMessageReplyMarkup, deleteMessage(s) and
sendChatAction, refused as Telegram refuses them (blocked chat, flood limit, bad text or
keyboard, an edit that changes nothing or names a message that is gone)."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Final

from bot.fake_telegram.checks import parse_markup
from bot.fake_telegram.dispatch import Dispatch
from bot.fake_telegram.model import NOT_MODIFIED, ApiError, JSONDict, bad, shown_fields

__all__ = ["Messages"]

_CHAT_ACTIONS: Final = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


class Messages(Dispatch):
    """The Bot API methods that send, edit and delete the bot's text messages."""

    def _send_message(self, params: JSONDict) -> JSONDict:
        chat_id = self._sending_to("sendMessage", params)
        rendered = self._render(params)
        markup = parse_markup(params.get("reply_markup"), inline_only=False)
        reply = params.get("reply_parameters")
        if isinstance(reply, dict) and "message_id" in reply:
            target = self.message(chat_id, int(reply["message_id"]))
            if (target is None or target.deleted) and not reply.get("allow_sending_without_reply"):
                raise bad("message to be replied not found")
        msg = self._post(chat_id, rendered, markup)
        self._note_rate("sendMessage", chat_id)
        return self._message_json(msg)

    def _edit_message_text(self, params: JSONDict) -> JSONDict:
        chat_id = self._sending_to("editMessageText", params)
        rendered = self._render(params)
        markup = parse_markup(params.get("reply_markup"), inline_only=True)
        msg = self._require_message(params, chat_id, "message to edit not found")
        if not msg.from_bot:
            raise bad("message can't be edited")
        if msg.kind != "text":  # a photo, a file, a sticker: Telegram's own words
            raise bad("there is no text in the message to edit")
        shown = shown_fields(rendered, markup)
        if (msg.plain, msg.entities, msg.reply_markup) == (shown["plain"], shown["entities"], shown["reply_markup"]):
            raise ApiError(400, NOT_MODIFIED)
        new = replace(msg, **shown, edited=True, edit_date=int(time.time()))
        self._put(new, touch=True)
        self._note_rate("editMessageText", chat_id)
        return self._message_json(new)

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        chat_id = self._sending_to("editMessageReplyMarkup", params)
        inline, buttons, _ = parse_markup(params.get("reply_markup"), inline_only=True)
        msg = self._require_message(params, chat_id, "message to edit not found")
        if not msg.from_bot:
            raise bad("message can't be edited")
        if msg.reply_markup == inline:
            raise ApiError(400, NOT_MODIFIED)
        new = replace(msg, buttons=buttons, reply_markup=inline, edited=True, edit_date=int(time.time()))
        self._put(new, touch=True)
        self._note_rate("editMessageReplyMarkup", chat_id)
        return self._message_json(new)

    def _delete_message(self, params: JSONDict) -> bool:
        chat_id = self._require_chat(params)
        msg = self._require_message(params, chat_id, "message to delete not found")
        self._put(replace(msg, deleted=True), touch=False)
        return True

    def _delete_messages(self, params: JSONDict) -> bool:
        chat_id = self._require_chat(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not ids:
            raise bad("message identifiers are not specified")
        for raw in ids:
            msg = self.message(chat_id, int(raw))
            if msg is not None and not msg.deleted:
                self._put(replace(msg, deleted=True), touch=False)
        return True

    def _send_chat_action(self, params: JSONDict) -> bool:
        self._sending_to("sendChatAction", params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        return True
