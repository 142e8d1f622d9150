"""Tests of the test double: content/telegram_html.py and bot/fake_telegram/."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.fake_telegram import ChatClient
from bot.fake_telegram.api import (
    BOT_ID,
    NOT_MODIFIED,
    QUERY_INVALID,
    Button,
    FakeTelegram,
)
from content.telegram_html import (
    ALLOWED_TAGS,
    TelegramHtmlError,
    parse_html,
    parse_html_with_entities,
    utf16_len,
)

TOKEN = "123:ABC"
CHAT = 42


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


async def raw(fake: FakeTelegram, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    """Call the fake like PTB's HTTP layer would and decode the JSON body."""
    data = RequestData([RequestParameter(k, v, None) for k, v in params.items()])
    code, body = await fake.do_request(f"https://api.telegram.org/bot{TOKEN}/{method}", "POST", data)
    return code, json.loads(body)


@pytest.fixture
def fake() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    b = Bot(TOKEN, request=fake, get_updates_request=fake)
    async with b:
        yield b


def last_error(fake: FakeTelegram) -> str | None:
    return fake.calls[-1].error


# ------------------------------------------------------------------------------------------------
# content/telegram_html.py
# ------------------------------------------------------------------------------------------------


class TestParseHtml:
    def test_plain_text_passes_through(self) -> None:
        assert parse_html("Hello, world > all") == "Hello, world > all"

    def test_tags_are_removed_and_entities_decoded(self) -> None:
        text = '<b>Bold</b> &amp; <i>it</i> &lt;x&gt; &quot;q&quot; &#65;&#x42; <a href="https://e.org/?a=1&amp;b=2">link</a>'
        assert parse_html(text) == 'Bold & it <x> "q" AB link'

    @pytest.mark.parametrize(
        "tag",
        sorted(ALLOWED_TAGS - {"a", "span", "tg-emoji"}),
    )
    def test_every_simple_tag_is_allowed(self, tag: str) -> None:
        assert parse_html(f"<{tag}>x</{tag}>") == "x"

    def test_special_tags(self) -> None:
        assert parse_html('<span class="tg-spoiler">s</span>') == "s"
        assert parse_html('<a href="https://example.org">l</a>') == "l"
        assert parse_html('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>') == "👍"
        assert parse_html("<blockquote expandable>q</blockquote>") == "q"
        assert parse_html('<pre><code class="language-python">x = 1</code></pre>') == "x = 1"

    def test_entities_use_utf16_offsets(self) -> None:
        plain, entities = parse_html_with_entities("😀 <b>bold</b> <i>x</i>")
        assert plain == "😀 bold x"
        assert [(e.type, e.offset, e.length) for e in entities] == [
            ("bold", 3, 4),
            ("italic", 8, 1),
        ]

    def test_pre_with_language(self) -> None:
        _, entities = parse_html_with_entities('<pre><code class="language-py">x</code></pre>')
        assert [(e.type, e.language) for e in entities] == [("pre", "py")]

    def test_equivalent_tags_give_equal_entities(self) -> None:
        assert parse_html_with_entities("<b>x</b>") == parse_html_with_entities("<strong>x</strong>")

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("Hello <p>x</p>", 'unsupported start tag "p" at byte offset 6'),
            ("é<br>", 'unsupported start tag "br" at byte offset 2'),  # offsets are UTF-8 bytes
            ("<b>bold", 'can\'t find end tag corresponding to start tag "b"'),
            ("text</b>", "unexpected end tag at byte offset 4"),
            ("<b><i>x</b></i>", 'unmatched end tag at byte offset 7, expected "</i>"'),
            ("1 < 2", 'unsupported start tag "" at byte offset 2'),
            ("a <", "unclosed start tag at byte offset 2"),
            ("Tom & Jerry", 'unsupported entity "&"'),
            ("&nbsp;", 'unsupported entity "&nbsp;"'),
            ("&lt without semicolon", 'unsupported entity "&lt"'),
            ("&#0;", "invalid character reference"),
            ("<span>x</span>", 'tag "span" must have class "tg-spoiler"'),
            ("<a>x</a>", 'tag "a" must have attribute "href"'),
            ("<b>x</b", "unclosed end tag at byte offset 4"),
            ('<a href="x>y</a>', "unclosed start tag"),
        ],
    )
    def test_rejections(self, text: str, message: str) -> None:
        with pytest.raises(TelegramHtmlError) as info:
            parse_html(text)
        assert str(info.value).startswith("Can't parse entities: ")
        assert message in str(info.value)
        assert isinstance(info.value, ValueError)

    def test_error_offset_attribute(self) -> None:
        with pytest.raises(TelegramHtmlError) as info:
            parse_html("ab<p>")
        assert info.value.offset == 2

    def test_utf16_len(self) -> None:
        assert utf16_len("") == 0
        assert utf16_len("abc") == 3
        assert utf16_len("é") == 1
        assert utf16_len("😀") == 2
        assert utf16_len("a😀b") == 4

    @given(st.text())
    def test_escaped_text_round_trips(self, text: str) -> None:
        assert parse_html(html.escape(text)) == text

    @given(st.text(alphabet=st.sampled_from("<>&;/ab# ")))
    def test_never_crashes_with_other_errors(self, text: str) -> None:
        with contextlib.suppress(TelegramHtmlError):
            parse_html(text)


