"""The clinical vignette suite, answered through the real bot as a careful patient would.

Each vignette (tests/vignettes.yaml, written from the NHS / MedlinePlus pages independently of the
checklist's graph) lists the findings a patient has, those they are unsure of, and the range of
dispositions a GP would accept. The patient starts /check in a real Application (the tests'
harness: fake Telegram, fake clock) and answers every screen it is shown:

- who: "A child under 16" when the story is about a child, else the adult button;
- the context screen: ticks every option whose findings apply or may apply (unsure), then Continue;
- every other screen: "Yes" if any bullet on it asks about a finding the patient has, "Not sure"
  if none does but one asks about a finding they are unsure of, else "No".

The screen the bot shows is checked against the graph's own rendering of the expected screen,
so what the patient reads is what the graph asks. Reported as symptom-checker studies do
(Semigran 2015, BMJ; Gilbert 2020, BMJ Open): safe (at or above the lowest acceptable level),
in range, emergencies missed (lowest is A&E or ambulance and the bot advised less), over-triage
(above the highest acceptable), screens per run.

    python -m tests.vignettes [--lang it] [--file tests/vignettes.yaml]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from content.model import Content
from content.telegram_html import parse_html
from content.triage import CONTEXT, NO, UNSURE, YES, Ask, Triage, applies

HERE = Path(__file__).resolve().parent
DEFAULT_FILE = HERE / "vignettes.yaml"
# The vignettes' level names -> the graph's (the rest are the same words).
LEVEL_NAMES = {"book": "appointment"}
EMERGENCY = ("ae", "ambulance")


@dataclass(frozen=True, slots=True)
class Vignette:
    id: str
    category: str
    child: bool
    story: str
    findings: frozenset[str]
    unsure: frozenset[str]
    lowest: str
    highest: str


@dataclass(frozen=True, slots=True)
class Run:
    vignette: Vignette
    level: str
    screens: int
    taps: int

    def rank(self, triage: Triage, level: str) -> int:
        return triage.rank(level)


def load(path: Path = DEFAULT_FILE) -> list[Vignette]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for v in raw["vignettes"]:
        findings = frozenset(v.get("findings") or ())
        child = v.get("age") == "child" or "child" in findings
        out.append(
            Vignette(
                v["id"],
                v.get("category", ""),
                child,
                v.get("story", ""),
                findings | ({"child"} if child else set()),
                frozenset(v.get("unsure") or ()),
                LEVEL_NAMES.get(v["lowest"], v["lowest"]),
                LEVEL_NAMES.get(v["highest"], v["highest"]),
            )
        )
    return out


# --- the careful patient ----------------------------------------------------------------------


def decide(triage: Triage, ask: Ask, v: Vignette) -> str:
    """The answer this patient gives to this screen (a context screen: the ticked ids, or "none")."""
    spec = ask.screen
    if spec.kind == "audience":
        return "child" if v.child else "adult"
    if spec.kind == CONTEXT:  # a careful patient ticks what may apply: "not sure I touched a poison" too
        maybe = v.findings | v.unsure
        return triage.context_answer({c.id for c in triage.contexts.values() if applies(c.asks, maybe)})
    if any(applies(item.asks, v.findings) for item in ask.items):
        return YES
    if any(applies(item.asks, v.findings | v.unsure) for item in ask.items):
        return UNSURE
    return NO


def answer_purely(triage: Triage, v: Vignette) -> Run:
    """The same patient on the graph alone (no bot): the bot's runs must agree with it."""
    answers: dict[str, str] = {}
    while isinstance(state := triage.step(answers), Ask):
        answers[state.screen.id] = decide(triage, state, v)
    return Run(v, state.level, state.screens, 0)


