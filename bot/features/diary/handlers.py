"""The log flow, the user's side: log an episode, undo it, add details; free text mid-log.

The log flow keeps no state on the server: each step's buttons carry the answers so far and a
random draft id (bot/features/diary/callbacks.py), and the final tap saves under that id, so a double tap
or a retried update is one entry. "When" starts at "now", so the common case is three taps from
the main menu: Log a spasm, how long, how bad.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
from datetime import date, timedelta

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.core.turn import Turn
from bot.features.diary.callbacks import (
    AskWhat,
    AskWhere,
    LogCancel,
    LogDuration,
    LogSeverity,
    LogWhen,
    SetWhat,
    SetWhere,
    ShowEntry,
    UndoEntry,
)
from bot.features.diary.screens import detail_screen, first_screen, saved_screen, severity_screen, words_of
from bot.features.diary.state import in_log, mark_closed, mark_open
from bot.services import diary as diary_facts
from bot.services.diary import local_today
from bot.services.local_time import zone_for
from bot.ui.callbacks import NoSpasmsToday, OpenDiary, StartLog
from bot.ui.dates import calendar_day
from bot.ui.keyboards import Screen, button, main_menu_button, markup
from bot.ui.screens import main_screen, text_screen
from content.model import Content
from storage import diary, spasm_free

log = logging.getLogger(__name__)

# --- the log flow ----------------------------------------------------------------------------


async def _start(turn: Turn, *, new: bool, prefix: str = "") -> None:
    mark_open(turn.ctx, turn.user_id)
    await turn.show(first_screen(turn.content, turn.lang, secrets.token_hex(4), "now", prefix), new=new)


async def on_start(turn: Turn, cb: StartLog) -> str | None:
    # From the menu, the menu message becomes the log screen; from a check-in, a daily prompt or
    # the checklist's outcome (new=True) that message stays as it was and the log starts below.
    await _start(turn, new=cb.new)
    return None


def _valid(content: Content, field: str, choice: str) -> bool:
    return choice in content.diary.fields[field].choices


async def _restart_stale(turn: Turn) -> str:
    """A diary button we could not have made (forged, or from an older content version)."""
    await _start(turn, new=False)
    return words_of(turn.content, turn.lang).message("stale")


async def on_when(turn: Turn, cb: LogWhen) -> str | None:
    content = turn.content
    if not _valid(content, "when", cb.when):
        return await _restart_stale(turn)
    mark_open(turn.ctx, turn.user_id)
    if _tapped_selected(turn.update):
        return None  # "● Just now" again: the screen is already right, no edit to make
    await turn.show(first_screen(content, turn.lang, cb.draft, cb.when))
    return None


def _tapped_selected(update: Update) -> bool:
    """Whether the tapped button is the one the screen already marks as chosen (●)."""
    query = update.callback_query
    message = query.message if query is not None else None
    markup_ = getattr(message, "reply_markup", None)
    if query is None or markup_ is None:
        return False
    return any(
        b.callback_data == query.data and b.text.startswith("● ") for row in markup_.inline_keyboard for b in row
    )


async def on_duration(turn: Turn, cb: LogDuration) -> str | None:
    content = turn.content
    if not (_valid(content, "when", cb.when) and _valid(content, "duration", cb.duration)):
        return await _restart_stale(turn)
    mark_open(turn.ctx, turn.user_id)
    await turn.show(severity_screen(content, turn.lang, cb.draft, cb.when, cb.duration))
    return None


def day_of(when: str, today: date) -> date:
    return today - timedelta(days=1) if when == "yesterday" else today


async def on_severity(turn: Turn, cb: LogSeverity) -> str | None:
    services = turn.services
    content = turn.content
    if not (
        _valid(content, "when", cb.when)
        and _valid(content, "duration", cb.duration)
        and _valid(content, "severity", cb.severity)
    ):
        return await _restart_stale(turn)
    user_id = turn.user_id
    cached = await services.cached_user(user_id)
    # No zone set yet: the one the language suggests (an Italian's 00:07 is today in Rome, not
    # yesterday in Greenwich).
    today = local_today(services, zone_for(content, turn.lang, cached.timezone).zone)
    day = day_of(cb.when, today)
    if day > today:  # pragma: no cover - the choices are all today or before; kept as a guard
        return words_of(content, turn.lang).message("future")
    now = services.now()
    draft, when, duration, severity = cb.draft, cb.when, cb.duration, cb.severity

    def save(conn: sqlite3.Connection) -> object:
        return diary.add(
            conn, user_id=user_id, day=day, when=when, duration=duration, severity=severity, token=draft, now=now
        )

    # Queued, committed behind this answer (bot/services/diary.py DiaryWriter): a second tap of
    # the same button queues the same draft id again, and the UNIQUE key keeps one entry.
    diary_facts.writer(services).queue(save, user_id)
    mark_closed(turn.ctx, user_id)
    entry = diary.Entry(0, user_id, day, when, duration, severity, None, None, now, draft)
    await turn.show(saved_screen(content, turn.lang, entry))
    return None


async def on_cancel(turn: Turn, _: LogCancel) -> str | None:
    content = turn.content
    mark_closed(turn.ctx, turn.user_id)
    await turn.show(main_screen(content, turn.lang, words_of(content, turn.lang).message("cancelled") + "\n\n"))
    return None


async def _entry(turn: Turn, draft: str) -> diary.Entry | None:
    await diary_facts.flush(turn.services)
    return await turn.services.db.read(diary.by_token, turn.user_id, draft)


async def _gone(turn: Turn) -> str:
    """An entry that was undone, erased or purged, or someone else's id in a forged button."""
    content = turn.content
    await turn.show(main_screen(content, turn.lang))
    return words_of(content, turn.lang).message("already_undone")


