"""The toy's FEATURE: everything it owns, declared in one place."""

from __future__ import annotations

from bot.core.feature import Chore, Command, Feature, routes
from storage.tables import Table
from tests.toy_feature import handlers as h
from tests.toy_feature.state import ToyState

TICK_EVERY = 600.0

FEATURE = Feature(
    name="toy",
    commands=(Command("toy", h.toy_command),),
    callbacks=routes(h.on_again),
    state=ToyState,
    tables=(Table("toy_notes", h.MIGRATIONS),),
    chores=(Chore("toy-tick", TICK_EVERY, h.tick),),
)
