"""The checklist's decision graph, walked path by path (content/triage.py, pure).

Monotonic by construction, proved here on every path: one more "Yes" (or "Not sure" for a "No", or
one more ticked context) never lowers the disposition; every sign answered reaches at least its
level; no child path ends in self-care; the all-"No" adult path is at most 6 screens and no path
is longer than 10; every screen and outcome renders in every language as Telegram would accept it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from content.limits import MAX_MESSAGE
from content.loader import load_content
from content.model import Content
from content.telegram_html import parse_html, utf16_len
from content.triage import CONTEXT, NO, NONE, UNSURE, WHO, YES, Ask, Result, Triage, findings_of
from tests.test_content import assert_problem, copy_content, delete_key, line_containing, read, write

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="module")
def triage(content: Content) -> Triage:
    return content.triage


@pytest.fixture(scope="module")
def paths(triage: Triage) -> list[tuple[dict[str, str], Result]]:
    return list(triage.paths())


def _full(triage: Triage, answers: dict[str, str]) -> dict[str, str]:
    """Every screen answered: what the path did not ask is "No" (or no context)."""
    full = dict(answers)
    for spec in triage.screens:
        full.setdefault(spec.id, NONE if spec.kind == CONTEXT else NO)
    return full


def _raised(triage: Triage, full: dict[str, str]) -> Iterator[tuple[str, dict[str, str]]]:
    """Each way to say one more "Yes": No -> Not sure -> Yes on a screen, or one more context."""
    for spec in triage.screens:
        answer = full[spec.id]
        if spec.kind == "signs":
            for higher in {NO: (UNSURE, YES), UNSURE: (YES,), YES: ()}[answer]:
                yield f"{spec.id}: {answer} -> {higher}", {**full, spec.id: higher}
        elif spec.kind == CONTEXT:
            ticked = set(triage.ticked(answer))
            for cid in triage.contexts:
                if cid not in ticked:
                    yield f"context + {cid}", {**full, spec.id: triage.context_answer(ticked | {cid})}


def test_the_walk_covers_both_audiences_and_every_level(
    triage: Triage, paths: list[tuple[dict[str, str], Result]]
) -> None:
    reached = {(r.audience, r.level) for _, r in paths}
    assert {level for _, level in reached} == set(triage.levels)
    assert {a for a, _ in reached} == set(triage.audiences)
    assert len(paths) > 1000  # every context subset, every answer


def test_one_more_yes_never_lowers_the_disposition(triage: Triage, paths: list[tuple[dict[str, str], Result]]) -> None:
    checked = 0
    for answers, result in paths:
        full = _full(triage, answers)
        assert triage.step(full) == result  # the filled-in answers do not change the path's result
        for change, raised in _raised(triage, full):
            after = triage.step(raised)
            assert isinstance(after, Result)
            assert triage.rank(after.level) >= triage.rank(result.level), (answers, change, result.level, after.level)
            checked += 1
    assert checked > 10_000


def test_every_sign_reaches_at_least_its_level(triage: Triage, paths: list[tuple[dict[str, str], Result]]) -> None:
    seen: set[str] = set()
    for answers, result in paths:
        ticked = triage.ticked(answers.get(CONTEXT))
        for spec in triage.screens:
            if spec.kind != "signs" or answers.get(spec.id) not in (YES, UNSURE):
                continue
            for item in triage.items_on(spec.id, result.audience, ticked):
                floor = item.level if answers[spec.id] == YES else item.unsure
                assert triage.rank(result.level) >= triage.rank(floor), (answers, item.id)
                seen.add(item.id)
        for cid in ticked:
            level = triage.contexts[cid].level
            if level:
                assert triage.rank(result.level) >= triage.rank(level)
    assert seen == set(triage.items), f"signs never answered Yes on any path: {set(triage.items) - seen}"


def test_each_sign_alone_gives_exactly_its_level(triage: Triage) -> None:
    """A "Yes" to one screen (everything else "No") is that screen's level: no sign is over-triaged by another."""
    for item in triage.items.values():
        for audience in item.audiences:
            answers = {WHO: audience, CONTEXT: item.context or NONE, item.screen: YES}
            result = triage.step(_full(triage, answers))
            assert isinstance(result, Result)
            floor = triage.audiences[audience].floor or triage.levels[0]
            assert result.level == triage.higher(item.level, floor), (item.id, audience, result.level)


