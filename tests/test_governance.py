"""Clinical governance: fingerprints, the sign-off, the changes since, the hazard log.

The commands run as an operator runs them (`main.main([...])`, exit codes and output), on a copy
of the shipped content that the tests edit the way a content editor would.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from bot.services.review_status import review_line
from content.fingerprints import inventory
from content.loader import load_content
from content.model import Content
from content.review import decisions_document
from content.signoff import FILE, changes
from main import main
from tests.test_content import copy_content, read, write

SIGN = ["--reviewer", "Dr Jane Doe", "--role", "gp", "--registration", "GMC 1234567"]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return copy_content(tmp_path / "content")


def signoff(tree: Path, *extra: str, when: str = "2026-12-03") -> int:
    return main(["content-signoff", "--content", str(tree), *SIGN, "--date", when, *extra])


def edit(tree: Path, rel: str, old: str, new: str) -> None:
    text = read(tree, rel)
    assert text.count(old) == 1, f"{old!r} must occur once in {rel}"
    write(tree, rel, text.replace(old, new))


# --- fingerprints -----------------------------------------------------------------------------


def test_every_kind_of_reviewable_item_is_found_in_every_language(content: Content) -> None:
    items = inventory(content).items
    # One of each kind the issue names; the walk finds them without a list kept by hand.
    for item_id in (
        "checklist.questions.spine",  # a question
        "checklist.answer_labels.unsure",  # an answer
        "checklist.outcomes.see_doctor",  # a disposition (with its safety-netting)
        "checklist.worse_check",  # the check-in's safety question
        "pages.cramps",  # a page
        "strings.reminders.checkin",  # a check-in text
        "diary.text.safety",  # the diary's safety line
        "diary.text.fields.when",  # a diary question and its choices
    ):
        assert item_id in items, item_id
        for lang in content.languages:
            assert items[item_id].texts[lang], (item_id, lang)
    assert items["pages.cramps"].references  # what its safety text follows goes with it


def test_fingerprints_are_stable_and_change_with_one_word(tree: Path, content: Content) -> None:
    before = inventory(load_content(tree)).fingerprints()
    assert before == inventory(load_content(tree)).fingerprints() == inventory(content).fingerprints()
    edit(tree, "it/pages.yaml", "title: Crampi e contratture", "title: Crampi e contratture muscolari")
    after = inventory(load_content(tree)).fingerprints()
    assert {i for i in before if before[i] != after[i]} == {"pages.cramps"}


def test_a_new_item_is_picked_up_without_being_listed(tree: Path) -> None:
    edit(tree, "en/strings.yaml", "governance:", 'governance:\n  extra: "A new line."')
    edit(tree, "it/strings.yaml", "governance:", 'governance:\n  extra: "Una riga nuova."')
    inv = inventory(load_content(tree))
    assert inv.items["strings.governance.extra"].texts["it"] == {"": "Una riga nuova."}


# --- sign-off and the changes since -----------------------------------------------------------


def test_signoff_then_an_edit_marks_exactly_that_item_changed(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unsigned = load_content(tree)
    assert unsigned.signoff is None
    assert review_line(unsigned, "en") == "This content has not yet been reviewed by a clinician."

    assert signoff(tree) == 0
    signed = load_content(tree)
    assert signed.signoff is not None and signed.signoff.signature.version == signed.fingerprint
    assert not changes(inventory(signed), signed.signoff)
    assert review_line(signed, "en") == "Reviewed by a general practitioner, Dr Jane Doe, on 3 December 2026."
    assert review_line(signed, "it") == (
        "Contenuti revisionati il 3 dicembre 2026 da Dr Jane Doe (medico di medicina generale)."
    )
    capsys.readouterr()
    assert main(["check-content", "--content", str(tree)]) == 0
    assert "nothing changed since" in capsys.readouterr().out

    edit(
        tree, "it/checklist.yaml", "intorpidimento intorno ai glutei", "intorpidimento attorno ai glutei"
    )  # one word of one question, in Italian
    edited = load_content(tree)
    found = changes(inventory(edited), edited.signoff)
    assert found.changed == ("checklist.questions.spine",) and not found.added and not found.removed
    line = review_line(edited, "en")
    assert "2026" not in line and "December" not in line and "changed since" in line
    assert "2026" not in review_line(edited, "it")
    assert main(["check-content", "--content", str(tree)]) == 0
    out = capsys.readouterr().out
    assert "since then 1 changed, 0 new, 0 removed" in out
    assert re.search(r"^\s+changed: checklist\.questions\.spine$", out, re.M)

    # Signing again brings the date back, and keeps the first sign-off as history.
    assert signoff(tree, when="2026-12-10") == 0
    again = load_content(tree)
    assert "10 December 2026" in review_line(again, "en")
    assert again.signoff is not None and again.signoff.history[0].date == date(2026, 12, 3)


def test_the_signoff_file_keeps_the_words_that_were_signed(tree: Path) -> None:
    assert signoff(tree, "--scope", "Adults and children through a carer; not pregnancy.") == 0
    text = read(tree, FILE)
    assert "reviewer: Dr Jane Doe" in text and "registration: GMC 1234567" in text and "date: '2026-12-03'" in text
    assert "scope: Adults and children through a carer; not pregnancy." in text
    signed = load_content(tree).signoff
    assert signed is not None
    spine = signed.items["checklist.questions.spine"]
    assert "intorno ai glutei" in spine.texts["it"]["text"]  # what the "was …" of the review sheet shows


def test_signoff_refuses_rejected_or_changed_items(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = inventory(load_content(tree))
    decisions = {i: ("approve", "", item.fingerprint) for i, item in inv.items.items()}
    decisions["checklist.questions.chest"] = (
        "reject",
        "999 only with red-flag features",
        inv.items["checklist.questions.chest"].fingerprint,
    )
    decisions["pages.therapy_selfcare"] = (
        "change",
        "minerals: ask a pharmacist first",
        inv.items["pages.therapy_selfcare"].fingerprint,
    )
    path = tree.parent / "decisions.json"
    path.write_text(decisions_document(inv.version, decisions), encoding="utf-8")
    assert signoff(tree, "--decisions", str(path)) == 1
    err = capsys.readouterr().err
    assert "checklist.questions.chest: rejected: 999 only with red-flag features" in err
    assert "pages.therapy_selfcare: needs a change: minerals: ask a pharmacist first" in err
    assert not (tree / FILE).exists()

    # Approved after the change... but the item was edited after the reviewer saw it: refused too.
    decisions["checklist.questions.chest"] = ("approve", "", inv.items["checklist.questions.chest"].fingerprint)
    decisions["pages.therapy_selfcare"] = ("approve", "ok now", inv.items["pages.therapy_selfcare"].fingerprint)
    path.write_text(decisions_document(inv.version, decisions), encoding="utf-8")
    edit(tree, "en/checklist.yaml", "chest pain or pressure</b>", "chest pain or tightness</b>")
    assert signoff(tree, "--decisions", str(path)) == 1
    assert "checklist.questions.chest: changed after it was reviewed" in capsys.readouterr().err

    edit(tree, "en/checklist.yaml", "chest pain or tightness</b>", "chest pain or pressure</b>")
    assert signoff(tree, "--decisions", str(path)) == 0
    assert "comment: ok now" in read(tree, FILE)


def test_signoff_refuses_an_unknown_role_and_a_bad_date(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content-signoff", "--content", str(tree), *SIGN[:2], "--role", "dentist", *SIGN[4:]]) == 1
    assert "unknown role 'dentist'" in capsys.readouterr().err
    assert signoff(tree, when="3/12/2026") == 2
    assert not (tree / FILE).exists()


# --- the hazard log ---------------------------------------------------------------------------


def _check(tree: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["check-content", "--content", str(tree)])
    return code, capsys.readouterr().err


def test_a_hazard_naming_a_missing_test_is_refused(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(tree, capsys)[0] == 0
    line = next(
        n for n, text in enumerate(read(tree, "hazards.yaml").splitlines(), 1) if "test_every_disposition" in text
    )
    edit(
        tree,
        "hazards.yaml",
        "test_every_disposition\n        - tests/test_checklist.py",
        "test_no_such_thing\n        - tests/test_checklist.py",
    )
    code, err = _check(tree, capsys)
    assert code == 1
    assert "hazards.yaml:" in err and "H01: tests/test_triage.py has no test 'test_no_such_thing'" in err
    assert re.search(rf"hazards\.yaml:{line - 2}: H01", err) or re.search(r"hazards\.yaml:\d+: H01", err)


def test_a_hazard_naming_a_missing_item_or_file_is_refused(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(tree, "hazards.yaml", "items: [checklist.questions.stroke, ", "items: [checklist.questions.strokes, ")
    edit(tree, "hazards.yaml", "tests/test_checklist.py::", "tests/test_nowhere.py::")
    code, err = _check(tree, capsys)
    assert code == 1
    assert "H03: no content item 'checklist.questions.strokes'" in err
    assert "H01: test file tests/test_nowhere.py does not exist" in err


def test_a_safety_netting_line_the_text_no_longer_says_is_refused(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(tree, "en/checklist.yaml", "    • dark or very little urine with", "    • very little urine with")
    code, err = _check(tree, capsys)
    assert code == 1 and "H02: checklist.worse_check no longer says 'dark or very little urine'" in err


def test_a_residual_risk_above_the_matrix_limit_needs_a_justification(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = read(tree, "hazards.yaml")
    start = text.index("  - id: H01")
    block = text[start : text.index("  - id: H02")]
    justification = block[block.index("    justification:") : block.index("    mitigations:")]
    write(tree, "hazards.yaml", text.replace(justification, ""))
    code, err = _check(tree, capsys)
    assert code == 1 and "H01: residual risk 4 (unacceptable) is above 3" in err


def test_the_shipped_log_covers_the_triage_issues_hazards(content: Content) -> None:
    from content.governance import review_state

    log = review_state(content, None).hazards
    assert len(log.hazards) >= 12
    titles = " ".join(h.title.casefold() for h in log.hazards)
    for hazard in ("cauda equina", "rhabdomyolysis", "stroke", "tetanus", "meningitis", "thrombosis", "poison"):
        assert hazard in titles, hazard
    assert all(h.after.rating <= h.before.rating for h in log.hazards)


def test_the_review_sheet_export_format_is_what_the_cli_reads(tree: Path) -> None:
    inv = inventory(load_content(tree))
    doc = json.loads(decisions_document(inv.version, {"pages.main": ("approve", "", "x")}))
    assert doc["decisions"]["pages.main"] == {"decision": "approve", "comment": "", "fingerprint": "x"}
