"""What the fake remembers of every chat, shared by the Bot API methods: the messages (and which
one the user is looking at), the users and group chats it has seen, blocked chats, reply
keyboards, and the Bot API JSON of a chat or a message. Also the checks every sending method
makes (the text, the chat, the message a request names) and the one way a message is posted."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.fake_telegram.checks import chat_id_of, checked_text, entity_from_dict
from bot.fake_telegram.model import (
    BOT_USER,
    HTML_MEMO_SIZE,
    ApiError,
    FakeMessage,
    JSONDict,
    ParsedMarkup,
    Rendered,
    bad,
    shown_fields,
)
from content.telegram_html import Entity, TelegramHtmlError, parse_html_with_entities

__all__ = ["ChatState"]


class ChatState:
    """The chats, users and ids every part of the fake reads and writes."""

    # Set by FakeTelegram before the parts initialise: the clock of rate limits, ApiCall.at and
    # inline answer deadlines; and @BotFather /setinline (getMe says so, inline queries come).
    clock: Callable[[], float]
    inline_mode: bool

    def __init__(self) -> None:
        super().__init__()
        self._messages: dict[int, list[FakeMessage]] = {}  # chat -> messages, index = id - 1
        self._touched: dict[tuple[int, int], int] = {}  # (chat, message) -> sequence
        self._touch_seq = itertools.count(1)
        self._chat_info: dict[int, JSONDict] = {}
        self._users: dict[int, JSONDict] = {}
        self._blocked: set[int] = set()
        self._reply_keyboards: dict[int, JSONDict] = {}  # chat -> the reply keyboard shown there
        self._html_memo: dict[str, tuple[str, tuple[Entity, ...]]] = {}
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)  # callback and inline query ids

    # -- reading the chats ---------------------------------------------------------------------

    def messages(self, chat_id: int) -> list[FakeMessage]:
        """The chat's messages (user's and bot's) that were not deleted, oldest first."""
        return [m for m in self._messages.get(chat_id, []) if not m.deleted]

    def bot_messages(self, chat_id: int) -> list[FakeMessage]:
        """The bot's messages in the chat that were not deleted, oldest first."""
        return [m for m in self.messages(chat_id) if m.from_bot]

    def message(self, chat_id: int, message_id: int) -> FakeMessage | None:
        """A message by id, deleted or not; None if it never existed."""
        chat = self._messages.get(chat_id, [])
        if 1 <= message_id <= len(chat):
            return chat[message_id - 1]
        return None

    def reply_keyboard(self, chat_id: int) -> JSONDict | None:
        """The reply keyboard the user's app shows in place of the phone's, or None (never set,
        or removed with ReplyKeyboardRemove)."""
        return self._reply_keyboards.get(chat_id)

    def current(self, chat_id: int) -> FakeMessage | None:
        """The bot message the user is looking at: the one most recently sent or edited."""
        best: FakeMessage | None = None
        best_seq = -1
        for m in self.bot_messages(chat_id):
            seq = self._touched.get((chat_id, m.message_id), 0)
            if seq > best_seq:
                best, best_seq = m, seq
        return best

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: sends and edits in this chat get 403."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def is_blocked(self, chat_id: int) -> bool:
        return chat_id in self._blocked

    def _check_blocked(self, chat_id: int) -> None:
        if chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    # -- storing and posting -------------------------------------------------------------------

    def _store(self, message: FakeMessage) -> FakeMessage:
        chat = self._messages.setdefault(message.chat_id, [])
        message = replace(message, message_id=len(chat) + 1)
        chat.append(message)
        return message

    def _put(self, message: FakeMessage, *, touch: bool) -> None:
        self._messages[message.chat_id][message.message_id - 1] = message
        if touch:
            self._touched[(message.chat_id, message.message_id)] = next(self._touch_seq)

    def _chat_json(self, chat_id: int) -> JSONDict:
        info = self._chat_info.get(chat_id)
        if info is not None:
            return dict(info)
        if chat_id > 0:
            user = self._users.get(chat_id)
            chat: JSONDict = {"id": chat_id, "type": "private"}
            chat["first_name"] = user["first_name"] if user else "User"
            if user and user.get("last_name"):
                chat["last_name"] = user["last_name"]
            if user and user.get("username"):
                chat["username"] = user["username"]
            return chat
        return {"id": chat_id, "type": "supergroup", "title": "Group"}

    def _message_json(self, m: FakeMessage) -> JSONDict:
        sender = BOT_USER if m.from_bot else self._users.get(m.sender_id, {"id": m.sender_id})
        data: JSONDict = {
            "message_id": m.message_id,
            "from": dict(sender),
            "chat": self._chat_json(m.chat_id),
            "date": m.date,
        }
        if m.kind == "text":
            data["text"] = m.plain
            if m.entities:
                data["entities"] = [e.to_dict() for e in m.entities]
        elif m.kind == "sticker":
            data["sticker"] = {
                "file_id": f"sticker-{m.chat_id}-{m.message_id}",
                "file_unique_id": f"su{m.chat_id}{m.message_id}",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "👍",
            }
        elif m.kind == "photo":
            data["photo"] = [
                {
                    "file_id": f"photo-{m.chat_id}-{m.message_id}",
                    "file_unique_id": f"pu{m.chat_id}{m.message_id}",
                    "width": m.width or 320,
                    "height": m.height or 240,
                }
            ]
        elif m.kind == "document":
            data["document"] = {
                "file_id": f"document-{m.chat_id}-{m.message_id}",
                "file_unique_id": f"du{m.chat_id}{m.message_id}",
                "file_name": m.file_name,
                "mime_type": m.mime_type,
                "file_size": len(m.file_bytes),
            }
        elif m.kind == "voice":
            data["voice"] = {
                "file_id": f"voice-{m.chat_id}-{m.message_id}",
                "file_unique_id": f"vu{m.chat_id}{m.message_id}",
                "duration": 3,
                "mime_type": "audio/ogg",
            }
        if m.kind in ("photo", "document") and m.plain:
            data["caption"] = m.plain
            if m.entities:
                data["caption_entities"] = [e.to_dict() for e in m.entities]
        if m.reply_markup is not None:
            data["reply_markup"] = m.reply_markup
        if m.edit_date is not None:
            data["edit_date"] = m.edit_date
        return data

    def _post(
        self,
        chat_id: int,
        rendered: Rendered,
        markup: ParsedMarkup,
        *,
        from_bot: bool = True,
        **file_fields: Any,
    ) -> FakeMessage:
        """A new message (the bot's text or file and caption, or a user's message sent via the
        bot from inline mode) stored, shown, and its reply keyboard set or removed for the chat,
        as Telegram does for any kind. Only the bot's own messages become the current screen."""
        keyboard = markup[2]
        shown = shown_fields(rendered, markup)
        fields = {"date": int(time.time()), "reply_keyboard": keyboard, **shown, **file_fields}
        msg = self._store(FakeMessage(message_id=0, chat_id=chat_id, from_bot=from_bot, **fields))
        self._put(msg, touch=from_bot)
        if keyboard is not None and "keyboard" in keyboard:
            self._reply_keyboards[chat_id] = keyboard
        elif keyboard is not None and "remove_keyboard" in keyboard:
            self._reply_keyboards.pop(chat_id, None)
        return msg

    def _render(self, params: JSONDict, *, required: bool = True) -> Rendered:
        """Validate text + parse_mode; return (raw, plain, parse_mode, entities)."""
        text = params.get("text")
        if not isinstance(text, str):
            raise bad("message text is empty")
        parse_mode = params.get("parse_mode")
        if parse_mode is not None and not isinstance(parse_mode, str):
            raise bad("unsupported parse_mode")
        mode = parse_mode.lower() if parse_mode else ""
        if mode == "html":
            stripped, fixed = self._render_html(text)
            return text, stripped, parse_mode, fixed
        if mode in ("markdownv2", "markdown"):
            raise NotImplementedError("FakeTelegram only supports parse_mode HTML or None")
        if mode:
            raise bad(f"unsupported parse_mode {parse_mode!r}")
        raw_entities = params.get("entities") or []
        if not isinstance(raw_entities, list):
            raise bad("can't parse entities JSON object")
        stripped, fixed = checked_text(text, [entity_from_dict(e) for e in raw_entities])
        return text, stripped, None, fixed

    def _render_html(self, text: str) -> tuple[str, tuple[Entity, ...]]:
        # Bots send the same few screens over and over, and this is a pure function of the text:
        # caching it lets the benchmarks measure the bot rather than this fake re-parsing pages.
        # Rejections are not cached: they are rare and must raise every time.
        rendered = self._html_memo.get(text)
        if rendered is None:
            try:
                plain, entities = parse_html_with_entities(text)
            except TelegramHtmlError as exc:
                raise bad(exc.message) from exc
            rendered = checked_text(plain, entities)
            if len(self._html_memo) >= HTML_MEMO_SIZE:
                self._html_memo.clear()
            self._html_memo[text] = rendered
        return rendered

    def _require_chat(self, params: JSONDict) -> int:
        if "chat_id" not in params:
            raise bad("chat_id is empty")
        chat_id = chat_id_of(params)
        if chat_id is None:
            raise bad("chat not found")
        return chat_id

    def _require_message(self, params: JSONDict, chat_id: int, missing: str) -> FakeMessage:
        if "inline_message_id" in params:
            raise bad("MESSAGE_ID_INVALID")  # the bot never sends inline messages
        raw = params.get("message_id")
        try:
            message_id = int(raw) if raw is not None else 0
        except (TypeError, ValueError):
            message_id = 0
        msg = self.message(chat_id, message_id)
        if msg is None or msg.deleted:
            raise bad(missing)
        return msg

    # -- ids and users -------------------------------------------------------------------------

    def _next_update_id(self) -> int:
        return next(self._update_ids)

    def _remember_user(self, user: JSONDict) -> None:
        self._users.setdefault(int(user["id"]), dict(user))
