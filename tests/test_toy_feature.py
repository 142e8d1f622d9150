"""One package and one entry in the features tuple: that is a whole new feature.

tests/toy_feature/ declares a table, a chore, a command and a callback in its `Feature`; nothing
else in the bot names it. Built into the real Application, its migration runs, its chore runs on
the fake clock (with the reminder worker off), its button is parsed and routed, /mydata shows
its rows and /delete_my_data erases them.
"""

from __future__ import annotations

import asyncio
import json

from bot.app import FEATURES, MIGRATIONS
from bot.lifecycle import lifecycle_of
from tests.test_diary import seed
from tests.toy_feature import feature as toy
from tests.toy_feature.state import ToyState

WITH_TOY = (*FEATURES, toy.FEATURE)


async def test_a_toy_feature_is_one_package_and_one_line(bot):
    await bot.restart(features=WITH_TOY)
    # Its migration ran, after the shipped ones (name order).
    tables = await bot.rows("SELECT name FROM sqlite_master WHERE type = 'table'")
    assert {"name": "toy_notes"} in tables
    assert await bot.rows("PRAGMA user_version") == [{"user_version": len(MIGRATIONS) + 1}]

    # Its command and its button (its own callback class, collected into the codec).
    await bot.send("/toy")
    assert bot.text() == "noted toy-from-command"
    await bot.tap("Toy again")
    assert bot.text() == "noted toy-from-button"
    notes = await bot.rows("SELECT note FROM toy_notes WHERE user_id = 42 ORDER BY id")
    assert [n["note"] for n in notes] == ["toy-from-command", "toy-from-button"]

    # Its chore, on the fake clock: at start-up, then once per period.
    chores = lifecycle_of(bot.app).chores
    state = bot.services.state(ToyState)
    await chores.run_due()
    assert state.ticks == 1
    bot.clock.advance(toy.TICK_EVERY - 1)
    await chores.run_due()
    assert state.ticks == 1
    bot.clock.advance(1)
    await chores.run_due()
    assert state.ticks == 2

    # /mydata shows its rows; /delete_my_data erases them.
    await bot.send("/mydata")
    words = bot.fake.bot_messages(42)[-2].plain  # counted in words, never dumped
    assert "• toy_notes: 2" in words
    [document] = bot.ada.files("document")  # and complete in the file
    notes = json.loads(document.file_bytes)["tables"]["toy_notes"]
    assert [n["note"] for n in notes] == ["toy-from-command", "toy-from-button"]
    await bot.send("/delete_my_data")
    await bot.tap("🗑 Yes, delete everything")
    assert await bot.rows("SELECT * FROM toy_notes") == []
    assert await bot.rows("SELECT * FROM users") == []


async def test_chores_run_with_the_reminder_worker_off(bot, content):
    """A process that sends no reminders still closes idle checklists and purges old diary
    entries: the chore scheduler runs in the lifecycle, on the injected clock, not inside the
    delivery worker."""
    await bot.restart(features=WITH_TOY, run_delivery=False, start_chores=True)
    state = bot.services.state(ToyState)
    await asyncio.wait_for(state.ticked.wait(), 5)  # the start-up pass ran every chore once
    await bot.send("/check")
    assert await bot.services.checklists.get(42) is not None  # in memory: its steps are not written
    state.ticked.clear()
    bot.clock.advance(toy.TICK_EVERY * 4)  # past the checklist's 30 idle minutes
    # The toy's chore is the last of the pass, so the checklist's has run when it signals.
    await asyncio.wait_for(state.ticked.wait(), 5)
    assert await bot.services.checklists.get(42) is None
    assert bot.text() == content.text("en", "checklist.expired")

    # The diary's retention chore too: an entry older than the retention window goes.
    await seed(bot, 42, [(0, "mild", "lt1")])
    assert len(await bot.rows("SELECT * FROM diary_entries")) == 1
    state.ticked.clear()
    bot.clock.advance(367 * 86400)  # past the 365-day window and its day of margin
    await asyncio.wait_for(state.ticked.wait(), 5)
    assert await bot.rows("SELECT * FROM diary_entries") == []
