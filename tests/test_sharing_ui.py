"""What sharing builds, for every page and language, within Telegram's limits."""

from __future__ import annotations

from bot.features.sharing import inline as sharing
from bot.ui.keyboards import page_screen
from content.model import MAIN_PAGE, Content
from content.telegram_html import parse_html, utf16_len

USER = "spasm_guide_bot"


def test_every_shared_page_fits_a_message_and_opens_the_bot_at_itself(content: Content) -> None:
    for lang in content.languages:
        answer = sharing.answer(content, "", lang, USER, hits=[])
        assert [r.id for r in answer.results] == [f"{p}.{lang}" for p in content.pages if p != MAIN_PAGE]
        for result in answer.results:
            page_id = sharing.result_page(result.id, content)
            assert page_id is not None
            text = result.input_message_content.message_text  # type: ignore[union-attr]
            assert 0 < utf16_len(parse_html(text)) <= 4096
            assert result.description and len(result.description) <= sharing.EXCERPT
            (button,) = result.reply_markup.inline_keyboard[0]  # type: ignore[union-attr]
            assert button.url == f"https://t.me/{USER}?start={page_id}"


def test_the_share_buttons_query_finds_its_page_first(content: Content) -> None:
    for lang in content.languages:
        for page_id in sharing.shareable(content):
            screen = page_screen(content, page_id, lang, share=True)
            assert screen.markup is not None
            (share,) = [
                b for row in screen.markup.to_dict()["inline_keyboard"] for b in row if "callback_data" not in b
            ]
            assert share["text"] == content.text(lang, "sharing.button")
            chosen = share["switch_inline_query_chosen_chat"]
            assert chosen == {"query": chosen["query"], "allow_user_chats": True, "allow_group_chats": True}
            assert 0 < len(chosen["query"]) <= 256
            answer = sharing.answer(content, chosen["query"], lang, USER, hits=[])
            assert answer.results[0].id == f"{page_id}.{lang}"
        assert (
            page_screen(content, "cramps", lang).markup.to_dict()
            == page_screen(  # type: ignore[union-attr]
                content, "cramps", lang, share=False
            ).markup.to_dict()
        )  # type: ignore[union-attr]


def test_nothing_found_and_too_long_offer_the_bot_instead(content: Content) -> None:
    none = sharing.answer(content, "zzzz", "en", USER, hits=[])
    assert none.results == () and none.button.start_parameter == "main"
    assert none.button.text == content.text("en", "sharing.inline_none")
    long = sharing.answer(content, "cramp " * 40, "it", USER, hits=["cramps"])
    assert long.results == () and long.button.text == content.text("it", "sharing.inline_too_long")


def test_excerpts_cut_at_a_word(content: Content) -> None:
    text = sharing.excerpt(content, "cramps", "en", limit=40)
    assert text.endswith("…") and len(text) <= 40
    assert not text[:-1].endswith(" ")


def test_a_page_near_the_limit_is_shared_without_the_disclaimer(content: Content) -> None:
    import dataclasses
    from types import MappingProxyType

    long_page = "<b>Cramps</b>\n\n" + "x" * 4000
    rendered = dict(content.rendered)
    rendered[("cramps", "en")] = long_page
    edited = dataclasses.replace(content, rendered=MappingProxyType(rendered), memo={})
    assert sharing.shared_page_text(edited, "cramps", "en") == long_page
    assert sharing.shared_page_text(edited, "what", "en").endswith(content.text("en", "start.disclaimer"))
