"""One-line descriptions of stored things that more than one feature shows (/reminders, /mydata)."""

from __future__ import annotations

from bot.ui.dates import format_when
from content.model import Content
from storage.reminders import DailyPayload, Reminder


def reminder_label(content: Content, lang: str, reminder: Reminder, timezone: str | None) -> str:
    if isinstance(reminder.payload, DailyPayload):
        kind = content.text(lang, f"reminders.kind.{reminder.payload.kind}")
        return content.text(lang, "reminders.item_daily", time=reminder.payload.time, kind=kind)
    return content.text(lang, "reminders.item_followup", when=format_when(reminder.due_at, timezone))
