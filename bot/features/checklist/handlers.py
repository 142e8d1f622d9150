"""The checklist's flow: one handler per step, over the decision graph (content/triage.py).

The run's state lives in its buttons: each carries the answers so far as a short path, so a
step reads and writes no database (bench/taps.py: a step used to queue a write-behind commit
and cost 1.8x a bare PTB tap). The run is also kept in memory (storage/checklist_store.py) for
what a button cannot do: /check resuming where the user left, typed answers, the idle expiry
that closes the message. Only a finished run is written (one queued write), so Summary and
"Remind me" work after a restart; a restart mid-way loses nothing, as the buttons hold it all.
"""

from __future__ import annotations

import difflib
import logging
import secrets
from collections.abc import Mapping
from dataclasses import replace
from functools import partial

from telegram import Bot, Update
from telegram.ext import ApplicationHandlerStop

from bot.core.feature import enter
from bot.core.turn import Turn
from bot.features.checklist.callbacks import (
    ChecklistBack,
    ChecklistCancel,
    ChecklistRestart,
    ChecklistSummary,
    ContextTick,
    Step,
)
from bot.features.checklist.screens import CODE_SIGNS, ask_screen, outcome_screen
from bot.features.checklist.state import TraceQueue
from bot.infra.services import Services
from bot.services import diary as diary_facts
from bot.ui.callbacks import DoctorReport, StartChecklist
from bot.ui.keyboards import Screen
from bot.ui.screens import main_screen
from content.fingerprints import trace
from content.model import Content, fold
from content.triage import CONTEXT, NO, Ask, Result, Triage, encode_path, mask_context
from storage import outcomes
from storage.checklists import ChecklistRun
from storage.stats import Count, Family

IDLE_SECONDS = 30 * 60
# The criteria screen shows the diary's figures (how many spasms, how many over 10 minutes).
HINTED = frozenset({"recurring", "not_relieved"})
log = logging.getLogger(__name__)


def _new_run(turn: Turn, lang: str, now: int, session: str | None = None) -> ChecklistRun:
    user, chat = turn.user, turn.chat
    assert user is not None and chat is not None
    return ChecklistRun(user.id, session or secrets.token_hex(4), chat.id, None, lang, (), None, now, now)


async def begin(turn: Turn, *, new_message: bool) -> None:
    services = turn.services
    lang = turn.lang
    run = _new_run(turn, lang, services.now())
    services.checklists.remember(run, Count.CHECKLIST_STARTED)
    await _show(turn, run, "", lang, new_message=new_message)


async def _show(
    turn: Turn,
    run: ChecklistRun,
    path: str,
    lang: str,
    *,
    new_message: bool = False,
    prefix: str = "",
    mask: int = 0,
    restart: bool = False,
) -> None:
    services = turn.services
    content = turn.content
    hit = content.triage.at(path)
    state = hit[1] if hit else content.triage.step({})
    if isinstance(state, Result):
        screen = outcome_screen(content, run.session, path, state, lang)
        screen = Screen(prefix + screen.text, screen.markup)
    else:
        hint = await _hint(services, run, state, lang)
        screen = ask_screen(
            content, run.session, path, state, lang, mask=mask, hint=hint, prefix=prefix, restart=restart
        )
    message = await turn.show(screen, new=new_message)
    if message is not None and message.message_id != run.message_id:
        # The message the checklist lives in, so expiry can close it in place.
        services.checklists.remember(replace(run, message_id=message.message_id))


async def _hint(services: Services, run: ChecklistRun, ask: Ask, lang: str) -> str:
    """The diary's figures above the criteria they answer; "" when the diary is empty."""
    if not any(item.id in HINTED for item in ask.items):
        return ""
    cached = await services.cached_user(run.user_id)
    return await diary_facts.checklist_hint(services, run.user_id, lang, "long_lasting", cached.timezone)


async def _current(services: Services, user_id: int) -> ChecklistRun | None:
    """The user's run unless it has been idle too long (then it ends, as the sweeper would)."""
    store = services.checklists
    run = await store.get(user_id)
    if run is not None and services.now() - run.updated_at > IDLE_SECONDS:
        store.drop(user_id)
        return None
    return run


async def _run_of(turn: Turn, session: str, lang: str) -> ChecklistRun | None:
    """The run a button belongs to. None (with the menu shown) when the user has started another
    since; a run the bot no longer holds (a restart, the expiry) goes on from the button's path."""
    services = turn.services
    run = await _current(services, turn.user_id)
    if run is not None and run.session != session:
        await turn.show(main_screen(turn.content, lang))
        return None
    return run or _new_run(turn, lang, services.now(), session)


def _message_id(update: Update) -> int | None:
    query = update.callback_query
    return query.message.message_id if query is not None and query.message is not None else None


