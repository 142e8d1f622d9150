"""The checklist's decision graph (content/checklist.yaml) and its pure evaluator.

The graph is a list of screens. Every "signs" screen is a tier with one level: a "Yes" on it
means that level, whichever of its bullets applies. The result is the highest level reached
(a child's floor is "book an appointment"), and a screen is skipped when its level can no longer
raise the result. So the disposition is a maximum over the answers given, and one more "Yes"
can never lower it; tests/test_triage_graph.py walks every path to prove it, in every language.

Answers are a mapping screen id -> answer: "who" -> an audience id, "context" -> the ticked
context ids joined by "+" (or "none"), every other screen -> "yes" / "no" / "unsure". Nothing
here knows about Telegram: the bot renders what `step()` returns.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

YES, NO, UNSURE = "yes", "no", "unsure"
ANSWERS = (YES, NO, UNSURE)
NONE = "none"  # the context screen's "None of these"
WHO, CONTEXT = "who", "context"


@dataclass(frozen=True, slots=True)
class Source:
    """The public page a safety item follows, and the passage of it that says so."""

    title: str
    url: str
    passage: str


@dataclass(frozen=True, slots=True)
class ItemText:
    text: str  # the bullet on its screen (Telegram HTML)
    label: str  # the sign in a few words: reasons, safety-netting, check-ins, the doctor's report
    advice: str  # what to do now when this was a reason ("" when nothing specific)


@dataclass(frozen=True, slots=True)
class Item:
    """One sign (a bullet) of a signs screen."""

    id: str
    screen: str
    level: str  # what "Yes" means: always its screen's level
    unsure: str  # what "Not sure" means (never above `level`)
    audiences: tuple[str, ...]
    context: str | None  # shown only when this context was ticked
    asks: tuple[tuple[str, ...], ...]  # findings that make it "Yes": any entry whose findings are all present
    sources: tuple[Source, ...]
    text: Mapping[str, ItemText]


@dataclass(frozen=True, slots=True)
class OptionText:
    button: str
    label: str
    advice: str = ""


@dataclass(frozen=True, slots=True)
class Context:
    """An option of the one context screen: opens the follow-ups that apply."""

    id: str
    level: str | None  # ticking it alone reaches this level (a possible poison: NHS 111)
    asks: tuple[tuple[str, ...], ...]
    opens: tuple[str, ...]  # item ids
    sources: tuple[Source, ...]
    text: Mapping[str, OptionText]


@dataclass(frozen=True, slots=True)
class Audience:
    id: str
    floor: str | None  # the lowest disposition for this audience (a child: book an appointment)
    asks: tuple[tuple[str, ...], ...]
    sources: tuple[Source, ...]
    text: Mapping[str, OptionText]


@dataclass(frozen=True, slots=True)
class ScreenSpec:
    id: str
    kind: str  # audience | context | signs
    level: str | None  # signs screens only
    text: Mapping[str, str]  # language -> the question above the bullets
    by_audience: Mapping[str, Mapping[str, str]]  # audience -> language -> its own wording (`<id>_<audience>`)


@dataclass(frozen=True, slots=True)
class OutcomeText:
    title: str
    text: str  # {reasons}, {advice}, {criteria}
    net: str  # the heading of this level in another outcome's safety-netting


@dataclass(frozen=True, slots=True)
class CheckinText:
    better: str
    same: str
    worse: str


@dataclass(frozen=True, slots=True)
class TriageText:
    """One language's words for the checklist, beyond the items' own."""

    answers: Mapping[str, str]
    buttons: Mapping[str, str]
    progress: str
    reasons: Mapping[str, str]
    outcomes: Mapping[str, OutcomeText]
    checkins: Mapping[str, CheckinText]
    criteria: str  # the source text's four criteria in one sentence ({criteria} in outcomes)
    typed: Mapping[str, tuple[str, ...]]  # answer -> words a user may type for it ("sì", "non so")


# --- what the evaluator returns ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ask:
    """The next screen to show: its spec, the bullets (items) or options on it, its number."""

    screen: ScreenSpec
    items: tuple[Item, ...]  # signs screens
    number: int  # 1-based, counting the screens shown so far
    audience: str | None


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the outcome: one answer that raised the level (its subjects' texts say what)."""

    screen: str
    subjects: tuple[str, ...]  # item ids (signs), context ids, or an audience id
    unsure: bool
    level: str