# ------------------------------------------------------------------------------------------------
# Raw protocol
# ------------------------------------------------------------------------------------------------


class TestProtocol:
    async def test_get_me(self, bot: Bot) -> None:
        assert bot.id == BOT_ID
        assert bot.username == "spasm_guide_bot"
        assert bot.first_name == "Spasm Guide"

    async def test_success_shape(self, fake: FakeTelegram) -> None:
        code, body = await raw(fake, "sendMessage", chat_id=CHAT, text="hi")
        assert code == 200
        assert body["ok"] is True
        assert body["result"]["text"] == "hi"
        assert body["result"]["chat"]["id"] == CHAT

    async def test_error_shape(self, fake: FakeTelegram) -> None:
        code, body = await raw(fake, "sendMessage", chat_id=CHAT, text=" ")
        assert code == 400
        assert body == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: message text is empty",
        }

    async def test_unknown_method_is_404(self, fake: FakeTelegram) -> None:
        code, body = await raw(fake, "sendPigeon", chat_id=CHAT)
        assert code == 404
        assert body == {"ok": False, "error_code": 404, "description": "Not Found"}

    async def test_reply_markup_as_json_string(self, fake: FakeTelegram) -> None:
        markup = json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
        code, _ = await raw(fake, "sendMessage", chat_id=CHAT, text="x", reply_markup=markup)
        assert code == 200
        current = fake.current(CHAT)
        assert current is not None
        assert current.buttons == ((Button("A", "a"),),)
        assert fake.calls[-1].params["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"

    async def test_reply_markup_arrives_as_dict_from_ptb(self, fake: FakeTelegram, bot: Bot) -> None:
        await bot.send_message(CHAT, "x", reply_markup=keyboard([("A", "a")]))
        assert isinstance(fake.calls_of("sendMessage")[0].params["reply_markup"], dict)

    async def test_markdown_is_not_supported(self, fake: FakeTelegram) -> None:
        with pytest.raises(NotImplementedError):
            await raw(fake, "sendMessage", chat_id=CHAT, text="*x*", parse_mode="MarkdownV2")

    async def test_recording(self, fake: FakeTelegram, bot: Bot) -> None:
        fake.reset_calls()
        await bot.send_message(CHAT, "one")
        with pytest.raises(BadRequest):
            await bot.send_message(CHAT, "")
        assert [c.method for c in fake.calls] == ["sendMessage", "sendMessage"]
        ok, bad = fake.calls_of("sendMessage")
        assert ok.ok
        assert ok.error is None
        assert ok.chat_id == CHAT
        assert ok.params["text"] == "one"
        assert not bad.ok
        assert bad.error == "Bad Request: message text is empty"
        fake.reset_calls()
        assert fake.calls == []
        assert len(fake.messages(CHAT)) == 1  # chats survive reset_calls

    async def test_chat_action(self, fake: FakeTelegram, bot: Bot) -> None:
        assert await bot.send_chat_action(CHAT, "typing")
        code, body = await raw(fake, "sendChatAction", chat_id=CHAT, action="dancing")
        assert code == 400
        assert body["description"] == "Bad Request: wrong parameter action in request"

    async def test_lifecycle_methods(self, bot: Bot, fake: FakeTelegram) -> None:
        assert await bot.set_webhook("https://example.org/hook")
        assert (await bot.get_webhook_info()).url == "https://example.org/hook"
        assert await bot.delete_webhook()
        assert (await bot.get_webhook_info()).url == ""
        assert await bot.close()
        assert await bot.log_out()


# ------------------------------------------------------------------------------------------------
# sendMessage rules
# ------------------------------------------------------------------------------------------------


class TestSendMessage:
    async def test_stored_and_current(self, fake: FakeTelegram, bot: Bot) -> None:
        sent = await bot.send_message(CHAT, "<b>Hi</b> &amp; bye", parse_mode="HTML")
        assert sent.text == "Hi & bye"
        assert sent.entities[0].type == "bold"
        msg = fake.current(CHAT)
        assert msg is not None
        assert msg.message_id == sent.message_id == 1
        assert msg.text == "<b>Hi</b> &amp; bye"
        assert msg.plain == "Hi & bye"
        assert msg.parse_mode == "HTML"
        assert msg.from_bot
        assert not msg.edited
        assert not msg.deleted
        assert fake.bot_messages(CHAT) == [msg]

    async def test_message_ids_are_sequential_per_chat(self, fake: FakeTelegram, bot: Bot) -> None:
        a = await bot.send_message(1, "a")
        b = await bot.send_message(1, "b")
        c = await bot.send_message(2, "c")
        assert (a.message_id, b.message_id, c.message_id) == (1, 2, 1)

    @pytest.mark.parametrize("text", ["", "   ", "\n\t", "<b> </b>", "<i></i>", "\u200b"])
    async def test_empty_text(self, fake: FakeTelegram, bot: Bot, text: str) -> None:
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(CHAT, text, parse_mode="HTML")
        assert last_error(fake) == "Bad Request: message text is empty"
        assert fake.messages(CHAT) == []

    async def test_surrounding_whitespace_is_stripped(self, fake: FakeTelegram, bot: Bot) -> None:
        sent = await bot.send_message(CHAT, "\n  <b>x</b> y \n", parse_mode="HTML")
        assert sent.text == "x y"
        assert (sent.entities[0].offset, sent.entities[0].length) == (0, 1)

    @pytest.mark.parametrize(
        ("text", "ok"),
        [
            ("a" * 4096, True),
            ("a" * 4097, False),
            ("😀" * 2048, True),  # 4096 UTF-16 units
            ("😀" * 2049, False),  # 2049 characters, but 4098 UTF-16 units
            ("<b>" + "a" * 4096 + "</b>", True),  # tags do not count
            ("&amp;" * 4096, True),  # an entity counts as the character it stands for
            ("&amp;" * 4097, False),
        ],
    )
    async def test_length_in_utf16_after_parsing(self, fake: FakeTelegram, bot: Bot, text: str, ok: bool) -> None:
        if ok:
            await bot.send_message(CHAT, text, parse_mode="HTML")
        else:
            with pytest.raises(BadRequest, match=r"(?i)message is too long"):
                await bot.send_message(CHAT, text, parse_mode="HTML")
            assert last_error(fake) == "Bad Request: message is too long"

    async def test_long_text_without_parse_mode(self, fake: FakeTelegram, bot: Bot) -> None:
        with pytest.raises(BadRequest):
            await bot.send_message(CHAT, "<b>" + "a" * 4094 + "</b>")  # tags are text now

    async def test_malformed_html(self, fake: FakeTelegram, bot: Bot) -> None:
        with pytest.raises(BadRequest, match=r"(?i)Can't parse entities"):
            await bot.send_message(CHAT, "Hello <p>x</p>", parse_mode="HTML")
        assert last_error(fake) == 'Bad Request: Can\'t parse entities: unsupported start tag "p" at byte offset 6'

    async def test_html_not_parsed_without_parse_mode(self, fake: FakeTelegram, bot: Bot) -> None:
        sent = await bot.send_message(CHAT, "1 < 2 & <p>")
        assert sent.text == "1 < 2 & <p>"

    async def test_blocked_chat(self, fake: FakeTelegram, bot: Bot) -> None:
        fake.block(CHAT)
        assert fake.is_blocked(CHAT)
        with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
            await bot.send_message(CHAT, "hi")
        assert last_error(fake) == "Forbidden: bot was blocked by the user"
        await bot.send_message(CHAT + 1, "other chats are fine")
        fake.unblock(CHAT)
        await bot.send_message(CHAT, "hi again")

    async def test_blocked_chat_status_code(self, fake: FakeTelegram) -> None:
        fake.block(CHAT)
        code, body = await raw(fake, "sendMessage", chat_id=CHAT, text="x")
        assert code == 403
        assert body["error_code"] == 403

    async def test_reply_to_missing_message(self, fake: FakeTelegram, bot: Bot) -> None:
        with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
            await bot.send_message(CHAT, "x", reply_to_message_id=99)


# ------------------------------------------------------------------------------------------------
# Inline keyboards
# ------------------------------------------------------------------------------------------------


class TestKeyboards:
    async def test_buttons_are_stored(self, fake: FakeTelegram, bot: Bot) -> None:
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("A", callback_data="a"),
                    InlineKeyboardButton("B", url="https://x.org"),
                ],
                [InlineKeyboardButton("C", callback_data="c")],
            ]
        )
        await bot.send_message(CHAT, "x", reply_markup=markup)
        msg = fake.current(CHAT)
        assert msg is not None
        assert msg.buttons == (
            (Button("A", "a"), Button("B", None, "https://x.org")),
            (Button("C", "c"),),
        )
        assert msg.labels == ["A", "B", "C"]
        assert msg.callback_data == ["a", "c"]

    @pytest.mark.parametrize(
        ("data", "ok"),
        [("x" * 64, True), ("x" * 65, False), ("é" * 32, True), ("é" * 33, False), ("", False)],
    )
    async def test_callback_data_limit_in_bytes(self, fake: FakeTelegram, bot: Bot, data: str, ok: bool) -> None:
        markup = keyboard([("A", data)])
        if ok:
            await bot.send_message(CHAT, "x", reply_markup=markup)
        else:
            with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
                await bot.send_message(CHAT, "x", reply_markup=markup)
            assert last_error(fake) == "Bad Request: BUTTON_DATA_INVALID"

    @pytest.mark.parametrize(
        ("button", "error"),
        [
            ({"text": "", "callback_data": "a"}, "Bad Request: BUTTON_TEXT_INVALID"),
            ({"text": "  ", "callback_data": "a"}, "Bad Request: BUTTON_TEXT_INVALID"),
            ({"text": "A"}, "Bad Request: BUTTON_TYPE_INVALID"),
            (
                {"text": "A", "url": "not a url"},
                "Bad Request: inline keyboard button URL 'not a url' is invalid: Wrong HTTP URL",
            ),
        ],
    )
    async def test_bad_buttons(self, fake: FakeTelegram, button: dict[str, Any], error: str) -> None:
        markup = {"inline_keyboard": [[button]]}
        code, body = await raw(fake, "sendMessage", chat_id=CHAT, text="x", reply_markup=markup)
        assert code == 400
        assert body["description"] == error
        assert fake.messages(CHAT) == []

    async def test_reply_keyboard_is_accepted(self, fake: FakeTelegram) -> None:
        markup = {"keyboard": [[{"text": "Hi"}]], "resize_keyboard": True}
        code, _ = await raw(fake, "sendMessage", chat_id=CHAT, text="x", reply_markup=markup)
        assert code == 200
        msg = fake.current(CHAT)
        assert msg is not None
        assert msg.buttons == ()
        assert msg.reply_keyboard == markup


