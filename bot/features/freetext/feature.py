"""Free text's FEATURE: the emergency claim before every other, search and small talk after."""

from __future__ import annotations

from bot.core.feature import Feature, Message, Stage, TextClaim, routes
from bot.features.freetext import handlers as h
from bot.features.freetext.state import LastSearch
from bot.ui.screens import NEW_TEXT

FEATURE = Feature(
    name="freetext",
    # Precedence 0: before the log question (10), the checklist (20) and the city prompt (40).
    claims=(TextClaim(0, NEW_TEXT, h.on_emergency),),
    messages=(Message(NEW_TEXT, h.on_text, Stage.FALLBACK),),
    state=LastSearch,
    callbacks=routes(h.on_back_to_results),
)
