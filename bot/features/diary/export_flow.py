"""The CSV export flow: every entry, written page by page to a temporary file and sent from it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from datetime import UTC as _UTC
from types import MappingProxyType

from bot.core.turn import Turn
from bot.features.diary.callbacks import ExportDiary
from bot.features.diary.export import COLUMNS, ENCODING, CsvLabels, CsvWriter
from bot.features.diary.screens import fill_in, words_of
from bot.features.diary.state import state_of
from bot.services import diary as diary_facts
from bot.services.diary import local_today
from bot.ui.dates import zone_of
from bot.ui.screens import text_screen
from content.model import Content
from storage import diary, spasm_free

EXPORT_PAGE = 500  # entries per database call while writing the CSV


# --- export ----------------------------------------------------------------------------------


def csv_delimiter(content: Content, lang: str) -> str:
    """ ";" where the decimal mark is a comma (a spreadsheet there splits fields on ";")."""
    from babel.numbers import get_decimal_symbol

    locale = content.locales.get(lang) or content.locales[content.default_language]
    return ";" if get_decimal_symbol(locale) == "," else ","


def csv_labels(content: Content, lang: str) -> CsvLabels:
    words = words_of(content, lang)
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


async def on_export(turn: Turn, _: ExportDiary) -> str | None:
    return await export(turn)


async def export(turn: Turn) -> str | None:
    """Every entry as a CSV document, written page by page to a temporary file and sent from it:
    neither the rows nor the file are ever whole in memory."""
    services = turn.services
    content = turn.content
    user_id = turn.user_id
    chat_id = turn.chat_id
    lang = turn.lang
    words = words_of(content, lang)
    state = state_of(turn.ctx.application)
    if user_id in state.exporting:
        return words.message("export_busy")
    await diary_facts.flush(services)
    free = await services.db.read(spasm_free.export, user_id)
    if await services.db.read(diary.total, user_id) == 0 and not free:
        await turn.show(text_screen(content, lang, words.message("export_empty")), new=True)
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
            writer.write_free_days(
                ((str(row["day"]), int(str(row["recorded_at"]))) for row in free),
                content.text(lang, "userdata.csv_no_spasms"),
            )
        name = fill_in(words.csv_filename, date=local_today(services, cached.timezone).isoformat())
        with open(path, "rb") as f:  # noqa: ASYNC230 - PTB reads the open file while uploading
            await turn.bot.send_document(
                chat_id, f, filename=name, caption=words.message("export_caption", count=writer.rows)
            )
    finally:
        state.exporting.discard(user_id)
        with contextlib.suppress(OSError):
            os.unlink(path)
    return None