async def check_command(turn: Turn) -> None:
    """/check: a new checklist; after leaving one mid-way, where it was, said so, with Start over."""
    services = turn.services
    run = await _current(services, turn.user_id)
    if run is not None and run.outcome is None and run.answers:
        lang = turn.lang
        path = encode_path(turn.content.triage, run.as_dict)
        resumed = turn.content.text(lang, "triage.resumed") + "\n\n"
        await _show(turn, run, path, lang, new_message=True, prefix=resumed, restart=True)
        return
    await begin(turn, new_message=True)


async def on_start_button(turn: Turn, _: StartChecklist) -> str | None:
    await begin(turn, new_message=False)
    return None


async def _advance(turn: Turn, run: ChecklistRun, path: str, lang: str, *, typed: bool = False) -> None:
    """The answer that makes `path` is given: remember it, and show where it leads."""
    services = turn.services
    hit = turn.content.triage.at(path)
    assert hit is not None
    answers, state = hit
    outcome = state.level if isinstance(state, Result) else None
    message_id = run.message_id if typed else (_message_id(turn.update) or run.message_id)
    run = replace(
        run, answers=tuple(answers.items()), outcome=outcome, updated_at=services.now(), message_id=message_id
    )
    # Nothing is written, the result neither: its buttons (Summary, Remind me) carry its answers.
    # The anonymous counters are committed with the next write or flush (the expiry chore flushes
    # every minute), not by a commit of their own on every result.
    if outcome is None:
        services.checklists.remember(run)
    else:
        # Finished: one queued write, so the report for the doctor and "Remind me" still find
        # the answers after a restart (until the 30 idle minutes end them).
        services.checklists.put(run, Count.CHECKLIST_FINISHED, Family.OUTCOME.of(outcome))
    if outcome is not None:
        await _trace(services, run, answers)
    await _show(turn, run, path, lang, new_message=typed)


def _choice(triage: Triage, ask: Ask, code: str) -> str | None:
    kind = ask.screen.kind
    if kind == "audience":
        audiences = list(triage.audiences)
        return audiences[int(code)] if code.isdigit() and int(code) < len(audiences) else None
    if kind == CONTEXT:
        if len(code) != 2 or not all(c in "0123456789abcdef" for c in code) or int(code, 16) >> len(triage.contexts):
            return None
        return triage.context_answer(set(mask_context(triage, int(code, 16))))
    return CODE_SIGNS.get(code)


async def on_step(turn: Turn, cb: Step) -> str | None:
    content = turn.content
    triage = content.triage
    lang = turn.lang
    hit = triage.at(cb.path)
    state = hit[1] if hit else None
    choice = _choice(triage, state, cb.choice) if isinstance(state, Ask) else None
    if not isinstance(state, Ask) or choice is None:
        return await turn.stale()
    run = await _run_of(turn, cb.session, lang)
    if run is None:
        return content.text(lang, "alerts.checklist_ended")
    await _advance(turn, run, triage.extend(cb.path, state.screen, choice), lang)
    return None


async def on_tick(turn: Turn, cb: ContextTick) -> str | None:
    """A context option ticked or unticked: the same screen in the same message, new ticks."""
    triage = turn.content.triage
    hit = triage.at(cb.path)
    ok = hit is not None and isinstance(hit[1], Ask) and hit[1].screen.kind == CONTEXT
    return await _redraw(turn, cb.session, cb.path, ok and not cb.mask >> len(triage.contexts), mask=cb.mask)


async def on_back(turn: Turn, cb: ChecklistBack) -> str | None:
    hit = turn.content.triage.at(cb.path)
    return await _redraw(turn, cb.session, cb.path, hit is not None and isinstance(hit[1], Ask))


async def _redraw(turn: Turn, session: str, path: str, ok: bool, *, mask: int = 0) -> str | None:
    """Show the screen `path` leads to again (Back, a context tick), as the run's current one."""
    services = turn.services
    if not ok:
        return await turn.stale()
    lang = turn.lang
    run = await _run_of(turn, session, lang)
    if run is None:
        return turn.content.text(lang, "alerts.checklist_ended")
    hit = turn.content.triage.at(path)
    answers = tuple(hit[0].items()) if hit else ()
    run = replace(run, answers=answers, outcome=None, updated_at=services.now())
    services.checklists.remember(run)
    await _show(turn, run, path, lang, mask=mask)
    return None


async def on_cancel(turn: Turn, cb: ChecklistCancel) -> str | None:
    services = turn.services
    content = turn.content
    lang = turn.lang
    run = await _current(services, turn.user_id)
    if run is not None and run.session == cb.session:
        services.checklists.drop(run.user_id)
    await turn.show(main_screen(content, lang, content.text(lang, "checklist.cancelled") + "\n\n"))
    return None


