"""Reminders, the user's side: list, create, cancel, answer a check-in, snooze, stop.

Delivery is delivery.py's job; this module only writes rows to the outbox and wakes it.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus

from bot.core.turn import Turn
from bot.features.reminders.callbacks import (
    AddDaily,
    CancelReminder,
    ChangeDaily,
    CheckinBetter,
    CheckinSame,
    CheckinWorse,
    ChooseZone,
    KeepReminders,
    PickDelay,
    PickHour,
    PickTime,
    Snooze,
    StopAllConfirmed,
    StopDaily,
    StopReminders,
    UndoDelete,
    WorseAnswer,
)
from bot.features.reminders.messages import checkin_result
from bot.features.reminders.schedule import next_daily
from bot.features.reminders.timezone import kind_screen, timezone_screen
from bot.infra import timezones
from bot.infra.services import BotContext, Services
from bot.ui.callbacks import AddFollowup, OpenReminders, PickKind, StartChecklist
from bot.ui.dates import when, zone_of
from bot.ui.keyboards import Button, Screen, button, main_menu_button, markup, rows
from bot.ui.labels import reminder_button_label, reminder_label
from bot.ui.screens import escape
from content.model import Content
from content.triage import NO, UNSURE, WHO, YES, Ask, Result
from storage import places, stats
from storage import reminders as outbox
from storage.reminders import DailyPayload, FollowupPayload, Payload, Reminder
from storage.stats import Count

# Two follow-ups due this close together are the same check-in asked twice.
DUPLICATE_WITHIN = 30 * 60

# --- screens -------------------------------------------------------------------------------


def list_screen(
    content: Content,
    lang: str,
    active: list[Reminder],
    timezone: str | None,
    now: float,
    prefix: str = "",
    top: list[list[Button]] | None = None,
) -> Screen:
    lines = [content.text(lang, "reminders.menu_title")]
    if active:
        lines += [reminder_label(content, lang, r, timezone, now) for r in active]
    else:
        lines.append(content.text(lang, "reminders.none"))
    cancel_buttons = [
        button(
            content.text(
                lang,
                "btn.cancel_reminder",
                label=_shorten(reminder_button_label(content, lang, r, timezone), 34),
            ),
            CancelReminder(r.id),
        )
        for r in active
    ]
    changes = [
        button(
            content.text(
                lang, "userdata.btn_change_time", label=_shorten(reminder_button_label(content, lang, r, timezone), 34)
            ),
            ChangeDaily(r.id),
        )
        for r in active
        if isinstance(r.payload, DailyPayload)
    ]
    adds = [
        [button(content.text(lang, "btn.add_followup"), AddFollowup())],
        [button(content.text(lang, "btn.add_daily"), AddDaily())],
    ]
    return Screen(
        prefix + "\n".join(lines),
        markup(
            top or [],
            rows(cancel_buttons),
            rows(changes),
            adds,
            # Moved, or on a fixed offset: the zone can be changed here too (pending dailies follow).
            [[button(content.text(lang, "btn.set_timezone"), ChooseZone())]] if timezone else [],
            [[main_menu_button(content, lang)]],
        ),
    )


def delay_screen(content: Content, lang: str, path: str = "") -> Screen:
    delays = [
        button(content.text(lang, f"reminders.delay.{d.id}"), PickDelay(d.id, path))
        for d in content.reminders.followup_delays
    ]
    return Screen(
        content.text(lang, "reminders.ask_delay"),
        markup([delays], [[main_menu_button(content, lang)]]),
    )


def done_screen(content: Content, lang: str, text: str, *, ask_zone: bool = False) -> Screen:
    """`ask_zone`: the time shown was read in a guessed zone; one tap sets the real one."""
    return Screen(
        text,
        markup(
            [[button(content.text(lang, "userdata.btn_zone"), ChooseZone())]] if ask_zone else [],
            [
                [
                    button(content.button_label("@reminders", lang), OpenReminders()),
                    main_menu_button(content, lang),
                ]
            ],
        ),
    )


def _minute_of(hhmm: str) -> int:
    hour, minute = hhmm.split(":")
    return int(hour) * 60 + int(minute)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def time_screen(content: Content, lang: str, kind: str, zone_label: str, replace: int = 0) -> Screen:
    """The usual times in one tap, or any hour (then its minutes): any time of day."""
    times = [button(t, PickTime(kind, _minute_of(t), replace)) for t in content.reminders.daily_times]
    hours = [button(f"{h:02d}", PickHour(kind, h, replace)) for h in range(24)]
    return Screen(
        content.text(lang, "reminders.daily_ask_time", zone=escape(zone_label)),
        markup(rows(times, 4), rows(hours, 6), [[main_menu_button(content, lang)]]),
    )


def minute_screen(content: Content, lang: str, kind: str, hour: int, replace: int = 0) -> Screen:
    minutes = [button(f":{m:02d}", PickTime(kind, hour * 60 + m, replace)) for m in range(0, 60, 5)]
    return Screen(
        content.text(lang, "userdata.ask_minute", hour=f"{hour:02d}"),
        markup(rows(minutes, 6), [[main_menu_button(content, lang)]]),
    )


# --- handlers ------------------------------------------------------------------------------


async def _list(turn: Turn, *, new: bool, prefix: str = "") -> None:
    services = turn.services
    active = await services.db.read(outbox.list_active, turn.user_id)
    cached = await services.cached_user(turn.user_id)
    await turn.show(list_screen(turn.content, turn.lang, active, cached.timezone, services.now(), prefix), new=new)


async def on_open(turn: Turn, _: OpenReminders) -> str | None:
    await _list(turn, new=False)
    return None


async def on_add_followup(turn: Turn, cb: AddFollowup) -> str | None:
    lang = turn.lang
    await turn.show(delay_screen(turn.content, lang, cb.path), new=cb.new)
    return None


async def on_delay(turn: Turn, cb: PickDelay) -> str | None:
    delay = turn.content.reminders.delay(cb.delay)
    return await _followup(turn, delay.hours if delay else None, snoozed=False, path=cb.path)


async def _followup(turn: Turn, hours: float | None, *, snoozed: bool, path: str = "") -> str | None:
    """A check-in `hours` from now (a follow-up chosen from the menu or the checklist, or a
    snoozed check-in): saved, then confirmed with its local time. None hours: a stale button."""
    services = turn.services
    content = turn.content
    user, chat = turn.user, turn.chat
    if hours is None or user is None or chat is None:
        return await turn.stale()
    lang = turn.lang
    now = services.now()
    due = now + int(hours * 3600)
    payload = FollowupPayload(lang=lang, asked_at=now)
    # From the checklist's result, its buttons carry its answers (a short path): the check-in words
    # its reasons and its advice from them. The run in memory is forgotten: it has served.
    result = checkin_result(content, path) if path and not snoozed else None
    run = None if snoozed else await services.checklists.get(user.id)
    if result is not None:
        payload = FollowupPayload(lang=lang, asked_at=now, outcome=result.level, path=path)
    cached = await services.cached_user(user.id)
    twin = await services.db.read(outbox.followup_due_near, user.id, due, DUPLICATE_WITHIN)
    if twin is not None:
        # The same check-in twice (a double tap, or asked again): one is enough.
        text = content.text(
            lang, "userdata.duplicate_followup", when=when(content, lang, twin.due_at, cached.timezone, now)
        )
        await turn.show(done_screen(content, lang, text))
        return None
    if not await _insert(turn, lang, due=due, payload=payload):
        return None
    if run is not None:
        services.checklists.drop(user.id)
    key = "reminders.snoozed" if snoozed else "reminders.created_followup"
    text = content.text(lang, key, when=when(content, lang, due, cached.timezone, now))
    await turn.show(done_screen(content, lang, text, ask_zone=zone_of(cached.timezone) is None))
    return None


async def on_add_daily(turn: Turn, _: AddDaily) -> str | None:
    services = turn.services
    lang = turn.lang
    count = await services.db.read(outbox.active_count, turn.user_id)
    if count >= turn.content.reminders.max_active:
        await _show_limit(turn, lang)
        return None
    cached = await services.cached_user(turn.user_id)
    if zone_of(cached.timezone) is None:
        await turn.show(timezone_screen(turn.content, lang))
    else:
        await turn.show(kind_screen(turn.content, lang))
    return None


async def on_kind(turn: Turn, cb: PickKind) -> str | None:
    services = turn.services
    if cb.kind not in turn.content.reminders.daily_kinds:
        return await turn.stale()
    cached = await services.cached_user(turn.user_id)
    if zone_of(cached.timezone) is None:
        await turn.show(timezone_screen(turn.content, turn.lang))
        return None
    assert cached.timezone is not None
    label = await _zone_label(services, turn.user_id, cached.timezone, turn.lang)
    await turn.show(time_screen(turn.content, turn.lang, cb.kind, label))
    return None


async def on_time(turn: Turn, cb: PickTime) -> str | None:
    services = turn.services
    content = turn.content
    user, chat = turn.user, turn.chat
    hhmm = _hhmm(cb.minute)
    if cb.kind not in content.reminders.daily_kinds or not 0 <= cb.minute < 24 * 60 or user is None or chat is None:
        return await turn.stale()
    lang = turn.lang
    cached = await services.cached_user(user.id)
    if zone_of(cached.timezone) is None:
        await turn.show(timezone_screen(content, lang))
        return None
    assert cached.timezone is not None
    now = services.now()
    due = next_daily(now, hhmm, cached.timezone)
    replaced = cb.replace and await services.db.run(outbox.cancel, user.id, cb.replace)
    if not await _insert(turn, lang, due=due, payload=DailyPayload(kind=cb.kind, time=hhmm, lang=lang)):
        return None
    if replaced:
        kind = content.text(lang, f"reminders.kind.{cb.kind}")
        text = content.text(lang, "userdata.changed_time", label=kind, time=hhmm)
        await turn.show(done_screen(content, lang, text))
        return None
    text = content.text(
        lang,
        "reminders.created_daily",
        time=hhmm,
        zone=escape(await _zone_label(services, user.id, cached.timezone, lang)),
        kind=content.text(lang, f"reminders.kind.{cb.kind}"),
    )
    await turn.show(done_screen(content, lang, text))
    return None


async def on_cancel(turn: Turn, cb: CancelReminder) -> str | None:
    """ "🗑 Delete: …": deleted, said in words on the list, with Undo under it."""
    services = turn.services
    content = turn.content
    user_id = turn.user_id
    lang = turn.lang
    reminder = await services.db.read(outbox.get, cb.reminder_id)
    done = await services.db.run(outbox.cancel, user_id, cb.reminder_id)
    if not done or reminder is None or reminder.user_id != user_id:
        await _list(turn, new=False)
        return content.text(lang, "alerts.reminder_gone")
    cached = await services.cached_user(user_id)
    label = reminder_button_label(content, lang, reminder, cached.timezone)
    active = await services.db.read(outbox.list_active, user_id)
    undo = [[button(content.text(lang, "userdata.btn_undo"), UndoDelete(cb.reminder_id))]]
    prefix = content.text(lang, "userdata.deleted", label=label) + "\n\n"
    await turn.show(list_screen(content, lang, active, cached.timezone, services.now(), prefix, top=undo))
    return None


async def on_undo_delete(turn: Turn, cb: UndoDelete) -> str | None:
    services = turn.services
    content = turn.content
    user_id = turn.user_id
    lang = turn.lang
    restored = await services.db.run(
        outbox.restore, user_id, cb.reminder_id, services.now(), content.reminders.max_active
    )
    if restored is None:
        await _list(turn, new=False)
        return content.text(lang, "userdata.restore_gone")
    services.wake_delivery()
    cached = await services.cached_user(user_id)
    label = reminder_button_label(content, lang, restored, cached.timezone)
    await _list(turn, new=False, prefix=content.text(lang, "userdata.restored", label=label) + "\n\n")
    return None


async def on_change_daily(turn: Turn, cb: ChangeDaily) -> str | None:
    services = turn.services
    reminder = await services.db.read(outbox.get, cb.reminder_id)
    cached = await services.cached_user(turn.user_id)
    if (
        reminder is None
        or reminder.user_id != turn.user_id
        or not isinstance(reminder.payload, DailyPayload)
        or reminder.status not in outbox.ACTIVE
        or cached.timezone is None
    ):
        return await turn.stale()
    lang = turn.lang
    label = await _zone_label(services, turn.user_id, cached.timezone, lang)
    await turn.show(time_screen(turn.content, lang, reminder.payload.kind, label, reminder.id))
    return None


async def on_hour(turn: Turn, cb: PickHour) -> str | None:
    content = turn.content
    if cb.kind not in content.reminders.daily_kinds or not 0 <= cb.hour < 24:
        return await turn.stale()
    lang = turn.lang
    await turn.show(minute_screen(content, lang, cb.kind, cb.hour, cb.replace))
    return None


def _checkin_text(content: Content, lang: str, kind: str, result: Result | None) -> str:
    """Better, Same or Worse after the earlier outcome ("if you have not been checked for … yet,
    still do it today"), then every sign of a higher level than that outcome."""
    triage = content.triage
    level = result.level if result else triage.levels[0]
    audience = result.audience if result else next(iter(triage.audiences))
    words = triage.text[lang]
    template: str = getattr(words.checkins[level], kind)
    reasons = triage.reason_words(result.reasons, lang) if result else ""
    text = template.replace("{reasons}", reasons).replace("{criteria}", words.criteria)
    net = triage.safety_net(level, audience, lang)
    return text + ("\n\n" + net if net else "")


async def on_better(turn: Turn, cb: CheckinBetter) -> str | None:
    services = turn.services
    content = turn.content
    lang = turn.lang
    await services.db.run(stats.bump, Count.CHECKIN_BETTER, durable=False)
    # Never "you are fine": what should make them get help sooner follows the good news.
    text = _checkin_text(content, lang, "better", checkin_result(content, cb.path))
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
    text = _checkin_text(content, lang, "same", checkin_result(content, cb.path))
    await turn.show(Screen(text, markup(keyboard)))
    return None


def worse_screen(content: Content, lang: str, reminder_id: int, path: str) -> Screen:
    """ "Worse": what the earlier outcome said, then the time-critical signs, in one question."""
    triage = content.triage
    result = checkin_result(content, path)
    audience = result.audience if result else next(iter(triage.audiences))
    red = next(s for s in triage.screens if s.kind == "signs")
    ask = Ask(red, triage.items_on(red.id, audience, ()), 1, audience)
    words = triage.text[lang]
    text = words.checkins[result.level if result else triage.levels[0]].worse
    answers = [button(words.answers[a], WorseAnswer(reminder_id, a, path)) for a in (YES, NO, UNSURE)]
    return Screen(f"{text}\n\n{triage.screen_text(ask, lang)}", markup([answers], [[main_menu_button(content, lang)]]))


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
    return await _followup(turn, snooze.hours if snooze else None, snoozed=True)


async def on_stop(turn: Turn, _: StopReminders) -> str | None:
    """ "Stop all reminders": asks once, listing what would stop (a new message: the reminder
    it was tapped under stays readable)."""
    services = turn.services
    content = turn.content
    user_id = turn.user_id
    lang = turn.lang
    active = await services.db.read(outbox.list_active, user_id)
    if not active:
        await turn.show(done_screen(content, lang, content.text(lang, "reminders.none")), new=True)
        return None
    cached = await services.cached_user(user_id)
    listed = "\n".join(reminder_label(content, lang, r, cached.timezone, services.now()) for r in active)
    keyboard = markup(
        [[button(content.text(lang, "userdata.btn_stop_all_yes", n=len(active)), StopAllConfirmed())]],
        [[button(content.text(lang, "userdata.btn_keep"), KeepReminders())]],
    )
    text = content.text(lang, "userdata.stop_all_ask", n=len(active), list=listed)
    await turn.show(Screen(text, keyboard), new=True)
    return None


async def on_stop_all(turn: Turn, _: StopAllConfirmed) -> str | None:
    services = turn.services
    lang = turn.lang
    stopped = await services.db.run(outbox.cancel_all, turn.user_id)
    text = turn.content.text(lang, "userdata.stopped_all", n=stopped)
    await turn.show(done_screen(turn.content, lang, text))
    return None


async def on_keep(turn: Turn, _: KeepReminders) -> str | None:
    lang = turn.lang
    await turn.show(done_screen(turn.content, lang, turn.content.text(lang, "userdata.kept")))
    return None


async def on_stop_daily(turn: Turn, cb: StopDaily) -> str | None:
    """ "Stop this reminder" under a daily one: that one, nothing else."""
    services = turn.services
    content = turn.content
    if cb.kind not in content.reminders.daily_kinds or not 0 <= cb.minute < 24 * 60:
        return await turn.stale()
    lang = turn.lang
    hhmm = _hhmm(cb.minute)
    stopped = await services.db.run(outbox.cancel_daily, turn.user_id, cb.kind, hhmm)
    if not stopped:
        return content.text(lang, "alerts.reminder_gone")
    label = content.text(lang, "reminders.item_daily", time=hhmm, kind=content.text(lang, f"reminders.kind.{cb.kind}"))
    text = content.text(lang, "userdata.stopped_one", label=label.lstrip("• "))
    await turn.show(done_screen(content, lang, text), new=True)
    return None


async def _zone_label(services: Services, user_id: int, zone: str, lang: str) -> str:
    """The user's own place ("Milano, Italia") when it was chosen for this zone, else the zone's
    label ("Roma, Italia")."""
    place = await services.db.read(places.get, user_id)
    own = place.label(lang) if place is not None and place.zone == zone else None
    return own or timezones.label(zone, lang)


# --- blocked / unblocked -------------------------------------------------------------------


async def on_my_chat_member(update: Update, ctx: BotContext) -> None:
    member = update.my_chat_member
    if member is None or member.chat.type != "private":
        return
    status = member.new_chat_member.status
    if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        await ctx.services.mark_blocked(member.from_user.id)
    elif status == ChatMemberStatus.MEMBER:
        services = ctx.services
        await services.cached_user(member.from_user.id, force=True)  # touch: reactivates
        services.wake_delivery()


async def _insert(turn: Turn, lang: str, *, due: int, payload: Payload) -> bool:
    """Save a reminder; at the limit, tell the user and return False, else wake delivery."""
    services = turn.services
    user, chat = turn.user, turn.chat
    assert user is not None and chat is not None
    now = services.now()
    reminder_id = await services.db.run(
        lambda conn: outbox.create(
            conn,
            user_id=user.id,
            chat_id=chat.id,
            due_at=due,
            payload=payload,
            now=now,
            max_active=turn.content.reminders.max_active,
        )
    )
    if reminder_id is None:
        await _show_limit(turn, lang)
        return False
    services.wake_delivery()
    return True


async def _show_limit(turn: Turn, lang: str) -> None:
    content = turn.content
    text = content.text(lang, "reminders.limit", max=content.reminders.max_active)
    await turn.show(done_screen(content, lang, text))


def _shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word and marked with "…" (not "Stre")."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" :,")
    return cut + "…"