@dataclass(frozen=True, slots=True)
class Result:
    level: str  # the disposition id
    audience: str
    reasons: tuple[Reason, ...]  # most urgent first
    screens: int  # how many screens the path showed
    ticked: tuple[str, ...] = ()  # the context options ticked (their advice is shown either way)


@dataclass(frozen=True, repr=False)
class Triage:
    levels: tuple[str, ...]  # least urgent first
    screens: tuple[ScreenSpec, ...]
    audiences: Mapping[str, Audience]
    contexts: Mapping[str, Context]  # in screen order
    items: Mapping[str, Item]  # in YAML order
    not_asked: Mapping[str, str]  # finding -> why no screen asks it
    text: Mapping[str, TriageText]
    # path -> (answers, next screen or result), for the paths the checklist can make (bounded: a
    # few thousand): a tap decodes its button's path once per process, not once per step().
    _at: dict[str, tuple[Mapping[str, str], Ask | Result]] = field(default_factory=dict, repr=False, compare=False)
    _backs: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self) -> str:  # the whole graph, in both languages, is too long for an assertion message
        return f"Triage({len(self.screens)} screens, {len(self.items)} signs)"

    # --- levels ---------------------------------------------------------------------------

    def rank(self, level: str) -> int:
        return self.levels.index(level)

    @property
    def top(self) -> str:
        return self.levels[-1]

    def higher(self, a: str, b: str) -> str:
        return a if self.rank(a) >= self.rank(b) else b

    # --- the graph ------------------------------------------------------------------------

    def screen(self, screen_id: str) -> ScreenSpec:
        return next(s for s in self.screens if s.id == screen_id)

    def ticked(self, answer: str | None) -> tuple[str, ...]:
        """The context ids of a context answer, in screen order ("none" and None: nothing)."""
        if not answer or answer == NONE:
            return ()
        chosen = set(answer.split("+"))
        return tuple(c for c in self.contexts if c in chosen)

    def context_answer(self, ticked: tuple[str, ...] | frozenset[str] | set[str]) -> str:
        ordered = [c for c in self.contexts if c in ticked]
        return "+".join(ordered) if ordered else NONE

    def items_on(self, screen_id: str, audience: str, ticked: tuple[str, ...]) -> tuple[Item, ...]:
        return tuple(
            item
            for item in self.items.values()
            if item.screen == screen_id
            and audience in item.audiences
            and (item.context is None or item.context in ticked)
        )

    @cached_property
    def _reach(self) -> tuple[dict[tuple[str, str | None], int], ...]:
        """Per screen: (audience, context or None) -> the highest rank its items can reach."""
        out: list[dict[tuple[str, str | None], int]] = []
        for spec in self.screens:
            reach: dict[tuple[str, str | None], int] = {}
            if spec.kind == CONTEXT:
                for ctx in self.contexts.values():
                    for audience in self.audiences:
                        if ctx.level:
                            key: tuple[str, str | None] = (audience, ctx.id)
                            reach[key] = max(reach.get(key, -1), self.rank(ctx.level))
            for item in self.items.values():
                if item.screen == spec.id:
                    for audience in item.audiences:
                        key = (audience, item.context)
                        reach[key] = max(reach.get(key, -1), self.rank(item.level))
            out.append(reach)
        return tuple(out)

    def _potential(self, start: int, audience: str | None, ticked: tuple[str, ...] | None) -> int:
        """The highest rank any screen from `start` on could still reach (contexts unknown: any)."""
        best = -1
        for spec, reach in zip(self.screens[start:], self._reach[start:], strict=True):
            if spec.kind == CONTEXT:
                ticked = None  # from here on, any context might be ticked
            for (aud, ctx), rank in reach.items():
                if (
                    rank > best
                    and (audience is None or aud == audience)
                    and (ctx is None or ticked is None or ctx in ticked)
                ):
                    best = rank
        return best

    # --- the evaluator --------------------------------------------------------------------

    def step(self, answers: Mapping[str, str]) -> Ask | Result:
        """The next screen for these answers, or the result once nothing can change it."""
        level = self.levels[0]
        reasons: list[Reason] = []
        audience: str | None = None
        ticked: tuple[str, ...] = ()
        context_known = False
        shown = 0
        for index, spec in enumerate(self.screens):
            items: tuple[Item, ...] = ()
            if spec.kind != "audience":
                if self._potential(index, audience, ticked if context_known else None) <= self.rank(level):
                    break  # nothing left can raise the result
                if spec.kind == "signs":
                    assert audience is not None
                    items = self.items_on(spec.id, audience, ticked)
                    if not items or spec.level is None or self.rank(spec.level) <= self.rank(level):
                        continue
            answer = answers.get(spec.id)
            if answer is None:
                return Ask(spec, items, shown + 1, audience)
            shown += 1
            if spec.kind == "audience":
                audience = answer if answer in self.audiences else next(iter(self.audiences))
                floor = self.audiences[audience].floor
                if floor and self.rank(floor) > self.rank(level):
                    level = floor
                    reasons.append(Reason(spec.id, (audience,), False, floor))
            elif spec.kind == CONTEXT:
                ticked, context_known = self.ticked(answer), True
                for cid in ticked:
                    ctx_level = self.contexts[cid].level
                    if ctx_level:
                        level = self.higher(level, ctx_level)
                        reasons.append(Reason(spec.id, (cid,), False, ctx_level))
            elif answer in (YES, UNSURE):
                assert spec.level is not None
                reached = spec.level if answer == YES else max((i.unsure for i in items), key=self.rank)
                level = self.higher(level, reached)
                reasons.append(Reason(spec.id, tuple(i.id for i in items), answer == UNSURE, reached))
        reasons.sort(key=lambda r: -self.rank(r.level))
        return Result(level, audience or next(iter(self.audiences)), tuple(reasons), shown, ticked)

    def evaluate(self, answers: Mapping[str, str]) -> Result | None:
        """The result for these answers, or None while a screen is still open."""
        state = self.step(answers)
        return state if isinstance(state, Result) else None

    def options(self, spec: ScreenSpec) -> tuple[str, ...]:
        """The answers a screen accepts (a context screen: any combination, see ticked())."""
        if spec.kind == "audience":
            return tuple(self.audiences)
        if spec.kind == CONTEXT:
            return (NONE, *self.contexts)
        return ANSWERS

    def paths(self) -> Iterator[tuple[dict[str, str], Result]]:
        """Every answer sequence the checklist allows, with its result (contexts: every subset)."""
        subsets: list[tuple[str, ...]] = [()]
        for cid in self.contexts:
            subsets += [(*s, cid) for s in subsets]
        context_answers = [self.context_answer(set(s)) for s in subsets]

        def go(answers: dict[str, str]) -> Iterator[tuple[dict[str, str], Result]]:
            state = self.step(answers)
            if isinstance(state, Result):
                yield dict(answers), state
                return
            spec = state.screen
            if spec.kind == "audience":
                choices: list[str] = list(self.audiences)
            elif spec.kind == CONTEXT:
                choices = context_answers
            else:
                choices = list(ANSWERS)
            for choice in choices:
                answers[spec.id] = choice
                yield from go(answers)
                del answers[spec.id]

        yield from go({})

    def at(self, path: str) -> tuple[Mapping[str, str], Ask | Result] | None:
        """The answers a button's path stands for and where they lead, or None for a forged path.

        A checklist tap used to decode and re-encode its path several times, each a replay of
        step() per answer: most of its cost (bench/taps.py). Memoized per path."""
        hit = self._at.get(path)
        if hit is None:
            answers = decode_path(self, path)
            if answers is None:
                return None
            hit = self._at[path] = (MappingProxyType(answers), self.step(answers))
        return hit

    def extend(self, path: str, spec: ScreenSpec, answer: str) -> str:
        """The path one answer longer (as encode_path would write it)."""
        if spec.kind == "audience":
            return path + str(list(self.audiences).index(answer))
        if spec.kind == CONTEXT:
            return path + f"{context_mask(self, self.ticked(answer)):02x}"
        return path + _SIGN_CODES[answer]

    def back(self, path: str) -> str:
        """The path one answer shorter (a context answer is two characters)."""
        back = self._backs.get(path)
        if back is None:
            hit = self.at(path)
            if hit is None:
                return ""
            back = self._backs[path] = encode_path(self, dict(list(hit[0].items())[:-1]))
        return back

    # --- what the answers say, for the report and governance --------------------------------

    def item_answers(self, answers: Mapping[str, str]) -> dict[str, str]:
        """Item id -> the answer given to the screen that showed it (the doctor's report)."""
        out: dict[str, str] = {}
        audience = answers.get(WHO)
        if audience is None or audience not in self.audiences:
            return out
        ticked = self.ticked(answers.get(CONTEXT))
        for spec in self.screens:
            if spec.kind == "signs" and spec.id in answers:
                for item in self.items_on(spec.id, audience, ticked):
                    out[item.id] = answers[spec.id]
        return out

    def label(self, subject: str, lang: str) -> str:
        if subject in self.items:
            return self.items[subject].text[lang].label
        if subject in self.contexts:
            return self.contexts[subject].text[lang].label
        return self.audiences[subject].text[lang].label

    def advice(self, subject: str, lang: str) -> str:
        if subject in self.items:
            return self.items[subject].text[lang].advice
        if subject in self.contexts:
            return self.contexts[subject].text[lang].advice
        return ""

    def positives(self, answers: Mapping[str, str], lang: str) -> list[tuple[str, bool]]:
        """Every sign answered "Yes" or "Not sure", with its words: (label, unsure), most urgent first."""
        state = self.step(answers)
        reasons = state.reasons if isinstance(state, Result) else ()
        return [(self.label(s, lang), r.unsure) for r in reasons for s in r.subjects]

    def reason_lines(self, reasons: tuple[Reason, ...], lang: str) -> str:
        t = self.text[lang].reasons
        lines = []
        for r in reasons:
            labels = [self.label(s, lang) for s in r.subjects]
            signs = t["separator"].join(labels)
            if r.unsure:
                lines.append(t["unsure"].format(signs=signs))
            elif len(labels) == 1:
                lines.append(t["one"].format(sign=signs))
            else:
                lines.append(t["any"].format(signs=signs))
        return "\n".join(lines)

    def reason_words(self, reasons: tuple[Reason, ...], lang: str) -> str:
        """The reasons in one line, for a check-in ("at least one of: a, b; c")."""
        t = self.text[lang].reasons
        parts = []
        for r in reasons:
            signs = t["separator"].join(self.label(s, lang) for s in r.subjects)
            if r.unsure:
                parts.append(t["unsure_inline"].format(signs=signs))
            elif len(r.subjects) > 1:
                parts.append(t["any_inline"].format(signs=signs))
            else:
                parts.append(signs)
        return t["separator"].join(parts)

    def safety_net(self, level: str, audience: str, lang: str) -> str:
        """Every sign of a higher level than `level`, under its level's heading, most urgent first."""
        blocks = []
        for higher in reversed(self.levels[self.rank(level) + 1 :]):
            labels = [
                item.text[lang].label
                for item in self.items.values()
                if item.level == higher and audience in item.audiences
            ]
            heading = self.text[lang].outcomes[higher].net
            if labels and heading:
                blocks.append(heading + "\n" + "\n".join(f"• {label}" for label in dict.fromkeys(labels)))
        return "\n\n".join(blocks)

    def outcome_text(self, result: Result, lang: str) -> str:
        t = self.text[lang].outcomes[result.level]
        # What to do now: for the signs that led here, and for every ticked context (cool down
        # after heat, never stop a medicine on your own), whether or not it raised the level.
        advice = [self.advice(s, lang) for r in result.reasons for s in r.subjects if not r.unsure]
        advice += [self.contexts[c].text[lang].advice for c in result.ticked]
        advice_text = "".join(f"\n\n{a}" for a in dict.fromkeys(a for a in advice if a))
        body = t.text.replace("{criteria}", self.text[lang].criteria)
        body = body.replace("{reasons}", self.reason_lines(result.reasons, lang)).replace("{advice}", advice_text)
        net = self.safety_net(result.level, result.audience, lang)
        parts = [f"<b>{t.title}</b>", body.strip()]
        if net:
            parts.append(net)
        return "\n\n".join(parts)

    def screen_text(self, ask: Ask, lang: str) -> str:
        spec = ask.screen
        head = spec.by_audience.get(ask.audience or "", spec.text)[lang]
        bullets = "\n".join(f"• {item.text[lang].text}" for item in ask.items)
        return f"{head}\n{bullets}" if bullets else head


