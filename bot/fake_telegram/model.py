"""What the fake Bot API stores and answers with: the bot's identity, Telegram's limits and
error texts, a recorded call, a message, a button, an accepted inline answer, and the error a
method raises to refuse a request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from content import limits
from content.telegram_html import Entity

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
HTML_MEMO_SIZE: Final = 4096  # distinct texts whose parse is remembered
MAX_INLINE_RESULTS: Final = limits.MAX_INLINE_RESULTS
MAX_RESULT_ID_BYTES: Final = 64
MAX_NEXT_OFFSET_BYTES: Final = 64
MAX_INLINE_QUERY: Final = limits.MAX_INLINE_QUERY  # characters a user can type after @bot
INLINE_ANSWER_SECONDS: Final = 10.0  # how long Telegram waits for answerInlineQuery

NOT_MODIFIED: Final = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID: Final = "Bad Request: query is too old and response timeout expired or query ID is invalid"

# Where do_request puts a request's uploads (multipart) for the method handlers.
UPLOADS: Final = "__files__"


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


class ApiError(Exception):
    """A request Telegram refuses: do_request answers it as the Bot API's error JSON."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def shown_fields(rendered: Rendered, markup: ParsedMarkup) -> dict[str, Any]:
    """A checked text and inline keyboard as FakeMessage fields, for a new message or an edit."""
    raw, plain, mode, entities = rendered
    inline, buttons, _ = markup
    return {
        "text": raw,
        "plain": plain,
        "parse_mode": mode,
        "entities": entities,
        "buttons": buttons,
        "reply_markup": inline,
    }


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
