"""The user's time zone, asked the ways a person can answer: share a location, type a city or
country, pick a common zone, or say what time it is (an offset, turned into the named zones
that have it now, to confirm). A fixed offset only when the user insists, with the warning that
it will not follow daylight saving.

Lookups run off the event loop (asyncio.to_thread): the first location imports timezonefinder
(0.2 s), the first search builds the name index (0.24 s); bot/infra/timezones.py has the figures.
The coordinates of a shared location are passed to the lookup and dropped: never stored or logged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove
from telegram.ext import ApplicationHandlerStop

from bot.core.turn import Turn
from bot.features.reminders.callbacks import (
    AskLocalTime,
    ChooseZone,
    DismissZoneOffer,
    KeepOffset,
    MoreZones,
    SetCity,
    SetOffset,
    SetZone,
    ShareLocation,
    TypeCity,
)
from bot.features.reminders.schedule import next_daily
from bot.features.reminders.screens import kind_screen, offset_screen, places_screen, timezone_screen, zones_screen
from bot.infra import timezones
from bot.infra.services import BotContext
from bot.services import cities
from bot.services import freetext_answers as answers
from bot.services.update_counter import UpdateCounter
from bot.ui.callbacks import OpenReminders
from bot.ui.keyboards import Screen, button, main_menu_button, markup
from bot.ui.screens import escape
from content.model import Content
from storage import places, users
from storage import reminders as outbox
from storage.reminders import DailyPayload

PROMPT_FOR = 600.0  # seconds a "type your city" or "share your location" prompt stays open


class ZonePrompts:
    """Per-application state: user id -> (prompt expiry, reply keyboard shown, the turn that
    opened it: only the user's next message answers it, see bot/services/update_counter.py)."""

    def __init__(self) -> None:
        self.open: dict[int, tuple[float, bool, int]] = {}


# --- prompts: what the next text or location answers ---------------------------------------


def _prompts(ctx: BotContext) -> dict[int, tuple[float, bool, int]]:
    return ctx.services.state(ZonePrompts).open


def _open_prompt(ctx: BotContext, user_id: int, *, keyboard: bool) -> None:
    prompts = _prompts(ctx)
    _, shown, _ = prompts.get(user_id, (0.0, False, 0))
    prompts[user_id] = (
        ctx.services.clock.now() + PROMPT_FOR,
        shown or keyboard,
        ctx.services.state(UpdateCounter).now(user_id),
    )


def _take_prompt(ctx: BotContext, user_id: int) -> tuple[bool, bool]:
    """(a prompt is waiting for this message, the location keyboard is shown), closing the prompt.

    Only the message right after the prompt answers it: after a command, a menu tap or any other
    message the user has moved on, and the text is theirs to search with (modes do not stick)."""
    expires, shown, turn = _prompts(ctx).pop(user_id, (0.0, False, 0))
    waiting = expires >= ctx.services.clock.now() and ctx.services.state(UpdateCounter).follows(user_id, turn)
    return waiting, shown


def is_named(content: Content, zone: str) -> bool:
    """A zone the bot offers or found for the user: the content's list, or a real IANA zone of a
    region (not an Etc/ fixed offset: those come only through KeepOffset)."""
    if zone in content.reminders.timezones:
        return True
    return zone.split("/", 1)[0] in timezones.REGIONS and "/" in zone and timezones.is_zone(zone)


# --- handlers ------------------------------------------------------------------------------


async def set_zone(turn: Turn, zone: str, note: str, place: places.StoredPlace | None = None) -> None:
    """Save the zone, move the user's pending daily reminders to it, then ask for a daily kind.

    `note` opens the next screen (zone set, or the fixed-offset warning). If the location
    keyboard is up, it is taken down with a message of its own (a message carries one keyboard,
    and the next screen needs its inline one)."""
    services = turn.services
    user, chat = turn.user, turn.chat
    assert user is not None and chat is not None
    now = services.now()

    def save(conn: Any) -> None:
        users.set_timezone(conn, user.id, zone, now)
        places.save(conn, user.id, place)  # the city or country named; none: forget an old one
        for reminder in outbox.list_active(conn, user.id):
            if isinstance(reminder.payload, DailyPayload) and reminder.status == "pending":
                due = next_daily(now, reminder.payload.time, zone)
                conn.execute("UPDATE reminders SET due_at = ? WHERE id = ? AND status = 'pending'", (due, reminder.id))

    def save_and_count_dailies(conn: Any) -> int:
        save(conn)
        return sum(isinstance(r.payload, DailyPayload) for r in outbox.list_active(conn, user.id))

    dailies = await services.db.run(save_and_count_dailies)
    services.update_cached(user.id, timezone=zone)
    services.wake_delivery()
    _, keyboard_shown = _take_prompt(turn.ctx, user.id)
    lang = turn.lang
    content = turn.content
    # Adding a first daily reminder: go on to its kind. Changing the zone of existing ones: done.
    screen = (
        kind_screen(content, lang)
        if not dailies
        else Screen(
            content.text(lang, "reminders.daily_moved"),
            markup(
                [[button(content.button_label("@reminders", lang), OpenReminders()), main_menu_button(content, lang)]]
            ),
        )
    )
    if keyboard_shown:
        await turn.bot.send_message(chat.id, note, reply_markup=ReplyKeyboardRemove())
        await turn.show(screen, new=True)
    else:
        await turn.show(Screen(note + "\n\n" + screen.text, screen.markup))


async def on_choose_zone(turn: Turn, _: ChooseZone) -> str | None:
    # From a daily reminder: a new message, so the reminder itself stays readable.
    await turn.show(timezone_screen(turn.content, turn.lang), new=True)
    return None


async def on_dismiss_offer(turn: Turn, _: DismissZoneOffer) -> str | None:
    return turn.content.text(turn.lang, "timezone.offer_dismissed")


async def on_share_location(turn: Turn, _: ShareLocation) -> str | None:
    user, chat = turn.user, turn.chat
    assert user is not None and chat is not None
    content = turn.content
    lang = turn.lang
    _open_prompt(turn.ctx, user.id, keyboard=True)
    keyboard = ReplyKeyboardMarkup(
        [
            [KeyboardButton(content.text(lang, "btn.share_location"), request_location=True)],
            [KeyboardButton(content.text(lang, "btn.cancel_location"))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await turn.bot.send_message(chat.id, content.text(lang, "timezone.location_prompt"), reply_markup=keyboard)
    return None


async def on_type_city(turn: Turn, _: TypeCity) -> str | None:
    lang = turn.lang
    _open_prompt(turn.ctx, turn.user_id, keyboard=False)
    content = turn.content
    await turn.show(
        Screen(
            content.text(lang, "timezone.search_ask"),
            markup(
                [[button(content.text(lang, "btn.share_location"), ShareLocation())]],
                [[main_menu_button(content, lang)]],
            ),
        ),
    )
    return None


async def on_location(turn: Turn) -> None:
    """A shared location: its zone, offline; the coordinates go no further than the lookup."""
    message = turn.update.effective_message
    if message is None or message.location is None or turn.user is None:
        return
    services = turn.services
    content = turn.content
    lang = turn.lang
    zone = await asyncio.to_thread(timezones.zone_at, message.location.latitude, message.location.longitude)
    prompts = _prompts(turn.ctx)
    if zone is None or (timezones.is_fixed(zone) and zone not in content.reminders.timezones):
        # Nonsense coordinates, or at sea: ask for a city instead, with the keyboard taken down.
        prompts.pop(turn.user_id, None)  # the keyboard comes down with this message
        _open_prompt(turn.ctx, turn.user_id, keyboard=False)
        await turn.bot.send_message(
            turn.chat_id, content.text(lang, "timezone.location_none"), reply_markup=ReplyKeyboardRemove()
        )
        raise ApplicationHandlerStop
    # The keyboard comes down with the answer; turn 0: no text answers this prompt.
    prompts[turn.user_id] = (services.clock.now() + PROMPT_FOR, True, 0)
    # The user's own city (Milan), not the zone's capital (Rome); the coordinates stop here.
    place = await asyncio.to_thread(cities.place_at, message.location.latitude, message.location.longitude, zone)
    stored = await asyncio.to_thread(_stored, content, place)
    label = stored.label(lang) or timezones.label(zone, lang)
    await set_zone(turn, zone, content.text(lang, "userdata.location_set_place", place=escape(label)), stored)
    raise ApplicationHandlerStop


async def on_text(turn: Turn) -> None:
    """Text while a city prompt is open is a city, country or zone name; otherwise not ours."""
    message, user = turn.update.effective_message, turn.user
    if message is None or user is None or message.text is None:
        return
    if user.id not in _prompts(turn.ctx):
        return
    open_, keyboard_shown = _take_prompt(turn.ctx, user.id)
    if not open_:
        return  # an old prompt: this is an ordinary message again
    content = turn.content
    lang = turn.lang
    if message.text.strip() == content.text(lang, "btn.cancel_location"):
        await turn.bot.send_message(
            turn.chat_id,
            content.text(lang, "timezone.location_cancelled"),
            reply_markup=ReplyKeyboardRemove(),
        )
        await turn.show(timezone_screen(content, lang), new=True)
        raise ApplicationHandlerStop
    # The keyboard stays until a zone is chosen (set_zone takes it down).
    # The next message answers the question again (a place picked from a list, or another try).
    _open_prompt(turn.ctx, user.id, keyboard=keyboard_shown)
    # Cities first ("Milano", "Monaco di Baviera", "Stati Uniti"), then IANA names ("UTC",
    # "Europe/Rome"). The first search loads the cities (1-3 s): in a worker thread.
    found = await asyncio.to_thread(cities.search, message.text, tuple(content.languages), _names(content))
    if found.single is not None:  # one place meant: no question with a single choice
        stored = await asyncio.to_thread(_stored, content, found.single)
        label = escape(stored.label(lang) or timezones.label(stored.zone, lang))
        await set_zone(turn, stored.zone, content.text(lang, "userdata.zone_set_place", place=label), stored)
        raise ApplicationHandlerStop
    if found.places:
        screen = await asyncio.to_thread(places_screen, content, lang, found)
        await turn.show(screen, new=True)
        raise ApplicationHandlerStop
    zones = await asyncio.to_thread(
        timezones.search, message.text, tuple(content.languages), preferred=content.reminders.timezones
    )
    if not zones and answers.looks_like_a_search(content, lang, message.text):
        # "tetanus" is not a place: the user has moved on. Answer it, with a way back to the question.
        _take_prompt(turn.ctx, user.id)
        again = [[button(content.freetext.message(lang, "btn_type_city"), TypeCity())]]
        before = content.freetext.message(lang, "city_left") + "\n\n"
        screen, _ = answers.answer_screen(content, lang, message.text, before=before, extra=again)
        await turn.show(screen, new=True)
        raise ApplicationHandlerStop
    if len(zones) == 1:
        label = await asyncio.to_thread(timezones.label, zones[0], lang)
        await set_zone(turn, zones[0], content.text(lang, "reminders.tz_set", zone=escape(label)))
        raise ApplicationHandlerStop
    if zones:
        text, extra = content.text(lang, "timezone.search_pick"), []
    else:
        text = content.text(lang, "timezone.search_none", text=escape(message.text[:64]))
        extra = [[button(content.text(lang, "btn.type_city"), TypeCity())]]
    screen = await asyncio.to_thread(zones_screen, content, lang, text, zones, extra)
    await turn.show(screen, new=True)
    raise ApplicationHandlerStop


def _names(content: Content) -> list[Mapping[int, str]]:
    return list(content.reminders.place_names.values())


def _stored(content: Content, place: cities.Place) -> places.StoredPlace:
    """A place as kept beside the zone: its id and its label in every language (so showing it
    later needs no city data loaded)."""
    labels = {
        lang: cities.place_label(place, lang, content.reminders.place_names.get(lang, {})) for lang in content.languages
    }
    return places.StoredPlace(place.zone, place.city.geonameid if place.city else None, place.country, labels)


async def on_set_city(turn: Turn, cb: SetCity) -> str | None:
    content = turn.content
    city = await asyncio.to_thread(cities.by_id, cb.geonameid)
    if city is None:
        return await turn.stale()
    lang = turn.lang
    stored = await asyncio.to_thread(_stored, content, cities.Place(city.zone, city.country, city))
    label = escape(stored.label(lang) or timezones.label(city.zone, lang))
    await set_zone(turn, city.zone, content.text(lang, "userdata.zone_set_place", place=label), stored)
    return None


async def on_more_zones(turn: Turn, cb: MoreZones) -> str | None:
    content = turn.content
    lang = turn.lang
    first, rest = await asyncio.to_thread(cities.country_zones, cb.country)
    if not first:
        return await turn.stale()
    found = cities.Found(tuple(first), tuple(rest), country=cb.country)
    await turn.show(await asyncio.to_thread(places_screen, content, lang, found, more=True))
    return None


async def on_set_zone(turn: Turn, cb: SetZone) -> str | None:
    content = turn.content
    if not is_named(content, cb.zone):
        return await turn.stale()
    label = await asyncio.to_thread(timezones.label, cb.zone, turn.lang)  # Babel: off the event loop
    await set_zone(turn, cb.zone, content.text(turn.lang, "reminders.tz_set", zone=label))
    return None


async def on_ask_local_time(turn: Turn, _: AskLocalTime) -> str | None:
    await turn.show(offset_screen(turn.content, turn.lang, turn.services.clock.now()))
    return None


async def on_set_offset(turn: Turn, cb: SetOffset) -> str | None:
    """'It is 14:05 for me': the named zones with that offset now, likeliest for the user's
    language first, to confirm; a fixed offset only if the user insists."""
    if not -12 <= cb.hours <= 14:
        return await turn.stale()
    services = turn.services
    content = turn.content
    lang = turn.lang
    now = datetime.fromtimestamp(services.clock.now(), UTC)
    candidates = await asyncio.to_thread(
        timezones.likely_zones, cb.hours * 60, now, lang, preferred=content.reminders.timezones
    )
    local = (now + timedelta(hours=cb.hours)).strftime("%H:%M")
    keep = button(
        content.text(lang, "btn.keep_offset", offset=timezones.offset_label(cb.hours * 60)), KeepOffset(cb.hours)
    )
    screen = await asyncio.to_thread(
        zones_screen,
        content,
        lang,
        content.text(lang, "timezone.offset_pick", time=local),
        candidates,
        [[button(content.text(lang, "btn.type_city"), TypeCity())], [keep]],
    )
    await turn.show(screen)
    return None


async def on_keep_offset(turn: Turn, cb: KeepOffset) -> str | None:
    if not -12 <= cb.hours <= 14:
        return await turn.stale()
    zone = timezones.fixed_zone(cb.hours * 60)
    warning = turn.content.text(turn.lang, "timezone.fixed_warning", offset=timezones.offset_label(cb.hours * 60))
    await set_zone(turn, zone, warning)
    return None
