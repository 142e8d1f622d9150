"""Inline mode for the fake Bot API: inline queries, answerInlineQuery, and a user posting a result.

What Telegram checks, as the Bot API documents it (core.telegram.org/bots/api#answerinlinequery,
#inlinequeryresultarticle, #inlinequeryresultsbutton, #switchinlinequerychosenchat):

- an inline query is answered once, within 10 seconds (``QUERY_ID_INVALID`` after that);
- at most 50 results (``RESULTS_TOO_MUCH``), each id 1-64 bytes (``RESULT_ID_INVALID``) and
  unique in the answer (``RESULT_ID_DUPLICATE``);
- an article needs a title and input_message_content; its message text obeys a message's rules
  (1-4096 characters after entities, valid HTML) and its keyboard an inline keyboard's;
- ``next_offset`` at most 64 bytes; ``cache_time`` a non-negative integer (default 300);
- the button above the results: a text and a start_parameter of 1-64 ``A-Z a-z 0-9 _ -``;
- Telegram sends no inline query at all to a bot without inline mode (@BotFather /setinline).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final

from bot.fake_telegram import FakeMessage, FakeTelegram, JSONDict, _bad

MAX_INLINE_RESULTS: Final = 50
MAX_RESULT_ID_BYTES: Final = 64
MAX_NEXT_OFFSET_BYTES: Final = 64
MAX_INLINE_QUERY: Final = 256  # characters a user can type after @bot
INLINE_ANSWER_TIMEOUT: Final = 10.0  # seconds Telegram waits for answerInlineQuery
START_PARAMETER: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
RESULT_TYPES: Final = frozenset({"article"})  # what this fake validates; others raise NotImplementedError


@dataclass(frozen=True)
class InlineAnswer:
    """An answerInlineQuery Telegram accepted, decoded."""

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


class FakeTelegramInline(FakeTelegram):
    def __init__(self, *, inline_mode: bool = True, **options: Any) -> None:
        super().__init__(**options)
        self.inline_mode = inline_mode
        self._inline_queries: dict[str, tuple[int, str, float]] = {}  # id -> (user, query, issued at)
        self._inline_answers: dict[str, InlineAnswer] = {}
        self._handlers["answerInlineQuery"] = self._answer_inline_query
        self._handlers["getMe"] = lambda _p: self.me()

    def me(self) -> JSONDict:
        return {**super()._get_me({}), "supports_inline_queries": self.inline_mode}

    @staticmethod
    def _parse_markup(raw: object, *, inline_only: bool) -> Any:
        parsed = FakeTelegram._parse_markup(raw, inline_only=inline_only)
        if parsed[0] is not None:
            for row in parsed[0]["inline_keyboard"]:
                for button in row:
                    if "switch_inline_query_chosen_chat" in button:
                        _check_chosen_chat(button["switch_inline_query_chosen_chat"])
        return parsed

    # -- updates -----------------------------------------------------------------------------------

    def inline_query_update(self, user: JSONDict, query: str, *, chat_type: str = "sender") -> JSONDict:
        """The user typed ``@bot <query>`` in a chat of ``chat_type`` (sender = their chat with the bot)."""
        if not self.inline_mode:
            raise AssertionError("Telegram sends no inline queries to a bot without inline mode (/setinline)")
        if len(query) > MAX_INLINE_QUERY:
            raise AssertionError(f"a Telegram client sends at most {MAX_INLINE_QUERY} characters of inline query")
        update = super().inline_query_update(user, query)
        data = update["inline_query"]
        data["chat_type"] = chat_type
        self._inline_queries[data["id"]] = (int(user["id"]), query, self.clock())
        return update

    def inline_answer(self, query_id: str) -> InlineAnswer | None:
        """What the bot answered to this inline query, if it did (and Telegram accepted it)."""
        return self._inline_answers.get(query_id)

    def choose_inline_result(self, user: JSONDict, query_id: str, result_id: str, chat_id: int) -> FakeMessage:
        """The user taps a result: its message is posted in ``chat_id`` "via @bot"."""
        answer = self._inline_answers[query_id]
        result = answer.result(result_id)
        content = result["input_message_content"]
        _, plain, mode, entities = self._render(
            {
                "text": content["message_text"],
                "parse_mode": content.get("parse_mode"),
                "entities": content.get("entities"),
            }
        )
        inline, buttons, _ = self._parse_markup(result.get("reply_markup"), inline_only=True)
        msg = self._store(
            FakeMessage(
                message_id=0,
                chat_id=chat_id,
                from_bot=False,
                text=content["message_text"],
                plain=plain,
                parse_mode=mode,
                buttons=buttons,
                date=int(self.clock()),
                entities=entities,
                reply_markup=inline,
                sender_id=int(user["id"]),
            )
        )
        self._put(msg, touch=False)
        return msg

    def chosen_inline_result_update(self, user: JSONDict, query_id: str, result_id: str) -> JSONDict:
        """The update Telegram sends after :meth:`choose_inline_result`, if inline feedback is on
        (@BotFather /setinlinefeedback). ``inline_message_id`` only when the result has a keyboard."""
        answer = self._inline_answers[query_id]
        chosen: JSONDict = {"result_id": result_id, "from": dict(user), "query": answer.query}
        if answer.result(result_id).get("reply_markup"):
            chosen["inline_message_id"] = f"im{query_id}{result_id}"
        return {"update_id": self._next_update_id(), "chosen_inline_result": chosen}

    # -- answerInlineQuery -------------------------------------------------------------------------

    def _answer_inline_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("inline_query_id") or "")
        issued = self._inline_queries.get(query_id)
        if issued is None or query_id in self._inline_answers or self.clock() - issued[2] > INLINE_ANSWER_TIMEOUT:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        results = _json(params.get("results"))
        if not isinstance(results, list):
            raise _bad("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        checked = [self._check_result(r, seen) for r in results]
        cache_time = params.get("cache_time", 300)
        if not isinstance(cache_time, int) or isinstance(cache_time, bool) or cache_time < 0:
            raise _bad("can't parse cache_time")
        next_offset = params.get("next_offset") or ""
        if not isinstance(next_offset, str) or len(next_offset.encode()) > MAX_NEXT_OFFSET_BYTES:
            raise _bad("NEXT_OFFSET_INVALID")
        button = _json(params.get("button"))
        if button is not None:
            self._check_results_button(button)
        self._inline_answers[query_id] = InlineAnswer(
            query=issued[1],
            results=checked,
            cache_time=cache_time,
            is_personal=bool(params.get("is_personal")),
            next_offset=next_offset,
            button=button,
        )
        return True

    def _check_result(self, raw: object, seen: set[str]) -> JSONDict:
        if not isinstance(raw, dict):
            raise _bad("can't parse inline query result: object expected")
        kind = raw.get("type")
        if kind not in RESULT_TYPES:
            raise NotImplementedError(f"FakeTelegram validates only inline results of type {sorted(RESULT_TYPES)}")
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
            self._render(
                {
                    "text": content["message_text"],
                    "parse_mode": content.get("parse_mode"),
                    "entities": content.get("entities"),
                }
            )
        except Exception as exc:  # the message's own rules, named as Telegram names them for results
            description = getattr(exc, "description", "")
            if "empty" in description:
                raise _bad("MESSAGE_EMPTY") from exc
            if "too long" in description:
                raise _bad("MESSAGE_TOO_LONG") from exc
            raise
        if "reply_markup" in raw:
            self._parse_markup(raw["reply_markup"], inline_only=True)
        description = raw.get("description")
        if description is not None and not isinstance(description, str):
            raise _bad('can\'t parse inline query result: field "description" must be a string')
        return raw

    @staticmethod
    def _check_results_button(button: object) -> None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"].strip():
            raise _bad("can't parse inline query results button")
        kinds = [k for k in ("start_parameter", "web_app") if k in button]
        if len(kinds) != 1:
            raise _bad("can't parse inline query results button: exactly one of start_parameter, web_app")
        parameter = button.get("start_parameter")
        if "start_parameter" in button and (not isinstance(parameter, str) or not START_PARAMETER.fullmatch(parameter)):
            raise _bad("START_PARAM_INVALID")


def _json(value: object) -> Any:
    """PTB sends nested objects JSON-encoded over HTTP and as objects in-process; accept both."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise _bad("can't parse JSON object") from exc
    return value


def _check_chosen_chat(value: object) -> None:
    """A switch_inline_query_chosen_chat button: Telegram needs at least one kind of chat allowed
    (PTB's docs: "you must pass at least one of allow_user_chats, ... Otherwise, an error will be
    raised"), and a query a client could type."""
    if not isinstance(value, dict):
        raise _bad('can\'t parse inline keyboard button: field "switch_inline_query_chosen_chat" must be an Object')
    allowed = ("allow_user_chats", "allow_bot_chats", "allow_group_chats", "allow_channel_chats")
    if not any(value.get(k) is True for k in allowed):
        raise _bad("BUTTON_TYPE_INVALID")
    query = value.get("query", "")
    if not isinstance(query, str) or len(query) > MAX_INLINE_QUERY:
        raise _bad("BUTTON_DATA_INVALID")
