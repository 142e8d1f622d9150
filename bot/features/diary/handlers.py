"""The log flow, the user's side: log an episode, undo it, add details; free text mid-log.

The log flow keeps no state on the server: each step's buttons carry the answers so far and a
random draft id (bot/ui/callbacks.py), and the final tap saves under that id, so a double tap
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

from bot.features.diary.screens import detail_screen, first_screen, saved_screen, severity_screen, words_of
from bot.features.diary.state import in_log, mark_closed, mark_open, user_id_of
from bot.infra.services import BotContext
from bot.services import diary as diary_facts
from bot.services.diary import local_today
from bot.services.local_time import zone_for
from bot.ui.callbacks import (
    AskWhat,
    AskWhere,
    LogCancel,
    LogDuration,
    LogSeverity,
    LogWhen,
    NoSpasmsToday,
    OpenDiary,
    SetWhat,
    SetWhere,
    ShowEntry,
    StartLog,
    UndoEntry,
)
from bot.ui.dates import calendar_day
from bot.ui.keyboards import Screen, button, main_menu_button, markup
from bot.ui.replies import show
from bot.ui.screens import main_screen, text_screen
from content.model import Content
from storage import diary, spasm_free

log = logging.getLogger(__name__)

# --- the log flow ----------------------------------------------------------------------------


async def _start(update: Update, ctx: BotContext, *, new: bool, prefix: str = "") -> None:
    lang = await ctx.services.user_language(update)
    mark_open(ctx, user_id_of(update))
    await show(update, ctx, first_screen(ctx.services.content, lang, secrets.token_hex(4), "now", prefix), new=new)


async def on_start(update: Update, ctx: BotContext, cb: StartLog) -> str | None:
    # From the menu, the menu message becomes the log screen; from a check-in, a daily prompt or
    # the checklist's outcome (new=True) that message stays as it was and the log starts below.
    await _start(update, ctx, new=cb.new)
    return None


def _valid(content: Content, field: str, choice: str) -> bool:
    return choice in content.diary.fields[field].choices


async def _restart_stale(update: Update, ctx: BotContext) -> str:
    """A diary button we could not have made (forged, or from an older content version)."""
    lang = await ctx.services.user_language(update)
    await _start(update, ctx, new=False)
    return words_of(ctx.services.content, lang).message("stale")


async def on_when(update: Update, ctx: BotContext, cb: LogWhen) -> str | None:
    content = ctx.services.content
    if not _valid(content, "when", cb.when):
        return await _restart_stale(update, ctx)
    lang = await ctx.services.user_language(update)
    mark_open(ctx, user_id_of(update))
    if _tapped_selected(update):
        return None  # "● Just now" again: the screen is already right, no edit to make
    await show(update, ctx, first_screen(content, lang, cb.draft, cb.when))
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


async def on_duration(update: Update, ctx: BotContext, cb: LogDuration) -> str | None:
    content = ctx.services.content
    if not (_valid(content, "when", cb.when) and _valid(content, "duration", cb.duration)):
        return await _restart_stale(update, ctx)
    lang = await ctx.services.user_language(update)
    mark_open(ctx, user_id_of(update))
    await show(update, ctx, severity_screen(content, lang, cb.draft, cb.when, cb.duration))
    return None


def day_of(when: str, today: date) -> date:
    return today - timedelta(days=1) if when == "yesterday" else today


async def on_severity(update: Update, ctx: BotContext, cb: LogSeverity) -> str | None:
    services = ctx.services
    content = services.content
    if not (
        _valid(content, "when", cb.when)
        and _valid(content, "duration", cb.duration)
        and _valid(content, "severity", cb.severity)
    ):
        return await _restart_stale(update, ctx)
    user_id = user_id_of(update)
    lang = await services.user_language(update)
    cached = await services.cached_user(user_id)
    # No zone set yet: the one the language suggests (an Italian's 00:07 is today in Rome, not
    # yesterday in Greenwich).
    today = local_today(services, zone_for(content, lang, cached.timezone).zone)
    day = day_of(cb.when, today)
    if day > today:  # pragma: no cover - the choices are all today or before; kept as a guard
        return words_of(content, lang).message("future")
    now = services.now()
    draft, when, duration, severity = cb.draft, cb.when, cb.duration, cb.severity

    def save(conn: sqlite3.Connection) -> object:
        return diary.add(
            conn, user_id=user_id, day=day, when=when, duration=duration, severity=severity, token=draft, now=now
        )

    # Queued, committed behind this answer (bot/ui/diary_facts.py DiaryWriter): a second tap of
    # the same button queues the same draft id again, and the UNIQUE key keeps one entry.
    diary_facts.writer(services).queue(save, user_id)
    mark_closed(ctx, user_id)
    entry = diary.Entry(0, user_id, day, when, duration, severity, None, None, now, draft)
    await show(update, ctx, saved_screen(content, lang, entry))
    return None


async def on_cancel(update: Update, ctx: BotContext, _: LogCancel) -> str | None:
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    mark_closed(ctx, user_id_of(update))
    await show(update, ctx, main_screen(content, lang, words_of(content, lang).message("cancelled") + "\n\n"))
    return None


async def _entry(update: Update, ctx: BotContext, draft: str) -> diary.Entry | None:
    await diary_facts.flush(ctx.services)
    return await ctx.services.db.read(diary.by_token, user_id_of(update), draft)


async def _gone(update: Update, ctx: BotContext) -> str:
    """An entry that was undone, erased or purged, or someone else's id in a forged button."""
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    await show(update, ctx, main_screen(content, lang))
    return words_of(content, lang).message("already_undone")


