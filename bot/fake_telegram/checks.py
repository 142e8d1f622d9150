"""What Telegram refuses in a request's text and keyboards, as pure functions: the text after
Telegram strips it, entities, inline keyboards and reply keyboards, and the chat_id."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any, Final

from bot.fake_telegram.model import (
    MAX_CALLBACK_DATA_BYTES,
    MAX_INLINE_BUTTONS,
    MAX_INLINE_QUERY,
    MAX_MESSAGE_LENGTH,
    Button,
    JSONDict,
    ParsedMarkup,
    bad,
)
from content.telegram_html import Entity, utf16_len

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
# What a reply keyboard (the keyboard that replaces the phone's) may carry, as Telegram checks it.
_REPLY_BUTTON_KEYS: Final = frozenset(
    {"text", "request_location", "request_contact", "request_poll", "request_users", "request_chat", "web_app"}
)
_REPLY_KEYBOARD_FLAGS: Final = ("resize_keyboard", "one_time_keyboard", "is_persistent", "selective")
_URL_RE: Final = re.compile(r"(?:(?:https?|ton)://)?[^\s/]+\.[^\s/]+(?:/\S*)?|tg://\S+", re.I)


def _check_reply_keyboard(raw: JSONDict) -> None:
    """ReplyKeyboardMarkup, ReplyKeyboardRemove or ForceReply, refused as Telegram refuses them."""
    if "keyboard" in raw:
        rows = raw["keyboard"]
        if not isinstance(rows, list) or not rows or not all(isinstance(r, list) and r for r in rows):
            raise bad("can't parse reply keyboard markup JSON object: field 'keyboard' must be a non-empty array")
        for row in rows:
            for b in row:
                if isinstance(b, str):
                    b = {"text": b}
                if not isinstance(b, dict):
                    raise bad("can't parse keyboard button: object expected")
                text = b.get("text")
                if not isinstance(text, str) or not text.strip():
                    raise bad("BUTTON_TEXT_INVALID")
                if set(b) - _REPLY_BUTTON_KEYS:
                    raise bad(f"can't parse keyboard button: unknown field {sorted(set(b) - _REPLY_BUTTON_KEYS)[0]}")
                for flag in ("request_location", "request_contact"):
                    if flag in b and not isinstance(b[flag], bool):
                        raise bad(f"can't parse keyboard button: field '{flag}' must be of type Boolean")
        for flag in _REPLY_KEYBOARD_FLAGS:
            if flag in raw and not isinstance(raw[flag], bool):
                raise bad(f"can't parse reply keyboard markup JSON object: field '{flag}' must be of type Boolean")
        placeholder = raw.get("input_field_placeholder")
        if placeholder is not None and (not isinstance(placeholder, str) or len(placeholder) > 64):
            raise bad("can't parse reply keyboard markup JSON object: input_field_placeholder is too long")
        return
    if "remove_keyboard" in raw:
        if raw["remove_keyboard"] is not True:
            raise bad("can't parse reply keyboard markup JSON object: field 'remove_keyboard' must be true")
        return
    if "force_reply" in raw:
        if raw["force_reply"] is not True:
            raise bad("can't parse reply keyboard markup JSON object: field 'force_reply' must be true")
        return
    raise bad("can't parse reply keyboard markup JSON object")


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


def checked_text(plain: str, entities: list[Entity]) -> tuple[str, tuple[Entity, ...]]:
    stripped, fixed = _strip(plain, entities)
    if not stripped:
        raise bad("message text is empty")
    if utf16_len(stripped) > MAX_MESSAGE_LENGTH:
        raise bad("message is too long")
    return stripped, fixed


def entity_from_dict(data: object) -> Entity:
    if not isinstance(data, dict):
        raise bad("can't parse entities JSON object")
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
        raise bad("can't parse entities JSON object") from exc


def chat_id_of(params: JSONDict) -> int | None:
    value = params.get("chat_id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return None


def json_value(value: object) -> Any:
    """Nested objects come JSON-encoded over HTTP and as objects in-process; accept both."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise bad("can't parse JSON object") from exc
    return value


def _check_chosen_chat(value: object) -> None:
    """A switch_inline_query_chosen_chat button needs a kind of chat allowed (PTB's docs: "you must
    pass at least one of allow_user_chats, ... Otherwise, an error will be raised") and a query a
    client could type."""
    if not isinstance(value, dict):
        raise bad('can\'t parse inline keyboard button: field "switch_inline_query_chosen_chat" must be an Object')
    allowed = ("allow_user_chats", "allow_bot_chats", "allow_group_chats", "allow_channel_chats")
    if not any(value.get(k) is True for k in allowed):
        raise bad("BUTTON_TYPE_INVALID")
    query = value.get("query", "")
    if not isinstance(query, str) or len(query) > MAX_INLINE_QUERY:
        raise bad("BUTTON_DATA_INVALID")


def parse_markup(raw: object, *, inline_only: bool) -> ParsedMarkup:
    """Validate reply_markup; return (inline markup, buttons, other keyboard)."""
    if raw is None:
        return None, (), None
    if not isinstance(raw, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in raw:
        if inline_only:
            raise bad("inline keyboard expected")
        _check_reply_keyboard(raw)
        return None, (), raw
    rows = raw["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad('can\'t parse inline keyboard button: field "inline_keyboard" is wrong')
    if sum(len(r) for r in rows) > MAX_INLINE_BUTTONS:
        raise bad("reply markup is too long")
    parsed: list[tuple[Button, ...]] = []
    for row in rows:
        buttons: list[Button] = []
        for b in row:
            if not isinstance(b, dict):
                raise bad("can't parse inline keyboard button: object expected")
            text = b.get("text")
            if not isinstance(text, str) or not text.strip():
                raise bad("BUTTON_TEXT_INVALID")
            if not any(k in b for k in _INLINE_BUTTON_KINDS):
                raise bad("BUTTON_TYPE_INVALID")
            data = b.get("callback_data")
            if "callback_data" in b and (
                not isinstance(data, str) or not data or len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES
            ):
                raise bad("BUTTON_DATA_INVALID")
            url = b.get("url")
            if "url" in b and (not isinstance(url, str) or not _URL_RE.fullmatch(url)):
                raise bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
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
