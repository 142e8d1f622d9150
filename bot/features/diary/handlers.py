"""The spasm diary, the user's side: log an episode, undo it, add details, /diary, the CSV.

The log flow keeps no state on the server: each step's buttons carry the answers so far and a
random draft id (bot/ui/callbacks.py), and the final tap saves under that id, so a double tap
or a retried update is one entry. "When" starts at "now", so the common case is three taps from
the main menu: Log a spasm, how long, how bad.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import sqlite3
import tempfile
from datetime import UTC as _UTC
from datetime import date, timedelta
from types import MappingProxyType

from telegram import Bot, Update
from telegram.ext import ApplicationHandlerStop

from bot.features.diary import summary as maths
from bot.features.diary.chart import ChartBusyError, ChartDrawer, ChartSpec, Series, tick_labels
from bot.features.diary.export import COLUMNS, ENCODING, CsvLabels, CsvWriter
from bot.infra.services import BotApp, BotContext, Services, services_of
from bot.services import diary as diary_facts
from bot.services.diary import local_today
from bot.ui.callbacks import (
    AskWhat,
    AskWhere,
    ExportDiary,
    LogCancel,
    LogDuration,
    LogSeverity,
    LogWhen,
    NoSpasmsToday,
    OpenDiary,
    PickKind,
    SetWhat,
    SetWhere,
    ShowEntry,
    StartLog,
    UndoEntry,
)
from bot.ui.dates import calendar_day, zone_of
from bot.ui.keyboards import Button, Keyboard, Screen, button, main_menu_button, markup, rows
from bot.ui.replies import show
from bot.ui.screens import main_screen, text_screen
from content.model import Content, DiaryText, FormatDict
from storage import diary

log = logging.getLogger(__name__)

DRAFT_IDLE = 30 * 60  # free text within this long of a log question is answered as a stray reply
EXPORT_PAGE = 500  # entries per database call while writing the CSV


# --- per-application state -------------------------------------------------------------------


class DiaryState:
    """What the diary keeps per running bot: the chart worker, open drafts, exports running."""

    def __init__(self) -> None:
        self.drawer = ChartDrawer()
        self.exporting: set[int] = set()
        self.charting: set[int] = set()  # users whose chart is being drawn or sent
        self.tasks: set[asyncio.Task[None]] = set()
        # user -> when (injected clock) their last log question was shown: the diary's text claim
        # takes only the text of users with a log question open, and leaves the rest to others.
        self.drafts: dict[int, float] = {}

    async def settled(self) -> None:
        """Wait for the charts in flight (tests, the demo, benchmarks, shutdown)."""
        while self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)


def state_of(app: BotApp) -> DiaryState:
    return services_of(app).state(DiaryState)


async def stop(app: BotApp) -> None:
    """Shutdown: end the chart worker process, if one was started."""
    state = state_of(app)
    await state.settled()
    await state.drawer.close()


def in_log(services: Services, user_id: int) -> bool:
    opened = services.state(DiaryState).drafts.get(user_id)
    return opened is not None and services.clock.now() - opened <= DRAFT_IDLE


def _opened(ctx: BotContext, user_id: int) -> None:
    drafts = ctx.services.state(DiaryState).drafts
    now = ctx.services.clock.now()
    drafts[user_id] = now
    if len(drafts) > 10_000:  # forget abandoned drafts rather than grow
        for uid in [u for u, t in drafts.items() if now - t > DRAFT_IDLE]:
            del drafts[uid]


def _closed(ctx: BotContext, user_id: int) -> None:
    ctx.services.state(DiaryState).drafts.pop(user_id, None)


# --- screens ---------------------------------------------------------------------------------


def _words(content: Content, lang: str) -> DiaryText:
    return content.diary.words(lang)


def first_screen(content: Content, lang: str, draft: str, when: str, prefix: str = "") -> Screen:
    """When (preselected 'now') and how long, on one screen: a tap on a duration is step 2."""
    words = _words(content, lang)
    fields = content.diary.fields
    text = "\n\n".join([words.message("title"), words.fields["when"].question, words.fields["duration"].question])
    when_row = [
        button(("● " if c == when else "") + words.label("when", c), LogWhen(draft, c)) for c in fields["when"].choices
    ]
    durations = [button(words.label("duration", c), LogDuration(draft, when, c)) for c in fields["duration"].choices]
    cancel = [[button(words.buttons["cancel"], LogCancel(draft))]]
    return Screen(prefix + text, markup([when_row], rows(durations, fields["duration"].columns), cancel))


def severity_screen(content: Content, lang: str, draft: str, when: str, duration: str) -> Screen:
    words = _words(content, lang)
    so_far = f"{words.label('when', when)}, {words.label('duration', duration)}"
    text = f"{words.message('title')}\n<i>{so_far}</i>\n\n{words.fields['severity'].question}"
    severities = [
        button(words.label("severity", c), LogSeverity(draft, when, duration, c))
        for c in content.diary.fields["severity"].choices
    ]
    return Screen(text, markup([severities], [[button(words.buttons["cancel"], LogCancel(draft))]]))


def _saved_text(words: DiaryText, entry: diary.Entry) -> str:
    text = words.message(
        "saved",
        when=words.label("when", entry.when),
        duration=words.label("duration", entry.duration),
        severity=words.label("severity", entry.severity),
    )
    details = [words.label(f, v) for f, v in (("location", entry.location), ("context", entry.context)) if v]
    if details:
        text += "\n" + words.message("detail_saved", detail=", ".join(details))
    return text


def saved_screen(content: Content, lang: str, entry: diary.Entry) -> Screen:
    words = _words(content, lang)
    text = _saved_text(words, entry)
    optional = []
    if entry.location is None:
        optional.append(button(words.buttons["where"], AskWhere(entry.token)))
    if entry.context is None:
        optional.append(button(words.buttons["what"], AskWhat(entry.token)))
    if optional:
        text += "\n\n" + words.message("saved_details")
    keyboard = [
        optional,
        [button(words.buttons["undo"], UndoEntry(entry.token))],
        [button(words.buttons["diary"], OpenDiary()), main_menu_button(content, lang)],
    ]
    return Screen(text, markup(keyboard))


def detail_screen(content: Content, lang: str, entry: diary.Entry, field: str) -> Screen:
    words = _words(content, lang)
    cfg = content.diary.fields[field]
    if field == "location":
        choices = [button(words.label(field, c), SetWhere(entry.token, c)) for c in cfg.choices]
    else:
        choices = [button(words.label(field, c), SetWhat(entry.token, c)) for c in cfg.choices]
    text = _saved_text(words, entry) + "\n\n" + words.fields[field].question
    return Screen(text, markup(rows(choices, cfg.columns), [[button(words.buttons["done"], ShowEntry(entry.token))]]))


def _month_day(words: DiaryText, d: date) -> str:
    months = words.chart["months"].split()
    return f"{d.day} {months[d.month - 1]}"


def _fill(template: str, **values: object) -> str:
    return template.format_map(FormatDict({k: str(v) for k, v in values.items()}))


def chart_spec(content: Content, lang: str, s: maths.Summary) -> ChartSpec:
    words = _words(content, lang)
    days = content.diary.summary_days
    severities = content.diary.fields["severity"].choices
    series = tuple(
        Series(
            _fill(words.chart["legend"], label=words.label("severity", sev), count=sum(s.per_day[i])),
            content.diary.colours[sev],
            s.per_day[i],
        )
        for i, sev in enumerate(severities)
    )
    return ChartSpec(
        title=_fill(words.chart["title"], days=days, count=s.count),
        y_label=words.chart["y_label"],
        x_labels=tick_labels([_month_day(words, d) for d in s.window.days]),
        series=series,
        empty_text=_fill(words.chart["empty"], days=days),
    )


def summary_text(content: Content, lang: str, s: maths.Summary, total: int, first: date | None) -> str:
    words = _words(content, lang)
    days = content.diary.summary_days
    parts = [words.message("summary_title", days=days)]
    if s.count == 0:
        parts.append(words.message("empty", days=days))
    else:
        # A diary younger than the window is averaged over its own days (at least a week), not
        # over 30 days it did not exist for (QA: "0.5 a week" for 2 spasms in a 2-day-old diary).
        age = (s.window.last - first).days + 1 if first is not None else days
        per_week = f"{s.count * 7 / min(days, max(7, age)):.1f}".rstrip("0").rstrip(".")
        if lang != "en":
            per_week = per_week.replace(".", ",")
        parts.append(words.message("summary", count=s.count, per_week=per_week, long=s.long, severe=s.severe))
        if s.busiest is not None and s.busiest[1] > 1:
            busiest = calendar_day(content, lang, s.busiest[0], year=False)
            parts.append(words.message("busiest", count=s.busiest[1], day=busiest))
    if first is not None and first > s.window.previous_last:
        parts.append(words.message("trend_young", days=days))  # no "none in the 30 days before"
    else:
        parts.append(words.message(f"trend_{s.trend}", days=days, previous=s.previous))
    if first is not None:
        parts.append(words.message("since", day=calendar_day(content, lang, first), total=total))
    parts.append(words.safety)
    return "\n\n".join(parts)


def diary_keyboard(content: Content, lang: str, total: int) -> list[list[Button]]:
    words = _words(content, lang)
    first_row = [button(words.buttons["log"], StartLog())]
    if total:
        first_row.append(button(words.buttons["export"], ExportDiary()))
    return [
        first_row,
        [button(words.buttons["daily_prompt"], PickKind("diary"))],
        [main_menu_button(content, lang)],
    ]


# --- the log flow ----------------------------------------------------------------------------


def _user_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def _start(update: Update, ctx: BotContext, *, new: bool, prefix: str = "") -> None:
    lang = await ctx.services.user_language(update)
    _opened(ctx, _user_id(update))
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
    return _words(ctx.services.content, lang).message("stale")


async def on_when(update: Update, ctx: BotContext, cb: LogWhen) -> str | None:
    content = ctx.services.content
    if not _valid(content, "when", cb.when):
        return await _restart_stale(update, ctx)
    lang = await ctx.services.user_language(update)
    _opened(ctx, _user_id(update))
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
    _opened(ctx, _user_id(update))
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
    user_id = _user_id(update)
    lang = await services.user_language(update)
    cached = await services.cached_user(user_id)
    today = local_today(services, cached.timezone)
    day = day_of(cb.when, today)
    if day > today:  # pragma: no cover - the choices are all today or before; kept as a guard
        return _words(content, lang).message("future")
    now = services.now()
    draft, when, duration, severity = cb.draft, cb.when, cb.duration, cb.severity

    def save(conn: sqlite3.Connection) -> object:
        return diary.add(
            conn, user_id=user_id, day=day, when=when, duration=duration, severity=severity, token=draft, now=now
        )

    # Queued, committed behind this answer (bot/ui/diary_facts.py DiaryWriter): a second tap of
    # the same button queues the same draft id again, and the UNIQUE key keeps one entry.
    diary_facts.writer(services).queue(save, user_id)
    _closed(ctx, user_id)
    entry = diary.Entry(0, user_id, day, when, duration, severity, None, None, now, draft)
    await show(update, ctx, saved_screen(content, lang, entry))
    return None


async def on_cancel(update: Update, ctx: BotContext, _: LogCancel) -> str | None:
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    _closed(ctx, _user_id(update))
    await show(update, ctx, main_screen(content, lang, _words(content, lang).message("cancelled") + "\n\n"))
    return None


async def _entry(update: Update, ctx: BotContext, draft: str) -> diary.Entry | None:
    await diary_facts.flush(ctx.services)
    return await ctx.services.db.read(diary.by_token, _user_id(update), draft)


async def _gone(update: Update, ctx: BotContext) -> str:
    """An entry that was undone, erased or purged, or someone else's id in a forged button."""
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    await show(update, ctx, main_screen(content, lang))
    return _words(content, lang).message("already_undone")


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
    user_id = _user_id(update)

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
    words = _words(content, lang)
    await diary_facts.flush(services)
    removed = await services.db.run(diary.undo_by_token, _user_id(update), cb.draft)
    diary_facts.changed(services, _user_id(update))
    if not removed:
        return await _gone(update, ctx)
    keyboard = [[button(words.buttons["log"], StartLog()), main_menu_button(content, lang)]]
    await show(update, ctx, Screen(words.message("undone"), markup(keyboard)))
    return None


