"""The report for the doctor: a PDF (one or two A4 pages) or the same as a message.

Offered by /diary and by the checklist's result (the DoctorReport button, shared in
bot/ui/callbacks.py): the diary's last 30 days and, when the user has just finished the
checklist (a finished run is kept 30 idle minutes), its result and positive answers first.
The PDF is drawn in the chart's worker process and sent from memory: nothing is written to disk.
"""

from __future__ import annotations

import io
import logging

from telegram import InputFile

from bot.core.turn import Turn
from bot.features.diary.state import state_of
from bot.infra.services import Services
from bot.services import doctor_report
from bot.services.charts import ChartBusyError
from bot.services.report import render_text
from bot.ui.callbacks import DoctorReport
from bot.ui.keyboards import button, main_menu_button, markup
from storage.checklists import IDLE_SECONDS

log = logging.getLogger(__name__)


async def _checklist(services: Services, user_id: int, session: str) -> doctor_report.ChecklistFacts | None:
    """The user's finished checklist while it is kept (30 idle minutes), else None; from a
    checklist's result, only that run."""
    run = await services.checklists.get(user_id)
    if run is None or run.outcome is None or (session and run.session != session):
        return None
    if services.now() - run.updated_at > IDLE_SECONDS:
        return None
    triage = services.content.triage
    if run.outcome not in triage.levels:  # a withdrawn level after a content reload
        return None
    return doctor_report.ChecklistFacts(run.outcome, run.as_dict, run.updated_at, run.outcome != triage.top)


async def on_report(turn: Turn, cb: DoctorReport) -> str | None:
    services, content, lang = turn.services, turn.content, turn.lang
    user_id = turn.user_id
    chat_id = turn.chat_id
    cached = await services.cached_user(user_id)
    checklist = await _checklist(services, user_id, cb.session)
    # From a checklist's result whose answers are gone (30 idle minutes): the diary only, said so.
    alert = content.text(lang, "report.checklist_gone") if cb.session and checklist is None else None
    report, chart = await doctor_report.prepare(services, user_id, lang, cached.timezone, checklist)
    if cb.form == "text":
        await turn.bot.send_message(chat_id, render_text(report), parse_mode=None)
        return alert
    state = state_of(turn.ctx.application)
    try:
        pdf = await state.drawer.report(user_id, report, chart)
    except ChartBusyError:
        return content.text(lang, "report.busy")
    except Exception:
        log.exception("the doctor's report could not be drawn")
        return content.text(lang, "report.failed")
    # Under the file: the same report as text, for whoever prefers it, and the way back.
    keyboard = markup(
        [[button(content.text(lang, "report.text"), DoctorReport("text", cb.session)), main_menu_button(content, lang)]]
    )
    await turn.bot.send_document(
        chat_id,
        InputFile(io.BytesIO(pdf), filename=report.filename),
        caption=content.text(lang, "report.caption"),
        reply_markup=keyboard,
    )
    return alert
