"""Inline mode: the user types ``@bot <query>``, the bot answers with answerInlineQuery, the user
picks a result and its message is posted "via @bot". Refused as Telegram refuses it."""

from __future__ import annotations

from bot.fake_telegram.checks import json_value, parse_markup
from bot.fake_telegram.dispatch import Dispatch
from bot.fake_telegram.model import (
    INLINE_ANSWER_SECONDS,
    MAX_INLINE_QUERY,
    MAX_INLINE_RESULTS,
    MAX_NEXT_OFFSET_BYTES,
    MAX_RESULT_ID_BYTES,
    ApiError,
    FakeMessage,
    InlineAnswer,
    JSONDict,
    bad,
)
from content.start_parameters import START_PARAMETER

__all__ = ["InlineMode"]


def _message_params(content: JSONDict) -> JSONDict:
    """An InputTextMessageContent as sendMessage's parameters."""
    return {
        "text": content.get("message_text"),
        "parse_mode": content.get("parse_mode"),
        "entities": content.get("entities"),
    }


def _check_results_button(button: object) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"].strip():
        raise bad("can't parse inline query results button")
    if sum(k in button for k in ("start_parameter", "web_app")) != 1:
        raise bad("can't parse inline query results button: exactly one of start_parameter, web_app")
    parameter = button.get("start_parameter")
    if "start_parameter" in button and (not isinstance(parameter, str) or not START_PARAMETER.fullmatch(parameter)):
        raise bad("START_PARAM_INVALID")


class InlineMode(Dispatch):
    """What Telegram checks, as the Bot API documents it (answerInlineQuery,
    InlineQueryResultArticle, InlineQueryResultsButton, SwitchInlineQueryChosenChat): an inline
    query is answered once, within 10 seconds; at most 50 results, ids of 1-64 bytes, unique; an
    article needs a title and a message that obeys a message's rules; next_offset at most 64
    bytes; the button above the results needs a valid start parameter. A bot without inline mode
    gets no inline queries."""

    def __init__(self) -> None:
        super().__init__()
        self._inline_queries: dict[str, tuple[str, float]] = {}  # id -> (query, issued at)
        self._inline_answers: dict[str, InlineAnswer] = {}

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
        markup = parse_markup(result.get("reply_markup"), inline_only=True)
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
            raise bad("query is too old and response timeout expired or query ID is invalid")
        results = json_value(params.get("results"))
        if not isinstance(results, list):
            raise bad("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        checked = [self._check_inline_result(r, seen) for r in results]
        cache_time = params.get("cache_time", 300)
        if not isinstance(cache_time, int) or isinstance(cache_time, bool) or cache_time < 0:
            raise bad("can't parse cache_time")
        next_offset = params.get("next_offset") or ""
        if not isinstance(next_offset, str) or len(next_offset.encode()) > MAX_NEXT_OFFSET_BYTES:
            raise bad("NEXT_OFFSET_INVALID")
        button = json_value(params.get("button"))
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
            raise bad("can't parse inline query result: object expected")
        if raw.get("type") != "article":
            raise NotImplementedError("FakeTelegram validates only inline results of type article")
        result_id = raw.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= MAX_RESULT_ID_BYTES:
            raise bad("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        title = raw.get("title")
        if not isinstance(title, str) or not title.strip():
            raise bad('can\'t parse inline query result: field "title" must be a non-empty string')
        content = raw.get("input_message_content")
        if not isinstance(content, dict) or "message_text" not in content:
            raise bad('can\'t parse inline query result: field "input_message_content" must be of type Object')
        try:
            self._render(_message_params(content))
        except ApiError as exc:  # a message's own rules, named as Telegram names them for results
            if "empty" in exc.description:
                raise bad("MESSAGE_EMPTY") from exc
            if "too long" in exc.description:
                raise bad("MESSAGE_TOO_LONG") from exc
            raise
        if "reply_markup" in raw:
            parse_markup(raw["reply_markup"], inline_only=True)
        description = raw.get("description")
        if description is not None and not isinstance(description, str):
            raise bad('can\'t parse inline query result: field "description" must be a string')
        return raw
