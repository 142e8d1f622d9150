"""The toy's handlers, its table's storage functions and its chore."""

from __future__ import annotations

import sqlite3

from telegram import Bot, Update

from bot.infra.services import BotContext, Services
from bot.ui.keyboards import Screen, button, markup
from bot.ui.replies import show
from tests.toy_feature.callbacks import ToyAgain
from tests.toy_feature.state import ToyState

MIGRATIONS = (
    (
        "0100_toy_notes",
        """
        CREATE TABLE toy_notes (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL,  -- no cascade: its Table.erase is what removes the rows
            note TEXT NOT NULL
        );
        """,
    ),
)


def add_note(conn: sqlite3.Connection, user_id: int, note: str) -> int:
    conn.execute(
        "INSERT INTO users (user_id, first_seen, last_seen) VALUES (?, 0, 0) ON CONFLICT DO NOTHING", (user_id,)
    )
    return conn.execute("INSERT INTO toy_notes (user_id, note) VALUES (?, ?)", (user_id, note)).rowcount


async def _note(update: Update, ctx: BotContext, note: str) -> None:
    assert update.effective_user is not None
    await ctx.services.db.run(add_note, update.effective_user.id, note)
    await show(update, ctx, Screen(f"noted {note}", markup([[button("Toy again", ToyAgain())]])))


async def toy_command(update: Update, ctx: BotContext) -> None:
    await _note(update, ctx, "toy-from-command")


async def on_again(update: Update, ctx: BotContext, _: ToyAgain) -> str | None:
    await _note(update, ctx, "toy-from-button")
    return None


async def tick(services: Services, bot: Bot) -> None:
    state = services.state(ToyState)
    state.ticks += 1
    state.ticked.set()
