"""Finding pages by words: the search behind free text in the chat and inline mode."""

from __future__ import annotations

from content.model import Content, SearchEntry, normalize

MAX_RESULTS = 8
# Words this short match inside too many others ("at" is in "treatment") to rank by when a
# query has to be read word by word.
MIN_LOOSE_WORD = 3


def find_pages(content: Content, query: str) -> list[str]:
    """Pages containing every word of the query, in any language, title/keyword hits first.

    When no page has every word (people type sentences: "leg hurts at night"), the pages with
    the most of its words of three letters or more, so a phrase finds what its words find.
    """
    words = [w for w in normalize(query).split() if len(w) >= 2]
    if not words:
        return []
    found = _ranked(content.search_index, words, need_all=True)
    if found or len(words) == 1:
        return found
    loose = [w for w in dict.fromkeys(words) if len(w) >= MIN_LOOSE_WORD]
    return _ranked(content.search_index, loose, need_all=False) if loose else []


def _ranked(index: tuple[SearchEntry, ...], words: list[str], *, need_all: bool) -> list[str]:
    scored = []
    for order, entry in enumerate(index):
        hits = sum(w in entry.haystack or w in entry.title_words for w in words)
        if hits == 0 or (need_all and hits < len(words)):
            continue
        title_hits = sum(w in entry.title_words for w in words)
        scored.append((-hits, -title_hits, order, entry.page_id))
    return [page for *_, page in sorted(scored)[:MAX_RESULTS]]
