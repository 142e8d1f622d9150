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
from tests.test_content import assert_problem, copy_content, line_containing, replace

SAFETY_OUTCOMES = ("emergency", "poisoning", "urgent")
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
    criteria = content.checklist.criteria[lang]
    texts: dict[str, str] = {}
    for key, value in content.strings[lang].items():
        texts[f"strings:{key}"] = value.replace("{criteria}", criteria)
    for page in content.pages.values():
        texts[f"page:{page.id}"] = content.page_html(page.id, lang)
    for oid, outcome in content.checklist.outcomes.items():
        t = outcome.text[lang]
        texts[f"outcome:{oid}"] = "\n".join((t.title, t.text.replace("{criteria}", criteria), t.safety_net))
    for q in content.checklist.questions:
        texts[f"question:{q.id}"] = q.text[lang].text
    texts["worse_check"] = content.checklist.worse_check.text[lang].text
    return texts


# --- references ------------------------------------------------------------------------------


def test_every_safety_item_names_a_public_reference(shipped: Content) -> None:
    items = 0
    for q in shipped.checklist.questions:
        if q.safety:
            items += 1
            assert q.references, q.id
    for outcome in shipped.checklist.outcomes.values():
        items += 1
        assert outcome.references, outcome.id  # every outcome ends with safety-netting
    assert shipped.checklist.worse_check.references
    for page in shipped.pages.values():
        if any(t.safety for t in page.text.values()):
            items += 1
            assert page.references, page.id
    assert items >= 20
    refs = [r for q in shipped.checklist.questions for r in q.references]
    refs += [r for o in shipped.checklist.outcomes.values() for r in o.references]
    refs += [r for p in shipped.pages.values() for r in p.references]
    for ref in refs:
        assert ref.title.strip() and ref.url.startswith("https://"), ref


def test_check_content_refuses_a_safety_question_without_reference(tree: Path) -> None:
    line = line_containing(tree, "checklist.yaml", "- id: tetanus")
    text = (tree / "checklist.yaml").read_text(encoding="utf-8").splitlines()
    # drop the question's reference block: the two lines after `safety: true`
    assert text[line].strip() == "safety: true" and text[line + 1].strip() == "reference:"
    del text[line + 1 : line + 3]
    (tree / "checklist.yaml").write_text("\n".join(text) + "\n", encoding="utf-8")
    problem = assert_problem(tree, "checklist.yaml", line + 1, "question 'tetanus'", "safety wording", "reference")
    assert "https://" in problem.message  # it says what to add


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


def test_check_content_refuses_an_outcome_without_reference(tree: Path) -> None:
    text = (tree / "checklist.yaml").read_text(encoding="utf-8")
    start = text.index("  self_care:              #")
    end = text.index("\n# Asked first")
    block = "  self_care:\n    followup: true\n"
    (tree / "checklist.yaml").write_text(text[:start] + block + text[end:], encoding="utf-8")
    line = line_containing(tree, "checklist.yaml", "  self_care:")
    assert_problem(tree, "checklist.yaml", line, "outcome 'self_care'", "no reference")


def test_check_content_refuses_a_reference_without_an_https_url(tree: Path) -> None:
    replace(
        tree,
        "checklist.yaml",
        'url: "https://www.nhs.uk/conditions/poisoning/"}\n  # --- warning signs: get',
        'url: "nhs.uk/poisoning"}\n  # --- warning signs: get',
    )
    line = line_containing(tree, "checklist.yaml", 'url: "nhs.uk/poisoning"')
    assert_problem(tree, "checklist.yaml", line, "question 'poison'", "https://")


def test_check_content_refuses_a_reference_on_a_question_not_marked_safety(tree: Path) -> None:
    replace(
        tree,
        "checklist.yaml",
        "  - id: intense\n",
        '  - id: intense\n    reference: {title: "NHS: Leg cramps", url: "https://www.nhs.uk/conditions/leg-cramps/"}\n',
    )
    line = line_containing(tree, "checklist.yaml", '    reference: {title: "NHS: Leg cramps"')
    assert_problem(tree, "checklist.yaml", line, "question 'intense'", "not marked")