# ------------------------------------------------------------------------------------------------
# Edits and deletes
# ------------------------------------------------------------------------------------------------


class TestEdits:
    async def test_edit_text(self, fake: FakeTelegram, bot: Bot) -> None:
        sent = await bot.send_message(CHAT, "old", reply_markup=keyboard([("A", "a")]))
        edited = await bot.edit_message_text(
            "<i>new</i>",
            CHAT,
            sent.message_id,
            parse_mode="HTML",
            reply_markup=keyboard([("B", "b")]),
        )
        assert not isinstance(edited, bool)
        assert edited.text == "new"
        msg = fake.current(CHAT)
        assert msg is not None
        assert (msg.message_id, msg.text, msg.plain, msg.edited) == (1, "<i>new</i>", "new", True)
        assert msg.labels == ["B"]

    async def test_edit_without_markup_removes_keyboard(self, fake: FakeTelegram, bot: Bot) -> None:
        sent = await bot.send_message(CHAT, "same", reply_markup=keyboard([("A", "a")]))
        await bot.edit_message_text("same", CHAT, sent.message_id)  # keyboard change only: ok
        msg = fake.current(CHAT)
        assert msg is not None
        assert msg.buttons == ()

    async def test_not_modified(self, fake: FakeTelegram, bot: Bot) -> None:
        markup = keyboard([("A", "a")])
        sent = await bot.send_message(CHAT, "<b>x</b>", parse_mode="HTML", reply_markup=markup)
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("<b>x</b>", CHAT, sent.message_id, parse_mode="HTML", reply_markup=markup)
        assert last_error(fake) == NOT_MODIFIED
        # Different HTML for the same visible result is not a modification either.
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text(
                "<strong>x</strong>", CHAT, sent.message_id, parse_mode="HTML", reply_markup=markup
            )
        # Same text without formatting is a modification.
        await bot.edit_message_text("x", CHAT, sent.message_id, reply_markup=markup)
        msg = fake.current(CHAT)
        assert msg is not None
        assert msg.entities == ()

    async def test_not_modified_markup(self, fake: FakeTelegram, bot: Bot) -> None:
        markup = keyboard([("A", "a")])
        sent = await bot.send_message(CHAT, "x", reply_markup=markup)
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=markup)
        await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard([("B", "b")]))
        msg = fake.current(CHAT)
        assert msg is not None
        assert msg.labels == ["B"]
        assert msg.edited

    async def test_edit_unknown_message(self, fake: FakeTelegram, bot: Bot) -> None:
        await bot.send_message(CHAT, "x")
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("y", CHAT, 99)
        assert last_error(fake) == "Bad Request: message to edit not found"
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("y", CHAT + 1, 1)  # the id exists, but in another chat
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_reply_markup(CHAT, 99, reply_markup=keyboard([("A", "a")]))

    async def test_edit_deleted_message(self, fake: FakeTelegram, bot: Bot) -> None:
        sent = await bot.send_message(CHAT, "x")
        await bot.delete_message(CHAT, sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
            await bot.edit_message_text("y", CHAT, sent.message_id)

    async def test_edit_user_message(self, fake: FakeTelegram, bot: Bot) -> None:
        user = fake.make_user(CHAT)
        update = fake.text_update(user, "hello")
        with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
            await bot.edit_message_text("y", CHAT, update["message"]["message_id"])
        assert last_error(fake) == "Bad Request: message can't be edited"

    async def test_edit_checks_text_rules(self, fake: FakeTelegram, bot: Bot) -> None:
        sent = await bot.send_message(CHAT, "x")
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.edit_message_text(" ", CHAT, sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.edit_message_text("😀" * 2049, CHAT, sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)Can't parse entities"):
            await bot.edit_message_text("<b>x", CHAT, sent.message_id, parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await bot.edit_message_text("y", CHAT, sent.message_id, reply_markup=keyboard([("A", "a" * 65)]))

    async def test_edit_in_blocked_chat(self, fake: FakeTelegram, bot: Bot) -> None:
        sent = await bot.send_message(CHAT, "x")
        fake.block(CHAT)
        with pytest.raises(Forbidden):
            await bot.edit_message_text("y", CHAT, sent.message_id)
        with pytest.raises(Forbidden):
            await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard([("A", "a")]))

    async def test_current_follows_edits(self, fake: FakeTelegram, bot: Bot) -> None:
        a = await bot.send_message(CHAT, "a")
        b = await bot.send_message(CHAT, "b")
        current = fake.current(CHAT)
        assert current is not None
        assert current.message_id == b.message_id
        await bot.edit_message_text("a2", CHAT, a.message_id)
        current = fake.current(CHAT)
        assert current is not None
        assert (current.message_id, current.plain) == (1, "a2")
        await bot.edit_message_reply_markup(CHAT, b.message_id, reply_markup=keyboard([("X", "x")]))
        current = fake.current(CHAT)
        assert current is not None
        assert current.message_id == b.message_id
        # User messages never become the current screen.
        fake.text_update(fake.make_user(CHAT), "hello")
        current = fake.current(CHAT)
        assert current is not None
        assert current.message_id == b.message_id

    async def test_old_snapshots_stay_unchanged(self, fake: FakeTelegram, bot: Bot) -> None:
        await bot.send_message(CHAT, "a")
        before = fake.current(CHAT)
        await bot.edit_message_text("b", CHAT, 1)
        assert before is not None
        assert before.plain == "a"

    async def test_delete(self, fake: FakeTelegram, bot: Bot) -> None:
        a = await bot.send_message(CHAT, "a")
        b = await bot.send_message(CHAT, "b")
        assert await bot.delete_message(CHAT, b.message_id)
        current = fake.current(CHAT)
        assert current is not None
        assert current.message_id == a.message_id
        assert [m.plain for m in fake.messages(CHAT)] == ["a"]
        deleted = fake.message(CHAT, b.message_id)
        assert deleted is not None
        assert deleted.deleted
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await bot.delete_message(CHAT, b.message_id)
        assert last_error(fake) == "Bad Request: message to delete not found"
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await bot.delete_message(CHAT, 99)
        await bot.delete_message(CHAT, a.message_id)
        assert fake.current(CHAT) is None

    async def test_delete_messages(self, fake: FakeTelegram, bot: Bot) -> None:
        for text in "abc":
            await bot.send_message(CHAT, text)
        assert await bot.delete_messages(CHAT, [1, 3, 99])
        assert [m.plain for m in fake.messages(CHAT)] == ["b"]


# ------------------------------------------------------------------------------------------------
# Callback queries
# ------------------------------------------------------------------------------------------------


class TestCallbackQueries:
    async def test_answered_exactly_once(self, fake: FakeTelegram, bot: Bot) -> None:
        await bot.send_message(CHAT, "x", reply_markup=keyboard([("A", "a")]))
        update = fake.callback_update(fake.make_user(CHAT), 1, "a")
        query_id = update["callback_query"]["id"]
        assert fake.unanswered_callback_ids() == {query_id}
        assert await bot.answer_callback_query(query_id, "done")
        assert fake.unanswered_callback_ids() == set()
        assert fake.callback_answer(query_id) == {"callback_query_id": query_id, "text": "done"}
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_callback_query(query_id)
        assert last_error(fake) == QUERY_INVALID

    async def test_unknown_query_id(self, fake: FakeTelegram, bot: Bot) -> None:
        with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
            await bot.answer_callback_query("12345")

    async def test_answer_text_limit(self, fake: FakeTelegram, bot: Bot) -> None:
        update = fake.callback_update(fake.make_user(CHAT), 1, "a")
        query_id = update["callback_query"]["id"]
        with pytest.raises(BadRequest, match=r"(?i)MESSAGE_TOO_LONG"):
            await bot.answer_callback_query(query_id, "x" * 201)
        assert last_error(fake) == "Bad Request: MESSAGE_TOO_LONG"
        assert query_id in fake.unanswered_callback_ids()
        assert await bot.answer_callback_query(query_id, "x" * 200, show_alert=True)

    async def test_update_carries_stored_message(self, fake: FakeTelegram, bot: Bot) -> None:
        await bot.send_message(CHAT, "<b>x</b>", parse_mode="HTML", reply_markup=keyboard([("A", "a")]))
        update = Update.de_json(fake.callback_update(fake.make_user(CHAT), 1, "a"), bot)
        assert update.callback_query is not None
        message = update.callback_query.message
        assert isinstance(message, Message)
        assert message.text == "x"
        assert message.reply_markup == keyboard([("A", "a")])
        assert update.callback_query.data == "a"

    async def test_update_for_unknown_message_is_inaccessible(self, fake: FakeTelegram, bot: Bot) -> None:
        update = Update.de_json(fake.callback_update(fake.make_user(CHAT), 7, "a"), bot)
        assert update.callback_query is not None
        message = update.callback_query.message
        # Telegram sends date 0 for inaccessible messages. PTB 22.8's CallbackQuery.de_json
        # still builds a Message from it, so bots must check is_accessible.
        assert message is not None
        assert not message.is_accessible
        assert message.message_id == 7


# ------------------------------------------------------------------------------------------------
# Rate limits and fault injection
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without PTB_TIMEDELTA, PTB 22.x warns (PTBDeprecationWarning) whenever it builds a
    # RetryAfter, and the warning is an error under this project's pytest config.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.mark.usefixtures("ptb_timedelta")
class TestRateLimits:
    async def test_overall_limit(self) -> None:
        clock = FakeClock()
        fake = FakeTelegram(clock=clock, overall_per_second=2)
        async with Bot(TOKEN, request=fake, get_updates_request=fake) as bot:
            await bot.send_message(1, "a")
            clock.now += 0.5
            await bot.send_message(2, "b")
            with pytest.raises(RetryAfter) as info:
                await bot.send_message(3, "c")
            assert info.value.retry_after == dt.timedelta(seconds=1)
            assert fake.rejected_429 == 1
            assert last_error(fake) == "Too Many Requests: retry after 1"
            clock.now += 0.5  # the first send left the window
            await bot.send_message(3, "c")
            with pytest.raises(RetryAfter):
                await bot.edit_message_text("a2", 1, 1)
            assert fake.rejected_429 == 2
            assert await bot.answer_callback_query(
                fake.callback_update(fake.make_user(1), 1, "x")["callback_query"]["id"]
            )  # not rate limited

    async def test_per_chat_limit(self) -> None:
        clock = FakeClock()
        fake = FakeTelegram(clock=clock, per_chat_per_second=0.25)
        async with Bot(TOKEN, request=fake, get_updates_request=fake) as bot:
            await bot.send_message(1, "a")
            await bot.send_message(2, "other chat")
            clock.now += 1.5
            with pytest.raises(RetryAfter) as info:
                await bot.send_message(1, "b")
            assert info.value.retry_after == dt.timedelta(seconds=3)
            clock.now += 2.5
            await bot.send_message(1, "b")
            assert fake.rejected_429 == 1

    async def test_raw_429_shape(self) -> None:
        clock = FakeClock()
        fake = FakeTelegram(clock=clock, per_chat_per_second=1)
        await raw(fake, "sendMessage", chat_id=1, text="a")
        code, body = await raw(fake, "sendMessage", chat_id=1, text="b")
        assert code == 429
        assert body == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }

    async def test_no_limits_by_default(self, fake: FakeTelegram, bot: Bot) -> None:
        for i in range(100):
            await bot.send_message(CHAT, f"m{i}")
        assert fake.rejected_429 == 0


class TestFaults:
    async def test_fail_next(self, fake: FakeTelegram, bot: Bot) -> None:
        fake.fail_next("sendMessage", error_code=400, description="Bad Request: chat not found", times=2)
        for _ in range(2):
            with pytest.raises(BadRequest, match=r"(?i)chat not found"):
                await bot.send_message(CHAT, "x")
        await bot.send_message(CHAT, "x")
        assert len(fake.messages(CHAT)) == 1

    @pytest.mark.usefixtures("ptb_timedelta")
    async def test_fail_next_retry_after(self, fake: FakeTelegram, bot: Bot) -> None:
        fake.fail_next(
            "editMessageText",
            error_code=429,
            description="Too Many Requests: retry after 7",
            retry_after=7,
        )
        await bot.send_message(CHAT, "x")
        with pytest.raises(RetryAfter) as info:
            await bot.edit_message_text("y", CHAT, 1)
        assert info.value.retry_after == dt.timedelta(seconds=7)
        assert fake.rejected_429 == 1

    async def test_fail_next_for_one_chat(self, fake: FakeTelegram, bot: Bot) -> None:
        fake.fail_next("sendMessage", error_code=403, description="Forbidden: user is deactivated", chat_id=7)
        await bot.send_message(CHAT, "not chat 7")
        with pytest.raises(Forbidden, match=r"(?i)user is deactivated"):
            await bot.send_message(7, "x")
        await bot.send_message(7, "x")

    async def test_raise_next(self, fake: FakeTelegram, bot: Bot) -> None:
        fake.raise_next("sendMessage", TimedOut())
        fake.raise_next("sendMessage", NetworkError("connection reset"))
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, "x")
        with pytest.raises(NetworkError, match=r"(?i)connection reset"):
            await bot.send_message(CHAT, "x")
        assert fake.messages(CHAT) == []
        await bot.send_message(CHAT, "x")
        assert [c.ok for c in fake.calls_of("sendMessage")] == [False, False, True]