async def on_no_spasms(update: Update, ctx: BotContext, _: NoSpasmsToday) -> str | None:
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    words = _words(content, lang)
    keyboard = [[button(words.buttons["diary"], OpenDiary()), main_menu_button(content, lang)]]
    # A new message: the prompt above stays as the day's question, this is its answer.
    await show(update, ctx, Screen(words.message("daily_none"), markup(keyboard)), new=True)
    return None


async def text_mid_log(update: Update, ctx: BotContext) -> None:
    """Free text while a log question is open: say what to do, keep the question, lose nothing."""
    if update.effective_user is None or not in_log(ctx.services, update.effective_user.id):
        return  # no log question open: not the diary's
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    await show(update, ctx, text_screen(content, lang, _words(content, lang).message("choose_button")), new=True)
    raise ApplicationHandlerStop


# --- /diary ----------------------------------------------------------------------------------


async def on_open_diary(update: Update, ctx: BotContext, _: OpenDiary) -> str | None:
    return await _diary(update, ctx)


async def _diary(update: Update, ctx: BotContext) -> str | None:
    """The last 30 days in words and as a chart; the chart is drawn in the worker process."""
    services = ctx.services
    content = services.content
    user_id = _user_id(update)
    chat = update.effective_chat
    assert chat is not None
    lang = await services.user_language(update)
    cached = await services.cached_user(user_id)
    today = local_today(services, cached.timezone)
    days = content.diary.summary_days
    window = maths.window(today, days)

    def read(conn: sqlite3.Connection) -> tuple[list[diary.DayCount], int, date | None]:
        rows_ = diary.day_counts(conn, user_id, window.previous_first, today)
        return rows_, diary.total(conn, user_id), diary.first_day(conn, user_id)

    await diary_facts.flush(services)
    rows_, total, first = await services.db.read(read)
    s = maths.summarise(rows_, today, days)
    text = summary_text(content, lang, s, total, first)
    keyboard = markup(diary_keyboard(content, lang, total))
    if total == 0:
        await show(update, ctx, Screen(text, keyboard), new=update.callback_query is None)
        return None
    state = state_of(ctx.application)
    words = _words(content, lang)
    if user_id in state.charting:
        return words.message("chart_busy")
    # The words now; the chart (~0.1 s in the worker, 1 s for the worker's first) follows with
    # the buttons, so this user's next taps are not held up behind the drawing.
    await show(update, ctx, Screen(text), new=update.callback_query is None)
    state.charting.add(user_id)
    # Our own task set, awaited at shutdown (stop): PTB's create_task warns outside run_polling.
    task = asyncio.get_running_loop().create_task(
        _send_chart(ctx.bot, state, chat.id, user_id, chart_spec(content, lang, s), words, keyboard, days),
        name="diary-chart",
    )
    state.tasks.add(task)
    task.add_done_callback(state.tasks.discard)
    return None


