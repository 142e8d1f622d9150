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

Nothing here sleeps, except ``getUpdates`` long polling (it waits for :meth:`push_update` up to
the requested ``timeout``) and the optional per-request ``latency`` used by benchmarks.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Final

from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from content import limits
from content.start_parameters import START_PARAMETER
from content.telegram_html import Entity, TelegramHtmlError, parse_html_with_entities, utf16_len

__all__ = [
    "BOT_ID",
    "BOT_USER",
    "MAX_CALLBACK_ANSWER_LENGTH",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_MESSAGE_LENGTH",
    "ApiCall",
    "Button",
    "FakeMessage",
    "FakeTelegram",
]

JSONDict = dict[str, Any]

BOT_ID: Final = 1000001
BOT_USER: Final[JSONDict] = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Spasm Guide",
    "username": "spasm_guide_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

# Telegram's limits, from the one module that names them (the bot validates against the same).
MAX_MESSAGE_LENGTH: Final = limits.MAX_MESSAGE  # UTF-16 code units, after entity parsing
MAX_CALLBACK_DATA_BYTES: Final = limits.MAX_CALLBACK_BYTES
MAX_CALLBACK_ANSWER_LENGTH: Final = limits.MAX_CALLBACK_ANSWER
MAX_INLINE_BUTTONS: Final = limits.MAX_INLINE_BUTTONS
_FILES: Final = "__files__"  # where do_request puts a request's uploads for the method handlers
HTML_MEMO_SIZE: Final = 4096  # distinct texts whose parse is remembered
MAX_INLINE_RESULTS: Final = limits.MAX_INLINE_RESULTS
MAX_RESULT_ID_BYTES: Final = 64
MAX_NEXT_OFFSET_BYTES: Final = 64
MAX_INLINE_QUERY: Final = limits.MAX_INLINE_QUERY  # characters a user can type after @bot
INLINE_ANSWER_SECONDS: Final = 10.0  # how long Telegram waits for answerInlineQuery
_START_PARAMETER: Final = START_PARAMETER

NOT_MODIFIED: Final = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID: Final = "Bad Request: query is too old and response timeout expired or query ID is invalid"

# What Telegram strips from both ends of a message text (and what makes a text "empty").
_BLANK_EXTRA: Final = frozenset("\u200b\u200c\u200d\u2060\ufeff")

_INLINE_BUTTON_KINDS: Final = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
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
_COMMAND_RE: Final = re.compile(r"[a-z0-9_]{1,32}")
_BOT_COMMAND_IN_TEXT: Final = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
# What a reply keyboard (the keyboard that replaces the phone's) may carry, as Telegram checks it.
_REPLY_BUTTON_KEYS: Final = frozenset(
    {"text", "request_location", "request_contact", "request_poll", "request_users", "request_chat", "web_app"}
)
_REPLY_KEYBOARD_FLAGS: Final = ("resize_keyboard", "one_time_keyboard", "is_persistent", "selective")


def _check_reply_keyboard(raw: JSONDict) -> None:
    """ReplyKeyboardMarkup, ReplyKeyboardRemove or ForceReply, refused as Telegram refuses them."""
    if "keyboard" in raw:
        rows = raw["keyboard"]
        if not isinstance(rows, list) or not rows or not all(isinstance(r, list) and r for r in rows):
            raise _bad("can't parse reply keyboard markup JSON object: field 'keyboard' must be a non-empty array")
        for row in rows:
            for b in row:
                if isinstance(b, str):
                    b = {"text": b}
                if not isinstance(b, dict):
                    raise _bad("can't parse keyboard button: object expected")
                text = b.get("text")
                if not isinstance(text, str) or not text.strip():
                    raise _bad("BUTTON_TEXT_INVALID")
                if set(b) - _REPLY_BUTTON_KEYS:
                    raise _bad(f"can't parse keyboard button: unknown field {sorted(set(b) - _REPLY_BUTTON_KEYS)[0]}")
                for flag in ("request_location", "request_contact"):
                    if flag in b and not isinstance(b[flag], bool):
                        raise _bad(f"can't parse keyboard button: field '{flag}' must be of type Boolean")
        for flag in _REPLY_KEYBOARD_FLAGS:
            if flag in raw and not isinstance(raw[flag], bool):
                raise _bad(f"can't parse reply keyboard markup JSON object: field '{flag}' must be of type Boolean")
        placeholder = raw.get("input_field_placeholder")
        if placeholder is not None and (not isinstance(placeholder, str) or len(placeholder) > 64):
            raise _bad("can't parse reply keyboard markup JSON object: input_field_placeholder is too long")
        return
    if "remove_keyboard" in raw:
        if raw["remove_keyboard"] is not True:
            raise _bad("can't parse reply keyboard markup JSON object: field 'remove_keyboard' must be true")
        return
    if "force_reply" in raw:
        if raw["force_reply"] is not True:
            raise _bad("can't parse reply keyboard markup JSON object: field 'force_reply' must be true")
        return
    raise _bad("can't parse reply keyboard markup JSON object")


