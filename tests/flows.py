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


ADULT = "An adult (16 or over)"
NONE = "None of these"


async def no_until(bot: Any, question: str | None = None, client: Any = None) -> None:
    """Answer as an adult with nothing to report until `question` is on screen (or, without one,
    until the checklist's result): independent of how many screens come before it."""
    client = client or bot.ada
    for _ in range(30):
        if question is not None and question in client.last_text():
            return
        buttons = client.buttons()
        label = ADULT if ADULT in buttons else NONE if NONE in buttons else "No" if "No" in buttons else None
        if label is None:
            assert question is None, f"never asked: {question!r}"
            return
        bot.clock.advance(1)  # a person reads each screen: flood control counts taps per second
        await client.tap(label)
    raise AssertionError("the checklist did not end")