async def _send_chart(
    bot: Bot,
    state: DiaryState,
    chat_id: int,
    user_id: int,
    spec: ChartSpec,
    words: DiaryText,
    keyboard: Keyboard,
    days: int,
) -> None:
    try:
        png = await state.drawer.draw(user_id, spec)
        await bot.send_photo(chat_id, png, caption=words.message("chart_caption", days=days), reply_markup=keyboard)
    except ChartBusyError:  # pragma: no cover - charting already guards; kept for direct callers
        pass
    except Exception:
        log.exception("the diary chart could not be drawn or sent")
        with contextlib.suppress(Exception):
            await bot.send_message(chat_id, words.message("chart_failed"), reply_markup=keyboard)
    finally:
        state.charting.discard(user_id)


# --- export ----------------------------------------------------------------------------------


def csv_delimiter(content: Content, lang: str) -> str:
    """ ";" where the decimal mark is a comma (a spreadsheet there splits fields on ";")."""
    from babel.numbers import get_decimal_symbol

    locale = content.locales.get(lang) or content.locales[content.default_language]
    return ";" if get_decimal_symbol(locale) == "," else ","


def csv_labels(content: Content, lang: str) -> CsvLabels:
    words = _words(content, lang)
    headers = {c: words.columns[c] if c in words.columns else words.fields[_FIELD_OF[c]].column for c in COLUMNS}
    choices = {_COLUMN_OF[f]: dict(words.fields[f].choices) for f in content.diary.fields}
    return CsvLabels(headers, choices)