async def on_show_entry(update: Update, ctx: BotContext, cb: ShowEntry) -> str | None:
    entry = await _entry(update, ctx, cb.draft)
    if entry is None:
        return await _gone(update, ctx)
    lang = await ctx.services.user_language(update)
    await show(update, ctx, saved_screen(ctx.services.content, lang, entry))
    return None


async def on_ask_where(update: Update, ctx: BotContext, cb: AskWhere) -> str | None:
    return await _ask(update, ctx, cb.draft, "location")


async def on_ask_what(update: Update, ctx: BotContext, cb: AskWhat) -> str | None:
    return await _ask(update, ctx, cb.draft, "context")


async def _ask(update: Update, ctx: BotContext, draft: str, field: str) -> str | None:
    entry = await _entry(update, ctx, draft)
    if entry is None:
        return await _gone(update, ctx)
    lang = await ctx.services.user_language(update)
    await show(update, ctx, detail_screen(ctx.services.content, lang, entry, field))
    return None


async def on_set_where(update: Update, ctx: BotContext, cb: SetWhere) -> str | None:
    return await _set(update, ctx, cb.draft, "location", cb.location)


async def on_set_what(update: Update, ctx: BotContext, cb: SetWhat) -> str | None:
    return await _set(update, ctx, cb.draft, "context", cb.context)


async def _set(update: Update, ctx: BotContext, draft: str, field: str, choice: str) -> str | None:
    services = ctx.services
    if not _valid(services.content, field, choice):
        return await _gone(update, ctx)
    user_id = user_id_of(update)

    def save(conn: sqlite3.Connection) -> diary.Entry | None:
        if field == "location":
            diary.set_details_by_token(conn, user_id, draft, location=choice)
        else:
            diary.set_details_by_token(conn, user_id, draft, context=choice)
        return diary.by_token(conn, user_id, draft)

    await diary_facts.flush(services)
    entry = await services.db.run(save, durable=False)
    if entry is None:
        return await _gone(update, ctx)
    lang = await services.user_language(update)
    await show(update, ctx, saved_screen(services.content, lang, entry))
    return None


async def on_undo(update: Update, ctx: BotContext, cb: UndoEntry) -> str | None:
    services = ctx.services
    content = services.content
    lang = await services.user_language(update)
    words = words_of(content, lang)
    await diary_facts.flush(services)
    removed = await services.db.run(diary.undo_by_token, user_id_of(update), cb.draft)
    diary_facts.changed(services, user_id_of(update))
    if not removed:
        return await _gone(update, ctx)
    keyboard = [[button(words.buttons["log"], StartLog()), main_menu_button(content, lang)]]
    await show(update, ctx, Screen(words.message("undone"), markup(keyboard)))
    return None


async def on_no_spasms(update: Update, ctx: BotContext, cb: NoSpasmsToday) -> str | None:
    """A spasm-free day, recorded (today, or yesterday when asked in the morning)."""
    services = ctx.services
    content = services.content
    user_id = user_id_of(update)
    lang = await services.user_language(update)
    cached = await services.cached_user(user_id)
    zone = zone_for(content, lang, cached.timezone).zone
    day = local_today(services, zone) - timedelta(days=1 if cb.yesterday else 0)
    await services.db.run(spasm_free.record, user_id, day.isoformat(), services.now())
    diary_facts.changed(services, user_id)
    words = words_of(content, lang)
    keyboard = [[button(words.buttons["diary"], OpenDiary()), main_menu_button(content, lang)]]
    text = content.text(lang, "userdata.spasm_free_saved", day=calendar_day(content, lang, day, year=False))
    # A new message: the prompt above stays as the day's question, this is its answer.
    await show(update, ctx, Screen(text, markup(keyboard)), new=True)
    return None


async def text_mid_log(update: Update, ctx: BotContext) -> None:
    """Free text while a log question is open: say what to do, keep the question, lose nothing."""
    if update.effective_user is None or not in_log(ctx.services, update.effective_user.id):
        return  # no log question open: not the diary's
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    await show(update, ctx, text_screen(content, lang, words_of(content, lang).message("choose_button")), new=True)
    raise ApplicationHandlerStop
