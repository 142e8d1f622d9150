"""Reach, as people meet it: a poster's link, a page shared into a chat, the bot's profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.fake_telegram import FakeTelegram
from content.loader import load_content
from content.model import MAIN_PAGE, Content
from content.problems import ContentError
from tests.conftest import ADMIN_ID, Harness
from tests.test_content import copy_content, set_value

RELATIVE_CHAT = 4242  # Ada's chat with her sister, where she shares pages


def page_title(content: Content, page_id: str, lang: str = "en") -> str:
    return content.pages[page_id].text[lang].title


async def counters(bot: Harness) -> dict[str, int]:
    rows = await bot.rows("SELECT name, value FROM counters")
    return {r["name"]: r["value"] for r in rows}


# --- deep links ----------------------------------------------------------------------------


async def test_every_page_opens_from_its_link_after_the_greeting(bot: Harness, content: Content) -> None:
    for n, page_id in enumerate(content.pages):
        user = bot.user(1000 + n, "Bea")
        await user.send(f"/start {page_id}")
        if page_id == MAIN_PAGE:  # what plain /start shows: one message
            (start,) = bot.fake.bot_messages(user.chat_id)
            assert start.plain.startswith("Hello, Bea!") and page_title(content, MAIN_PAGE) in start.plain
            continue
        greeting, page = bot.fake.bot_messages(user.chat_id)
        assert greeting.plain.startswith("Hello, Bea!")
        assert "not a diagnosis" in greeting.plain and not greeting.buttons
        assert page.plain.startswith(page_title(content, page_id))
        assert user.screen() == page
        if page_id != MAIN_PAGE:
            assert "🏠 Main menu" in page.labels
    opened = await counters(bot)
    assert {k: v for k, v in opened.items() if k.startswith("deeplink_")} == {f"deeplink_{p}": 1 for p in content.pages}
    assert await bot.rows("SELECT COUNT(*) AS n FROM users") == [{"n": len(content.pages)}]


async def test_a_returning_user_goes_straight_to_the_page(bot: Harness, content: Content) -> None:
    await bot.send("/start")
    before = len(bot.fake.bot_messages(bot.ada.chat_id))
    await bot.send("/start causes_neuro")
    assert len(bot.fake.bot_messages(bot.ada.chat_id)) == before + 1
    assert bot.text().startswith(page_title(content, "causes_neuro"))
    await bot.tap("‹ Back")  # the page works like any other
    assert bot.text().startswith(page_title(content, "causes"))


async def test_check_starts_the_checklist(bot: Harness) -> None:
    await bot.send("/start check")
    assert "Question 1 of" in bot.text()
    assert bot.buttons()[:3] == ["Yes", "No", "Not sure"]
    await bot.tap("No")
    assert "Question 2 of" in bot.text()
    assert (await counters(bot))["deeplink_check"] == 1
    assert [r["user_id"] for r in await bot.rows("SELECT user_id FROM checklist_sessions")] == [42]


async def test_log_opens_the_diarys_log_flow(bot: Harness, content: Content) -> None:
    await bot.send("/start log")
    greeting, log = bot.fake.bot_messages(42)
    assert greeting.plain.startswith("Hello, Ada!")
    assert page_title(content, MAIN_PAGE) not in log.plain and log.buttons
    assert "When did the spasm happen?" in log.plain
    assert (await counters(bot))["deeplink_log"] == 1


async def test_the_language_in_a_link_wins_over_telegrams(bot: Harness, content: Content) -> None:
    await bot.send("/start cramps-it")  # Ada's Telegram is in English
    assert bot.fake.bot_messages(42)[0].plain.startswith("Ciao, Ada!")
    assert bot.text().startswith(page_title(content, "cramps", "it"))
    await bot.send("/menu")
    assert page_title(content, MAIN_PAGE, "it") in bot.text()
    assert await bot.rows("SELECT language FROM users") == [{"language": "it"}]


async def test_a_link_does_not_override_a_language_the_user_chose(bot: Harness, content: Content) -> None:
    await bot.send("/language")
    await bot.tap("English")
    await bot.send("/start cramps-it")
    assert bot.text().startswith(page_title(content, "cramps", "en"))
    assert await bot.rows("SELECT language FROM users") == [{"language": "en"}]


@pytest.mark.parametrize(
    "text",
    [
        "/start nope",
        "/start CRAMPS",
        "/start cramps-de",
        "/start cramps it",
        "/start " + "x" * 64,
        "/start ../../etc",
        "/start <b>",
        "/start main-",
    ],
)
async def test_bad_parameters_open_the_main_menu_without_an_error(bot: Harness, content: Content, text: str) -> None:
    await bot.send(text)
    (message,) = bot.fake.bot_messages(42)
    assert message.plain.startswith("Hello, Ada!")
    assert page_title(content, MAIN_PAGE) in message.plain
    assert "wrong" not in message.plain.lower() and "don't know" not in message.plain
    assert all(call.ok for call in bot.fake.calls)
    assert (await counters(bot))["deeplink_unknown"] == 1


# --- sharing: the Share button and inline mode ------------------------------------------------


async def test_every_page_has_a_share_button_that_types_its_title(bot: Harness, content: Content) -> None:
    await bot.send("/start")
    assert "📤 Share this page" not in bot.buttons()  # not on the main menu
    for page_id in content.pages:
        if page_id == MAIN_PAGE:
            continue
        bot.clock.advance(1)  # a person reads; tapping eleven pages at once would be flood-limited
        await bot.ada.tap_data(f"p:{page_id}")
        (share,) = [b for row in bot.screen().buttons for b in row if b.share_query is not None]
        assert share.text == "📤 Share this page"
        assert share.share_query == page_title(content, page_id)
        (raw,) = [b for row in bot.screen().reply_markup["inline_keyboard"] for b in row if b.get("text") == share.text]
        assert raw["switch_inline_query_chosen_chat"] == {
            "query": page_title(content, page_id),
            "allow_user_chats": True,
            "allow_group_chats": True,
        }


async def test_sharing_a_page_into_a_chat(bot: Harness, content: Content) -> None:
    await bot.send("/start cramps")
    share = next(b for row in bot.screen().buttons for b in row if b.share_query)
    answer = await bot.ada.inline(share.share_query or "")
    assert answer.ids[0] == "cramps.en"
    assert answer.is_personal and answer.cache_time == 300
    posted = await bot.ada.pick("cramps.en", RELATIVE_CHAT)
    assert posted.plain.startswith("Cramps and muscle tightness")
    assert "not a diagnosis" in posted.plain
    (button,) = [b for row in posted.buttons for b in row]
    assert (button.text, button.url) == ("📖 Open in Spasm Guide", "https://t.me/spasm_guide_bot?start=cramps")
    assert (await counters(bot))["share_cramps"] == 1
    # The sister taps it: the bot opens at the page.
    sister = bot.user(77, "Carla", language_code="it")
    await sister.send("/start cramps")
    assert sister.last_text().startswith(page_title(content, "cramps", "it"))


async def test_inline_search_uses_the_bots_search(bot: Harness, content: Content) -> None:
    answer = await bot.ada.inline("tetanus")
    assert answer.ids[0] == "diseases.en"  # first; "When to see a doctor" mentions tetanus too
    assert answer.titles[0] == page_title(content, "diseases")
    result = answer.result("diseases.en")
    assert result["description"].startswith("These diseases")
    assert answer.button == {"text": "📖 Open Spasm Guide", "start_parameter": "main"}


async def test_inline_empty_query_lists_every_page(bot: Harness, content: Content) -> None:
    answer = await bot.ada.inline("")
    assert answer.ids == [f"{p}.en" for p in content.pages if p != MAIN_PAGE]
    assert len(answer.ids) <= 50 and len(set(answer.ids)) == len(answer.ids)


async def test_inline_no_match_offers_the_bot(bot: Harness) -> None:
    answer = await bot.ada.inline("zzzz qqqq")
    assert answer.results == []
    assert answer.button == {"text": "🔎 Nothing found: open Spasm Guide", "start_parameter": "main"}


async def test_inline_in_italian(bot: Harness, content: Content) -> None:
    carla = bot.user(77, "Carla", language_code="it-IT")
    answer = await carla.inline("crampi")
    assert answer.ids[0] == "cramps.it"
    assert answer.titles[0] == page_title(content, "cramps", "it")
    message = answer.result("cramps.it")["input_message_content"]["message_text"]
    assert "La Guida agli spasmi fornisce informazioni, non una diagnosi" in message  # one name per language
    assert answer.button is not None and answer.button["text"] == "📖 Apri la Guida agli spasmi"


async def test_inline_follows_the_language_chosen_in_the_bot(bot: Harness) -> None:
    await bot.send("/language")
    await bot.tap("Italiano")
    answer = await bot.ada.inline("cramp")
    assert answer.ids[0] == "cramps.it"


async def test_inline_over_long_query(bot: Harness) -> None:
    answer = await bot.ada.inline("cramp " * 42)  # 252 characters: Telegram allows 256
    assert answer.results == []
    assert answer.button is not None and answer.button["text"] == "🔎 Too long: type one or two words"


async def test_strangers_using_inline_mode_are_not_recorded(bot: Harness) -> None:
    stranger = bot.user(555, "Eve")
    await stranger.inline("cramp")
    await stranger.pick("cramps.en", RELATIVE_CHAT)
    assert await bot.rows("SELECT * FROM users") == []
    assert (await counters(bot))["share_cramps"] == 1


async def test_no_share_button_without_inline_mode(settings, content: Content, clock) -> None:
    harness = Harness(settings, content, clock, FakeTelegram(clock=clock.now, inline_mode=False))
    await harness.start()
    try:
        await harness.send("/start cramps")
        assert all(b.share_query is None for row in harness.screen().buttons for b in row)
        assert "🏠 Main menu" in harness.buttons()
    finally:
        await harness.stop()


async def test_stats_count_opens_and_shares_without_ids(bot: Harness) -> None:
    await bot.send("/start cramps")
    await bot.user(43, "Bo").send("/start cramps")
    await bot.user(44, "Cy").send("/start check")
    await bot.ada.inline("tetanus")
    await bot.ada.pick("diseases.en", RELATIVE_CHAT)
    admin = bot.user(ADMIN_ID, "Root")
    await admin.send("/stats")
    text = admin.last_text()
    assert "deep links opened: 3" in text
    assert "deep link cramps: 2" in text and "deep link check: 1" in text
    assert "pages shared: 1" in text and "shared diseases: 1" in text
    assert "42" not in text and "Ada" not in text


# --- profile texts --------------------------------------------------------------------------


def _profile_sets(fake: FakeTelegram) -> list[tuple[str, str]]:
    return sorted(
        (c.method, str(c.params.get("language_code") or ""))
        for c in fake.calls
        if c.method in ("setMyDescription", "setMyShortDescription") and c.ok
    )


async def test_profile_texts_registered_once_in_every_language(bot: Harness, content: Content) -> None:
    assert _profile_sets(bot.fake) == [
        ("setMyDescription", ""),
        ("setMyDescription", "it"),
        ("setMyShortDescription", ""),
        ("setMyShortDescription", "it"),
    ]
    assert bot.fake.bot_text("description", "it") == content.text("it", "profile.description")
    bot.fake.reset_calls()
    await bot.restart()
    assert _profile_sets(bot.fake) == []


# --- check-content --------------------------------------------------------------------------


def _rename_page(root: Path, old: str, new: str) -> None:
    for rel in ("pages.yaml", "en/pages.yaml", "it/pages.yaml"):
        path = root / rel
        text = path.read_text(encoding="utf-8")
        text = text.replace(f" {old},", f" {new},").replace(f"  {old}: {{}}", f"  {new}: {{}}")
        text = text.replace(f"\n{old}:\n", f"\n{new}:\n").replace(f"\n  {old}:\n", f"\n  {new}:\n")
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("reserved", ["check", "log"])
def test_a_page_id_that_cannot_be_a_start_parameter_is_refused(tmp_path: Path, reserved: str) -> None:
    root = copy_content(tmp_path / "content")
    _rename_page(root, "cramps", reserved)
    with pytest.raises(ContentError) as caught:
        load_content(root)
    (problem,) = [p for p in caught.value.problems if "deep link" in p.message]
    lines = (root / "pages.yaml").read_text(encoding="utf-8").splitlines()
    assert problem.file == "pages.yaml" and problem.line == lines.index(f"  {reserved}:") + 1
    assert f"page id {reserved!r} is reserved for deep links" in problem.message


def test_profile_texts_over_telegrams_limits_are_refused(tmp_path: Path) -> None:
    root = copy_content(tmp_path / "content")
    line = set_value(root, "it/strings.yaml", "profile.short_description", '"' + "x" * 121 + '"')
    with pytest.raises(ContentError) as caught:
        load_content(root)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("it/strings.yaml", line)
    assert "121 characters (max 120)" in problem.message


def test_share_labels_are_buttons(tmp_path: Path) -> None:
    root = copy_content(tmp_path / "content")
    set_value(root, "en/strings.yaml", "sharing.button", '"' + "Share " * 10 + '"')
    with pytest.raises(ContentError, match=r"button label 'sharing\.button'"):
        load_content(root)


@pytest.mark.parametrize(
    "query",
    [
        " ",
        "<b>cramp</b>",
        "&amp; tetanus",
        "🦵 crampi!!",
        "PERCHÉ",
        "a",
        "x" * 256,
        "cramp\nspasm",
        "\u200b",
        "'; DROP TABLE users; --",
    ],
)
async def test_any_query_gets_an_answer_telegram_accepts(bot: Harness, query: str) -> None:
    answer = await bot.ada.inline(query)  # the fake refuses what Telegram would
    assert len(answer.results) <= 50
    assert len(set(answer.ids)) == len(answer.ids)
    assert answer.button is not None and answer.button["start_parameter"] == "main"
    assert await bot.rows("SELECT * FROM users") == []
