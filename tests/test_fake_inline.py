"""The fake's inline mode refuses what Telegram refuses, through PTB's own Bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    SwitchInlineQueryChosenChat,
)
from telegram.error import BadRequest

from bot.fake_telegram import FakeTelegram


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> FakeTelegram:
    return FakeTelegram(clock=clock, inline_mode=True)


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot("123:ABC", request=fake) as bot:
        yield bot


def article(result_id: str = "1", text: str = "<b>Cramps</b>", **extra: Any) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        result_id, extra.pop("title", "Cramps"), InputTextMessageContent(text, parse_mode="HTML"), **extra
    )


def query(fake: FakeTelegram, text: str = "cramp") -> str:
    update = fake.inline_query_update(fake.make_user(42), text)
    return str(update["inline_query"]["id"])


async def test_get_me_says_whether_inline_mode_is_on(bot: Bot) -> None:
    assert bot.bot.supports_inline_queries is True
    async with Bot("123:ABC", request=FakeTelegram(inline_mode=False)) as off:
        assert off.bot.supports_inline_queries is False


def test_no_inline_queries_without_inline_mode() -> None:
    fake = FakeTelegram(inline_mode=False)
    with pytest.raises(AssertionError, match="setinline"):
        fake.inline_query_update(fake.make_user(1), "x")


async def test_an_answer_is_recorded_once(bot: Bot, fake: FakeTelegram) -> None:
    qid = query(fake)
    button = InlineQueryResultsButton("Open", start_parameter="cramps-it")
    assert await bot.answer_inline_query(qid, [article()], cache_time=60, is_personal=True, button=button)
    answer = fake.inline_answer(qid)
    assert answer is not None
    assert (answer.query, answer.titles, answer.cache_time, answer.is_personal) == ("cramp", ["Cramps"], 60, True)
    assert answer.button == {"text": "Open", "start_parameter": "cramps-it"}
    with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
        await bot.answer_inline_query(qid, [article()])


async def test_too_late_or_unknown_queries_are_refused(bot: Bot, fake: FakeTelegram, clock: Clock) -> None:
    qid = query(fake)
    clock.now += 11
    with pytest.raises(BadRequest, match="too old"):
        await bot.answer_inline_query(qid, [])
    with pytest.raises(BadRequest, match="too old"):
        await bot.answer_inline_query("12345", [])


@pytest.mark.parametrize(
    ("results", "error"),
    [
        ([article(str(i)) for i in range(51)], "RESULTS_TOO_MUCH"),
        ([article("1"), article("1")], "RESULT_ID_DUPLICATE"),
        ([article("x" * 65)], "RESULT_ID_INVALID"),
        ([article(text=" ")], "MESSAGE_EMPTY"),
        ([article(text="x" * 4097)], "MESSAGE_TOO_LONG"),
        ([article(text="<b>open")], "Can't parse entities"),
        ([article(title=" ")], "title"),
        (
            [article(reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="y" * 65)]]))],
            "BUTTON_DATA_INVALID",
        ),
    ],
)
async def test_bad_results_are_refused(bot: Bot, fake: FakeTelegram, results: list[Any], error: str) -> None:
    qid = query(fake)
    with pytest.raises(BadRequest, match=f"(?i){error}"):
        await bot.answer_inline_query(qid, results)
    assert fake.inline_answer(qid) is None


async def test_fifty_results_are_fine(bot: Bot, fake: FakeTelegram) -> None:
    qid = query(fake)
    assert await bot.answer_inline_query(qid, [article(str(i)) for i in range(50)])


@pytest.mark.parametrize(
    ("button", "error"),
    [
        (InlineQueryResultsButton("Open", start_parameter="a b"), "START_PARAM_INVALID"),
        (InlineQueryResultsButton("Open", start_parameter="x" * 65), "START_PARAM_INVALID"),
        (InlineQueryResultsButton(" ", start_parameter="ok"), "results button"),
    ],
)
async def test_bad_results_buttons_are_refused(
    bot: Bot, fake: FakeTelegram, button: InlineQueryResultsButton, error: str
) -> None:
    with pytest.raises(BadRequest, match=f"(?i){error}"):
        await bot.answer_inline_query(query(fake), [], button=button)


async def test_next_offset_is_at_most_64_bytes(bot: Bot, fake: FakeTelegram) -> None:
    with pytest.raises(BadRequest, match=r"(?i)NEXT_OFFSET_INVALID"):
        await bot.answer_inline_query(query(fake), [], next_offset="9" * 65)


async def test_choosing_a_result_posts_its_message_via_the_bot(bot: Bot, fake: FakeTelegram) -> None:
    qid = query(fake)
    url = InlineKeyboardMarkup([[InlineKeyboardButton("Open", url="https://t.me/spasm_guide_bot?start=cramps")]])
    await bot.answer_inline_query(qid, [article("cramps", reply_markup=url)])
    user = fake.make_user(42)
    message = fake.choose_inline_result(user, qid, "cramps", chat_id=4242)
    assert message.plain == "Cramps"
    assert [b.url for row in message.buttons for b in row] == ["https://t.me/spasm_guide_bot?start=cramps"]
    chosen = fake.chosen_inline_result_update(user, qid, "cramps")["chosen_inline_result"]
    assert chosen["result_id"] == "cramps" and chosen["query"] == "cramp" and "inline_message_id" in chosen


@pytest.mark.parametrize(
    ("chosen", "error"),
    [
        (SwitchInlineQueryChosenChat("cramps"), "BUTTON_TYPE_INVALID"),
        (SwitchInlineQueryChosenChat("x" * 257, allow_user_chats=True), "BUTTON_DATA_INVALID"),
    ],
)
async def test_share_buttons_need_a_chat_kind_and_a_short_query(
    bot: Bot, chosen: SwitchInlineQueryChosenChat, error: str
) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Share", switch_inline_query_chosen_chat=chosen)]])
    with pytest.raises(BadRequest, match=f"(?i){error}"):
        await bot.send_message(42, "page", reply_markup=markup)


async def test_a_share_button_is_kept_as_sent(bot: Bot, fake: FakeTelegram) -> None:
    chosen = SwitchInlineQueryChosenChat("Cramps", allow_user_chats=True, allow_group_chats=True)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Share", switch_inline_query_chosen_chat=chosen)]])
    await bot.send_message(42, "page", reply_markup=markup)
    (message,) = fake.bot_messages(42)
    assert message.reply_markup is not None
    (button,) = message.reply_markup["inline_keyboard"][0]
    assert button["switch_inline_query_chosen_chat"] == {
        "query": "Cramps",
        "allow_user_chats": True,
        "allow_group_chats": True,
    }
