"""The referral checklist: one generic conversation over content.Checklist.

State lives in memory and is written behind to SQLite (storage.checklist_store: one row per
user), so a restart resumes where the user was and two users can never share answers. Every
button carries the run's session id and step, so a tap from an older message or an ended run
is recognised and answered gracefully.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial
from typing import Any

from telegram import Bot, Update
from telegram.ext import ApplicationHandlerStop

from bot.core.feature import Chore, Command, Feature, On, Route, TextClaim, enter
from bot.core.turn import Turn
from bot.infra.services import Services
from bot.services import diary as diary_facts
from bot.ui.callbacks import (
    AddFollowup,
    Answer,
    ChecklistBack,
    ChecklistCancel,
    ChecklistRestart,
    ChecklistSummary,
    DoctorReport,
    StartChecklist,
    StartLog,
)
from bot.ui.keyboards import Screen, button, main_menu_button, markup
from bot.ui.outcomes import outcome_text, reasons_of
from bot.ui.screens import NEW_TEXT, main_screen
from content.fingerprints import trace
from content.model import Content
from storage import checklists, outcomes
from storage.checklists import IDLE_SECONDS, ChecklistRun
from storage.stats import Count, Family
from storage.tables import Table, delete_user_rows, user_rows

log = logging.getLogger(__name__)


# --- screens -------------------------------------------------------------------------------


def question_screen(content: Content, run: ChecklistRun, lang: str, hint: str = "") -> Screen:
    checklist = content.checklist
    step = len(run.answers)
    # The same for every run; only the keyboard carries the run's id.
    text = content.derived(("question_text", step, lang), lambda: _question_text(content, step, lang))
    if hint:  # what the user's diary says, above the question it answers (bot/ui/diary_facts.py)
        head, _, question = text.rpartition("\n\n")
        text = f"{head}\n\n{hint}\n\n{question}"
    answers = [button(checklist.answer_labels[lang][a], Answer(run.session, step, a)) for a in checklist.answers]
    controls = []
    if step > 0:
        controls.append(button(content.text(lang, "btn.back"), ChecklistBack(run.session)))
    controls.append(button(content.text(lang, "btn.cancel"), ChecklistCancel(run.session)))
    return Screen(text, markup([answers, controls]))


def _question_text(content: Content, step: int, lang: str) -> str:
    checklist = content.checklist
    progress = content.text(lang, "checklist.progress", n=step + 1, total=len(checklist.questions))
    question = checklist.questions[step].text[lang].text
    return f"{content.text(lang, 'checklist.intro')}\n\n<i>{progress}</i>\n\n{question}"


def outcome_screen(content: Content, run: ChecklistRun, lang: str) -> Screen:
    assert run.outcome is not None
    outcome = content.checklist.outcomes[run.outcome]
    text = outcome_text(content, lang, run.outcome, reasons_of(content, run.as_dict))
    if not outcome.followup:
        # Emergency: the one instruction that matters, and a way back to the menu. Nothing else.
        return Screen(text, markup([[main_menu_button(content, lang)]]))
    text += "\n\n" + content.text(lang, "checklist.disclaimer")
    # The report for the doctor (its result and positive answers first, then the diary), as a
    # PDF or as text: made by the diary feature (bot/features/diary/report_flow.py).
    keyboard = [
        [
            button(content.text(lang, "report.pdf"), DoctorReport("pdf", run.session)),
            button(content.text(lang, "report.text"), DoctorReport("text", run.session)),
        ]
    ]
    # Logging spasms turns "recur often" and "last long" into facts for next time.
    keyboard.append([button(content.diary.words(lang).buttons["log"], StartLog(new=True))])
    if outcome.followup:
        keyboard.append([button(content.text(lang, "btn.remind"), AddFollowup())])
    keyboard.append(
        [
            button(content.text(lang, "btn.start_again"), ChecklistRestart(run.session)),
            main_menu_button(content, lang),
        ]
    )
    return Screen(text, markup(keyboard))


# --- flow ----------------------------------------------------------------------------------


async def begin(turn: Turn, *, new_message: bool) -> None:
    services = turn.services
    user, chat = turn.user, turn.chat
    assert user is not None and chat is not None
    now = services.now()
    # Started from a button, the checklist takes over that message: its id is known up front,
    # so no second write is needed to remember it.
    message_id = None if new_message else _message_id(turn.update)
    run = ChecklistRun(user.id, secrets.token_hex(4), chat.id, message_id, turn.lang, (), None, now, now)
    services.checklists.put(run, Count.CHECKLIST_STARTED)
    await _show_question(turn, run, turn.lang, new_message=new_message)


async def _show_question(turn: Turn, run: ChecklistRun, lang: str, *, new_message: bool, prefix: str = "") -> None:
    screen = await _question(turn.services, run, lang)
    message = await turn.show(Screen(prefix + screen.text, screen.markup), new=new_message)
    if message is not None and message.message_id != run.message_id:
        # Remember the message the checklist lives in, so expiry can close it in place.
        turn.services.checklists.put(_with(run, message_id=message.message_id))


async def _question(services: Services, run: ChecklistRun, lang: str) -> Screen:
    """The run's current question, with the diary's figures above "recur often" / "last long"."""
    content = services.content
    step = len(run.answers)
    hint = ""
    if step < len(content.checklist.questions):
        question_id = content.checklist.questions[step].id
        if question_id in diary_facts.CHECKLIST_HINTS:  # two of five questions read the diary
            cached = await services.cached_user(run.user_id)
            hint = await diary_facts.checklist_hint(services, run.user_id, lang, question_id, cached.timezone)
    return question_screen(content, run, lang, hint)


def _with(run: ChecklistRun, **changes: Any) -> ChecklistRun:
    return replace(run, **changes)


async def _current(services: Services, user_id: int) -> ChecklistRun | None:
    """The user's run unless it has been idle too long (then it ends, as the sweeper would)."""
    store = services.checklists
    run = await store.get(user_id)
    if run is not None and services.now() - run.updated_at > IDLE_SECONDS:
        store.drop(user_id)
        return None
    return run


