"""Every fact of the seed text (shared/seed/muscle-spasms.txt) reaches the user, in every
language, and wording that is not from the seed (emergency advice) stays under `safety` keys.

FACTS (tests/seed_facts.yaml) pairs each fact with its key phrase in content/en/pages.yaml and content/it/pages.yaml.
A phrase must appear, case-insensitively, in the visible text of some page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from content.loader import load_content
from content.model import Content
from content.telegram_html import parse_html

# (seed fact, English phrase, Italian phrase): data, kept beside this test in seed_facts.yaml.
FACTS: list[tuple[str, str, str]] = [
    (row["fact"], row["en"], row["it"])
    for row in yaml.safe_load((Path(__file__).parent / "seed_facts.yaml").read_text(encoding="utf-8"))
]

SAFETY_WORDS = {"en": ("emergency",), "it": ("emergenza", "112")}
# Safety text is graded: call the emergency number now, or see a doctor today.
HELP_WORDS = {"en": ("emergency", "see a doctor today"), "it": ("112", "oggi stesso")}


def _plain(html: str) -> str:
    """What the user reads: tags gone, entities decoded, whitespace collapsed, lower case."""
    return " ".join(parse_html(html).split()).casefold()


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="module")
def visible(content: Content) -> dict[str, str]:
    """Per language: the visible text of every page, page after page."""
    return {
        lang: "\n".join(_plain(content.page_html(page_id, lang)) for page_id in content.pages)
        for lang in content.languages
    }


def _find(text: str, phrase: str) -> bool:
    return " ".join(phrase.split()).casefold() in text


@pytest.mark.parametrize(("fact", "en", "it"), FACTS, ids=[f[0] for f in FACTS])
def test_seed_fact_reaches_the_user(visible: dict[str, str], fact: str, en: str, it: str) -> None:
    assert _find(visible["en"], en), f"seed fact {fact!r}: {en!r} is on no English page"
    assert _find(visible["it"], it), f"seed fact {fact!r}: {it!r} is on no Italian page"


def test_facts_come_from_the_page_bodies_not_the_safety_text(content: Content) -> None:
    """Seed facts must be in titles or bodies: `safety` is for wording that is not in the seed."""
    for lang, index in (("en", 1), ("it", 2)):
        bodies = "\n".join(
            _plain(f"{page.text[lang].title}\n{page.text[lang].body}") for page in content.pages.values()
        )
        missing = [fact[index] for fact in FACTS if not _find(bodies, fact[index])]
        assert not missing, f"{lang}: only in safety text (or nowhere): {missing}"


def test_all_eleven_diseases_are_listed(content: Content) -> None:
    for lang in content.languages:
        page = _plain(content.page_html("diseases", lang))
        bullets = re.findall(r"•", page)
        assert len(bullets) == 11, f"{lang}: {len(bullets)} diseases"


@pytest.mark.parametrize("lang", ["en", "it"])
def test_emergency_wording_only_under_safety_keys(content: Content, lang: str) -> None:
    words = SAFETY_WORDS[lang]
    offenders: list[str] = []
    for page in content.pages.values():
        text = page.text[lang]
        for field, value in (("title", text.title), ("button", text.button), ("body", text.body)):
            if any(w in value.casefold() for w in words):
                offenders.append(f"{lang}/pages.yaml {page.id}.{field}")
    # Every sign and every disposition of the checklist is safety wording, each sign with its
    # reference and passage (tests/test_triage_graph.py), so only the pages are checked here.
    assert not offenders, f"emergency wording outside a safety key: {offenders}"


@pytest.mark.parametrize("lang", ["en", "it"])
def test_pages_with_safety_text_say_to_call_for_help(content: Content, lang: str) -> None:
    """The reverse check: safety blocks say to get help (now or today), in every language."""
    with_safety = [page for page in content.pages.values() if page.text[lang].safety]
    assert with_safety, "the shipped content has safety text"
    for page in with_safety:
        safety = page.text[lang].safety or ""
        assert any(w in safety.casefold() for w in HELP_WORDS[lang]), page.id
