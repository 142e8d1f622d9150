"""The clinical pages (issue 20) as a user meets them, and the review rules that keep them honest.

Medicines, pregnancy, children, kidney and liver disease, claudication, weakness and the three
NHS stretches are not from the source text: each is `safety: true` in pages.yaml and names the
public page and the passage it follows. These tests reach every one of them by tapping through
the real bot from the main menu, in both languages, and check that validation refuses a
reference without its passage.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from content.model import Content
from tests.test_content import assert_problem, copy_content, line_containing, replace

# (page id, the labels a user taps from the main menu, in English)
PATHS: list[tuple[str, tuple[str, ...]]] = [
    ("causes_medicines", ("Causes", "Medicines")),
    ("stretch_calf", ("Therapy", "Self-care", "Calf stretch")),
    ("stretch_foot", ("Therapy", "Self-care", "Foot and toe stretch")),
    ("stretch_night", ("Therapy", "Self-care", "Night cramp routine")),
    ("pregnancy", ("Special situations", "Pregnancy")),
    ("children", ("Special situations", "Children")),
    ("kidney_liver", ("Special situations", "Kidney and liver")),
    ("walking_pain", ("When to see a doctor", "Calf pain when walking")),
    ("weakness", ("When to see a doctor", "Weakness, wasting")),
]
NEW_PAGES = [page_id for page_id, _ in PATHS]


@pytest.mark.parametrize(("page_id", "taps"), PATHS, ids=NEW_PAGES)
async def test_each_clinical_page_is_reached_by_tapping_from_the_main_menu(
    bot, content: Content, page_id: str, taps: tuple[str, ...]
) -> None:
    await bot.send("/start")
    for label in taps:
        await bot.tap(label)
    page = content.pages[page_id]
    assert bot.text().startswith(page.text["en"].title)
    assert "‹ Back" in bot.buttons() and "🏠 Main menu" in bot.buttons()


async def test_the_same_pages_in_italian(bot, content: Content) -> None:
    luca = bot.user(60, first_name="Luca", language_code="it")
    await luca.send("/start")
    for label in ("Situazioni particolari", "Gravidanza"):
        await luca.tap(label)
    assert luca.last_text().startswith("Crampi in gravidanza")
    assert "112" in luca.last_text() and "oggi stesso" in luca.last_text()
    await luca.tap("Allungamento del polpaccio")  # the page's link to the stretch
    assert luca.last_text().startswith("Esercizio 1")


async def test_stretches_come_one_at_a_time_with_previous_and_next(bot) -> None:
    await bot.send("/start")
    for label in ("Therapy", "Self-care", "Calf stretch"):
        await bot.tap(label)
    assert "Stretch 1" in bot.text() and "Lean forward" in bot.text()
    await bot.tap("Next ›")
    assert "Stretch 2" in bot.text() and "toes" in bot.text()
    await bot.tap("Next ›")
    assert "Stretch 3" in bot.text()
    assert "up to 24 hours" in bot.text() and "paracetamol or ibuprofen" in bot.text()


async def test_medicines_page_says_never_to_stop_a_medicine_alone(bot) -> None:
    await bot.send("/start")
    await bot.tap("Causes", "Medicines")
    text = bot.text()
    assert "Never stop a prescribed medicine on your own" in text
    assert "statins" in text and "diuretics" in text
    assert "see a doctor today" in text.casefold()


async def test_self_care_no_longer_says_take_minerals(bot, content: Content) -> None:
    """Supplements are risky with kidney disease and some heart and blood-pressure medicines."""
    for lang in content.languages:
        html = content.page_html("therapy_selfcare", lang).casefold()
        assert "take minerals" not in html and "assumere acqua" not in html
    await bot.send("/start")
    await bot.tap("Therapy", "Self-care")
    assert "oral rehydration solution" in bot.text()
    assert "Ask a pharmacist before taking potassium or magnesium supplements" in bot.text()


def test_every_clinical_page_names_its_passages(content: Content) -> None:
    for page_id in [*NEW_PAGES, "diseases"]:
        page = content.pages[page_id]
        assert page.safety, f"{page_id} is reviewed wording, not the source text"
        assert page.references and all(r.passage for r in page.references), page_id


def test_the_diseases_page_says_what_each_one_is(content: Content) -> None:
    for lang in content.languages:
        bullets = [line for line in content.page_html("diseases", lang).splitlines() if line.startswith("•")]
        assert len(bullets) == 11
        assert all(":" in line and len(line) > 60 for line in bullets), "one line each on what it is"


# --- validation ------------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return copy_content(tmp_path / "content")


def test_a_safety_page_without_a_reference_is_refused(tree: Path) -> None:
    """The calf stretch has no separate safety text: `safety: true` alone must demand a reference."""
    text = (tree / "pages.yaml").read_text(encoding="utf-8")
    start = text.index("  stretch_calf:\n")
    end = text.index("  stretch_foot:\n")
    stripped = text[:start] + "  stretch_calf:\n    safety: true\n" + text[end:]
    (tree / "pages.yaml").write_text(stripped, encoding="utf-8")
    assert_problem(tree, "pages.yaml", None, "'stretch_calf'", "no reference")


def test_a_page_reference_without_its_passage_is_refused(tree: Path) -> None:
    needle = '        passage: "Cramps can affect the muscles in the feet.'
    line = line_containing(tree, "pages.yaml", needle)
    full = next(x for x in (tree / "pages.yaml").read_text(encoding="utf-8").splitlines() if x.startswith(needle))
    replace(tree, "pages.yaml", full + "\n", "")
    # reported at the reference's title, two lines above where the passage was
    assert_problem(tree, "pages.yaml", line - 2, "'stretch_foot'", "needs the passage")


def test_safety_must_be_true_or_false(tree: Path) -> None:
    replace(tree, "pages.yaml", "  walking_pain:\n    safety: true\n", "  walking_pain:\n    safety: yes please\n")
    assert_problem(tree, "pages.yaml", None, "'walking_pain'", "true or false")