def test_check_content_refuses_an_outcome_without_safety_netting(tree: Path) -> None:
    text = (tree / "it/checklist.yaml").read_text(encoding="utf-8")
    start = text.index("    safety_net: |\n      <b>Mentre aspetti i soccorsi</b>")
    end = text.index("  poisoning:")
    (tree / "it/checklist.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    line = line_containing(tree, "it/checklist.yaml", '    title: "🚨 Chiama subito il 112"')
    assert_problem(tree, "it/checklist.yaml", line - 1, "outcome 'emergency'", "safety_net", "sooner")


# --- dispositions ----------------------------------------------------------------------------


def test_dispositions_are_graded_and_reachable(shipped: Content) -> None:
    cl = shipped.checklist
    assert list(cl.outcomes) == ["emergency", "poisoning", "urgent", "see_doctor", "self_care"]
    reached = {outcome for _, outcome in cl.walk()}
    assert reached == set(cl.outcomes)
    assert not cl.outcomes["emergency"].followup and not cl.outcomes["poisoning"].followup
    ids = [q.id for q in cl.questions]
    # warning signs first, one question each; the seed's four criteria last
    assert ids[-4:] == ["intense", "not_relieved", "recurring", "long_lasting"]
    assert all(cl.questions[i].safety for i in range(len(ids) - 4))
    # every warning sign ends the checklist at once with its own disposition, "Not sure" too
    expected = {
        "chest": "emergency",
        "stroke": "emergency",
        "seizure": "emergency",
        "poison": "poisoning",
        "tetanus": "emergency",
        "fever_neck": "emergency",
        "dark_urine": "emergency",
        "spine": "emergency",
        "swallowing": "urgent",
        "cramp": "urgent",
        "fever": "urgent",
    }
    for position, qid in enumerate(ids[:-4]):
        earlier = {q: "no" for q in ids[:position]}
        for answer in ("yes", "unsure"):
            assert cl.evaluate({**earlier, qid: answer}, finished=False) == expected[qid], (qid, answer)
    # emergency signs come before the get-help-today ones
    order = [expected[q] for q in ids[:-4]]
    assert order.index("urgent") > max(i for i, o in enumerate(order) if o in ("emergency", "poisoning"))


def test_swallowing_needs_to_be_new_or_sudden(shipped: Content) -> None:
    # reflux and oesophageal diverticula (in the seed's list) make long-standing trouble swallowing
    swallowing = next(q for q in shipped.checklist.questions if q.id == "swallowing")
    en = plain(swallowing.text["en"].text)
    assert "new" in en and "suddenly" in en and "long-standing" in en
    chest = next(q for q in shipped.checklist.questions if q.id == "chest").text["en"].text
    assert "swallow" not in chest


def test_not_sure_reads_as_uncertainty(shipped: Content) -> None:
    for q in (*shipped.checklist.questions, shipped.checklist.worse_check):
        texts = q.text.items()
        for lang, t in texts:
            assert t.unsure != t.reason and t.unsure_past != t.reason_past
            if lang == "en":
                assert "not sure whether" in t.unsure and "not sure whether" in t.unsure_past
            else:
                assert re.search(r"non (hai saputo|sapevi) (dire|escludere)", t.unsure + " " + t.unsure_past)
                assert re.search(r"non sapevi (dire|escludere)", t.unsure_past)
    intense = next(q for q in shipped.checklist.questions if q.id == "intense").text
    assert intense["en"].unsure == "you were not sure whether your spasms are intense"
    assert intense["en"].unsure_past == "you were not sure whether your spasms were intense"


def test_every_message_that_lists_the_criteria_lists_all_four(shipped: Content) -> None:
    for lang, words in CRITERIA_WORDS.items():
        for where, text in every_text(shipped, lang).items():
            found = [w for w in words if w in plain(text).lower()]
            if len(found) >= 2 and not where.startswith("question:"):
                assert len(found) == 4, (lang, where, found)


def test_every_outcome_says_what_how_soon_why_and_when_to_get_help_sooner(shipped: Content) -> None:
    for oid, outcome in shipped.checklist.outcomes.items():
        for lang, t in outcome.text.items():
            assert "<b>" in t.text, (oid, lang)  # what to do, in bold
            assert t.safety_net.strip(), (oid, lang)
            if oid != "self_care":
                assert "{reasons}" in t.text, (oid, lang)  # why
    en = {oid: o.text["en"].text for oid, o in shipped.checklist.outcomes.items()}
    assert "now" in en["emergency"] and "now" in en["poisoning"]
    assert "today" in en["urgent"]
    assert "next few days" in en["see_doctor"]


# --- wording ---------------------------------------------------------------------------------


def test_poisoning_always_names_the_poison_control_centre(shipped: Content) -> None:
    centre = {"en": "poison control centre", "it": "centro antiveleni"}
    poison = {"en": re.compile(r"\bpoison(ed|ing)\b"), "it": re.compile(r"avvelenament")}
    for lang in shipped.languages:
        for where, text in every_text(shipped, lang).items():
            if where.startswith(("page:", "outcome:")) and poison[lang].search(plain(text).lower()):
                assert centre[lang] in plain(text).lower(), (lang, where)
    assert "Centro antiveleni" in shipped.checklist.outcomes["poisoning"].text["it"].text
    assert "112" in shipped.checklist.outcomes["poisoning"].text["it"].text


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
    texts.update({f"reason:{q.id}": " ".join(vars_of(q.text["it"])) for q in shipped.checklist.questions})
    for where, text in texts.items():
        for pattern in calques:
            assert not re.search(pattern, text), (where, pattern)
    emergency = [w for w, t in texts.items() if "emergenza" in t or "soccorsi" in t]
    for where in emergency:
        assert "112" in texts[where], where


def vars_of(text: object) -> list[str]:
    return [getattr(text, f) for f in ("text", "reason", "reason_past", "unsure", "unsure_past")]


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
