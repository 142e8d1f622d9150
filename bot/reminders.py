"""Reminders, the user's side: list, create, cancel, answer a check-in, snooze, stop.

Delivery is bot/dispatcher.py's job; this module only writes rows to the outbox and wakes it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import Application, ChatMemberHandler, CommandHandler

from bot.callbacks import Act, Rem
from bot.keyboards import Screen, button, main_menu_button, markup, rows
from bot.menu import PRIVATE, show_stale
from bot.replies import show
from bot.services import BotContext, Services
from content.model import Content
from storage import reminders as outbox
from storage import stats, users
from storage.reminders import Reminder


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("reminders", reminders_command, filters=PRIVATE))
    app.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))


def routes() -> dict[type, Any]:
    return {Rem: on_rem}


def actions() -> dict[str, Any]:
    return {"reminders": on_reminders_button}


# --- time ----------------------------------------------------------------------------------


def zone_of(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (KeyError, ValueError):
        return None


def format_when(ts: float, timezone: str | None) -> str:
    zone = zone_of(timezone)
    if zone is None:
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return datetime.fromtimestamp(ts, zone).strftime("%Y-%m-%d %H:%M")


def next_daily(after: float, hhmm: str, timezone: str) -> int:
    """The first local HH:MM strictly after `after`, as UTC seconds (right across DST)."""
    zone = ZoneInfo(timezone)
    hour, minute = (int(x) for x in hhmm.split(":"))
    local = datetime.fromtimestamp(after, zone)
    for days in range(3):
        day = local.date() + timedelta(days=days)
        candidate = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
        if candidate.timestamp() > after:
            return int(candidate.timestamp())
    raise AssertionError("a local time recurs within three days")


# --- screens -------------------------------------------------------------------------------


def item_label(content: Content, lang: str, reminder: Reminder, timezone: str | None) -> str:
    if reminder.kind == "daily":
        kind = content.text(lang, f"reminders.kind.{reminder.payload.get('kind', 'stretch')}")
        return content.text(lang, "reminders.item_daily", time=reminder.payload.get("time", "?"), kind=kind)
    return content.text(lang, "reminders.item_followup", when=format_when(reminder.due_at, timezone))


def list_screen(content: Content, lang: str, active: list[Reminder], timezone: str | None, prefix: str = "") -> Screen:
    lines = [content.text(lang, "reminders.menu_title")]
    if active:
        lines += [item_label(content, lang, r, timezone) for r in active]
    else:
        lines.append(content.text(lang, "reminders.none"))
    cancel_buttons = [
        button(
            content.text(
                lang,
                "btn.cancel_reminder",
                label=item_label(content, lang, r, timezone).lstrip("• ")[:24],
            ),
            Rem("cancel", str(r.id)),
        )
        for r in active
    ]
    adds = [
        [button(content.text(lang, "btn.add_followup"), Rem("add"))],
        [button(content.text(lang, "btn.add_daily"), Rem("daily"))],
    ]
    return Screen(
        prefix + "\n".join(lines),
        markup(rows(cancel_buttons), adds, [[main_menu_button(content, lang)]]),
    )


def delay_screen(content: Content, lang: str) -> Screen:
    delays = [
        button(content.text(lang, f"reminders.delay.{d.id}"), Rem("delay", d.id))
        for d in content.reminders.followup_delays
    ]
    return Screen(
        content.text(lang, "reminders.ask_delay"),
        markup([delays], [[main_menu_button(content, lang)]]),
    )


def done_screen(content: Content, lang: str, text: str) -> Screen:
    return Screen(
        text,
        markup(
            [
                [
                    button(content.button_label("@reminders", lang), Act("reminders")),
                    main_menu_button(content, lang),
                ]
            ]
        ),
    )


def timezone_screen(content: Content, lang: str) -> Screen:
    zones = [button(z.replace("_", " "), Rem("tz", z)) for z in content.reminders.timezones]
    return Screen(
        content.text(lang, "reminders.tz_ask"),
        markup(
            rows(zones, 2),
            [[button(content.text(lang, "btn.timezone_by_time"), Rem("tztime"))]],
            [[main_menu_button(content, lang)]],
        ),
    )


def offset_screen(content: Content, lang: str, now: float) -> Screen:
    """'What time is it for you now?': one button per UTC offset, labelled with that local time."""
    choices = []
    for offset in range(-11, 13):  # 24 distinct local times
        local = datetime.fromtimestamp(now, UTC) + timedelta(hours=offset)
        choices.append(button(local.strftime("%H:%M"), Rem("tzoff", f"{offset:+d}")))
    return Screen(
        content.text(lang, "reminders.tz_ask_time"),
        markup(rows(choices, 4), [[main_menu_button(content, lang)]]),
    )


def kind_screen(content: Content, lang: str) -> Screen:
    kinds = [button(content.text(lang, f"reminders.kind.{k}"), Rem("kind", k)) for k in content.reminders.daily_kinds]
    return Screen(
        content.text(lang, "reminders.daily_ask_kind"),
        markup([kinds], [[main_menu_button(content, lang)]]),
    )


def time_screen(content: Content, lang: str, kind: str, timezone: str) -> Screen:
    times = [button(t, Rem("time", f"{kind}.{t.replace(':', '')}")) for t in content.reminders.daily_times]
    return Screen(
        content.text(lang, "reminders.daily_ask_time", zone=timezone),
        markup(rows(times, 4), [[main_menu_button(content, lang)]]),
    )


# --- handlers ------------------------------------------------------------------------------


async def _list(update: Update, ctx: BotContext, *, new: bool, prefix: str = "") -> None:
    services = ctx.services
    assert update.effective_user is not None
    lang = await services.user_language(update)
    active = await services.db.read(outbox.list_active, update.effective_user.id)
    cached = await services.cached_user(update.effective_user.id)
    await show(update, ctx, list_screen(services.content, lang, active, cached.timezone, prefix), new=new)


async def reminders_command(update: Update, ctx: BotContext) -> None:
    await _list(update, ctx, new=True)


async def on_reminders_button(update: Update, ctx: BotContext, _: object) -> str | None:
    await _list(update, ctx, new=False)
    return None


async def show_delay_picker(update: Update, ctx: BotContext, lang: str) -> None:
    await show(update, ctx, delay_screen(ctx.services.content, lang))


async def on_rem(update: Update, ctx: BotContext, cb: Rem) -> str | None:
    handler = _OPS.get(cb.op)
    if handler is None:
        return await show_stale(update, ctx)
    result: str | None = await handler(update, ctx, cb.arg)
    return result


async def _menu(update: Update, ctx: BotContext, _: str) -> str | None:
    await _list(update, ctx, new=False)
    return None


async def _add(update: Update, ctx: BotContext, _: str) -> str | None:
    await show_delay_picker(update, ctx, await ctx.services.user_language(update))
    return None


async def _delay(update: Update, ctx: BotContext, arg: str) -> str | None:
    services = ctx.services
    content = services.content
    delay = content.reminders.delay(arg)
    user, chat = update.effective_user, update.effective_chat
    if delay is None or user is None or chat is None:
        return await show_stale(update, ctx)
    lang = await services.user_language(update)
    now = services.now()
    due = now + int(delay.hours * 3600)

    # A follow-up after the checklist remembers what it follows up (reasons only), and the
    # checklist answers themselves are dropped once the reminder is saved: they have served.
    run = await services.checklists.get(user.id)
    payload: dict[str, Any] = {"lang": lang, "asked_at": now}
    if run is not None and run.outcome is not None:
        payload["reasons"] = [q.id for q in content.checklist.reasons(run.as_dict)]
        payload["outcome"] = run.outcome
    if not await _insert(update, ctx, lang, kind="followup", due=due, payload=payload):
        return None
    if run is not None:
        services.checklists.drop(user.id)
    cached = await services.cached_user(user.id)
    text = content.text(lang, "reminders.created_followup", when=format_when(due, cached.timezone))
    await show(update, ctx, done_screen(content, lang, text))
    return None


async def _daily(update: Update, ctx: BotContext, _: str) -> str | None:
    services = ctx.services
    assert update.effective_user is not None
    lang = await services.user_language(update)
    count = await services.db.read(outbox.active_count, update.effective_user.id)
    if count >= services.content.reminders.max_active:
        await _show_limit(update, ctx, lang)
        return None
    cached = await services.cached_user(update.effective_user.id)
    if zone_of(cached.timezone) is None:
        await show(update, ctx, timezone_screen(services.content, lang))
    else:
        await show(update, ctx, kind_screen(services.content, lang))
    return None


async def _set_zone(update: Update, ctx: BotContext, zone: str) -> str | None:
    services = ctx.services
    assert update.effective_user is not None
    await services.db.run(users.set_timezone, update.effective_user.id, zone, services.now())
    services.update_cached(update.effective_user.id, timezone=zone)
    lang = await services.user_language(update)
    screen = kind_screen(services.content, lang)
    prefix = services.content.text(lang, "reminders.tz_set", zone=zone.replace("_", " "))
    await show(update, ctx, Screen(prefix + "\n\n" + screen.text, screen.markup))
    return None


async def _tz(update: Update, ctx: BotContext, arg: str) -> str | None:
    if arg not in ctx.services.content.reminders.timezones:
        return await show_stale(update, ctx)
    return await _set_zone(update, ctx, arg)


async def _tz_by_time(update: Update, ctx: BotContext, _: str) -> str | None:
    lang = await ctx.services.user_language(update)
    await show(update, ctx, offset_screen(ctx.services.content, lang, ctx.services.clock.now()))
    return None


async def _tz_offset(update: Update, ctx: BotContext, arg: str) -> str | None:
    try:
        offset = int(arg)
    except ValueError:
        return await show_stale(update, ctx)
    if not -12 <= offset <= 14:
        return await show_stale(update, ctx)
    # POSIX-style names invert the sign: UTC+2 is Etc/GMT-2. Fixed offsets do not follow
    # daylight saving, which is why the list of real zones is offered first.
    zone = "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"
    return await _set_zone(update, ctx, zone)


async def _kind(update: Update, ctx: BotContext, arg: str) -> str | None:
    services = ctx.services
    assert update.effective_user is not None
    if arg not in services.content.reminders.daily_kinds:
        return await show_stale(update, ctx)
    lang = await services.user_language(update)
    cached = await services.cached_user(update.effective_user.id)
    if zone_of(cached.timezone) is None:
        await show(update, ctx, timezone_screen(services.content, lang))
        return None
    assert cached.timezone is not None
    await show(update, ctx, time_screen(services.content, lang, arg, cached.timezone))
    return None


async def _time(update: Update, ctx: BotContext, arg: str) -> str | None:
    services = ctx.services
    content = services.content
    user, chat = update.effective_user, update.effective_chat
    kind, _, raw = arg.partition(".")
    hhmm = f"{raw[:2]}:{raw[2:]}"
    if (
        kind not in content.reminders.daily_kinds
        or hhmm not in content.reminders.daily_times
        or user is None
        or chat is None
    ):
        return await show_stale(update, ctx)
    lang = await services.user_language(update)
    cached = await services.cached_user(user.id)
    if zone_of(cached.timezone) is None:
        await show(update, ctx, timezone_screen(content, lang))
        return None
    assert cached.timezone is not None
    now = services.now()
    due = next_daily(now, hhmm, cached.timezone)
    if not await _insert(update, ctx, lang, kind="daily", due=due, payload={"kind": kind, "time": hhmm, "lang": lang}):
        return None
    text = content.text(
        lang,
        "reminders.created_daily",
        time=hhmm,
        zone=cached.timezone.replace("_", " "),
        kind=content.text(lang, f"reminders.kind.{kind}"),
    )
    await show(update, ctx, done_screen(content, lang, text))
    return None


async def _cancel(update: Update, ctx: BotContext, arg: str) -> str | None:
    services = ctx.services
    assert update.effective_user is not None
    lang = await services.user_language(update)
    done = arg.isdigit() and await services.db.run(outbox.cancel, update.effective_user.id, int(arg))
    await _list(update, ctx, new=False)
    return services.content.text(lang, "reminders.cancelled" if done else "alerts.reminder_gone")


def _split(arg: str) -> tuple[int, str] | None:
    raw_id, _, choice = arg.partition(".")
    return (int(raw_id), choice) if raw_id.isdigit() and choice else None


async def _checkin(update: Update, ctx: BotContext, arg: str) -> str | None:
    services = ctx.services
    content = services.content
    parsed = _split(arg)
    if parsed is None or parsed[1] not in ("b", "s", "w"):
        return await show_stale(update, ctx)
    lang = await services.user_language(update)
    await services.db.run(
        stats.bump, {"b": "checkin_better", "s": "checkin_same", "w": "checkin_worse"}[parsed[1]], durable=False
    )
    if parsed[1] == "b":
        await show(
            update,
            ctx,
            Screen(content.text(lang, "reminders.better"), markup([[main_menu_button(content, lang)]])),
        )
        return None
    keyboard = [
        [button(content.text(lang, "btn.check_again"), Act("checklist"))],
        [button(content.text(lang, "btn.new_followup"), Rem("add"))],
        [main_menu_button(content, lang)],
    ]
    await show(update, ctx, Screen(content.text(lang, "reminders.same_worse"), markup(keyboard)))
    return None


async def _snooze(update: Update, ctx: BotContext, arg: str) -> str | None:
    services = ctx.services
    content = services.content
    parsed = _split(arg)
    snooze = content.reminders.snooze(parsed[1]) if parsed else None
    user, chat = update.effective_user, update.effective_chat
    if parsed is None or snooze is None or user is None or chat is None:
        return await show_stale(update, ctx)
    lang = await services.user_language(update)
    now = services.now()
    due = now + int(snooze.hours * 3600)
    if not await _insert(update, ctx, lang, kind="followup", due=due, payload={"lang": lang, "snoozed": parsed[0]}):
        return None
    cached = await services.cached_user(user.id)
    await show(
        update,
        ctx,
        done_screen(
            content,
            lang,
            content.text(lang, "reminders.snoozed", when=format_when(due, cached.timezone)),
        ),
    )
    return None


async def _stop(update: Update, ctx: BotContext, _: str) -> str | None:
    services = ctx.services
    assert update.effective_user is not None
    lang = await services.user_language(update)
    await services.db.run(outbox.cancel_all, update.effective_user.id)
    await show(
        update,
        ctx,
        done_screen(services.content, lang, services.content.text(lang, "reminders.stopped")),
    )
    return None


_OPS = {
    "menu": _menu,
    "add": _add,
    "delay": _delay,
    "daily": _daily,
    "tz": _tz,
    "tztime": _tz_by_time,
    "tzoff": _tz_offset,
    "kind": _kind,
    "time": _time,
    "cancel": _cancel,
    "checkin": _checkin,
    "snooze": _snooze,
    "stop": _stop,
}


# --- blocked / unblocked -------------------------------------------------------------------


async def mark_blocked(services: Services, user_id: int) -> None:
    await services.db.run(users.deactivate, user_id, services.now())
    services.forget(user_id)


async def on_my_chat_member(update: Update, ctx: BotContext) -> None:
    member = update.my_chat_member
    if member is None or member.chat.type != "private":
        return
    status = member.new_chat_member.status
    if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        await mark_blocked(ctx.services, member.from_user.id)
    elif status == ChatMemberStatus.MEMBER:
        services = ctx.services
        await services.cached_user(member.from_user.id, force=True)  # touch: reactivates
        _wake(services)


async def _insert(update: Update, ctx: BotContext, lang: str, *, kind: str, due: int, payload: dict[str, Any]) -> bool:
    """Save a reminder; at the limit, tell the user and return False, else wake the dispatcher."""
    services = ctx.services
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    now = services.now()
    reminder_id = await services.db.run(
        lambda conn: outbox.create(
            conn,
            user_id=user.id,
            chat_id=chat.id,
            kind=kind,
            due_at=due,
            payload=payload,
            now=now,
            max_active=services.content.reminders.max_active,
        )
    )
    if reminder_id is None:
        await _show_limit(update, ctx, lang)
        return False
    _wake(services)
    return True


async def _show_limit(update: Update, ctx: BotContext, lang: str) -> None:
    content = ctx.services.content
    text = content.text(lang, "reminders.limit", max=content.reminders.max_active)
    await show(update, ctx, done_screen(content, lang, text))


def _wake(services: Services) -> None:
    if services.dispatcher is not None:
        services.dispatcher.wake()