_URL_RE: Final = re.compile(r"(?:(?:https?|ton)://)?[^\s/]+\.[^\s/]+(?:/\S*)?|tg://\S+", re.I)


# ------------------------------------------------------------------------------------------------
# Data model
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, as the fake saw it (``params`` with reply_markup decoded)."""

    method: str
    params: JSONDict
    ok: bool
    error: str | None
    chat_id: int | None
    at: float


@dataclass(frozen=True)
class Button:
    """An inline keyboard button."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    # A switch_inline_query_chosen_chat button (a Share button): the query it types after @bot.
    share_query: str | None = None


# A message text as checked: (raw, plain, parse_mode, entities); a reply_markup as checked:
# (inline markup, its buttons, a reply keyboard or its removal).
Rendered = tuple[str, str, str | None, tuple["Entity", ...]]
ParsedMarkup = tuple[JSONDict | None, tuple[tuple["Button", ...], ...], JSONDict | None]


@dataclass(frozen=True)
class FakeMessage:
    """A message in a fake chat. Immutable: edits replace it, so old snapshots stay valid."""

    message_id: int
    chat_id: int
    from_bot: bool
    text: str  # raw, as sent (with HTML tags); "" for stickers, photos, voice
    plain: str  # what the user sees: entities parsed, surrounding whitespace stripped
    parse_mode: str | None
    buttons: tuple[tuple[Button, ...], ...]
    date: int
    edited: bool = False
    deleted: bool = False
    entities: tuple[Entity, ...] = ()
    reply_markup: JSONDict | None = field(default=None, compare=False)  # inline keyboard only
    reply_keyboard: JSONDict | None = field(default=None, compare=False)  # keyboard/remove/...
    kind: str = "text"  # text | sticker | photo | voice | document
    sender_id: int = BOT_ID
    edit_date: int | None = None
    # A photo or document the bot sent: the uploaded bytes as received, for tests to open.
    file_name: str | None = None
    file_bytes: bytes = field(default=b"", repr=False, compare=False)
    mime_type: str | None = None
    width: int = 0  # photos: read from the image's header, as Telegram does
    height: int = 0

    @property
    def labels(self) -> list[str]:
        """All inline button labels, row by row."""
        return [b.text for row in self.buttons for b in row]

    @property
    def callback_data(self) -> list[str]:
        """All callback_data values of the inline keyboard, row by row."""
        return [b.callback_data for row in self.buttons for b in row if b.callback_data]


class _ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


@dataclass
class _Fault:
    error_code: int
    description: str
    retry_after: int | None
    times: int
    chat_id: int | None


@dataclass
class _Raise:
    exc: Exception
    times: int


def _is_blank(ch: str) -> bool:
    return ch.isspace() or ch in _BLANK_EXTRA


def _strip(plain: str, entities: list[Entity]) -> tuple[str, tuple[Entity, ...]]:
    """Strip like Telegram does and shift/clip the entities accordingly."""
    start, end = 0, len(plain)
    while start < end and _is_blank(plain[start]):
        start += 1
    while end > start and _is_blank(plain[end - 1]):
        end -= 1
    text = plain[start:end]
    lead, total = utf16_len(plain[:start]), utf16_len(text)
    fixed: list[Entity] = []
    for e in entities:
        s = max(0, e.offset - lead)
        t = min(total, e.offset + e.length - lead)
        if t > s:
            fixed.append(replace(e, offset=s, length=t - s))
    return text, tuple(fixed)


def _checked(plain: str, entities: list[Entity]) -> tuple[str, tuple[Entity, ...]]:
    stripped, fixed = _strip(plain, entities)
    if not stripped:
        raise _bad("message text is empty")
    if utf16_len(stripped) > MAX_MESSAGE_LENGTH:
        raise _bad("message is too long")
    return stripped, fixed