def test_no_child_path_ends_in_self_care(paths: list[tuple[dict[str, str], Result]]) -> None:
    child = [r for a, r in paths if a[WHO] == "child"]
    assert child and all(r.level != "self_care" for r in child)
    assert any(r.level == "appointment" for r in child)  # the floor is reached, not exceeded, when all is "No"


def test_the_all_no_adult_path_is_six_screens_and_none_is_longer_than_ten(
    triage: Triage, paths: list[tuple[dict[str, str], Result]]
) -> None:
    all_no = {WHO: "adult"}
    while isinstance(state := triage.step(all_no), Ask):
        all_no[state.screen.id] = NONE if state.screen.kind == CONTEXT else NO
    assert state.level == "self_care"
    assert state.screens <= 6, state.screens
    assert max(r.screens for _, r in paths) <= 10


def test_a_yes_on_the_red_screen_ends_at_once(triage: Triage) -> None:
    result = triage.step({WHO: "adult", "red": YES})
    assert isinstance(result, Result) and result.level == "ambulance" and result.screens == 2


def test_every_screen_and_outcome_renders_in_every_language(
    content: Content, triage: Triage, paths: list[tuple[dict[str, str], Result]]
) -> None:
    rendered: set[tuple[str, str, tuple[str, ...]]] = set()
    for answers, result in paths[::7]:  # every 7th path: each screen shape and outcome appears many times
        for lang in content.languages:
            prefix: dict[str, str] = {}
            for spec in triage.screens:
                state = triage.step(prefix)
                if isinstance(state, Result):
                    break
                key = (lang, state.screen.id, tuple(i.id for i in state.items))
                if key not in rendered:
                    rendered.add(key)
                    text = triage.screen_text(state, lang)
                    assert utf16_len(parse_html(text)) < MAX_MESSAGE
                prefix[state.screen.id] = answers[state.screen.id]
                del spec
            text = triage.outcome_text(result, lang)
            plain = parse_html(text)
            assert utf16_len(plain) <= MAX_MESSAGE, (answers, lang, utf16_len(plain))
            assert "{" not in plain, plain


def test_safety_netting_lists_every_sign_of_a_higher_level(triage: Triage) -> None:
    for audience in triage.audiences:
        for level in triage.levels:
            for lang in triage.text:
                net = triage.safety_net(level, audience, lang)
                for item in triage.items.values():
                    if audience in item.audiences and triage.rank(item.level) > triage.rank(level):
                        assert item.text[lang].label in net, (level, item.id, lang)
                    elif triage.rank(item.level) <= triage.rank(level):
                        assert f"• {item.text[lang].label}\n" not in net + "\n", (level, item.id)
    net = triage.safety_net("self_care", "adult", "en")
    for words in ("swollen leg", "dark or very little pee", "numbness around the bottom"):
        assert words in net


def test_every_finding_of_the_vocabulary_is_asked_or_says_why_not(triage: Triage) -> None:
    asked: set[str] = set()
    for asks in (
        *(a.asks for a in triage.audiences.values()),
        *(c.asks for c in triage.contexts.values()),
        *(i.asks for i in triage.items.values()),
    ):
        asked |= findings_of(asks)
    assert not asked & set(triage.not_asked)
    assert len(asked) > 100


def test_every_sign_names_its_reference_and_passage(triage: Triage) -> None:
    for item in triage.items.values():
        assert item.sources, item.id
        for source in item.sources:
            assert source.url.startswith("https://") and len(source.passage) > 20


# --- check-content refuses ------------------------------------------------------------------


def _item_line(root: Path, item_id: str, key: str) -> int:
    lines = read(root, "checklist.yaml").splitlines()
    start = line_containing(root, "checklist.yaml", f"  - id: {item_id}\n".strip("\n")) - 1
    for i in range(start + 1, len(lines)):
        if lines[i].strip().startswith(f"{key}:"):
            return i + 1
        if lines[i].startswith("  - id:"):
            break
    raise AssertionError(f"{item_id} has no {key}")


