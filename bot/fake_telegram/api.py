"""An in-process fake of the Telegram Bot API, plugged into python-telegram-bot as its request.

Used by the tests, the benchmarks and the terminal demo::

    fake = FakeTelegram()
    app = ApplicationBuilder().token("123:ABC").request(fake).get_updates_request(fake).build()

:class:`FakeTelegram` answers the Bot API methods the bot uses with real Bot API JSON, keeps a
model of every chat (which messages exist, which one the user is looking at), and rejects what
Telegram rejects with Telegram's own error descriptions: malformed HTML, empty or too long
text, bad inline keyboards, edits that change nothing, edits of unknown messages, stale
callback queries, blocked users and (optionally) flood limits. Tests can inject failures
(:meth:`FakeTelegram.fail_next`, :meth:`FakeTelegram.raise_next`).

It is assembled here from one part per concern (``messages``, ``files``, ``inline``,
``settings``, ``webhooks``, ``updates``), all on ``dispatch`` (the request, records, faults and
flood limits) and ``state`` (the chats); this module names which part answers which method.

Nothing here sleeps, except ``getUpdates`` long polling (it waits for :meth:`push_update` up to
the requested ``timeout``) and the optional per-request ``latency`` used by benchmarks.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.fake_telegram.files import Files
from bot.fake_telegram.inline import InlineMode
from bot.fake_telegram.messages import Messages
from bot.fake_telegram.model import (
    BOT_ID,
    BOT_USER,
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_CALLBACK_DATA_BYTES,
    MAX_MESSAGE_LENGTH,
    NOT_MODIFIED,
    QUERY_INVALID,
    ApiCall,
    Button,
    FakeMessage,
    InlineAnswer,
    JSONDict,
)
from bot.fake_telegram.settings import BotSettings
from bot.fake_telegram.updates import UserUpdates
from bot.fake_telegram.webhooks import Webhooks

__all__ = [
    "BOT_ID",
    "BOT_USER",
    "MAX_CALLBACK_ANSWER_LENGTH",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_MESSAGE_LENGTH",
    "NOT_MODIFIED",
    "QUERY_INVALID",
    "ApiCall",
    "Button",
    "FakeMessage",
    "FakeTelegram",
    "InlineAnswer",
    "JSONDict",
]


class FakeTelegram(Messages, Files, InlineMode, BotSettings, Webhooks, UserUpdates):
    """A fake Telegram Bot API server, usable as PTB's ``request`` and ``get_updates_request``.

    ``clock`` times rate limits and :attr:`ApiCall.at`; inject one to test limits without
    sleeping. ``overall_per_second`` limits :attr:`RATE_LIMITED_METHODS` over a sliding
    one-second window; ``per_chat_per_second`` requires ``1 / rate`` seconds between two of them
    in one chat. Requests over a limit get ``429 Too Many Requests: retry after N``.
    ``latency`` (seconds) is awaited on every request (benchmarks only).
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        overall_per_second: float | None = None,
        per_chat_per_second: float | None = None,
        latency: float = 0.0,
        inline_mode: bool = False,
    ) -> None:
        self.clock = clock
        self.inline_mode = inline_mode
        self.overall_per_second = overall_per_second
        self.per_chat_per_second = per_chat_per_second
        self.latency = latency
        super().__init__()
        self._handlers = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": lambda p: self._send_file("photo", p),
            "sendDocument": lambda p: self._send_file("document", p),
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "sendChatAction": self._send_chat_action,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "close": lambda _p: True,
            "logOut": lambda _p: True,
            "setMyDescription": lambda p: self._set_bot_text("description", p),
            "getMyDescription": lambda p: self._get_bot_text("description", p),
            "setMyShortDescription": lambda p: self._set_bot_text("short_description", p),
            "getMyShortDescription": lambda p: self._get_bot_text("short_description", p),
            "setMyName": lambda p: self._set_bot_text("name", p),
            "getMyName": lambda p: self._get_bot_text("name", p),
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
        }
