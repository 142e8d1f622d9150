"""Clinical content: every safety item names its reference, the dispositions are graded, the
seed's criteria are always listed whole, and the Italian reads as a native medical writer's.

Broken-content tests copy the shipped YAML into tmp_path and change one thing (helpers from
tests/test_content.py); the expected line is looked up in the changed file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from content.loader import load_content
from content.model import Content
from content.telegram_html import parse_html
from tests.test_content import assert_problem, copy_content, line_containing

CRITERIA_WORDS = {
    "en": ("intense", "relieved", "recur", "last long"),
    "it": ("intens", "non passano", "ripresent", "durano a lungo"),
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return copy_content(tmp_path / "content")


@pytest.fixture(scope="module")
def shipped() -> Content:
    return load_content()


def plain(html_text: str) -> str:
    return " ".join(parse_html(html_text).split())


def every_text(content: Content, lang: str) -> dict[str, str]:
    """Every message the bot can show in one language, {criteria} filled in, keyed by where it lives."""
    triage = content.triage
    criteria = triage.text[lang].criteria
    texts: dict[str, str] = {}
    for key, value in content.strings[lang].items():
        texts[f"strings:{key}"] = value.replace("{criteria}", criteria)
    for page in content.pages.values():
        texts[f"page:{page.id}"] = content.page_html(page.id, lang)
    for level, o in triage.text[lang].outcomes.items():
        texts[f"outcome:{level}"] = "\n".join((o.title, o.text.replace("{criteria}", criteria), o.net))
        c = triage.text[lang].checkins[level]
        texts[f"checkin:{level}"] = "\n".join((c.better, c.same, c.worse))
    for item in triage.items.values():
        t = item.text[lang]
        texts[f"item:{item.id}"] = "\n".join((t.text, t.label, t.advice))
    for ctx in triage.contexts.values():
        t = ctx.text[lang]
        texts[f"context:{ctx.id}"] = "\n".join((t.button, t.label, t.advice))
    for spec in triage.screens:
        texts[f"screen:{spec.id}"] = spec.text[lang]
    return texts


# --- references ------------------------------------------------------------------------------


def _without_reference(tree: Path, page_id: str, next_page_id: str) -> int:
    """Drop a page's `reference:` block from pages.yaml; return the line of the bare page."""
    text = (tree / "pages.yaml").read_text(encoding="utf-8")
    start = text.index(f"  {page_id}:\n")
    end = text.index(f"  {next_page_id}:\n")
    (tree / "pages.yaml").write_text(text[:start] + f"  {page_id}: {{}}\n" + text[end:], encoding="utf-8")
    return line_containing(tree, "pages.yaml", f"  {page_id}: {{}}")


def test_check_content_refuses_a_page_safety_text_without_reference(tree: Path) -> None:
    line = _without_reference(tree, "causes_other", "cramps")
    assert_problem(tree, "pages.yaml", line, "page 'causes_other'", "safety text", "no reference")


# --- dispositions ----------------------------------------------------------------------------


# --- wording ---------------------------------------------------------------------------------


def test_one_product_name_per_language(shipped: Content) -> None:
    names = {"en": "Spasm Guide", "it": "Guida agli spasmi"}
    for lang, name in names.items():
        assert shipped.pages["main"].text[lang].title == name
        texts = every_text(shipped, lang)
        assert any(name in t for t in texts.values() if t)
        for other in set(names.values()) - {name}:
            assert not [w for w, t in texts.items() if other in t], (lang, other)


def test_italian_reads_as_a_native_medical_writer_would(shipped: Content) -> None:
    calques = [
        r"[Èè] una buona idea",  # "it is a good idea"
        r"\bconfusione\b",  # the clinical sign is "stato confusionale"
        r"numero di emergenza locale",  # Italians say "chiama il 112"
        r"fortemente consigliato",
        r"da parte mia",
        r"non eri sicur",  # gendered, and a calque of "you were not sure"
    ]
    texts = every_text(shipped, "it")
    for where, text in texts.items():
        for pattern in calques:
            assert not re.search(pattern, text), (where, pattern)
    emergency = [w for w, t in texts.items() if "emergenza" in t or "soccorsi" in t]
    for where in emergency:
        assert "112" in texts[where], where


def test_no_iso_dates_or_utc_in_any_text(shipped: Content) -> None:
    for lang in shipped.languages:
        for where, text in every_text(shipped, lang).items():
            # "UTC+2" names a fixed-offset zone the user chose (like "Europe/Rome"); never a time's zone.
            assert not re.search(r"UTC(?!\{offset\})", text), where
            assert not re.search(r"\d{4}-\d{2}-\d{2}", text), where


def test_check_content_command_refuses_safety_wording_without_reference(tree: Path) -> None:
    """What an editor sees: `python main.py check-content` exits 1 naming file, line and problem."""
    import subprocess
    import sys

    line = _without_reference(tree, "causes_neuro", "causes_other")
    result = subprocess.run(
        [sys.executable, "main.py", "check-content", "--content", str(tree)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"pages.yaml:{line}: page 'causes_neuro' has safety text (not from the source text) but no reference" in (
        result.stderr
    )