# The CSV's column for each diary field (storage calls "when" at_when; the CSV says "when").
_COLUMN_OF = MappingProxyType(
    {
        "when": "when",
        "duration": "duration",
        "severity": "severity",
        "location": "location",
        "context": "context",
    }
)
_FIELD_OF = MappingProxyType({v: k for k, v in _COLUMN_OF.items()})


async def on_export(update: Update, ctx: BotContext, _: ExportDiary) -> str | None:
    return await export(update, ctx)


async def export(update: Update, ctx: BotContext) -> str | None:
    """Every entry as a CSV document, written page by page to a temporary file and sent from it:
    neither the rows nor the file are ever whole in memory."""
    services = ctx.services
    content = services.content
    user_id = _user_id(update)
    chat = update.effective_chat
    assert chat is not None
    lang = await services.user_language(update)
    words = _words(content, lang)
    state = state_of(ctx.application)
    if user_id in state.exporting:
        return words.message("export_busy")
    await diary_facts.flush(services)
    if await services.db.read(diary.total, user_id) == 0:
        await show(update, ctx, text_screen(content, lang, words.message("export_empty")), new=True)
        return None
    state.exporting.add(user_id)
    cached = await services.cached_user(user_id)
    fd, path = tempfile.mkstemp(prefix="diary-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding=ENCODING, newline="") as out:
            writer = CsvWriter(
                out, csv_labels(content, lang), zone_of(cached.timezone) or _UTC, delimiter=csv_delimiter(content, lang)
            )
            after: tuple[str, int] | None = None
            while True:
                page = await services.db.read(diary.page, user_id, after, EXPORT_PAGE)
                await asyncio.to_thread(writer.write, page)
                if len(page) < EXPORT_PAGE:
                    break
                after = (page[-1].day.isoformat(), page[-1].id)
        name = _fill(words.csv_filename, date=local_today(services, cached.timezone).isoformat())
        with open(path, "rb") as f:  # noqa: ASYNC230 - PTB reads the open file while uploading
            await ctx.bot.send_document(
                chat.id, f, filename=name, caption=words.message("export_caption", count=writer.rows)
            )
    finally:
        state.exporting.discard(user_id)
        with contextlib.suppress(OSError):
            os.unlink(path)
    return None


# --- retention -------------------------------------------------------------------------------

PURGE_EVERY = 3600.0


async def purge_old(services: Services, bot: Bot) -> int:
    """Chore: hourly, delete diary entries older than DIARY_RETENTION_DAYS (by the entry's date;
    a day's margin so no time zone loses an entry a day early)."""
    today = local_today(services, None)
    before = today - timedelta(days=services.settings.diary_retention_days + 1)
    purged = await services.db.run(diary.purge, before)
    if purged:
        log.info("purged %d diary entries older than %d days", purged, services.settings.diary_retention_days)
    return purged
