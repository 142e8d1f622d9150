"""The clinical vignette suite (tests/vignettes.yaml) answered through the real bot by a careful
patient (tests/vignettes.py): 100% safe, no emergency missed, at least 90% in range, in both
languages; and the bot's advice is the graph's own, story by story."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.vignettes import Run, Vignette, answer_purely, answer_through_bot, load, metrics, report

VIGNETTES = load()
# An independent reviewer's stories, written without reading the graph or the suite above (the
# product is also judged on stories we do not see): the same bar for safety.
HELD_OUT = load(Path(__file__).resolve().parent / "vignettes_heldout.yaml")


@pytest.mark.parametrize("lang", ["en", "it"])
async def test_the_vignette_suite_through_the_bot(bot, lang, capsys):
    triage = bot.content.triage
    runs = [await answer_through_bot(bot, v, 10_000 + i, lang) for i, v in enumerate(VIGNETTES)]
    m = metrics(triage, runs)
    with capsys.disabled():
        print("\n" + report(triage, runs, lang))
    assert m.total >= 40
    assert m.safe == m.total, report(triage, runs, lang)
    assert m.missed == 0 and m.emergencies > 10
    assert m.in_range >= 0.9 * m.total
    assert m.screens_max <= 10
    assert [r.level for r in runs] == [answer_purely(triage, v).level for v in VIGNETTES]


async def test_the_held_out_stories_through_the_bot(bot, capsys):
    triage = bot.content.triage
    runs = [await answer_through_bot(bot, v, 20_000 + i, "en") for i, v in enumerate(HELD_OUT)]
    m = metrics(triage, runs)
    with capsys.disabled():
        print("\n" + report(triage, runs, "en"))
    assert m.total >= 40
    assert m.safe == m.total and m.missed == 0, report(triage, runs, "en")
    assert m.in_range >= 0.9 * m.total


def test_the_figures_count_what_they_say(content):
    triage = content.triage

    def run(level: str, lowest: str, highest: str) -> Run:
        v = Vignette("x", "", False, "", frozenset(), frozenset(), lowest, highest)
        return Run(v, level, 5, 5)

    m = metrics(
        triage,
        [
            run("today", "ae", "ambulance"),  # unsafe, an emergency missed
            run("ambulance", "today", "ae"),  # safe, over-triaged
            run("appointment", "appointment", "today"),  # in range
            run("self_care", "self_care", "appointment"),  # in range
        ],
    )
    assert (m.total, m.safe, m.in_range, m.emergencies, m.missed, m.over) == (4, 3, 2, 1, 1, 1)
