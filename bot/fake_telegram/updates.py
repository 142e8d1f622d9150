"""The updates a user's actions make (a text, a command, a tap, a sticker, a shared location, an
edit, blocking the bot, a channel post), stored in the chat as Telegram stores them, and the
callback queries they open: each answered once, with a short enough text."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import Final

from bot.fake_telegram.dispatch import Dispatch
from bot.fake_telegram.model import (
    BOT_USER,
    MAX_CALLBACK_ANSWER_LENGTH,
    QUERY_INVALID,
    ApiError,
    FakeMessage,
    JSONDict,
    ParsedMarkup,
    bad,
)
from content.telegram_html import utf16_len

__all__ = ["UserUpdates"]

_BOT_COMMAND_IN_TEXT: Final = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


class UserUpdates(Dispatch):
    """Update factories for tests, the demo and the benchmarks, and answerCallbackQuery."""

    def __init__(self) -> None:
        super().__init__()
        self._pending_callbacks: dict[str, int] = {}  # id -> user id
        self._answered_callbacks: dict[str, JSONDict] = {}

    def make_user(
        self,
        user_id: int,
        first_name: str = "Ada",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> JSONDict:
        """A Bot API ``User`` object (also remembered, so private chats show this name)."""
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name is not None:
            user["last_name"] = last_name
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        self._users[user_id] = user
        return dict(user)

    def _group_chat(self, chat_id: int, chat_type: str) -> JSONDict:
        info = self._chat_info.get(chat_id)
        if info is None:
            info = {"id": chat_id, "type": chat_type, "title": "Test group"}
            self._chat_info[chat_id] = info
        return dict(info)

    def _incoming(self, chat_id: int, text: str, *, sender_id: int, kind: str = "text") -> FakeMessage:
        """Store a message a user (or a channel) sent to a chat: its text as typed, no keyboard."""
        no_markup: ParsedMarkup = (None, (), None)
        return self._post(chat_id, (text, text, None, ()), no_markup, from_bot=False, sender_id=sender_id, kind=kind)

    def _user_message(self, user: JSONDict, chat_id: int, chat_type: str, kind: str, text: str = "") -> JSONDict:
        self._remember_user(user)
        if chat_type != "private":
            self._group_chat(chat_id, chat_type)
        msg = self._incoming(chat_id, text, sender_id=int(user["id"]), kind=kind)
        data = self._message_json(msg)
        data["from"] = dict(user)
        if kind == "text":
            entities = [
                {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": n}
                for m in _BOT_COMMAND_IN_TEXT.finditer(text)
                if (n := utf16_len(m.group()))
            ]
            if entities:
                data["entities"] = entities
        return data

    def text_update(
        self, user: JSONDict, text: str, chat_type: str = "private", chat_id: int | None = None
    ) -> JSONDict:
        """A ``message`` update with text (commands get their ``bot_command`` entity)."""
        target = int(user["id"]) if chat_id is None else chat_id
        return {
            "update_id": self._next_update_id(),
            "message": self._user_message(user, target, chat_type, "text", text),
        }

    def group_text_update(self, user: JSONDict, text: str, chat_id: int = -100123) -> JSONDict:
        return self.text_update(user, text, chat_type="supergroup", chat_id=chat_id)

    def location_update(self, user: JSONDict, latitude: float, longitude: float) -> JSONDict:
        """The user shares their location (the request_location button, or the attachment menu)."""
        message = self._user_message(user, int(user["id"]), "private", "location")
        message["location"] = {"latitude": latitude, "longitude": longitude}
        return {"update_id": self._next_update_id(), "message": message}

    def _private_update(self, user: JSONDict, kind: str) -> JSONDict:
        """A ``message`` update of ``kind`` with no text (sticker, photo, voice) in the private chat."""
        return {
            "update_id": self._next_update_id(),
            "message": self._user_message(user, int(user["id"]), "private", kind),
        }

    def sticker_update(self, user: JSONDict) -> JSONDict:
        return self._private_update(user, "sticker")

    def photo_update(self, user: JSONDict) -> JSONDict:
        return self._private_update(user, "photo")

    def voice_update(self, user: JSONDict) -> JSONDict:
        return self._private_update(user, "voice")

    def edited_text_update(self, user: JSONDict, text: str) -> JSONDict:
        """An ``edited_message`` update: the user edits their last text message in the
        private chat (one is created first if there is none)."""
        chat_id = int(user["id"])
        self._remember_user(user)
        mine = [m for m in self.messages(chat_id) if not m.from_bot and m.kind == "text" and m.sender_id == chat_id]
        if mine:
            original = mine[-1]
        else:
            self._user_message(user, chat_id, "private", "text", text)
            original = self.messages(chat_id)[-1]
        edited = replace(original, text=text, plain=text, edited=True, edit_date=int(time.time()) + 1)
        self._put(edited, touch=False)
        data = self._message_json(edited)
        data["from"] = dict(user)
        return {"update_id": self._next_update_id(), "edited_message": data}

    def callback_update(self, user: JSONDict, message_id: int, data: str, chat_id: int | None = None) -> JSONDict:
        """A ``callback_query`` update for a tap on bot message ``message_id``.

        The query id becomes pending: answerCallbackQuery accepts it exactly once. The update
        carries the stored message, or an inaccessible-message stub (date 0) if the message is
        unknown or deleted.
        """
        self._remember_user(user)
        target = int(user["id"]) if chat_id is None else chat_id
        query_id = str(4_000_000_000_000 + next(self._callback_ids))
        self._pending_callbacks[query_id] = int(user["id"])
        stored = self.message(target, message_id)
        if stored is not None and not stored.deleted:
            message = self._message_json(stored)
        else:
            message = {"message_id": message_id, "chat": self._chat_json(target), "date": 0}
        return {
            "update_id": self._next_update_id(),
            "callback_query": {
                "id": query_id,
                "from": dict(user),
                "message": message,
                "chat_instance": f"ci{target}",
                "data": data,
            },
        }

    def unanswered_callback_ids(self) -> set[str]:
        """Callback queries issued by :meth:`callback_update` and not answered yet."""
        return set(self._pending_callbacks) - set(self._answered_callbacks)

    def callback_answer(self, query_id: str) -> JSONDict | None:
        """The answerCallbackQuery parameters that answered this query, if any."""
        return self._answered_callbacks.get(query_id)

    def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        text = params.get("text") or ""
        if not isinstance(text, str) or utf16_len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad("MESSAGE_TOO_LONG")
        if query_id not in self._pending_callbacks or query_id in self._answered_callbacks:
            raise ApiError(400, QUERY_INVALID)
        self._answered_callbacks[query_id] = params
        return True

    def my_chat_member_update(self, user: JSONDict, old_status: str, new_status: str) -> JSONDict:
        """The user blocked (``kicked``) or restarted (``member``) the bot in the private
        chat. Also updates the fake: ``kicked`` blocks the chat, ``member`` unblocks it."""
        self._remember_user(user)
        chat_id = int(user["id"])
        if new_status == "kicked":
            self.block(chat_id)
        elif new_status in ("member", "administrator", "creator"):
            self.unblock(chat_id)
        return {
            "update_id": self._next_update_id(),
            "my_chat_member": {
                "chat": self._chat_json(chat_id),
                "from": dict(user),
                "date": int(time.time()),
                "old_chat_member": _chat_member(old_status),
                "new_chat_member": _chat_member(new_status),
            },
        }

    def channel_post_update(self, text: str, chat_id: int = -1001999) -> JSONDict:
        info = self._chat_info.setdefault(chat_id, {"id": chat_id, "type": "channel", "title": "Test channel"})
        msg = self._incoming(chat_id, text, sender_id=chat_id)
        post: JSONDict = {
            "message_id": msg.message_id,
            "sender_chat": dict(info),
            "chat": dict(info),
            "date": msg.date,
            "text": text,
        }
        return {"update_id": self._next_update_id(), "channel_post": post}


def _chat_member(status: str) -> JSONDict:
    """A ChatMember object for the bot with ``status`` (all fields PTB requires)."""
    member: JSONDict = {"user": dict(BOT_USER), "status": status}
    if status == "kicked":
        member["until_date"] = 0
    elif status == "administrator":
        member.update(
            {
                key: False
                for key in (
                    "can_be_edited",
                    "is_anonymous",
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_promote_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                )
            }
        )
    elif status == "restricted":
        member.update(
            {
                key: False
                for key in (
                    "can_change_info",
                    "can_invite_users",
                    "can_pin_messages",
                    "can_send_messages",
                    "can_send_polls",
                    "can_send_other_messages",
                    "can_add_web_page_previews",
                    "can_manage_topics",
                    "can_send_audios",
                    "can_send_documents",
                    "can_send_photos",
                    "can_send_videos",
                    "can_send_video_notes",
                    "can_send_voice_notes",
                    "can_edit_tag",
                    "can_react_to_messages",
                )
            }
        )
        member["is_member"] = True
        member["until_date"] = 0
    elif status == "creator":
        member["is_anonymous"] = False
    return member
