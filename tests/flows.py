"""Paths through the bot that many tests walk before the part they check, walked as a user does."""

from __future__ import annotations

from typing import Any

DAY = 86400


async def followup_comes(
    bot: Any, user: Any = None, labels: tuple[str, str] = ("Follow-up check-in", "In 1 day")
) -> None:
    """The user sets a follow-up check-in from /reminders (``labels``: its button, then its delay,
    in the user's language) and a day later the worker sends it."""
    user = user or bot.ada
    await user.send("/reminders")
    for label in labels:
        await user.tap(label)
    bot.clock.advance(DAY)
    await bot.dispatch()