def _drop_line(root: Path, line: int) -> None:
    lines = read(root, "checklist.yaml").splitlines()
    del lines[line - 1]
    write(root, "checklist.yaml", "\n".join(lines) + "\n")


def test_check_content_refuses_a_question_without_a_level(tmp_path: Path) -> None:
    root = copy_content(tmp_path / "content")
    _drop_line(root, _item_line(root, "cauda_equina", "level"))
    assert_problem(
        root, "checklist.yaml", line_containing(root, "checklist.yaml", "- id: cauda_equina"), "cauda_equina", "level"
    )


def test_check_content_refuses_a_not_sure_without_a_level(tmp_path: Path) -> None:
    root = copy_content(tmp_path / "content")
    _drop_line(root, _item_line(root, "rhabdo", "unsure"))
    assert_problem(root, "checklist.yaml", line_containing(root, "checklist.yaml", "- id: rhabdo"), "rhabdo", "unsure")


def test_check_content_refuses_a_question_without_a_reference_or_passage(tmp_path: Path) -> None:
    root = copy_content(tmp_path / "content")
    text = read(root, "checklist.yaml")
    start = text.index("  - id: heatstroke\n")
    ref = text.index("    reference:\n", start)
    end = text.index("  - id: ", ref)
    write(root, "checklist.yaml", text[:ref] + text[end:])
    assert_problem(
        root, "checklist.yaml", line_containing(root, "checklist.yaml", "- id: heatstroke"), "heatstroke", "reference"
    )

    root = copy_content(tmp_path / "content2")
    line = _item_line(root, "stroke", "passage")
    _drop_line(root, line)
    assert_problem(root, "checklist.yaml", None, "stroke", "passage")


def test_check_content_refuses_a_not_sure_above_its_yes_and_an_unknown_finding(tmp_path: Path) -> None:
    root = copy_content(tmp_path / "content")
    line = _item_line(root, "calf", "unsure")
    lines = read(root, "checklist.yaml").splitlines()
    lines[line - 1] = "    unsure: ambulance"
    write(root, "checklist.yaml", "\n".join(lines) + "\n")
    assert_problem(root, "checklist.yaml", line, "calf", "not sure")

    root = copy_content(tmp_path / "content2")
    line = _item_line(root, "swallowing", "asks")
    lines = read(root, "checklist.yaml").splitlines()
    lines[line - 1] = "    asks: [swallowing_new, swallowing_sideways]"
    write(root, "checklist.yaml", "\n".join(lines) + "\n")
    assert_problem(root, "checklist.yaml", line, "swallowing_sideways", "findings.yaml")


def test_check_content_refuses_a_finding_nobody_asks(tmp_path: Path) -> None:
    root = copy_content(tmp_path / "content")
    delete_key(root, "checklist.yaml", "not_asked.hypnic_jerk")
    assert_problem(root, "checklist.yaml", None, "hypnic_jerk", "not_asked")


def test_check_content_cli_names_file_and_line_for_a_missing_level(tmp_path: Path) -> None:
    root = copy_content(tmp_path / "content")
    line = _item_line(root, "tetanus_signs", "level")
    _drop_line(root, line)
    result = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "check-content", "--content", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    where = line_containing(root, "checklist.yaml", "- id: tetanus_signs")
    assert f"checklist.yaml:{where}:" in result.stderr and "tetanus_signs" in result.stderr, result.stderr


def test_every_path_round_trips_through_its_short_code(
    triage: Triage, paths: list[tuple[dict[str, str], Result]]
) -> None:
    from content.triage import decode_path, encode_path

    longest = 0
    for n, (answers, _) in enumerate(paths):
        code = encode_path(triage, answers)
        longest = max(longest, len(code))
        assert decode_path(triage, code) == answers
        for prefix in range(len(code)) if n % 13 == 0 else ():  # partial paths too (Back, resuming)
            decoded = decode_path(triage, code[:prefix])
            assert decoded is None or set(decoded) <= set(answers)
    assert longest <= 11
    for bad in ("9", "0x", "0nzz", "0n" + "y" * 20, "0n1ff"):
        assert decode_path(triage, bad) is None, bad
