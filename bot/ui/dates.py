"""Dates and times in prose, in the user's language and time zone.

"Wednesday 2 December at 20:36" / "mercoledì 2 dicembre alle 20:36": the date and the time come
from CLDR through Babel (a skeleton per piece, so each language orders and spells them its own
way); the words that join them come from the content (`dates.at`), and so does the sentence used
when the user has not told us a time zone (`dates.no_zone`): the time is then Greenwich time and
the text says so in words. No ISO dates, no "UTC" in prose.

Babel is 36 MB in the venv (35 MB of it CLDR locale data) and importing babel.dates takes
13-18 ms, plus ~16 ms to load one locale's data the first time (`python -X importtime`, this
project's 2-core machine). It is imported here lazily, on first use, never at start-up;
warm_up() pays both costs once in a worker thread, off the event loop.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from content.model import Content

if TYPE_CHECKING:
    from babel import Locale

# CLDR skeletons: which fields, not their order or spelling (the locale decides those).
DATE = "MMMMEEEEd"  # Wednesday 2 December / mercoledì 2 dicembre
DATE_YEAR = "yMMMMEEEEd"  # Wednesday, 2 December 2026 / mercoledì 2 dicembre 2026
SHORT_DATE = "MMMEd"  # Wed 2 Dec / mer 2 dic (button labels)
TIME = "Hm"  # 20:36 (24-hour in both languages we ship)

# A run of one pattern letter, or a quoted literal ('at', 'o''clock').
_PATTERN_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*")
# Text fields whose width a skeleton asks for (EEEE = "Wednesday", MMMM = "December").
_TEXT_FIELDS = frozenset("EMLc")


@dataclass(frozen=True, slots=True)
class DateWords:
    """What the content says around the CLDR pieces, in one language."""

    locale: str  # CLDR locale, e.g. "en_GB"
    at: str  # "{date} at {time}"
    no_zone: str  # "{datetime}, Greenwich time (I don't know your time zone yet)"


def words(content: Content, lang: str) -> DateWords:
    """The content's date words for a language, built once per content version."""

    def build() -> DateWords:
        locale = content.locales.get(lang) or content.locales[content.default_language]
        return DateWords(locale, content.text(lang, "dates.at"), content.text(lang, "dates.no_zone"))

    return content.derived(("date_words", lang), build)


def when(content: Content, lang: str, ts: float, zone: str | None, now: float) -> str:
    """A moment in prose for this user: 'Wednesday 2 December at 20:36'.

    No zone set yet: the zone the user's language suggests (reminders.yaml `guess_zones`), and
    the text says it was guessed; Greenwich time only when no guess is declared."""
    guess = content.reminders.guess_zones.get(lang) if zone_of(zone) is None else None
    if guess is not None:
        from bot.infra.timezones import city

        text = prose_datetime(ts, words(content, lang), guess, now=now)
        return content.text(lang, "userdata.zone_guessed", datetime=text, zone=city(guess, lang))
    return prose_datetime(ts, words(content, lang), zone, now=now)


def day(content: Content, lang: str, ts: float, zone: str | None) -> str:
    """A day in prose, with its year: 'Wednesday, 2 December 2026'."""
    return prose_date(ts, words(content, lang), zone)


def calendar_day(content: Content, lang: str, d: date, *, year: bool = True) -> str:
    """A calendar day (no time, no zone): 'Monday, 30 November 2026', or without the year."""
    from babel.dates import format_date

    locale = words(content, lang).locale
    return str(format_date(d, _pattern(locale, DATE_YEAR if year else DATE), locale=_locale(locale)))


def zone_of(name: str | None) -> ZoneInfo | None:
    """The user's IANA zone, or None when unset or unknown (then times are Greenwich time)."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return None


def prose_datetime(ts: float, words: DateWords, zone: str | None, *, now: float | None = None) -> str:
    """'Wednesday 2 December at 20:36' in the user's zone; the year only when it is not now's."""
    tz = zone_of(zone)
    date = _format(ts, words.locale, _date_skeleton(ts, tz, now), tz)
    text = words.at.format(date=date, time=_format(ts, words.locale, TIME, tz))
    return text if tz is not None else words.no_zone.format(datetime=text)


def prose_date(ts: float, words: DateWords, zone: str | None, *, now: float | None = None) -> str:
    """'Wednesday 2 December' (with the year when it is not now's, or always if now is None)."""
    tz = zone_of(zone)
    return _format(ts, words.locale, _date_skeleton(ts, tz, now), tz)


def short_datetime(ts: float, words: DateWords, zone: str | None) -> str:
    """'Wed 2 Dec, 20:36': for a button label, where there is no room for prose."""
    tz = zone_of(zone)
    date = _format(ts, words.locale, SHORT_DATE, tz)
    time = _format(ts, words.locale, TIME, tz)
    joiner = str(_locale(words.locale).datetime_formats["short"])
    return joiner.replace("{1}", date).replace("{0}", time)


def warm_up(locales: Iterable[str]) -> None:
    """Import Babel and load these locales' data: call it in a worker thread at start-up."""
    for name in locales:
        for skeleton in (DATE, DATE_YEAR, SHORT_DATE, TIME):
            _pattern(name, skeleton)


# --- internals -----------------------------------------------------------------------------


def _date_skeleton(ts: float, tz: tzinfo | None, now: float | None) -> str:
    if now is None:
        return DATE_YEAR
    zone = tz or UTC
    same_year = datetime.fromtimestamp(ts, zone).year == datetime.fromtimestamp(now, zone).year
    return DATE if same_year else DATE_YEAR


def _format(ts: float, locale: str, skeleton: str, tz: tzinfo | None) -> str:
    from babel.dates import format_datetime

    moment = datetime.fromtimestamp(ts, UTC)
    return str(format_datetime(moment, _pattern(locale, skeleton), tzinfo=tz or UTC, locale=_locale(locale)))


# Process-wide memos of CLDR data (the same for every Application, never per-user state);
# lru_cache is safe while warm_up fills them from a thread.
@functools.cache
def _locale(name: str) -> Locale:
    from babel import Locale

    return Locale.parse(name)


@functools.cache
def _pattern(locale: str, skeleton: str) -> str:
    """The locale's pattern for a skeleton, its text fields as wide as the skeleton asks.

    CLDR lists "MMMMEd" for Italian but not "MMMMEEEEd"; Babel's closest match keeps the
    abbreviated weekday ("mer 2 dicembre"). ICU's pattern generator widens the matched fields
    to the requested width; this does the same for text fields, so Italian gets "mercoledì".
    """
    from babel.dates import match_skeleton

    skeletons = _locale(locale).datetime_skeletons
    best = skeleton if skeleton in skeletons else match_skeleton(skeleton, skeletons)
    if best is None:
        raise KeyError(f"no CLDR pattern for {skeleton!r} in {locale!r}")
    widths = {m.group(1): len(m.group(0)) for m in _PATTERN_TOKEN.finditer(skeleton) if m.group(1)}

    def widen(match: re.Match[str]) -> str:
        letter = match.group(1)
        if letter in _TEXT_FIELDS:
            wanted = widths.get(letter) or widths.get({"L": "M", "c": "E"}.get(letter, ""), 0)
            if wanted > len(match.group(0)) and wanted >= 3:
                return letter * wanted
        return match.group(0)

    return _PATTERN_TOKEN.sub(widen, str(skeletons[best].pattern))
