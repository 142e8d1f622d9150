"""The reminders' screens: pure functions of (content, lang, data) -> Screen or text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.features.reminders.callbacks import (
    AddDaily,
    AskLocalTime,
    CancelReminder,
    ChangeDaily,
    ChooseZone,
    MoreZones,
    PickDelay,
    PickHour,
    PickTime,
    SetCity,
    SetOffset,
    SetZone,
    ShareLocation,
    TypeCity,
    WorseAnswer,
)
from bot.features.reminders.messages import checkin_result
from bot.infra import timezones
from bot.services import cities
from bot.ui.callbacks import AddFollowup, OpenReminders, PickKind
from bot.ui.keyboards import Button, Screen, button, main_menu_button, markup, rows
from bot.ui.labels import reminder_button_label, reminder_label
from bot.ui.screens import escape
from content.model import Content
from content.triage import NO, UNSURE, YES, Ask, Result
from storage.reminders import DailyPayload, Reminder


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
                label=shorten(reminder_button_label(content, lang, r, timezone), 34),
            ),
            CancelReminder(r.id),
        )
        for r in active
    ]
    changes = [
        button(
            content.text(
                lang, "userdata.btn_change_time", label=shorten(reminder_button_label(content, lang, r, timezone), 34)
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


def minute_of(hhmm: str) -> int:
    hour, minute = hhmm.split(":")
    return int(hour) * 60 + int(minute)


def as_hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def time_screen(content: Content, lang: str, kind: str, zone_label: str, replace: int = 0) -> Screen:
    """The usual times in one tap, or any hour (then its minutes): any time of day."""
    times = [button(t, PickTime(kind, minute_of(t), replace)) for t in content.reminders.daily_times]
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


def checkin_text(content: Content, lang: str, kind: str, result: Result | None) -> str:
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


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word and marked with "…" (not "Stre")."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" :,")
    return cut + "…"


# --- the time zone -----------------------------------------------------------------------------


def timezone_screen(content: Content, lang: str) -> Screen:
    zones = [button(timezones.label(z, lang), SetZone(z)) for z in content.reminders.timezones]
    return Screen(
        content.text(lang, "timezone.ask"),
        markup(
            [[button(content.text(lang, "btn.share_location"), ShareLocation())]],
            [[button(content.text(lang, "btn.type_city"), TypeCity())]],
            rows(zones, 2),
            [[button(content.text(lang, "btn.timezone_by_time"), AskLocalTime())]],
            [[main_menu_button(content, lang)]],
        ),
    )


def offset_screen(content: Content, lang: str, now: float) -> Screen:
    """'What time is it for you now?': one button per UTC offset, labelled with that local time."""
    choices = []
    for offset in range(-11, 13):  # 24 distinct local times
        local = datetime.fromtimestamp(now, UTC) + timedelta(hours=offset)
        choices.append(button(local.strftime("%H:%M"), SetOffset(offset)))
    return Screen(
        content.text(lang, "reminders.tz_ask_time"),
        markup(rows(choices, 4), [[main_menu_button(content, lang)]]),
    )


def zones_screen(content: Content, lang: str, text: str, zones: list[str], extra: list[list[Any]]) -> Screen:
    """A list of zones to pick from, each labelled in the user's language ("Roma, Italia")."""
    return _pick_screen(content, lang, text, [[button(timezones.label(z, lang), SetZone(z))] for z in zones], extra)


def _pick_screen(content: Content, lang: str, text: str, picks: list[list[Any]], extra: list[list[Any]]) -> Screen:
    """One choice per row, then `extra`, then sharing a location instead, then the main menu."""
    return Screen(
        text,
        markup(
            picks,
            extra,
            [[button(content.text(lang, "btn.share_location"), ShareLocation())]],
            [[main_menu_button(content, lang)]],
        ),
    )


def kind_screen(content: Content, lang: str) -> Screen:
    kinds = [button(content.text(lang, f"reminders.kind.{k}"), PickKind(k)) for k in content.reminders.daily_kinds]
    return Screen(
        content.text(lang, "reminders.daily_ask_kind"),
        markup([kinds], [[main_menu_button(content, lang)]]),
    )


def places_screen(content: Content, lang: str, found: cities.Found, *, more: bool = False) -> Screen:
    """ "Which one do you mean?": a button per city; a country's zones by their largest city,
    the rest behind "More…"."""
    shown = found.more if more else found.places
    names = content.reminders.place_names.get(lang, {})
    picks = [
        [button(cities.place_label(p, lang, names, within=found.country), SetCity(p.city.geonameid))]
        for p in shown
        if p.city is not None
    ]
    if found.country is not None:
        text = content.text(lang, "userdata.country_pick", country=cities.country_name(found.country, lang))
    else:
        text = content.text(lang, "userdata.search_pick_place")
    extra = (
        [[button(content.text(lang, "userdata.btn_more_zones"), MoreZones(found.country))]]
        if found.more and not more and found.country is not None
        else []
    )
    return _pick_screen(content, lang, text, picks, extra)
