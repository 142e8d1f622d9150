"""The menu's own operations (its entries, Nav, NavFrom, NavResult, Vote, OpenHelp, OpenLanguage, are in
bot/ui/callbacks.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from bot.ui.callbacks import Callback, Nav, NavFrom, NavResult, Vote, VoteFrom, VoteResult, Wire
from content.model import Content

Lang = Annotated[str, Wire(r"[a-z]{2,3}")]  # a language code (ISO 639-1, or -2 where it has none)


class SetLang(Callback, prefix="l"):
    """Speak this language from now on."""

    lang: Lang


def static_callbacks(content: Content) -> Iterator[Callback]:
    """The menu's buttons whose data depends on content, at their longest."""
    longest = max(content.pages, key=len)
    for page_id in content.pages:
        yield Nav(page_id)
        yield NavFrom(page_id, longest)
        yield NavResult(page_id)
        yield Vote(page_id, helpful=True)
        yield VoteFrom(page_id, True, longest)
        yield VoteResult(page_id, helpful=True)
    for lang in content.languages:
        yield SetLang(lang)