async def on_show_entry(turn: Turn, cb: ShowEntry) -> str | None:
    entry = await _entry(turn, cb.draft)
    if entry is None:
        return await _gone(turn)
    await turn.show(saved_screen(turn.content, turn.lang, entry))
    return None


async def on_ask_where(turn: Turn, cb: AskWhere) -> str | None:
    return await _ask(turn, cb.draft, "location")


async def on_ask_what(turn: Turn, cb: AskWhat) -> str | None:
    return await _ask(turn, cb.draft, "context")


async def _ask(turn: Turn, draft: str, field: str) -> str | None:
    entry = await _entry(turn, draft)
    if entry is None:
        return await _gone(turn)
    await turn.show(detail_screen(turn.content, turn.lang, entry, field))
    return None


async def on_set_where(turn: Turn, cb: SetWhere) -> str | None:
    return await _set(turn, cb.draft, "location", cb.location)


async def on_set_what(turn: Turn, cb: SetWhat) -> str | None:
    return await _set(turn, cb.draft, "context", cb.context)


async def _set(turn: Turn, draft: str, field: str, choice: str) -> str | None:
    services = turn.services
    if not _valid(turn.content, field, choice):
        return await _gone(turn)
    user_id = turn.user_id

    def save(conn: sqlite3.Connection) -> diary.Entry | None:
        if field == "location":
            diary.set_details_by_token(conn, user_id, draft, location=choice)
        else:
            diary.set_details_by_token(conn, user_id, draft, context=choice)
        return diary.by_token(conn, user_id, draft)

    await diary_facts.flush(services)
    entry = await services.db.run(save, durable=False)
    if entry is None:
        return await _gone(turn)
    await turn.show(saved_screen(turn.content, turn.lang, entry))
    return None


async def on_undo(turn: Turn, cb: UndoEntry) -> str | None:
    services = turn.services
    content = turn.content
    words = words_of(content, turn.lang)
    await diary_facts.flush(services)
    removed = await services.db.run(diary.undo_by_token, turn.user_id, cb.draft)
    diary_facts.changed(services, turn.user_id)
    if not removed:
        return await _gone(turn)
    keyboard = [[button(words.buttons["log"], StartLog()), main_menu_button(content, turn.lang)]]
    await turn.show(Screen(words.message("undone"), markup(keyboard)))
    return None


async def on_no_spasms(turn: Turn, cb: NoSpasmsToday) -> str | None:
    """A spasm-free day, recorded (today, or yesterday when asked in the morning)."""
    services = turn.services
    content = turn.content
    user_id = turn.user_id
    lang = turn.lang
    cached = await services.cached_user(user_id)
    zone = zone_for(content, lang, cached.timezone).zone
    day = local_today(services, zone) - timedelta(days=1 if cb.yesterday else 0)
    await services.db.run(spasm_free.record, user_id, day.isoformat(), services.now())
    diary_facts.changed(services, user_id)
    words = words_of(content, lang)
    keyboard = [[button(words.buttons["diary"], OpenDiary()), main_menu_button(content, lang)]]
    text = content.text(lang, "userdata.spasm_free_saved", day=calendar_day(content, lang, day, year=False))
    # A new message: the prompt above stays as the day's question, this is its answer.
    await turn.show(Screen(text, markup(keyboard)), new=True)
    return None


async def text_mid_log(turn: Turn) -> None:
    """Free text while a log question is open: say what to do, keep the question, lose nothing."""
    if turn.user is None or not in_log(turn.services, turn.user_id):
        return  # no log question open: not the diary's
    content = turn.content
    await turn.show(text_screen(content, turn.lang, words_of(content, turn.lang).message("choose_button")), new=True)
    mark_open(turn.ctx, turn.user_id)  # the question still waits for a tap
    raise ApplicationHandlerStop