async def check_command(turn: Turn) -> None:
    assert turn.user is not None
    run = await _current(turn.services, turn.user.id)
    if run is not None and run.outcome is None:
        await _show_question(turn, run, turn.lang, new_message=True)  # resume, in a fresh message
        return
    await begin(turn, new_message=True)


async def on_start_button(turn: Turn, _: StartChecklist) -> str | None:
    await begin(turn, new_message=False)
    return None


async def text_mid_checklist(turn: Turn) -> None:
    assert turn.user is not None
    run = await _current(turn.services, turn.user.id)
    if run is None or run.outcome is not None:
        return  # not in a checklist: let search have it
    reask = turn.content.text(turn.lang, "checklist.reask") + "\n\n"
    await _show_question(turn, run, turn.lang, new_message=True, prefix=reask)
    raise ApplicationHandlerStop


async def on_answer(turn: Turn, cb: Answer) -> str | None:
    services = turn.services
    content = services.content
    checklist = content.checklist
    assert turn.user is not None
    lang = turn.lang
    if cb.answer not in checklist.answers or cb.step >= len(checklist.questions):
        return await turn.stale()
    run = await _current(services, turn.user.id)
    if run is None or run.session != cb.session or run.outcome is not None:
        await turn.show(main_screen(content, lang))
        return content.text(lang, "alerts.checklist_ended")
    if cb.step == len(run.answers):  # else a tap on an older state (double tap, Back): show it as it is
        answers = (*run.answers, (checklist.questions[cb.step].id, cb.answer))
        outcome = checklist.evaluate(dict(answers), finished=len(answers) == len(checklist.questions))
        run = _with(
            run, answers=answers, outcome=outcome, updated_at=services.now(), message_id=_message_id(turn.update)
        )
        if outcome is None:
            services.checklists.put(run)
        else:
            _finish(services, checklist.outcomes[outcome].followup, run)
            await _trace(services, run, lang)
    if run.outcome is None:
        await turn.show(await _question(services, run, lang))
    else:
        await turn.show(outcome_screen(content, run, lang))
    return None


def _message_id(update: Update) -> int | None:
    query = update.callback_query
    return query.message.message_id if query is not None and query.message is not None else None


def _finish(services: Services, followup: bool, run: ChecklistRun) -> None:
    counts = (Count.CHECKLIST_FINISHED, Family.OUTCOME.of(str(run.outcome)))
    if followup:
        # Kept (at most 30 idle minutes) only so "Summary" and "Remind me" can use it.
        services.checklists.put(run, *counts)
    else:
        services.checklists.drop(run.user_id, *counts)


async def _trace(services: Services, run: ChecklistRun, lang: str) -> None:
    """Keep the outcome with the content version and the fingerprints of the words behind it
    (every question asked and the disposition), so a safety notice can reach this user if one
    of them is corrected (storage/outcomes.py). Not fsynced on its own (the next durable commit
    syncs it): a power cut can lose the trace of the last outcomes, never a user's answer."""
    assert run.outcome is not None
    content = services.content
    record = partial(
        outcomes.record,
        user_id=run.user_id,
        finished_at=services.now(),
        language=lang,
        outcome=run.outcome,
        version=content.fingerprint,
        items=trace(content, [*(q for q, _ in run.answers), run.outcome]),
    )
    await services.db.run(record, durable=False)


