"""The toy's handlers, its table's storage functions and its chore."""

from __future__ import annotations

import sqlite3

from telegram import Bot

from bot.core.turn import Turn
from bot.infra.services import Services
from bot.ui.keyboards import Screen, button, markup
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


async def _note(turn: Turn, note: str) -> None:
    assert turn.user is not None
    await turn.services.db.run(add_note, turn.user.id, note)
    await turn.show(Screen(f"noted {note}", markup([[button("Toy again", ToyAgain())]])))


async def toy_command(turn: Turn) -> None:
    await _note(turn, "toy-from-command")


async def on_again(turn: Turn, _: ToyAgain) -> str | None:
    await _note(turn, "toy-from-button")
    return None


async def tick(services: Services, bot: Bot) -> None:
    state = services.state(ToyState)
    state.ticks += 1
    state.ticked.set()
