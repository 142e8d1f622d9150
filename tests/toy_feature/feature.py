"""The toy's FEATURE: everything it owns, declared in one place."""

from __future__ import annotations

from bot.core.feature import Chore, Command, Feature, On
from storage.tables import Table, delete_user_rows, user_rows
from tests.toy_feature import handlers as h
from tests.toy_feature.callbacks import ToyAgain
from tests.toy_feature.state import ToyState

TICK_EVERY = 600.0

FEATURE = Feature(
    name="toy",
    commands=(Command("toy", h.toy_command),),
    callbacks=(On(ToyAgain, h.on_again),),
    state=ToyState,
    tables=(Table("toy_notes", h.MIGRATIONS, export=user_rows("toy_notes"), erase=delete_user_rows("toy_notes")),),
    chores=(Chore("toy-tick", TICK_EVERY, h.tick),),
)
