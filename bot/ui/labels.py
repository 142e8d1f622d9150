"""One-line descriptions of stored things that more than one feature shows (/reminders, /mydata)."""

from __future__ import annotations

from bot.ui.dates import short_datetime, when, words
from content.model import Content
from storage.reminders import DailyPayload, Reminder


def reminder_label(content: Content, lang: str, reminder: Reminder, timezone: str | None, now: float) -> str:
    if isinstance(reminder.payload, DailyPayload):
        kind = content.text(lang, f"reminders.kind.{reminder.payload.kind}")
        return content.text(lang, "reminders.item_daily", time=reminder.payload.time, kind=kind)
    return content.text(lang, "reminders.item_followup", when=when(content, lang, reminder.due_at, timezone, now))


def reminder_button_label(content: Content, lang: str, reminder: Reminder, timezone: str | None) -> str:
    """The same, short enough for a button: a follow-up by its short date ("Wed 2 Dec, 20:36")."""
    if isinstance(reminder.payload, DailyPayload):
        kind = content.text(lang, f"reminders.kind.{reminder.payload.kind}")
        return content.text(lang, "reminders.item_daily", time=reminder.payload.time, kind=kind).lstrip("• ")
    # No zone set yet: the same guessed zone the reminder's line is written in (bot/ui/dates.when).
    zone = timezone or content.reminders.guess_zones.get(lang)
    return short_datetime(reminder.due_at, words(content, lang), zone)
