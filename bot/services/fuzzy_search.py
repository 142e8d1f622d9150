"""Finding pages by what people type: typos, related words, sentences, in any language.

Each page's words are weighted by where they stand (title 3, keywords 2, body 1), in every
language. A query is folded (case, accents, apostrophes), its multi-word synonyms replaced
(content/<lang>/freetext.yaml: "night cramps" -> cramps, "dolore alla gamba" -> crampi), stop
words dropped, and each remaining word matched against the pages' words: exactly; by prefix
("cramp" -> cramps, "stretch" -> stretching); or, failing both, by the nearest words within one
typo (4-5 letters) or two (6 and more; optimal string alignment, so "crmap" is one typo from
"cramp"), found by rapidfuzz among the words with the same first letter. Single-word synonyms
are words of the index too, so "magnesim" finds what "magnesium" finds.

Pages are ranked by how many of the query's words they answer, then by score; pages scoring
well under the best are dropped, so one word does not list five generic pages.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from rapidfuzz import process
from rapidfuzz.distance import OSA

from content.model import MAIN_PAGE, Content, fold

MAX_RESULTS = 6
WEIGHTS = MappingProxyType({"title": 3.0, "keywords": 2.0, "body": 1.0})
PREFIX = 0.85  # a word that starts the query's word, or that it starts ("cramp" / "cramps")
MIN_PREFIX = 4  # shorter words prefix too many others ("ca" starts half the dictionary)
TYPO = 0.25  # lost per typo
KEEP = 0.6  # of the best page's score: "crmap" kept a page that only mentions a cramp at 0.5
# More content words than this, or this many characters, and the query is a sentence: the
# results are not titled with it.
SENTENCE_WORDS = 3
SENTENCE_CHARS = 40
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Results:
    pages: tuple[str, ...]
    corrected: str | None  # the query as understood, when a word was a typo ("crmap" -> "cramp")
    sentence: bool  # many words: do not echo the query back as a title


def typos_allowed(word: str) -> int:
    if len(word) < 4:
        return 0
    return 1 if len(word) < 6 else 2


class PageSearch:
    """The index of one content version: built once (Content.derived), then read-only."""

    def __init__(self, content: Content) -> None:
        # word -> page -> field -> weight; a page's weight for a word is the sum over its fields
        fielded: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
        languages: dict[str, set[str]] = defaultdict(set)  # word -> the languages it is a word of
        named: set[str] = set()  # words of titles, keywords and synonyms: the ones a typo may reach
        for page in content.pages.values():
            if page.id == MAIN_PAGE:
                continue
            for lang, text in page.text.items():
                # A word weighs by where it stands, shared with the other words there: "cramp"
                # in "Cramps and muscle tightness" (or the keyword "cramp") says more about the
                # page than in "Stretch 3: when a cramp wakes you at night". Keywords count one
                # phrase at a time; a body counts each of its words lightly whatever its length.
                fields = [("title", text.title), *(("keywords", k) for k in text.keywords)]
                fields.append(("body", _TAGS.sub(" ", text.body + " " + (text.safety or ""))))
                for field, value in fields:
                    found = [w for w in fold(value).split() if len(w) > 1]
                    weight = WEIGHTS[field] / (1.0 if field == "body" else math.sqrt(max(1, len(found))))
                    for word in found:
                        slot = fielded[word][page.id]
                        slot[field] = max(slot.get(field, 0.0), weight)
                        languages[word].add(lang)
                        if field != "body":
                            named.add(word)
        postings: dict[str, dict[str, float]] = {
            word: {page_id: sum(by_field.values()) for page_id, by_field in pages.items()}
            for word, pages in fielded.items()
        }
        words = content.freetext.search
        self._stopwords = frozenset().union(*words.stopwords.values())
        # Multi-word synonyms are replaced in the query; one-word ones are words of the index.
        self._phrases: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        for lang, table in words.synonyms.items():
            for key, targets in table.items():
                languages[key].add(lang)
                named.add(key)
                target_words = tuple(w for t in targets for w in t.split())
                if " " in key:
                    self._phrases.append((tuple(key.split()), target_words))
                else:
                    merged: dict[str, float] = dict(postings.get(key, {}))
                    for target in target_words:
                        for page_id, weight in postings.get(target, {}).items():
                            merged[page_id] = max(merged.get(page_id, 0.0), min(weight, WEIGHTS["keywords"]))
                    postings[key] = merged
        self._phrases.sort(key=lambda p: -len(p[0]))  # longest first
        self._postings: Mapping[str, Mapping[str, float]] = {w: dict(p) for w, p in postings.items()}
        # Prefixes and typos reach no stop word ("como" is not "come", "dallas" not "della"), and
        # typos only the words that name a topic (titles, keywords, synonyms): a city typed at the
        # time zone question, "Udine" or "Dublin", found "urine" and "dubbi" in page bodies.
        self._by_first: dict[str, list[str]] = defaultdict(list)
        self._named_by_first: dict[str, list[str]] = defaultdict(list)
        for word in sorted(self._postings):
            if word not in self._stopwords:
                self._by_first[word[:1]].append(word)
                if word in named:
                    self._named_by_first[word[:1]].append(word)
        self._languages = {w: frozenset(langs) for w, langs in languages.items()}
        self._order = {page: i for i, page in enumerate(content.pages)}
        self._matches: dict[str, tuple[tuple[str, float], ...]] = {}

    def search(self, query: str, lang: str, *, exact: bool = False) -> Results:
        """Pages for `query`; `lang` (the user's) picks the spelling shown for a corrected word.
        `exact`: only words the pages (or synonyms) have as typed, no prefixes or typos (is this
        text meant as a search at all, rather than a city?)."""
        words = fold(query).split()
        sentence = len(query.split()) > SENTENCE_WORDS or len(query.strip()) > SENTENCE_CHARS
        words = self._replace_phrases(words)
        content_words = [w for w in dict.fromkeys(words) if w not in self._stopwords and len(w) > 1]
        if not content_words:  # only small words: "perché" alone is a question about causes
            content_words = [w for w in dict.fromkeys(words) if len(w) > 1]
        if not content_words:
            return Results((), None, sentence)
        scores: dict[str, float] = defaultdict(float)
        answered: dict[str, int] = defaultdict(int)
        understood: list[str] = []
        corrected = False
        for word in content_words:
            matches = ((word, 1.0),) if exact and word in self._postings else () if exact else self.matches(word)
            if not matches:
                continue
            best_word, best_similarity = max(matches, key=lambda m: (m[1], lang in self._languages.get(m[0], ())))
            if best_similarity < PREFIX:
                corrected = True
                understood.append(best_word)
            else:
                understood.append(word)
            best: dict[str, float] = {}
            for term, similarity in matches:
                for page, weight in self._postings[term].items():
                    best[page] = max(best.get(page, 0.0), similarity * weight)
            for page, score in best.items():
                scores[page] += score
                answered[page] += 1
        if not scores:
            return Results((), None, sentence)
        ranked = sorted(scores, key=lambda p: (-answered[p], -scores[p], self._order.get(p, 0)))
        most = answered[ranked[0]]
        top = scores[ranked[0]]
        kept = [p for p in ranked if answered[p] == most and scores[p] >= KEEP * top][:MAX_RESULTS]
        return Results(tuple(kept), " ".join(understood) if corrected else None, sentence)

    def _replace_phrases(self, words: list[str]) -> list[str]:
        if not self._phrases or len(words) < 2:
            return words
        out: list[str] = []
        i = 0
        while i < len(words):
            for key, targets in self._phrases:
                if tuple(words[i : i + len(key)]) == key:
                    out.extend(targets)
                    i += len(key)
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def matches(self, word: str) -> tuple[tuple[str, float], ...]:
        """Index words for a query word, with how alike they are (1 exact, PREFIX, then typos)."""
        cached = self._matches.get(word)
        if cached is not None:
            return cached
        found: list[tuple[str, float]] = []
        if word in self._postings:
            found.append((word, 1.0))
        bucket = self._by_first.get(word[:1], [])
        if len(word) >= MIN_PREFIX:
            found += [
                (w, PREFIX)
                for w in bucket
                if w != word and (w.startswith(word) or (len(w) >= MIN_PREFIX and word.startswith(w)))
            ]
        if not found and (budget := typos_allowed(word)):
            named = self._named_by_first.get(word[:1], [])
            near = process.extract(word, named, scorer=OSA.distance, score_cutoff=budget, limit=None)
            if near:
                fewest = min(distance for _, distance, _ in near)
                found = [(w, 1.0 - TYPO * distance) for w, distance, _ in near if distance == fewest]
                # ...and what those words would find typed: "crmap" -> cramp -> cramps
                found += [
                    (w, similarity * PREFIX)
                    for corrected, similarity in list(found)
                    for w in self._by_first.get(corrected[:1], [])
                    if w != corrected and w.startswith(corrected) and len(corrected) >= MIN_PREFIX
                ]
        result = tuple(found)
        if len(self._matches) < 50_000:  # bounded: random words cannot grow it forever
            self._matches[word] = result
        return result


def page_search(content: Content) -> PageSearch:
    """The index for this content, built on first use per content version (also after /reload)."""
    return content.derived("page_search", lambda: PageSearch(content))
