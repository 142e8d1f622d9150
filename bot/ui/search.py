"""Finding pages by words: the search behind free text in the chat (and any other way in)."""

from __future__ import annotations

from content.model import Content, normalize

MAX_RESULTS = 8


def find_pages(content: Content, query: str) -> list[str]:
    """Pages containing every word of the query, in any language; title/keyword hits first."""
    words = [w for w in normalize(query).split() if len(w) >= 2]
    if not words:
        return []
    scored = []
    for order, entry in enumerate(content.search_index):
        if all(w in entry.haystack or w in entry.title_words for w in words):
            title_hits = sum(w in entry.title_words for w in words)
            scored.append((-title_hits, order, entry.page_id))
    return [page for *_, page in sorted(scored)[:MAX_RESULTS]]
