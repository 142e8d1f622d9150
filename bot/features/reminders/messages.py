"""What a due reminder looks like: one message for a user's due reminders (daily texts, the
check-in with its diary line and buttons), rendered from content; pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.infra import timezones
from bot.services import diary as diary_facts
from bot.ui.callbacks import (
    CheckinBetter,
    CheckinSame,
    CheckinSameAfter,
    CheckinWorse,
    ChooseZone,
    DismissZoneOffer,
    NoSpasmsToday,
    Snooze,
    StartLog,
    StopReminders,
)
from bot.ui.keyboards import Screen, button, main_menu_button, markup
from content.model import Content
from storage.reminders import DailyPayload, FollowupPayload, Reminder


def language_of(content: Content, group: list[Reminder]) -> str:
    lang = group[0].payload.lang or content.default_language
    return lang if lang in content.languages else content.default_language


def render(
    content: Content, group: list[Reminder], now: int, *, offer_for: str | None = None, diary_line: str = ""
) -> Screen:
    """One message for all of a user's due reminders (several pile up after downtime).

    `offer_for`: the user's fixed-offset zone, when this message offers a real one instead.
    `diary_line`: what the diary says since the follow-up was set (bot/services/diary.py)."""
    lang = language_of(content, group)
    diary_prompt = False
    parts = []
    if len(group) > 1:
        parts.append(content.text(lang, "reminders.combined", n=len(group)))
    checkin: Reminder | None = None
    for reminder in group:
        if isinstance(reminder.payload, DailyPayload):
            parts.append(content.text(lang, f"reminders.daily_text.{reminder.payload.kind}"))
            diary_prompt = diary_prompt or reminder.payload.kind == diary_facts.DAILY_PROMPT
        else:
            checkin = checkin or reminder
    if checkin is not None:
        parts.append(checkin_text(content, lang, checkin, now))
        if diary_line:
            parts.append(diary_line)
    if any(now - r.due_at > content.reminders.late_after_hours * 3600 for r in group):
        parts.append(content.text(lang, "reminders.late"))
    keyboard = []
    if checkin is not None:
        rid = checkin.id
        outcome = checkin.payload.outcome if isinstance(checkin.payload, FollowupPayload) else None
        # "Same" after a checklist outcome reminds the user of it; the payload is erased once
        # sent, so the outcome rides in the button.
        same: CheckinSame | CheckinSameAfter = CheckinSame(rid)
        if outcome is not None and outcome in content.checklist.outcomes:
            same = CheckinSameAfter(rid, outcome)
        keyboard.append(
            [
                button(content.text(lang, "btn.better"), CheckinBetter(rid)),
                button(content.text(lang, "btn.same"), same),
                button(content.text(lang, "btn.worse"), CheckinWorse(rid)),
            ]
        )
        keyboard.append(
            [
                button(content.text(lang, f"reminders.snooze.{s.id}"), Snooze(rid, s.id))
                for s in content.reminders.snoozes
            ]
        )
    words = content.diary.words(lang)
    if diary_prompt:  # "Did you have spasms today?": one tap either way
        keyboard.append(
            [
                button(words.buttons["none_today"], NoSpasmsToday()),
                button(words.buttons["log_one"], StartLog(new=True)),
            ]
        )
    elif checkin is not None:
        keyboard.append([button(words.buttons["log"], StartLog(new=True))])
    if offer_for is not None:
        offset = timezones.offset_at(offer_for, datetime.fromtimestamp(now, UTC))
        parts.append(content.text(lang, "timezone.upgrade_offer", offset=timezones.offset_label(offset)))
        keyboard.append(
            [
                button(content.text(lang, "btn.set_timezone"), ChooseZone()),
                button(content.text(lang, "btn.not_now"), DismissZoneOffer()),
            ]
        )
    keyboard.append(
        [
            button(content.text(lang, "btn.stop_reminders"), StopReminders()),
            main_menu_button(content, lang),
        ]
    )
    return Screen("\n\n".join(parts), markup(keyboard))


def checkin_text(content: Content, lang: str, reminder: Reminder, now: int) -> str:
    text = content.text(lang, "reminders.checkin")
    payload = reminder.payload
    assert isinstance(payload, FollowupPayload)
    reasons = [q for q in content.checklist.questions if q.id in payload.reasons]
    if not reasons:
        return text
    asked_at = payload.asked_at or reminder.created_at
    hours = max(1, round((now - asked_at) / 3600))
    if hours >= 36:
        ago = content.text(lang, "reminders.ago_days", n=round(hours / 24))
    elif hours >= 20:
        ago = content.text(lang, "reminders.ago_day")
    elif hours > 1:
        ago = content.text(lang, "reminders.ago_hours", n=hours)
    else:
        ago = content.text(lang, "reminders.ago_hour")
    # "Not sure" answers read as uncertainty days later too.
    phrases = [q.text[lang].phrase(unsure=q.id in payload.unsure, past=True) for q in reasons]
    joined = (
        phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + content.text(lang, "reminders.and") + phrases[-1]
    )
    return text + "\n" + content.text(lang, "reminders.checkin_context", ago=ago, reasons=joined)
