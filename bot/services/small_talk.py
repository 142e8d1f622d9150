"""Small talk: "hello", "thanks", "grazie", "menu", "help", "stop" and emoji, recognised as a
whole message (content/freetext.yaml), so a greeting is answered as a person would and never
searched ("I couldn't find anything about thanks").
"""

from __future__ import annotations

import unicodedata

from rapidfuzz.distance import OSA

from content.model import Content, SmallTalk, fold

TYPO_FROM = 5  # a phrase this long may have one typo ("thnaks", "grazei")
EMOJI_ONLY = "emoji"  # the entry for a message of emoji the content does not list


def _is_symbol(char: str) -> bool:
    # Emoji are "So" (symbol, other); their joiners and variation selectors are "Cf"/"Mn"; skin
    # tones "Sk". Punctuation and spaces may sit between them ("😭😭!!").
    return unicodedata.category(char)[0] in "SPZCM"


class SmallTalkMatcher:
    def __init__(self, entries: tuple[SmallTalk, ...]) -> None:
        self._entries = entries
        self._phrases: dict[str, SmallTalk] = {}
        for entry in entries:
            for phrases in entry.phrases.values():
                for phrase in phrases:
                    self._phrases.setdefault(phrase, entry)
        self._by_id = {entry.id: entry for entry in entries}

    def find(self, message: str) -> SmallTalk | None:
        text = message.strip()
        if not text:
            return None
        if all(_is_symbol(c) for c in text):
            return self._emoji(text)
        folded = fold(text)
        entry = self._phrases.get(folded)
        if entry is not None:
            return entry
        if len(folded) >= TYPO_FROM and " " not in folded:
            for phrase, candidate in self._phrases.items():
                if (
                    len(phrase) >= TYPO_FROM
                    and phrase[:1] == folded[:1]
                    and OSA.distance(folded, phrase, score_cutoff=1) <= 1
                ):
                    return candidate
        return None

    def _emoji(self, text: str) -> SmallTalk | None:
        if not any(unicodedata.category(c) == "So" for c in text):
            return None  # punctuation only ("?", "..."): not emoji; let the caller decide
        for entry in self._entries:
            if any(e in text for e in entry.emoji):
                return entry
        return self._by_id.get(EMOJI_ONLY)


def small_talk(content: Content) -> SmallTalkMatcher:
    return content.derived("small_talk", lambda: SmallTalkMatcher(content.freetext.small_talk))