def _entity_from_dict(data: object) -> Entity:
    if not isinstance(data, dict):
        raise _bad("can't parse entities JSON object")
    try:
        return Entity(
            type=str(data["type"]),
            offset=int(data["offset"]),
            length=int(data["length"]),
            url=data.get("url"),
            language=data.get("language"),
            custom_emoji_id=data.get("custom_emoji_id"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad("can't parse entities JSON object") from exc


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or JPEG, or None when Telegram could not process it either."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker, length = data[i + 1], int.from_bytes(data[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                return int.from_bytes(data[i + 7 : i + 9], "big"), int.from_bytes(data[i + 5 : i + 7], "big")
            i += 2 + length
    return None


def _chat_id_of(params: JSONDict) -> int | None:
    value = params.get("chat_id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return None


# ------------------------------------------------------------------------------------------------
# The fake Bot API
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InlineAnswer:
    """An answerInlineQuery that Telegram accepted, decoded."""

    query: str
    results: list[JSONDict]
    cache_time: int
    is_personal: bool
    next_offset: str
    button: JSONDict | None

    def result(self, result_id: str) -> JSONDict:
        return next(r for r in self.results if r["id"] == result_id)

    @property
    def titles(self) -> list[str]:
        return [str(r.get("title", "")) for r in self.results]

    @property
    def ids(self) -> list[str]:
        return [str(r["id"]) for r in self.results]


def _json_value(value: object) -> Any:
    """Nested objects come JSON-encoded over HTTP and as objects in-process; accept both."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise _bad("can't parse JSON object") from exc
    return value


def _message_params(content: JSONDict) -> JSONDict:
    """An InputTextMessageContent as sendMessage's parameters."""
    return {
        "text": content.get("message_text"),
        "parse_mode": content.get("parse_mode"),
        "entities": content.get("entities"),
    }


def _check_results_button(button: object) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"].strip():
        raise _bad("can't parse inline query results button")
    if sum(k in button for k in ("start_parameter", "web_app")) != 1:
        raise _bad("can't parse inline query results button: exactly one of start_parameter, web_app")
    parameter = button.get("start_parameter")
    if "start_parameter" in button and (not isinstance(parameter, str) or not _START_PARAMETER.fullmatch(parameter)):
        raise _bad("START_PARAM_INVALID")


def _check_chosen_chat(value: object) -> None:
    """A switch_inline_query_chosen_chat button needs a kind of chat allowed (PTB's docs: "you must
    pass at least one of allow_user_chats, ... Otherwise, an error will be raised") and a query a
    client could type."""
    if not isinstance(value, dict):
        raise _bad('can\'t parse inline keyboard button: field "switch_inline_query_chosen_chat" must be an Object')
    allowed = ("allow_user_chats", "allow_bot_chats", "allow_group_chats", "allow_channel_chats")
    if not any(value.get(k) is True for k in allowed):
        raise _bad("BUTTON_TYPE_INVALID")
    query = value.get("query", "")
    if not isinstance(query, str) or len(query) > MAX_INLINE_QUERY:
        raise _bad("BUTTON_DATA_INVALID")


class FakeTelegram(BaseRequest):
    """A fake Telegram Bot API server, usable as PTB's ``request`` and ``get_updates_request``.

    ``clock`` times rate limits and :attr:`ApiCall.at`; inject one to test limits without
    sleeping. ``overall_per_second`` limits :attr:`RATE_LIMITED_METHODS` over a sliding
    one-second window; ``per_chat_per_second`` requires ``1 / rate`` seconds between two of them
    in one chat. Requests over a limit get ``429 Too Many Requests: retry after N``.
    ``latency`` (seconds) is awaited on every request (benchmarks only).
    """

    RATE_LIMITED_METHODS: ClassVar[frozenset[str]] = frozenset({"sendMessage", "editMessageText"})

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
        # @BotFather /setinline: getMe's supports_inline_queries, and whether inline queries come.
        self.inline_mode = inline_mode
        self.overall_per_second = overall_per_second
        self.per_chat_per_second = per_chat_per_second
        self.latency = latency

        self.calls: list[ApiCall] = []
        self.rejected_429 = 0
        self.initialized = False

        self._messages: dict[int, list[FakeMessage]] = {}  # chat -> messages, index = id - 1
        self._touched: dict[tuple[int, int], int] = {}  # (chat, message) -> sequence
        self._touch_seq = itertools.count(1)
        self._chat_info: dict[int, JSONDict] = {}
        self._users: dict[int, JSONDict] = {}
        self._blocked: set[int] = set()
        self._reply_keyboards: dict[int, JSONDict] = {}  # chat -> the reply keyboard shown there
        self._html_memo: dict[str, tuple[str, tuple[Entity, ...]]] = {}

        self._update_ids = itertools.count(1)
        self._updates: list[JSONDict] = []
        self._update_event: asyncio.Event | None = None
        self._update_event_loop: asyncio.AbstractEventLoop | None = None

        self._callback_ids = itertools.count(1)
        self._pending_callbacks: dict[str, int] = {}  # id -> user id
        self._answered_callbacks: dict[str, JSONDict] = {}
        self._inline_queries: dict[str, tuple[str, float]] = {}  # id -> (query, issued at)
        self._inline_answers: dict[str, InlineAnswer] = {}

        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}  # (kind, language) -> text
        self._menu_buttons: dict[int | None, JSONDict] = {}
        self.webhook_url = ""

        self._faults: dict[str, list[_Fault]] = {}
        self._raises: dict[str, list[_Raise]] = {}
        self._window: deque[float] = deque()
        self._chat_last_send: dict[int, float] = {}

        self._handlers: dict[str, Callable[[JSONDict], Any]] = {
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

    # -- BaseRequest -----------------------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        self.initialized = True

    async def shutdown(self) -> None:
        self.initialized = False

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        params: JSONDict = dict(request_data.parameters) if request_data is not None else {}
        if request_data is not None and request_data.contains_files:
            params[_FILES] = request_data.multipart_data
        at = self.clock()
        chat_id = _chat_id_of(params)
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        try:
            if isinstance(params.get("reply_markup"), str):
                try:
                    params["reply_markup"] = json.loads(params["reply_markup"])
                except ValueError as exc:
                    raise _bad("can't parse reply keyboard markup JSON object") from exc
            raised = self._take_raise(api_method)
            if raised is not None:
                raise raised
            fault = self._take_fault(api_method, chat_id)
            if fault is not None:
                raise _ApiError(fault.error_code, fault.description, fault.retry_after)
            handler = self._handlers.get(api_method)
            if handler is None:
                raise _ApiError(404, "Not Found")
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
        except _ApiError as err:
            self._record(api_method, params, False, err.description, chat_id, at)
            if err.code == 429:
                self.rejected_429 += 1
            body: JSONDict = {"ok": False, "error_code": err.code, "description": err.description}
            if err.retry_after is not None:
                body["parameters"] = {"retry_after": err.retry_after}
            return err.code, json.dumps(body).encode()
        except Exception as exc:  # raise_next, or NotImplementedError for MarkdownV2
            self._record(api_method, params, False, repr(exc), chat_id, at)
            raise
        self._record(api_method, params, True, None, chat_id, at)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- recording and fault injection -------------------------------------------------------------

    def _record(
        self,
        method: str,
        params: JSONDict,
        ok: bool,
        error: str | None,
        chat: int | None,
        at: float,
    ) -> None:
        self.calls.append(ApiCall(method, params, ok, error, chat, at))

    def calls_of(self, method: str) -> list[ApiCall]:
        """All recorded calls of one API method, oldest first."""
        return [c for c in self.calls if c.method == method]

    def reset_calls(self) -> None:
        """Forget the recorded calls (the chats are kept)."""
        self.calls.clear()

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (in ``chat_id``, if given) fail with
        this Bot API error. ``retry_after`` adds ``parameters.retry_after`` (use with 429)."""
        self._faults.setdefault(method, []).append(_Fault(error_code, description, retry_after, times, chat_id))

    def raise_next(self, method: str, exc: Exception, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` raise ``exc`` inside the HTTP layer
        (e.g. ``telegram.error.TimedOut()``). The request does not reach the fake's state."""
        self._raises.setdefault(method, []).append(_Raise(exc, times))

    def _take_fault(self, method: str, chat_id: int | None) -> _Fault | None:
        faults = self._faults.get(method, [])
        for fault in faults:
            if fault.chat_id is None or fault.chat_id == chat_id:
                fault.times -= 1
                if fault.times <= 0:
                    faults.remove(fault)
                return fault
        return None

    def _take_raise(self, method: str) -> Exception | None:
        raises = self._raises.get(method, [])
        if not raises:
            return None
        entry = raises[0]
        entry.times -= 1
        if entry.times <= 0:
            raises.pop(0)
        return entry.exc

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: sends and edits in this chat get 403."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def is_blocked(self, chat_id: int) -> bool:
        return chat_id in self._blocked

    def _check_blocked(self, chat_id: int) -> None:
        if chat_id in self._blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")

    # -- rate limits -------------------------------------------------------------------------------

    def _check_rate(self, method: str, chat_id: int) -> None:
        if method not in self.RATE_LIMITED_METHODS:
            return
        now = self.clock()
        if self.overall_per_second is not None:
            while self._window and self._window[0] <= now - 1.0:
                self._window.popleft()
            if len(self._window) >= self.overall_per_second:
                self._too_many(self._window[0] + 1.0 - now)
        if self.per_chat_per_second is not None:
            last = self._chat_last_send.get(chat_id)
            gap = 1.0 / self.per_chat_per_second
            if last is not None and now - last < gap:
                self._too_many(last + gap - now)

    def _note_rate(self, method: str, chat_id: int) -> None:
        if method not in self.RATE_LIMITED_METHODS:
            return
        now = self.clock()
        if self.overall_per_second is not None:
            self._window.append(now)
        if self.per_chat_per_second is not None:
            self._chat_last_send[chat_id] = now

    @staticmethod
    def _too_many(wait: float) -> None:
        retry_after = max(1, math.ceil(wait))
        raise _ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    # -- chats and messages ------------------------------------------------------------------------

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

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The command list set with setMyCommands for this scope and language."""
        return list(self._commands.get((self._scope_key(scope), language_code), []))

    def bot_text(self, kind: str, language_code: str = "") -> str:
        """What setMyDescription / setMyShortDescription / setMyName stored
        (``kind`` = description | short_description | name)."""
        return self._bot_texts.get((kind, language_code), "")

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

    def _render(self, params: JSONDict, *, required: bool = True) -> Rendered:
        """Validate text + parse_mode; return (raw, plain, parse_mode, entities)."""
        text = params.get("text")
        if not isinstance(text, str):
            raise _bad("message text is empty")
        parse_mode = params.get("parse_mode")
        if parse_mode is not None and not isinstance(parse_mode, str):
            raise _bad("unsupported parse_mode")
        mode = parse_mode.lower() if parse_mode else ""
        if mode == "html":
            stripped, fixed = self._render_html(text)
            return text, stripped, parse_mode, fixed
        if mode in ("markdownv2", "markdown"):
            raise NotImplementedError("FakeTelegram only supports parse_mode HTML or None")
        if mode:
            raise _bad(f"unsupported parse_mode {parse_mode!r}")
        raw_entities = params.get("entities") or []
        if not isinstance(raw_entities, list):
            raise _bad("can't parse entities JSON object")
        stripped, fixed = _checked(text, [_entity_from_dict(e) for e in raw_entities])
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
                raise _bad(exc.message) from exc
            rendered = _checked(plain, entities)
            if len(self._html_memo) >= HTML_MEMO_SIZE:
                self._html_memo.clear()
            self._html_memo[text] = rendered
        return rendered

    @staticmethod
    def _parse_markup(raw: object, *, inline_only: bool) -> ParsedMarkup:
        """Validate reply_markup; return (inline markup, buttons, other keyboard)."""
        if raw is None:
            return None, (), None
        if not isinstance(raw, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in raw:
            if inline_only:
                raise _bad("inline keyboard expected")
            _check_reply_keyboard(raw)
            return None, (), raw
        rows = raw["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad('can\'t parse inline keyboard button: field "inline_keyboard" is wrong')
        if sum(len(r) for r in rows) > MAX_INLINE_BUTTONS:
            raise _bad("reply markup is too long")
        parsed: list[tuple[Button, ...]] = []
        for row in rows:
            buttons: list[Button] = []
            for b in row:
                if not isinstance(b, dict):
                    raise _bad("can't parse inline keyboard button: object expected")
                text = b.get("text")
                if not isinstance(text, str) or not text.strip():
                    raise _bad("BUTTON_TEXT_INVALID")
                if not any(k in b for k in _INLINE_BUTTON_KINDS):
                    raise _bad("BUTTON_TYPE_INVALID")
                data = b.get("callback_data")
                if "callback_data" in b and (
                    not isinstance(data, str) or not data or len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES
                ):
                    raise _bad("BUTTON_DATA_INVALID")
                url = b.get("url")
                if "url" in b and (not isinstance(url, str) or not _URL_RE.fullmatch(url)):
                    raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
                share = b.get("switch_inline_query_chosen_chat")
                if "switch_inline_query_chosen_chat" in b:
                    _check_chosen_chat(share)
                buttons.append(
                    Button(
                        text=text,
                        callback_data=data if isinstance(data, str) else None,
                        url=url if isinstance(url, str) else None,
                        share_query=str(share.get("query", "")) if isinstance(share, dict) else None,
                    )
                )
            parsed.append(tuple(buttons))
        return {"inline_keyboard": rows}, tuple(parsed), None

    def _require_chat(self, params: JSONDict) -> int:
        if "chat_id" not in params:
            raise _bad("chat_id is empty")
        chat_id = _chat_id_of(params)
        if chat_id is None:
            raise _bad("chat not found")
        return chat_id

    def _require_message(self, params: JSONDict, chat_id: int, missing: str) -> FakeMessage:
        if "inline_message_id" in params:
            raise _bad("MESSAGE_ID_INVALID")  # the bot never sends inline messages
        raw = params.get("message_id")
        try:
            message_id = int(raw) if raw is not None else 0
        except (TypeError, ValueError):
            message_id = 0
        msg = self.message(chat_id, message_id)
        if msg is None or msg.deleted:
            raise _bad(missing)
        return msg

    # -- API methods -------------------------------------------------------------------------------

    def _get_me(self, _params: JSONDict) -> JSONDict:
        return {**BOT_USER, "supports_inline_queries": self.inline_mode}

    def _send_message(self, params: JSONDict) -> JSONDict:
        chat_id = self._require_chat(params)
        self._check_blocked(chat_id)
        self._check_rate("sendMessage", chat_id)
        rendered = self._render(params)
        markup = self._parse_markup(params.get("reply_markup"), inline_only=False)
        reply = params.get("reply_parameters")
        if isinstance(reply, dict) and "message_id" in reply:
            target = self.message(chat_id, int(reply["message_id"]))
            if (target is None or target.deleted) and not reply.get("allow_sending_without_reply"):
                raise _bad("message to be replied not found")
        msg = self._post(chat_id, rendered, markup)
        self._note_rate("sendMessage", chat_id)
        return self._message_json(msg)

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
        raw, plain, mode, entities = rendered
        inline, buttons, keyboard = markup
        msg = self._store(
            FakeMessage(
                message_id=0,
                chat_id=chat_id,
                from_bot=from_bot,
                text=raw,
                plain=plain,
                parse_mode=mode,
                buttons=buttons,
                date=int(time.time()),
                entities=entities,
                reply_markup=inline,
                reply_keyboard=keyboard,
                **file_fields,
            )
        )
        self._put(msg, touch=from_bot)
        if keyboard is not None and "keyboard" in keyboard:
            self._reply_keyboards[chat_id] = keyboard
        elif keyboard is not None and "remove_keyboard" in keyboard:
            self._reply_keyboards.pop(chat_id, None)
        return msg

    def _send_file(self, kind: str, params: JSONDict) -> JSONDict:
        """sendPhoto / sendDocument with an uploaded file (multipart), as Telegram checks them."""
        chat_id = self._require_chat(params)
        self._check_blocked(chat_id)
        files = params.get(_FILES) or {}
        upload = files.get(kind)
        if upload is None:
            raise _bad(f"there is no {kind} in the request")
        name, data = str(upload[0]), upload[1]
        mime = str(upload[2]) if len(upload) > 2 else None
        if not isinstance(data, bytes):
            data = bytes(data.read()) if hasattr(data, "read") else bytes(data)
        if not data:
            raise _bad("file must be non-empty")
        width = height = 0
        if kind == "photo":
            if len(data) > limits.MAX_PHOTO_BYTES:
                raise _ApiError(413, "Request Entity Too Large")
            size = _image_size(data)
            if size is None:
                raise _bad("IMAGE_PROCESS_FAILED")
            width, height = size
            if width + height > 10000 or max(width, height) > 20 * min(width, height):
                raise _bad("PHOTO_INVALID_DIMENSIONS")
        elif len(data) > limits.MAX_DOCUMENT_BYTES:
            raise _ApiError(413, "Request Entity Too Large")
        raw = plain = ""
        mode: str | None = None
        entities: tuple[Entity, ...] = ()
        if params.get("caption"):
            raw, plain, mode, entities = self._render({**params, "text": params["caption"]})
            if utf16_len(plain) > limits.MAX_CAPTION:
                raise _bad("message caption is too long")
        markup = self._parse_markup(params.get("reply_markup"), inline_only=False)
        msg = self._post(
            chat_id,
            (raw, plain, mode, entities),
            markup,
            kind=kind,
            file_name=name,
            file_bytes=data,
            mime_type=mime,
            width=width,
            height=height,
        )
        return self._message_json(msg)

    def _edit_message_text(self, params: JSONDict) -> JSONDict:
        chat_id = self._require_chat(params)
        self._check_blocked(chat_id)
        self._check_rate("editMessageText", chat_id)
        raw, plain, mode, entities = self._render(params)
        inline, buttons, _ = self._parse_markup(params.get("reply_markup"), inline_only=True)
        msg = self._require_message(params, chat_id, "message to edit not found")
        if not msg.from_bot or msg.kind != "text":
            raise _bad("message can't be edited")
        if msg.plain == plain and msg.entities == entities and msg.reply_markup == inline:
            raise _ApiError(400, NOT_MODIFIED)
        new = replace(
            msg,
            text=raw,
            plain=plain,
            parse_mode=mode,
            entities=entities,
            buttons=buttons,
            reply_markup=inline,
            edited=True,
            edit_date=int(time.time()),
        )
        self._put(new, touch=True)
        self._note_rate("editMessageText", chat_id)
        return self._message_json(new)

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        chat_id = self._require_chat(params)
        self._check_blocked(chat_id)
        self._check_rate("editMessageReplyMarkup", chat_id)
        inline, buttons, _ = self._parse_markup(params.get("reply_markup"), inline_only=True)
        msg = self._require_message(params, chat_id, "message to edit not found")
        if not msg.from_bot:
            raise _bad("message can't be edited")
        if msg.reply_markup == inline:
            raise _ApiError(400, NOT_MODIFIED)
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
            raise _bad("message identifiers are not specified")
        for raw in ids:
            msg = self.message(chat_id, int(raw))
            if msg is not None and not msg.deleted:
                self._put(replace(msg, deleted=True), touch=False)
        return True

    def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        text = params.get("text") or ""
        if not isinstance(text, str) or utf16_len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad("MESSAGE_TOO_LONG")
        if query_id not in self._pending_callbacks or query_id in self._answered_callbacks:
            raise _ApiError(400, QUERY_INVALID)
        self._answered_callbacks[query_id] = params
        return True

    def _send_chat_action(self, params: JSONDict) -> bool:
        chat_id = self._require_chat(params)
        self._check_blocked(chat_id)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    @staticmethod
    def _scope_key(scope: object) -> str:
        if isinstance(scope, str):
            scope = json.loads(scope)
        return json.dumps(scope or {"type": "default"}, sort_keys=True)

    @staticmethod
    def _language(params: JSONDict) -> str:
        lang = params.get("language_code") or ""
        if not isinstance(lang, str) or (lang and not re.fullmatch(r"[a-z]{2}", lang)):
            raise _bad("LANG_CODE_INVALID")
        return lang

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if isinstance(commands, str):
            commands = json.loads(commands)
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        for c in commands:
            if not isinstance(c, dict) or not _COMMAND_RE.fullmatch(str(c.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
            description = c.get("description")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (self._scope_key(params.get("scope")), self._language(params))
        self._commands[key] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return True

    def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        key = (self._scope_key(params.get("scope")), self._language(params))
        return list(self._commands.get(key, []))

    def _delete_my_commands(self, params: JSONDict) -> bool:
        key = (self._scope_key(params.get("scope")), self._language(params))
        self._commands.pop(key, None)
        return True

    def _set_bot_text(self, kind: str, params: JSONDict) -> bool:
        value = params.get(kind) or ""
        limit = {
            "description": limits.MAX_DESCRIPTION,
            "short_description": limits.MAX_SHORT_DESCRIPTION,
            "name": limits.MAX_BOT_NAME,
        }[kind]
        if not isinstance(value, str) or len(value) > limit:
            raise _bad(f"{kind.upper()}_INVALID")
        self._bot_texts[(kind, self._language(params))] = value
        return True

    def _get_bot_text(self, kind: str, params: JSONDict) -> JSONDict:
        return {kind: self._bot_texts.get((kind, self._language(params)), "")}

    def _set_chat_menu_button(self, params: JSONDict) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        self._menu_buttons[_chat_id_of(params)] = button
        return True

    def _get_chat_menu_button(self, params: JSONDict) -> JSONDict:
        return self._menu_buttons.get(_chat_id_of(params), {"type": "default"})

    def _set_webhook(self, params: JSONDict) -> bool:
        url = params.get("url") or ""
        if not isinstance(url, str):
            raise _bad("bad webhook: invalid URL")
        if url and not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _delete_webhook(self, params: JSONDict) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, _params: JSONDict) -> JSONDict:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    # -- updates -----------------------------------------------------------------------------------

    def _event(self) -> asyncio.Event:
        loop = asyncio.get_running_loop()
        if self._update_event is None or self._update_event_loop is not loop:
            self._update_event = asyncio.Event()
            self._update_event_loop = loop
            if self._updates:
                self._update_event.set()
        return self._update_event

    def push_update(self, update: JSONDict) -> None:
        """Queue an update (e.g. from a factory) for getUpdates; wakes a waiting long poll."""
        self._updates.append(update)
        if self._update_event is not None:
            self._update_event.set()

    def pending_updates(self) -> list[JSONDict]:
        """Queued updates not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if offset > 0:
            # Telegram: offset is the first update to return; older ones are confirmed.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and timeout > 0:
            event = self._event()
            event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout)
        return [u for u in self._updates if u["update_id"] >= offset][:limit]

    # -- update factories --------------------------------------------------------------------------

    def _next_update_id(self) -> int:
        return next(self._update_ids)

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

    def _remember_user(self, user: JSONDict) -> None:
        self._users.setdefault(int(user["id"]), dict(user))

    def _group_chat(self, chat_id: int, chat_type: str) -> JSONDict:
        info = self._chat_info.get(chat_id)
        if info is None:
            info = {"id": chat_id, "type": chat_type, "title": "Test group"}
            self._chat_info[chat_id] = info
        return dict(info)

    def _incoming(self, chat_id: int, text: str, *, sender_id: int, kind: str = "text") -> FakeMessage:
        """Store a message a user (or a channel) sent to a chat."""
        msg = self._store(
            FakeMessage(
                message_id=0,
                chat_id=chat_id,
                from_bot=False,
                text=text,
                plain=text,
                parse_mode=None,
                buttons=(),
                date=int(time.time()),
                kind=kind,
                sender_id=sender_id,
            )
        )
        self._put(msg, touch=False)
        return msg

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

    def sticker_update(self, user: JSONDict) -> JSONDict:
        return {
            "update_id": self._next_update_id(),
            "message": self._user_message(user, int(user["id"]), "private", "sticker"),
        }

    def photo_update(self, user: JSONDict) -> JSONDict:
        return {
            "update_id": self._next_update_id(),
            "message": self._user_message(user, int(user["id"]), "private", "photo"),
        }

    def voice_update(self, user: JSONDict) -> JSONDict:
        return {
            "update_id": self._next_update_id(),
            "message": self._user_message(user, int(user["id"]), "private", "voice"),
        }

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

    # -- inline mode -------------------------------------------------------------------------------
    # What Telegram checks, as the Bot API documents it (answerInlineQuery, InlineQueryResultArticle,
    # InlineQueryResultsButton, SwitchInlineQueryChosenChat): an inline query is answered once,
    # within 10 seconds; at most 50 results, ids of 1-64 bytes, unique; an article needs a title
    # and a message that obeys a message's rules; next_offset at most 64 bytes; the button above
    # the results needs a valid start parameter. A bot without inline mode gets no inline queries.

    def inline_query_update(self, user: JSONDict, query: str, *, chat_type: str = "sender") -> JSONDict:
        """The user typed ``@bot <query>`` in a chat of ``chat_type`` (sender: their chat with the bot)."""
        if not self.inline_mode:
            raise AssertionError("Telegram sends no inline queries to a bot without inline mode (/setinline)")
        if len(query) > MAX_INLINE_QUERY:
            raise AssertionError(f"a Telegram client sends at most {MAX_INLINE_QUERY} characters of inline query")
        self._remember_user(user)
        query_id = str(5_000_000_000_000 + next(self._callback_ids))
        self._inline_queries[query_id] = (query, self.clock())
        return {
            "update_id": self._next_update_id(),
            "inline_query": {
                "id": query_id,
                "from": dict(user),
                "query": query,
                "offset": "",
                "chat_type": chat_type,
            },
        }

    def inline_answer(self, query_id: str) -> InlineAnswer | None:
        """What the bot answered to this inline query, if it did and Telegram accepted it."""
        return self._inline_answers.get(query_id)

    def choose_inline_result(self, user: JSONDict, query_id: str, result_id: str, chat_id: int) -> FakeMessage:
        """The user taps a result: its message is posted in ``chat_id``, "via @bot"."""
        result = self._inline_answers[query_id].result(result_id)
        content = result["input_message_content"]
        rendered = self._render(_message_params(content))
        markup = self._parse_markup(result.get("reply_markup"), inline_only=True)
        return self._post(chat_id, rendered, markup, from_bot=False, sender_id=int(user["id"]))

    def chosen_inline_result_update(self, user: JSONDict, query_id: str, result_id: str) -> JSONDict:
        """The update Telegram sends after :meth:`choose_inline_result` when inline feedback is on
        (@BotFather /setinlinefeedback); ``inline_message_id`` only if the result has a keyboard."""
        answer = self._inline_answers[query_id]
        chosen: JSONDict = {"result_id": result_id, "from": dict(user), "query": answer.query}
        if answer.result(result_id).get("reply_markup"):
            chosen["inline_message_id"] = f"im{query_id}.{result_id}"
        return {"update_id": self._next_update_id(), "chosen_inline_result": chosen}

    def _answer_inline_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("inline_query_id") or "")
        issued = self._inline_queries.get(query_id)
        if issued is None or query_id in self._inline_answers or self.clock() - issued[1] > INLINE_ANSWER_SECONDS:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        results = _json_value(params.get("results"))
        if not isinstance(results, list):
            raise _bad("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        checked = [self._check_inline_result(r, seen) for r in results]
        cache_time = params.get("cache_time", 300)
        if not isinstance(cache_time, int) or isinstance(cache_time, bool) or cache_time < 0:
            raise _bad("can't parse cache_time")
        next_offset = params.get("next_offset") or ""
        if not isinstance(next_offset, str) or len(next_offset.encode()) > MAX_NEXT_OFFSET_BYTES:
            raise _bad("NEXT_OFFSET_INVALID")
        button = _json_value(params.get("button"))
        if button is not None:
            _check_results_button(button)
        self._inline_answers[query_id] = InlineAnswer(
            query=issued[0],
            results=checked,
            cache_time=cache_time,
            is_personal=bool(params.get("is_personal")),
            next_offset=next_offset,
            button=button,
        )
        return True

    def _check_inline_result(self, raw: object, seen: set[str]) -> JSONDict:
        if not isinstance(raw, dict):
            raise _bad("can't parse inline query result: object expected")
        if raw.get("type") != "article":
            raise NotImplementedError("FakeTelegram validates only inline results of type article")
        result_id = raw.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= MAX_RESULT_ID_BYTES:
            raise _bad("RESULT_ID_INVALID")
        if result_id in seen:
            raise _bad("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        title = raw.get("title")
        if not isinstance(title, str) or not title.strip():
            raise _bad('can\'t parse inline query result: field "title" must be a non-empty string')
        content = raw.get("input_message_content")
        if not isinstance(content, dict) or "message_text" not in content:
            raise _bad('can\'t parse inline query result: field "input_message_content" must be of type Object')
        try:
            self._render(_message_params(content))
        except _ApiError as exc:  # a message's own rules, named as Telegram names them for results
            if "empty" in exc.description:
                raise _bad("MESSAGE_EMPTY") from exc
            if "too long" in exc.description:
                raise _bad("MESSAGE_TOO_LONG") from exc
            raise
        if "reply_markup" in raw:
            self._parse_markup(raw["reply_markup"], inline_only=True)
        description = raw.get("description")
        if description is not None and not isinstance(description, str):
            raise _bad('can\'t parse inline query result: field "description" must be a string')
        return raw

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
