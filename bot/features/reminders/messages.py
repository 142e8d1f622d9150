"""What a due reminder looks like: one message for a user's due reminders (daily texts, the
check-in with its diary line and buttons), rendered from content; pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from bot.features.reminders.callbacks import (
    CheckinBetter,
    CheckinSame,
    CheckinWorse,
    ChooseZone,
    DismissZoneOffer,
    Snooze,
    StopDaily,
    StopReminders,
)
from bot.infra import timezones
from bot.services import diary as diary_facts
from bot.ui.callbacks import NoSpasmsToday, StartChecklist, StartLog
from bot.ui.keyboards import Screen, button, main_menu_button, markup
from content.model import Content
from content.triage import Result, decode_path
from storage.reminders import DailyPayload, FollowupPayload, NoticePayload, Reminder


def language_of(content: Content, group: list[Reminder], chosen: str | None = None) -> str:
    for lang in (chosen, group[0].payload.lang):
        if lang in content.languages:
            return str(lang)
    return content.default_language


def stretch_of_the_day(content: Content, lang: str, now: int) -> str:
    """One actual stretch, a different one each day in turn: a self-care stretch page's steps
    (reminders.yaml `stretch_pages`), with its safety wording when it has some."""
    stretches = content.reminders.stretch_pages
    if not stretches:
        return ""
    page = content.pages.get(stretches[(now // 86400) % len(stretches)])
    if page is None or lang not in page.text:
        return ""
    text = page.text[lang]
    parts = [content.text(lang, "userdata.stretch_title", title=text.title), text.body.strip()]
    if text.safety:
        parts.append(text.safety.strip())
    return "\n".join(parts)


def _daily_text(content: Content, lang: str, payload: DailyPayload, now: int) -> str:
    if payload.kind == diary_facts.DAILY_PROMPT and payload.time < "12:00":
        # Asked in the morning: about yesterday, and the answer is recorded for yesterday.
        return content.text(lang, "userdata.morning_diary")
    text = content.text(lang, f"reminders.daily_text.{payload.kind}")
    if payload.kind == "stretch" and (stretch := stretch_of_the_day(content, lang, now)):
        text += "\n\n" + stretch
    return text


def render(
    content: Content,
    group: list[Reminder],
    now: int,
    *,
    offer_for: str | None = None,
    diary_line: str = "",
    lang: str | None = None,
    offline_before: float | None = None,
    notices: Mapping[str, Mapping[str, str]] | None = None,
) -> Screen:
    """One message for all of a user's due reminders (several pile up after downtime).

    `offer_for`: the user's fixed-offset zone, when this message offers a real one instead.
    `diary_line`: what the diary says since the follow-up was set (bot/services/diary.py).
    `notices`: the messages of the safety notices in the group, by notice id, by language.
    `lang`: the user's language now. `offline_before`: when this process started sending; only
    reminders due before it, and late, say that the bot was offline."""
    lang = lang or language_of(content, group)
    own = [r for r in group if not isinstance(r.payload, NoticePayload)]  # what the user set
    late = [
        r
        for r in own
        if (offline_before is None or r.due_at < offline_before)
        and now - r.due_at > content.reminders.late_after_hours * 3600
    ]
    diary_prompt: DailyPayload | None = None
    dailies: list[DailyPayload] = []
    parts = []
    if len(own) > 1:
        parts.append(content.text(lang, "reminders.combined" if late else "userdata.together", n=len(own)))
    checkin: Reminder | None = None
    notice_shown = False
    for reminder in group:
        if isinstance(reminder.payload, NoticePayload):
            # The operator's correction, in the user's language (the default one if it lacks it).
            messages = (notices or {}).get(reminder.payload.notice, {})
            text = messages.get(lang) or messages.get(content.default_language)
            if text:
                parts.append(content.text(lang, "governance.notice", message=text))
                notice_shown = True
        elif isinstance(reminder.payload, DailyPayload):
            parts.append(_daily_text(content, lang, reminder.payload, now))
            dailies.append(reminder.payload)
            if reminder.payload.kind == diary_facts.DAILY_PROMPT:
                diary_prompt = reminder.payload
        else:
            checkin = checkin or reminder
    if checkin is not None:
        parts.append(checkin_text(content, lang, checkin, now))
        if diary_line:
            parts.append(diary_line)
    if late:
        parts.append(content.text(lang, "reminders.late"))
    keyboard = []
    if notice_shown:  # the notice offers the checklist again, with today's content
        keyboard.append([button(content.text(lang, "btn.check_again"), StartChecklist())])
    if checkin is not None:
        rid = checkin.id
        # Better, Same and Worse answer after the checklist's outcome; the payload is erased once
        # sent, so the checklist's answers (a short path) ride in the buttons.
        path = checkin.payload.path if isinstance(checkin.payload, FollowupPayload) else ""
        path = path if checkin_result(content, path) is not None else ""
        keyboard.append(
            [
                button(content.text(lang, "btn.better"), CheckinBetter(rid, path)),
                button(content.text(lang, "btn.same"), CheckinSame(rid, path)),
                button(content.text(lang, "btn.worse"), CheckinWorse(rid, path)),
            ]
        )
        keyboard.append(
            [
                button(content.text(lang, f"reminders.snooze.{s.id}"), Snooze(rid, s.id))
                for s in content.reminders.snoozes
            ]
        )
    words = content.diary.words(lang)
    if diary_prompt is not None:  # "Did you have spasms today?": one tap either way
        morning = diary_prompt.time < "12:00"
        none = content.text(lang, "userdata.spasm_free_yesterday") if morning else words.buttons["none_today"]
        keyboard.append(
            [
                button(none, NoSpasmsToday(yesterday=morning)),
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
    # Each daily reminder can be stopped alone; "all" asks once before it stops anything.
    for payload in dailies:
        kind = content.text(lang, f"reminders.kind.{payload.kind}")
        label = content.text(lang, "userdata.btn_stop_this") + (f": {kind}" if len(dailies) > 1 else "")
        keyboard.append([button(label, StopDaily(payload.kind, _minute(payload.time)))])
    last_row = [main_menu_button(content, lang)]
    if own:  # only what the user set can be stopped
        last_row.insert(0, button(content.text(lang, "btn.stop_reminders"), StopReminders()))
    keyboard.append(last_row)
    return Screen("\n\n".join(parts), markup(keyboard))


def _minute(hhmm: str) -> int:
    hour, minute = hhmm.split(":")
    return int(hour) * 60 + int(minute)


def checkin_text(content: Content, lang: str, reminder: Reminder, now: int) -> str:
    text = content.text(lang, "reminders.checkin")
    payload = reminder.payload
    assert isinstance(payload, FollowupPayload)
    result = checkin_result(content, payload.path)
    if result is None:
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
    triage = content.triage
    title = triage.text[lang].outcomes[result.level].title
    reasons = triage.reason_words(result.reasons, lang) or "—"
    return text + "\n" + content.text(lang, "triage.checkin_context", ago=ago, outcome=title, reasons=reasons)


def checkin_result(content: Content, path: str) -> Result | None:
    """The checklist result a check-in follows (its payload or its buttons carry the path), or None."""
    answers = decode_path(content.triage, path) if path else None
    result = content.triage.step(answers) if answers else None
    return result if isinstance(result, Result) else None