# ------------------------------------------------------------------------------------------------
# Updates, commands, factories
# ------------------------------------------------------------------------------------------------


class TestUpdates:
    async def test_get_updates_returns_pushed(self, fake: FakeTelegram, bot: Bot) -> None:
        user = fake.make_user(CHAT)
        fake.push_update(fake.text_update(user, "one"))
        fake.push_update(fake.text_update(user, "two"))
        updates = await bot.get_updates(timeout=0)
        assert [u.message.text for u in updates if u.message] == ["one", "two"]
        # Without a higher offset the same updates come again; with it they are confirmed.
        assert len(await bot.get_updates(timeout=0)) == 2
        again = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
        assert again == ()
        assert fake.pending_updates() == []

    async def test_long_poll_is_woken_by_push(self, fake: FakeTelegram, bot: Bot) -> None:
        task = asyncio.create_task(bot.get_updates(timeout=30))
        for _ in range(5):
            await asyncio.sleep(0)  # let the poll start waiting
        assert not task.done()
        fake.push_update(fake.text_update(fake.make_user(CHAT), "wake"))
        updates = await asyncio.wait_for(task, 5)
        assert updates[0].message is not None
        assert updates[0].message.text == "wake"

    async def test_get_updates_with_webhook_conflicts(self, fake: FakeTelegram, bot: Bot) -> None:
        await bot.set_webhook("https://example.org/hook")
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)

    async def test_commands_per_scope_and_language(self, fake: FakeTelegram, bot: Bot) -> None:
        from telegram import BotCommand, BotCommandScopeAllPrivateChats

        await bot.set_my_commands([BotCommand("start", "Start")])
        await bot.set_my_commands([BotCommand("start", "Avvia")], language_code="it")
        scope = BotCommandScopeAllPrivateChats()
        await bot.set_my_commands([BotCommand("help", "Help")], scope=scope)
        assert [c.description for c in await bot.get_my_commands()] == ["Start"]
        assert [c.description for c in await bot.get_my_commands(language_code="it")] == ["Avvia"]
        assert [c.command for c in await bot.get_my_commands(scope=scope)] == ["help"]
        assert fake.commands(language_code="it") == [{"command": "start", "description": "Avvia"}]
        assert fake.commands({"type": "all_private_chats"})[0]["command"] == "help"
        await bot.delete_my_commands(language_code="it")
        assert await bot.get_my_commands(language_code="it") == ()

    async def test_invalid_commands(self, fake: FakeTelegram, bot: Bot) -> None:
        from telegram import BotCommand

        with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand("Start-Now", "x")])
        with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_DESCRIPTION_INVALID"):
            await bot.set_my_commands([BotCommand("start", "")])

    async def test_factories_parse_in_ptb(self, fake: FakeTelegram, bot: Bot) -> None:
        user = fake.make_user(7, "Bob", last_name="B", username="bob", language_code="it")
        fake.inline_mode = True  # Telegram sends inline queries only to bots with inline mode
        await bot.send_message(7, "menu", reply_markup=keyboard([("A", "a")]))
        cases: list[tuple[dict[str, Any], str]] = [
            (fake.text_update(user, "/start now"), "message"),
            (fake.sticker_update(user), "message"),
            (fake.photo_update(user), "message"),
            (fake.voice_update(user), "message"),
            (fake.edited_text_update(user, "edited"), "edited_message"),
            (fake.callback_update(user, 1, "a"), "callback_query"),
            (fake.my_chat_member_update(user, "member", "kicked"), "my_chat_member"),
            (fake.my_chat_member_update(user, "kicked", "member"), "my_chat_member"),
            (fake.inline_query_update(user, "spasm"), "inline_query"),
            (fake.group_text_update(user, "hi all"), "message"),
            (fake.channel_post_update("news"), "channel_post"),
        ]
        ids = [data["update_id"] for data, _ in cases]
        assert ids == sorted(set(ids))
        for data, kind in cases:
            update = Update.de_json(data, bot)
            assert getattr(update, kind) is not None, kind
        start = Update.de_json(cases[0][0], bot)
        assert start.message is not None
        assert start.message.text == "/start now"
        assert start.message.entities[0].type == "bot_command"
        assert start.effective_user is not None
        assert start.effective_user.language_code == "it"
        assert start.effective_chat is not None
        assert start.effective_chat.type == "private"
        sticker, photo, voice = (Update.de_json(cases[i][0], bot).message for i in (1, 2, 3))
        assert sticker is not None
        assert sticker.sticker is not None
        assert photo is not None
        assert photo.photo
        assert voice is not None
        assert voice.voice is not None
        group = Update.de_json(cases[9][0], bot)
        assert group.effective_chat is not None
        assert group.effective_chat.id == -100123
        channel = Update.de_json(cases[10][0], bot)
        assert channel.effective_chat is not None
        assert channel.effective_chat.type == "channel"

    async def test_user_messages_share_the_id_sequence(self, fake: FakeTelegram, bot: Bot) -> None:
        user = fake.make_user(CHAT)
        first = fake.text_update(user, "hi")
        sent = await bot.send_message(CHAT, "hello")
        assert first["message"]["message_id"] == 1
        assert sent.message_id == 2
        assert [(m.from_bot, m.plain) for m in fake.messages(CHAT)] == [
            (False, "hi"),
            (True, "hello"),
        ]
        assert [m.plain for m in fake.bot_messages(CHAT)] == ["hello"]

    async def test_edited_text_updates_the_stored_message(self, fake: FakeTelegram) -> None:
        user = fake.make_user(CHAT)
        fake.text_update(user, "helo")
        data = fake.edited_text_update(user, "hello")
        assert data["edited_message"]["message_id"] == 1
        msg = fake.message(CHAT, 1)
        assert msg is not None
        assert msg.plain == "hello"
        assert msg.edited

    async def test_my_chat_member_kicked_blocks(self, fake: FakeTelegram, bot: Bot) -> None:
        user = fake.make_user(CHAT)
        fake.my_chat_member_update(user, "member", "kicked")
        with pytest.raises(Forbidden):
            await bot.send_message(CHAT, "x")
        fake.my_chat_member_update(user, "kicked", "member")
        await bot.send_message(CHAT, "x")


