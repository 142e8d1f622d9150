"""A check-in's answers: Better, About the same, Worse (and its emergency-sign question), Snooze."""

from __future__ import annotations

from bot.core.turn import Turn
from bot.features.reminders.callbacks import (
    CheckinBetter,
    CheckinSame,
    CheckinWorse,
    Snooze,
    WorseAnswer,
)
from bot.features.reminders.handlers import schedule_followup
from bot.features.reminders.messages import checkin_result
from bot.features.reminders.screens import checkin_text, worse_screen
from bot.ui.callbacks import AddFollowup, StartChecklist
from bot.ui.keyboards import Screen, button, main_menu_button, markup
from content.triage import NO, UNSURE, WHO, YES, Result
from storage import stats
from storage.stats import Count


async def on_better(turn: Turn, cb: CheckinBetter) -> str | None:
    services = turn.services
    content = turn.content
    lang = turn.lang
    await services.db.run(stats.bump, Count.CHECKIN_BETTER, durable=False)
    # Never "you are fine": what should make them get help sooner follows the good news.
    text = checkin_text(content, lang, "better", checkin_result(content, cb.path))
    await turn.show(Screen(text, markup([[main_menu_button(content, lang)]])))
    return None


async def on_same(turn: Turn, cb: CheckinSame) -> str | None:
    services = turn.services
    content = turn.content
    lang = turn.lang
    await services.db.run(stats.bump, Count.CHECKIN_SAME, durable=False)
    keyboard = [
        [button(content.text(lang, "btn.check_again"), StartChecklist())],
        [button(content.text(lang, "btn.new_followup"), AddFollowup())],
        [main_menu_button(content, lang)],
    ]
    text = checkin_text(content, lang, "same", checkin_result(content, cb.path))
    await turn.show(Screen(text, markup(keyboard)))
    return None


async def on_worse(turn: Turn, cb: CheckinWorse) -> str | None:
    services = turn.services
    await services.db.run(stats.bump, Count.CHECKIN_WORSE, durable=False)
    await turn.show(worse_screen(turn.content, turn.lang, cb.reminder_id, cb.path))
    return None


async def on_worse_answer(turn: Turn, cb: WorseAnswer) -> str | None:
    services = turn.services
    content = turn.content
    triage = content.triage
    if cb.answer not in (YES, NO, UNSURE):
        return await turn.stale()
    lang = turn.lang
    earlier = checkin_result(content, cb.path)
    audience = earlier.audience if earlier else next(iter(triage.audiences))
    if cb.answer != NO:
        # A time-critical sign (or not sure of one): the red screen's answer, as the checklist gives it.
        await services.db.run(stats.bump, Count.CHECKIN_WORSE_EMERGENCY, durable=False)
        result = triage.step({WHO: audience, "red": cb.answer})
        assert isinstance(result, Result)
        await turn.show(Screen(triage.outcome_text(result, lang), markup([[main_menu_button(content, lang)]])))
        return None
    # No time-critical sign: the checklist again (it says how soon) and a sooner check-in, with
    # the safety-netting of "get help today" at least: worse spasms are never weaker than Same.
    sooner = [
        button(content.text(lang, f"reminders.sooner.{s.id}"), Snooze(cb.reminder_id, s.id))
        for s in content.reminders.snoozes
    ]
    keyboard = markup(
        [[button(content.text(lang, "btn.check_again"), StartChecklist())]],
        [[b] for b in sooner],
        [[main_menu_button(content, lang)]],
    )
    level = triage.higher(earlier.level if earlier else "today", "today")
    text = content.text(lang, "triage.worse_next") + "\n\n" + triage.safety_net(level, audience, lang)
    await turn.show(Screen(text, keyboard))
    return None


async def on_snooze(turn: Turn, cb: Snooze) -> str | None:
    snooze = turn.content.reminders.snooze(cb.snooze)
    return await schedule_followup(turn, snooze.hours if snooze else None, snoozed=True)