async def purge_outcomes(services: Services, bot: Bot) -> int:
    """Chore: outcomes are kept as long as diary entries (DIARY_RETENTION_DAYS), then deleted."""
    before = services.now() - services.settings.diary_retention_days * 86400
    return await services.db.run(outcomes.purge_older, before)


async def on_restart(turn: Turn, _: ChecklistRestart) -> str | None:
    await begin(turn, new_message=False)
    return None


# A control button of one run, once the run is found: (turn, run, lang) -> alert.
RunAction = Callable[[Turn, ChecklistRun, str], Awaitable[str | None]]


def _of_run(action: RunAction) -> Route[ChecklistBack | ChecklistCancel | ChecklistSummary]:
    """Back, Cancel and Summary act on the run their button belongs to; an ended or older
    run gets the main menu and an alert instead."""

    async def route(turn: Turn, cb: ChecklistBack | ChecklistCancel | ChecklistSummary) -> str | None:
        services = turn.services
        assert turn.user is not None
        lang = turn.lang
        run = await _current(services, turn.user.id)
        if run is None or run.session != cb.session:
            await turn.show(main_screen(services.content, lang))
            return services.content.text(lang, "alerts.checklist_ended")
        return await action(turn, run, lang)

    return route


async def cancel_run(turn: Turn, run: ChecklistRun, lang: str) -> str | None:
    content = turn.content
    turn.services.checklists.drop(run.user_id)
    await turn.show(main_screen(content, lang, content.text(lang, "checklist.cancelled") + "\n\n"))
    return None


async def step_back(turn: Turn, run: ChecklistRun, lang: str) -> str | None:
    services = turn.services
    content = services.content
    if run.outcome is not None or not run.answers:
        screen = outcome_screen(content, run, lang) if run.outcome else await _question(services, run, lang)
        await turn.show(screen)
        return None
    run = _with(run, answers=run.answers[:-1], updated_at=services.now())
    services.checklists.put(run)
    await turn.show(await _question(services, run, lang))
    return None


async def send_summary(turn: Turn, run: ChecklistRun, lang: str) -> str | None:
    """A "Summary for my doctor" button from before the report: the report, as text."""
    if run.outcome is None:  # only at the end
        await turn.show(await _question(turn.services, run, lang))
        return None
    await enter(turn, DoctorReport("text", run.session))
    return None


async def expire_idle(services: Services, bot: Bot) -> int:
    """End checklists idle for 30 minutes: delete the answers, close the message in place."""
    runs = await services.checklists.take_idle(services.now() - IDLE_SECONDS)
    content = services.content
    for run in runs:
        if run.outcome is not None or run.message_id is None:
            continue  # finished: the result stays on screen; its buttons now say "ended"
        lang = run.language if run.language in content.languages else content.default_language
        try:
            await bot.edit_message_text(
                content.text(lang, "checklist.expired"),
                chat_id=run.chat_id,
                message_id=run.message_id,
            )
        except Exception as exc:  # the note is a courtesy; the answers are already gone
            log.debug("could not close an expired checklist message: %s", exc)
    return len(runs)


FEATURE = Feature(
    name="checklist",
    commands=(Command("check", check_command, listed=3),),
    # Free text while a question is open is answered by re-asking, not searched.
    claims=(TextClaim(20, NEW_TEXT, text_mid_checklist),),
    callbacks=(
        On(StartChecklist, on_start_button),
        On(Answer, on_answer),
        On(ChecklistBack, _of_run(step_back)),
        On(ChecklistCancel, _of_run(cancel_run)),
        On(ChecklistRestart, on_restart),
        On(ChecklistSummary, _of_run(send_summary)),
    ),
    # Every minute: a run idle for IDLE_SECONDS (30 min) closes at most a minute late.
    chores=(Chore("checklist-expiry", 60.0, expire_idle), Chore("outcome-retention", 3600.0, purge_outcomes)),
    tables=(
        Table(
            "checklist_sessions",
            checklists.MIGRATIONS,
            export=user_rows("checklist_sessions"),
            erase=delete_user_rows("checklist_sessions"),
        ),
        # Every finished checklist with the words that produced it (issue 21: traceability).
        Table("checklist_outcomes", outcomes.MIGRATIONS, export=outcomes.export, erase=outcomes.erase),
    ),
)