# ------------------------------------------------------------------------------------------------
# ChatClient with a real Application
# ------------------------------------------------------------------------------------------------


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(
        "<b>Main menu</b>",
        parse_mode="HTML",
        reply_markup=keyboard(
            [("❓ What are spasms?", "page:what"), ("Causes", "page:causes")],
            [("Cause list", "page:list"), ("Silent", "silent")],
        ),
    )


async def _on_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    if query.data == "silent":
        return  # forgets to answer
    if query.message is None or not query.message.is_accessible:
        await query.answer("This menu is no longer available", show_alert=True)
        return
    if not query.data.startswith("page:"):
        await query.answer("Unknown button", show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(f"Page {query.data[5:]}", reply_markup=keyboard([("‹ Back", "page:main")]))


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text("Send /start")


@pytest.fixture
async def app(fake: FakeTelegram) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    application = ApplicationBuilder().token(TOKEN).request(fake).get_updates_request(fake).updater(None).build()
    application.add_handler(CommandHandler("start", _start))
    application.add_handler(CallbackQueryHandler(_on_tap))
    application.add_handler(MessageHandler(filters.ALL, _echo))
    async with application:
        yield application


@pytest.fixture
async def at_menu(app: Application[Any, Any, Any, Any, Any, Any], fake: FakeTelegram) -> ChatClient:
    """A user who has just sent /start and sees the main menu."""
    client = ChatClient(app, fake)
    await client.send("/start")
    return client


class TestChatClient:
    async def test_send_and_tap(self, app: Application[Any, Any, Any, Any, Any, Any], fake: FakeTelegram) -> None:
        client = ChatClient(app, fake, user_id=77)
        assert client.chat_id == 77
        await client.send("/start")
        assert client.last_text() == "Main menu"
        assert client.buttons() == ["❓ What are spasms?", "Causes", "Cause list", "Silent"]
        await client.tap("what are")  # unique case-insensitive substring
        assert client.last_text() == "Page what"
        assert client.screen().message_id == 2  # the menu message was edited in place
        assert client.last_answer() == {
            "callback_query_id": fake.calls_of("answerCallbackQuery")[-1].params["callback_query_id"]
        }
        await client.tap("‹ Back")
        assert client.last_text() == "Page main"

    async def test_exact_label_wins_over_substring(self, at_menu: ChatClient) -> None:
        client = at_menu
        await client.tap("Causes")  # "Cause list" does not contain "Causes"; exact anyway
        assert client.last_text() == "Page causes"

    async def test_ambiguous_and_missing_labels(self, at_menu: ChatClient) -> None:
        client = at_menu
        with pytest.raises(AssertionError, match=r"(?i)2 buttons matching 'cause'"):
            await client.tap("cause")
        with pytest.raises(AssertionError, match=r"(?i)available: \['❓ What are spasms\?'"):
            await client.tap("Nope")

    async def test_unanswered_tap_fails(self, at_menu: ChatClient) -> None:
        client = at_menu
        with pytest.raises(AssertionError, match=r"(?i)callback query not answered"):
            await client.tap("Silent")

    async def test_forged_and_stale_taps(self, at_menu: ChatClient) -> None:
        client = at_menu
        await client.tap_data("evil:data")
        assert client.last_answer() == {
            "callback_query_id": client._query_ids[-1],
            "text": "Unknown button",
            "show_alert": True,
        }
        await client.tap_data("page:what", message_id=999)
        answer = client.last_answer()
        assert answer is not None
        assert answer["text"] == "This menu is no longer available"

    async def test_other_updates(self, app: Application[Any, Any, Any, Any, Any, Any], fake: FakeTelegram) -> None:
        client = ChatClient(app, fake)
        await client.send_update(fake.sticker_update(client.user))
        assert client.last_text() == "Send /start"

    async def test_screen_without_messages(
        self, app: Application[Any, Any, Any, Any, Any, Any], fake: FakeTelegram
    ) -> None:
        client = ChatClient(app, fake)
        with pytest.raises(AssertionError):
            client.screen()
        assert client.last_answer() is None


# --- photos and documents (the diary's chart and CSV) ------------------------------------------


def _png(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = b"".join(b"\x00" + b"\xff" * width * 3 for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


async def test_send_photo_keeps_the_bytes_and_reads_the_size(bot: Bot, fake: FakeTelegram) -> None:
    png = _png(40, 20)
    message = await bot.send_photo(5, png, caption="<b>chart</b>", parse_mode="HTML")
    assert message.photo[-1].width == 40 and message.caption == "chart"
    [stored] = [m for m in fake.bot_messages(5) if m.kind == "photo"]
    assert stored.file_bytes == png and (stored.width, stored.height) == (40, 20)


async def test_send_photo_refuses_what_telegram_refuses(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(5, b"not an image at all")
    with pytest.raises(BadRequest, match=r"(?i)photo_invalid_dimensions"):
        await bot.send_photo(5, _png(400, 10))
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(5, _png(20, 20), caption="x" * 1025)


async def test_send_document_keeps_name_and_bytes(bot: Bot, fake: FakeTelegram) -> None:
    message = await bot.send_document(5, b"a,b\r\n1,2\r\n", filename="data.csv", caption="file")
    assert message.document is not None and message.document.file_name == "data.csv"
    [stored] = [m for m in fake.bot_messages(5) if m.kind == "document"]
    assert stored.file_bytes == b"a,b\r\n1,2\r\n" and stored.plain == "file"
    with pytest.raises(BadRequest, match=r"(?i)file must be non-empty"):
        await bot.send_document(5, b"", filename="empty.csv")