async def on_restart(turn: Turn, _: ChecklistRestart) -> str | None:
    # In a new message: the advice above stays on screen.
    await begin(turn, new_message=True)
    return None


async def on_summary(turn: Turn, cb: ChecklistSummary) -> str | None:
    """A "Summary for my doctor" button from before the report: it opens the report as text."""
    await enter(turn, DoctorReport("text", cb.session))
    return None


# --- typed answers ---------------------------------------------------------------------------


def typed_answer(content: Content, text: str) -> str | None:
    """ "yes", "no", "sì", "non so" (and typos of them), in any language, as an answer; else None."""
    words = fold(text)
    if not words:
        return None
    table = content.derived("triage_typed", lambda: _typed_table(content))
    if words in table:
        return table[words]
    # One or two letters off ("noo", "yse", "non se"): difflib's ratio, measured on the phrases.
    close = difflib.get_close_matches(words, list(table), n=1, cutoff=0.75)
    return table[close[0]] if close else None


def _typed_table(content: Content) -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in content.languages:
        for answer, phrases in content.triage.text[lang].typed.items():
            for phrase in phrases:
                out.setdefault(fold(phrase), answer)
    return out


async def text_mid_checklist(turn: Turn) -> None:
    """Text while a question is open: "yes", "no", "non so" answer it; anything else re-asks."""
    assert turn.user is not None and turn.update.message is not None
    services = turn.services
    content = turn.content
    triage = content.triage
    run = await _current(services, turn.user_id)
    if run is None or run.outcome is not None:
        return  # not in a checklist: let search have it
    lang = turn.lang
    answers = run.as_dict
    state = triage.step(answers)
    answer = typed_answer(content, turn.update.message.text or "")
    if isinstance(state, Ask) and answer is not None:
        choice: str | None = None
        if state.screen.kind == "signs":
            choice = answer
        elif state.screen.kind == CONTEXT and answer == NO:
            choice = triage.context_answer(set())
        if choice is not None:
            path = triage.extend(encode_path(triage, answers), state.screen, choice)
            await _advance(turn, run, path, lang, typed=True)
            raise ApplicationHandlerStop
    reask = content.text(lang, "checklist.reask") + "\n\n"
    await _show(turn, run, encode_path(triage, answers), lang, new_message=True, prefix=reask)
    raise ApplicationHandlerStop


async def _trace(services: Services, run: ChecklistRun, answers: Mapping[str, str]) -> None:
    """Keep the outcome with the content version and the fingerprints of the words behind it
    (every sign shown, every context ticked, the disposition), so a safety notice can reach this
    user if one of them is corrected (storage/outcomes.py). Not fsynced on its own (the next
    durable commit syncs it): a power cut can lose the trace of the last outcomes, never advice."""
    assert run.outcome is not None
    content = services.content
    triage = content.triage
    ids = (*triage.item_answers(dict(answers)), *triage.ticked(answers.get(CONTEXT, "none")), run.outcome)
    record = partial(
        outcomes.record,
        user_id=run.user_id,
        finished_at=services.now(),
        language=run.language,
        outcome=run.outcome,
        version=content.fingerprint,
        # The same path traces the same items: built once per content (a walk of ~530 items).
        items=content.derived(("outcome_trace", *ids), lambda: trace(content, ids)),
    )
    # Queued, not awaited here (bot/features/checklist/state.py says why).
    services.queue(TraceQueue, TraceQueue).writes.append(record)


async def purge_outcomes(services: Services, bot: Bot) -> int:
    """Chore: outcomes are kept as long as diary entries (DIARY_RETENTION_DAYS), then deleted."""
    await services.queue(TraceQueue, TraceQueue).try_flush()  # queued traces age like the rest
    before = services.now() - services.settings.diary_retention_days * 86400
    return await services.db.run(outcomes.purge_older, before)


async def expire_idle(services: Services, bot: Bot) -> int:
    """End checklists idle for 30 minutes: forget the answers, close the message in place."""
    await services.queue(TraceQueue, TraceQueue).try_flush()
    runs = await services.checklists.take_idle(services.now() - IDLE_SECONDS)
    content = services.content
    for run in runs:
        if run.outcome is not None or run.message_id is None:
            continue  # finished: the result stays on screen; its buttons now say "ended"
        lang = run.language if run.language in content.languages else content.default_language
        try:
            await bot.edit_message_text(
                content.text(lang, "checklist.expired"), chat_id=run.chat_id, message_id=run.message_id
            )
        except Exception as exc:  # the note is a courtesy; the answers are already gone
            log.debug("could not close an expired checklist message: %s", exc)
    return len(runs)
