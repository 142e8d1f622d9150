"""The menu's own operations (its entries, Nav, NavFrom, NavResult, Vote, OpenHelp, OpenLanguage, are in
bot/ui/callbacks.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.ui.callbacks import Callback, Nav, NavFrom, NavResult, Vote
from content.model import Content


@dataclass(frozen=True, slots=True)
class SetLang(Callback):
    PREFIX = "l"
    PATTERNS = (r"[a-z]{2,3}",)
    lang: str


def static_callbacks(content: Content) -> Iterator[Callback]:
    """The menu's buttons whose data depends on content, at their longest."""
    longest = max(content.pages, key=len)
    for page_id in content.pages:
        yield Nav(page_id)
        yield NavFrom(page_id, longest)
        yield NavResult(page_id)
        yield Vote(page_id, helpful=True)
    for lang in content.languages:
        yield SetLang(lang)
