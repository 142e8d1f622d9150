"""Typed emergencies: does a message name an emergency sign (content/freetext.yaml)?

Pure matching, no Telegram: whole words, case- and accent-free, one typo in a word of 4-6
letters and two in longer ones (optimal string alignment, so a swapped pair is one typo:
"chset pian"), two words run together ("chestpain"). A phrase does not count after a negation
in its clause ("no chest pain", "non ho dolore al petto") unless a hedge comes between ("not
sure if it's chest pain"), nor when the next word makes it harmless ("pain in my chest muscle").
Every language's phrases are tried whatever the user's language: people mix them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from content.model import Content, Emergency, Sign, fold
from content.problems import Problem

# Words this short are matched exactly: one letter changes them into another word ("can"/"cant").
EXACT_UP_TO = 3
LONG_WORD = 7  # from this length, two typos
NEGATION_REACH = 3  # words before a phrase a negation reaches
# Clauses end at punctuation: a negation in one does not reach the next ("no. chest pain").
_CLAUSES = re.compile(r"[.,;:!?\n()\[\]]+")


def allowance(word: str) -> int:
    """Typos tolerated in a word of the content: none in short words, one, then two."""
    if len(word) <= EXACT_UP_TO:
        return 0
    return 1 if len(word) < LONG_WORD else 2


def close(typed: str, word: str, budget: int | None = None) -> bool:
    """`typed` is `word`, or a misspelling of it within the allowance of the shorter of the two
    (so "can" is never "cant"), starting with the same letter."""
    if typed == word:
        return True
    budget = allowance(min(typed, word, key=len)) if budget is None else budget
    if budget == 0 or typed[:1] != word[:1] or abs(len(typed) - len(word)) > budget:
        return False
    return OSA.distance(typed, word, score_cutoff=budget) <= budget


@dataclass(frozen=True, slots=True)
class _Phrase:
    sign: int  # index in Emergency.signs
    lang: str
    words: tuple[str, ...]
    exact: frozenset[int]  # positions of negation words in the phrase, matched exactly ("cant" is not "can")
    joined: str  # the words run together, for "chestpain"
    group: int | None = None  # for `together`: which group of the sign this alternative belongs to


@dataclass(frozen=True, slots=True)
class Found:
    sign: Sign
    phrase: str  # what matched, folded, for logs and tests


class EmergencyMatcher:
    """Built once per content (Content.derived); `find` is safe to call from any task.

    A message word is compared with the phrases' words once (cached): 20-word messages cost
    about 30 us instead of 12 ms when every phrase was compared at every position."""

    def __init__(self, emergency: Emergency, urgency: Sequence[str]) -> None:
        self._emergency = emergency
        self._signs = emergency.signs
        self._urgency = {outcome: rank for rank, outcome in enumerate(urgency)}  # most urgent first
        self._breaks = frozenset().union(*emergency.clause_breaks.values())
        self._starting: dict[str, list[_Phrase]] = defaultdict(list)  # first word (or joined) -> phrases
        self._groups: dict[int, int] = {}  # sign -> number of `together` groups
        for index, sign in enumerate(self._signs):
            for lang, text in sign.text.items():
                compiled = [self._compile(index, lang, phrase) for phrase in text.phrases]
                for group, alternatives in enumerate(text.together):
                    compiled += [self._compile(index, lang, alt, group) for alt in alternatives]
                    self._groups[index] = len(text.together)
                for phrase in compiled:
                    self._starting[phrase.words[0]].append(phrase)
                    if len(phrase.words) > 1:
                        self._starting[phrase.joined].append(phrase)
        self._vocabulary: dict[str, list[str]] = defaultdict(list)  # first letter -> words
        words = set(self._starting) | {w for ps in self._starting.values() for p in ps for w in p.words}
        for sign in self._signs:
            for text in sign.text.values():
                words |= text.unless_next
        for word in sorted(words):
            self._vocabulary[word[:1]].append(word)
        self._near: dict[str, frozenset[str]] = {}

    def _compile(self, index: int, lang: str, phrase: str, group: int | None = None) -> _Phrase:
        words = tuple(phrase.split())
        negations = self._emergency.negations.get(lang, frozenset())
        exact = frozenset(i for i, w in enumerate(words) if w in negations)
        return _Phrase(index, lang, words, exact, "".join(words), group)

    def near(self, typed: str) -> frozenset[str]:
        """The phrases' words `typed` may be (itself, or within a typo or two)."""
        found = self._near.get(typed)
        if found is None:
            found = frozenset(w for w in self._vocabulary.get(typed[:1], ()) if close(typed, w))
            if len(self._near) < 50_000:  # bounded: a flood of random words cannot grow it forever
                self._near[typed] = found
        return found

    def find(self, message: str) -> Found | None:
        """The most urgent sign the message names (dispositions most urgent first, then the order
        of freetext.yaml), or None."""
        found = self.find_all(message)
        return found[0] if found else None

    def find_all(self, message: str) -> list[Found]:
        hits: dict[int, str] = {}
        groups: dict[int, dict[int, str]] = defaultdict(dict)
        for words in self._clauses(message):
            near = [self.near(w) for w in words]
            for position, candidates in enumerate(near):
                for first in candidates:
                    for phrase in self._starting.get(first, ()):
                        if not self._at(words, near, position, phrase):
                            continue
                        label = " ".join(phrase.words)
                        if phrase.group is None:
                            hits.setdefault(phrase.sign, label)
                        else:
                            groups[phrase.sign].setdefault(phrase.group, label)
        for index, satisfied in groups.items():
            if index not in hits and len(satisfied) == self._groups[index]:
                hits[index] = " + ".join(satisfied[g] for g in sorted(satisfied))
        ranked = sorted(hits, key=lambda i: (self._urgency.get(self._signs[i].disposition, len(self._urgency)), i))
        return [Found(self._signs[i], hits[i]) for i in ranked]

    def _clauses(self, message: str) -> Iterable[list[str]]:
        for chunk in _CLAUSES.split(message[:2000]):
            words: list[str] = []
            for word in fold(chunk).split():
                if word in self._breaks:
                    yield words
                    words = []
                else:
                    words.append(word)
            yield words

    def _at(self, words: list[str], near: list[frozenset[str]], start: int, phrase: _Phrase) -> bool:
        """Does `phrase` occur at `start`, not negated and not made harmless by the next word?"""
        end = self._span(words, near, start, phrase)
        if end is None:
            return False
        text = self._signs[phrase.sign].text[phrase.lang]
        if end < len(words) and near[end] & text.unless_next:
            return False
        return not self._negated(words, start, phrase.lang)

    @staticmethod
    def _span(words: list[str], near: list[frozenset[str]], start: int, phrase: _Phrase) -> int | None:
        n = len(phrase.words)
        if start + n <= len(words) and all(
            words[start + k] == w if k in phrase.exact else w in near[start + k] for k, w in enumerate(phrase.words)
        ):
            return start + n
        # Words run together: "chestpain", "cantbreathe".
        if n > 1 and phrase.joined in near[start]:
            return start + 1
        return None

    def _negated(self, words: list[str], start: int, lang: str) -> bool:
        negations = self._emergency.negations.get(lang, frozenset())
        hedges = self._emergency.hedges.get(lang, frozenset())
        before = words[max(0, start - NEGATION_REACH) : start]
        last = max((i for i, w in enumerate(before) if w in negations), default=None)
        return last is not None and not any(w in hedges for w in before[last + 1 :])


def matcher(content: Content) -> EmergencyMatcher:
    """The matcher for this content, built once per content version (also after /reload)."""
    return content.derived(
        "emergency_matcher",
        lambda: EmergencyMatcher(content.freetext.emergency, tuple(content.checklist.outcomes)),
    )


def check_examples(content: Content) -> list[Problem]:
    """The content's own examples, run at load: each `fires` gives its sign, each `quiet` nothing.

    An editor who adds a phrase that fires on harmless text, or a sign no example reaches,
    hears it from check-content, not from a user."""
    found = matcher(content)
    problems: list[Problem] = []
    for lang, examples in content.freetext.emergency.examples.items():
        where = f"{lang}/freetext.yaml"
        for sign_id, messages in examples.fires.items():
            for message in messages:
                hit = found.find(message)
                if hit is None or hit.sign.id != sign_id:
                    got = hit.sign.id if hit else "nothing"
                    problems.append(Problem(where, None, f"example {message!r} should give {sign_id!r}, gives {got}"))
        for message in examples.quiet:
            hit = found.find(message)
            if hit is not None:
                problems.append(
                    Problem(where, None, f"quiet example {message!r} gives {hit.sign.id!r} (on {hit.phrase!r})")
                )
    return problems