def findings_of(asks: tuple[tuple[str, ...], ...]) -> set[str]:
    return {f for entry in asks for f in entry}


def applies(asks: tuple[tuple[str, ...], ...], present: frozenset[str] | set[str]) -> bool:
    """Would a patient with these findings answer "Yes"? (any entry whose findings are all present)"""
    return any(all(f in present for f in entry) for entry in asks)


# --- the answers as a short path, carried by the checklist's buttons ----------------------------
# The run's state lives in its buttons (like the diary's log flow): each button carries the answers
# so far, so a step needs no database at all, a restart loses nothing, and a tap on an older
# message simply continues from that message's state. One character per screen, two for the
# context screen (its ticked options as a hex bit mask): at most 11 characters for 10 screens.
_SIGN_CODES = {YES: "y", NO: "n", UNSURE: "u"}
_SIGN_NAMES = {v: k for k, v in _SIGN_CODES.items()}


def encode_path(triage: Triage, answers: Mapping[str, str]) -> str:
    """The answers, in the order the screens were shown, as a path (see decode_path)."""
    out: list[str] = []
    given = dict(answers)
    replay: dict[str, str] = {}
    while given and isinstance(state := triage.step(replay), Ask):
        spec = state.screen
        if spec.id not in given:
            break
        answer = given.pop(spec.id)
        if spec.kind == "audience":
            out.append(str(list(triage.audiences).index(answer)))
        elif spec.kind == CONTEXT:
            ticked = set(triage.ticked(answer))
            mask = sum(1 << i for i, cid in enumerate(triage.contexts) if cid in ticked)
            out.append(f"{mask:02x}")
        else:
            out.append(_SIGN_CODES[answer])
        replay[spec.id] = answer
    return "".join(out)


