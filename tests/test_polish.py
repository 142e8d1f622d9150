"""Wording a new user trips over (issue 22), in both languages, as the user reads it."""

from __future__ import annotations

from tests.conftest import Harness


async def test_start_greets_once(bot: Harness) -> None:
    await bot.send("/start")
    text = bot.text()
    assert text.startswith("Hello, Ada!")
    assert text.count("Hello") + text.count("Hi!") == 1
    maria = bot.user(43, "Maria", language_code="it")
    await maria.send("/start")
    assert maria.last_text().count("Ciao") == 1
