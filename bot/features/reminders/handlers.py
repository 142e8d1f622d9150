"""Reminders, the user's side: list, create (a follow-up check-in, a daily reminder), delete and undo, stop.
A check-in's answers are checkins.py's; the screens, screens.py's.

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
    KeepReminders,
    PickDelay,
    PickHour,
    PickTime,
    StopAllConfirmed,
    StopDaily,
    StopReminders,
    UndoDelete,
)
from bot.features.reminders.messages import checkin_result
from bot.features.reminders.schedule import next_daily
from bot.features.reminders.screens import (
    as_hhmm,
    delay_screen,
    done_screen,
    kind_screen,
    list_screen,
    minute_screen,
    time_screen,
    timezone_screen,
)
from bot.infra import timezones
from bot.infra.services import BotContext, Services
from bot.ui.callbacks import AddFollowup, OpenReminders, PickKind
from bot.ui.dates import when, zone_of
from bot.ui.keyboards import Screen, button, markup
from bot.ui.labels import reminder_button_label, reminder_label
from bot.ui.screens import escape
from storage import places
from storage import reminders as outbox
from storage.reminders import DailyPayload, FollowupPayload, Payload

# Two follow-ups due this close together are the same check-in asked twice.
DUPLICATE_WITHIN = 30 * 60


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
    return await schedule_followup(turn, delay.hours if delay else None, snoozed=False, path=cb.path)


async def schedule_followup(turn: Turn, hours: float | None, *, snoozed: bool, path: str = "") -> str | None:
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
    hhmm = as_hhmm(cb.minute)
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
    hhmm = as_hhmm(cb.minute)
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