def decode_path(triage: Triage, path: str) -> dict[str, str] | None:
    """The answers a path stands for, or None when it is not one the checklist could have made."""
    answers: dict[str, str] = {}
    i = 0
    audiences = list(triage.audiences)
    contexts = list(triage.contexts)
    while i < len(path):
        state = triage.step(answers)
        if isinstance(state, Result):
            return None  # longer than any path to an outcome
        spec = state.screen
        if spec.kind == "audience":
            if not path[i].isdigit() or int(path[i]) >= len(audiences):
                return None
            answers[spec.id] = audiences[int(path[i])]
            i += 1
        elif spec.kind == CONTEXT:
            chunk = path[i : i + 2]
            if len(chunk) != 2 or any(c not in "0123456789abcdef" for c in chunk) or int(chunk, 16) >> len(contexts):
                return None
            mask = int(chunk, 16)
            answers[spec.id] = triage.context_answer({cid for n, cid in enumerate(contexts) if mask >> n & 1})
            i += 2
        else:
            if path[i] not in _SIGN_NAMES:
                return None
            answers[spec.id] = _SIGN_NAMES[path[i]]
            i += 1
    return answers


def context_mask(triage: Triage, ticked: tuple[str, ...] | frozenset[str] | set[str]) -> int:
    return sum(1 << i for i, cid in enumerate(triage.contexts) if cid in ticked)


def mask_context(triage: Triage, mask: int) -> tuple[str, ...]:
    return tuple(cid for i, cid in enumerate(triage.contexts) if mask >> i & 1)
