"""/diary: the last 30 days in words, and the chart drawn in the worker process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from datetime import date

from telegram import Bot

from bot.core.turn import Turn
from bot.features.diary.screens import diary_keyboard, words_of
from bot.features.diary.state import DiaryState, state_of
from bot.services import diary as diary_facts
from bot.services import diary_summary as maths
from bot.services.charts import ChartBusyError, ChartSpec
from bot.services.diary import local_today
from bot.ui.callbacks import (
    OpenDiary,
)
from bot.ui.keyboards import Keyboard, Screen, markup
from content.model import DiaryText
from storage import diary, spasm_free

log = logging.getLogger(__name__)

# --- /diary ----------------------------------------------------------------------------------


async def on_open_diary(turn: Turn, _: OpenDiary) -> str | None:
    return await _diary(turn)


async def _diary(turn: Turn) -> str | None:
    """The last 30 days in words and as a chart; the chart is drawn in the worker process."""
    services = turn.services
    content = turn.content
    user_id = turn.user_id
    chat_id = turn.chat_id
    lang = turn.lang
    cached = await services.cached_user(user_id)
    today = local_today(services, cached.timezone)
    days = content.diary.summary_days
    window = maths.window(today, days)

    def read(conn: sqlite3.Connection) -> tuple[list[diary.DayCount], int, date | None, list[str]]:
        rows_ = diary.day_counts(conn, user_id, window.previous_first, today)
        free = spasm_free.days(conn, user_id, window.first.isoformat(), today.isoformat())
        return rows_, diary.total(conn, user_id), diary.first_day(conn, user_id), free

    await diary_facts.flush(services)
    rows_, total, first, free_days = await services.db.read(read)
    s = maths.summarise(rows_, today, days)
    text = maths.summary_text(content, lang, s, total, first)
    if free_days:  # "No spasms today" answers: good days, not forgotten ones
        text += "\n" + content.text(lang, "userdata.diary_spasm_free", count=len(free_days), days=days)
    free = frozenset(free_days)
    keyboard = markup(diary_keyboard(content, lang, total + len(free)))  # spasm-free days export too
    if total == 0 and not free:
        await turn.show(Screen(text, keyboard), new=turn.update.callback_query is None)
        return None
    state = state_of(turn.ctx.application)
    words = words_of(content, lang)
    if user_id in state.charting:
        return words.message("chart_busy")
    # The words now; the chart (~0.1 s in the worker, 1 s for the worker's first) follows with
    # the buttons, so this user's next taps are not held up behind the drawing.
    await turn.show(Screen(text), new=turn.update.callback_query is None)
    state.charting.add(user_id)
    spec = maths.chart_spec(content, lang, s, first, free)
    # Our own task set, awaited at shutdown (stop): PTB's create_task warns outside run_polling.
    task = asyncio.get_running_loop().create_task(
        _send_chart(turn.bot, state, chat_id, user_id, spec, words, keyboard, days),
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