async def answer_through_bot(harness: Any, v: Vignette, user_id: int, lang: str = "en") -> Run:
    """Start /check as a new user and answer every screen the bot shows, by tapping its buttons."""
    content: Content = harness.content
    triage = content.triage
    words = triage.text[lang]
    client = harness.user(user_id, f"V{user_id}", language_code=lang)
    await client.send("/check")
    answers: dict[str, str] = {}
    taps = 0

    async def tap(label: str) -> None:
        nonlocal taps
        harness.clock.advance(2)  # a person's pace: flood control never sees a burst
        await client.tap(label)
        taps += 1

    while isinstance(state := triage.step(answers), Ask):
        shown = client.screen().plain
        expected = " ".join(parse_html(triage.screen_text(state, lang)).split())
        assert expected in " ".join(shown.split()), f"{v.id}: the bot shows\n{shown}\nnot\n{expected}"
        choice = decide(triage, state, v)
        spec = state.screen
        if spec.kind == "audience":
            await tap(triage.audiences[choice].text[lang].button)
        elif spec.kind == CONTEXT:
            ticked = triage.ticked(choice)
            for cid in ticked:
                await tap(triage.contexts[cid].text[lang].button)
            await tap(words.buttons["continue"] if ticked else words.buttons["none"])
        else:
            await tap(words.answers[choice])
        answers[spec.id] = choice
    title = parse_html(words.outcomes[state.level].title)
    assert title in client.screen().plain, f"{v.id}: expected {title!r}, the bot shows {client.screen().plain}"
    return Run(v, state.level, state.screens, taps)


# --- the figures --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Metrics:
    total: int
    safe: int
    in_range: int
    emergencies: int
    missed: int
    over: int
    screens_median: float
    screens_max: int

    def percent(self, n: int) -> float:
        return 100.0 * n / self.total if self.total else 0.0


def metrics(triage: Triage, runs: Iterable[Run]) -> Metrics:
    runs = list(runs)
    r = triage.rank
    safe = [x for x in runs if r(x.level) >= r(x.vignette.lowest)]
    in_range = [x for x in safe if r(x.level) <= r(x.vignette.highest)]
    emergencies = [x for x in runs if x.vignette.lowest in EMERGENCY]
    missed = [x for x in emergencies if r(x.level) < r(x.vignette.lowest)]
    over = [x for x in runs if r(x.level) > r(x.vignette.highest)]
    screens = [x.screens for x in runs]
    return Metrics(
        len(runs),
        len(safe),
        len(in_range),
        len(emergencies),
        len(missed),
        len(over),
        statistics.median(screens) if screens else 0,
        max(screens, default=0),
    )


def report(triage: Triage, runs: list[Run], lang: str) -> str:
    m = metrics(triage, runs)
    lines = [
        f"Vignettes through the bot ({lang}): {m.total}",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| safe (at or above the lowest acceptable level) | {m.safe}/{m.total} ({m.percent(m.safe):.1f}%) |",
        f"| in range | {m.in_range}/{m.total} ({m.percent(m.in_range):.1f}%) |",
        f"| emergencies missed (lowest A&E or ambulance, advised less) | {m.missed} of {m.emergencies} |",
        f"| over-triage (above the highest acceptable level) | {m.over}/{m.total} ({m.percent(m.over):.1f}%) |",
        f"| screens per run: median / max | {m.screens_median:g} / {m.screens_max} |",
    ]
    outside = [
        x for x in runs if not triage.rank(x.vignette.lowest) <= triage.rank(x.level) <= triage.rank(x.vignette.highest)
    ]
    if outside:
        lines += ["", "Outside the accepted range:"]
        for x in outside:
            v = x.vignette
            lines.append(f"- {v.id}: advised {x.level}, accepted {v.lowest}..{v.highest} ({v.story})")
    return "\n".join(lines)


async def run_all(vignettes: list[Vignette], lang: str) -> tuple[Triage, list[Run]]:
    """Every vignette through one real bot (each its own user), as the tests' harness runs it."""
    from bot.fake_telegram import FakeTelegram
    from bot.infra.clock import FakeClock
    from bot.infra.settings import Settings
    from content.loader import load_content
    from tests.conftest import Harness

    content = load_content()
    with tempfile.TemporaryDirectory() as tmp:
        clock = FakeClock()
        settings = Settings(database=Path(tmp) / "bot.sqlite3")
        harness = Harness(settings, content, clock, FakeTelegram(clock=clock.now, inline_mode=True))
        await harness.start()
        try:
            runs = [await answer_through_bot(harness, v, 10_000 + i, lang) for i, v in enumerate(vignettes)]
        finally:
            await harness.stop()
    return content.triage, runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.vignettes", description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", default="en")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args(argv)
    triage, runs = asyncio.run(run_all(load(args.file), args.lang))
    print(report(triage, runs, args.lang))
    m = metrics(triage, runs)
    return 0 if m.safe == m.total and m.missed == 0 and m.in_range >= 0.9 * m.total else 1


if __name__ == "__main__":
    sys.exit(main())
