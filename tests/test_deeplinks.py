"""Start parameters: every page id has a link, and anything else parses to nothing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services import deeplinks
from bot.services.deeplinks import OpenChecklist, OpenDiaryLog, OpenPage, StartLink
from content.model import Content
from content.start_parameters import MAX_LENGTH, is_start_parameter, page_id_problem

LANGS = ("en", "it")


def parse(parameter: str | None, content: Content) -> StartLink | None:
    return deeplinks.parse(parameter, pages=content.pages.keys(), languages=content.languages)


def test_every_page_round_trips_in_every_language(content: Content) -> None:
    for page_id in content.pages:
        for lang in (None, *content.languages):
            link = StartLink(OpenPage(page_id), lang)
            parameter = link.parameter()
            assert is_start_parameter(parameter) and len(parameter) <= MAX_LENGTH
            assert parse(parameter, content) == link
            assert page_id_problem(page_id, content.languages) is None


def test_the_checklist_and_the_diary_have_their_own_words(content: Content) -> None:
    assert parse("check", content) == StartLink(OpenChecklist())
    assert parse("check-it", content) == StartLink(OpenChecklist(), "it")
    assert parse("log", content) == StartLink(OpenDiaryLog())
    assert StartLink(OpenDiaryLog(), "en").parameter() == "log-en"


@pytest.mark.parametrize(
    "parameter",
    [
        None,
        "",
        "nope",  # no such page
        "Cramps",  # parameters are case-sensitive; page ids are lower case
        "cramps-",  # a separator with no language
        "cramps-de",  # a language the bot does not speak
        "cramps-it-it",
        "-it",
        "cramps it",
        "cramps/it",
        "crämps",
        "x" * 65,
        "check-",
        "main--it",
        "../etc/passwd",
        "cramps\n",
    ],
)
def test_malformed_or_unknown_parameters_parse_to_nothing(parameter: str | None, content: Content) -> None:
    assert parse(parameter, content) is None


@given(st.text(max_size=80))
def test_parse_never_raises_and_only_returns_what_it_can_encode(text: str) -> None:
    pages = ("main", "cramps", "causes_neuro")
    link = deeplinks.parse(text, pages=pages, languages=LANGS)
    if link is not None:
        assert link.parameter() == text


def test_page_ids_that_cannot_be_parameters_are_named() -> None:
    assert page_id_problem("cramps", LANGS) is None
    assert "reserved" in (page_id_problem("check", LANGS) or "")
    assert "reserved" in (page_id_problem("log", LANGS) or "")
    assert page_id_problem("cramps-it", LANGS) is not None  # would read as cramps in Italian
    assert page_id_problem("crämpi", LANGS) is not None
    assert page_id_problem("a" * 61, LANGS) is None  # "-it" makes 64
    problem = page_id_problem("a" * 62, LANGS)  # fits alone, not with "-it"
    assert problem is not None and "64" in problem


def test_urls() -> None:
    assert deeplinks.url("@spasm_guide_bot") == "https://t.me/spasm_guide_bot"
    link = StartLink(OpenPage("causes_neuro"), "it")
    assert deeplinks.url("spasm_guide_bot", link) == "https://t.me/spasm_guide_bot?start=causes_neuro-it"
    for bad in ("", "ab", "spasm guide", "1bot", "x" * 33, "@"):
        with pytest.raises(ValueError, match="username"):
            deeplinks.url(bad, link)


def test_a_link_telegram_would_refuse_is_never_made() -> None:
    for link in (
        StartLink(OpenPage("check")),
        StartLink(OpenPage("cramps-it")),
        StartLink(OpenPage("x" * 64), "it"),
        StartLink(OpenPage("crämpi")),
    ):
        with pytest.raises(ValueError, match="start parameter"):
            link.parameter()
