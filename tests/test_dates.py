"""Dates and times in prose: the user's language and time zone, across daylight-saving changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ui.dates import DateWords, prose_date, prose_datetime, short_datetime, warm_up, zone_of

CONTENT = Path(__file__).resolve().parent.parent / "content"


def words(lang: str) -> DateWords:
    """The shipped content's words, read straight from its YAML (one source for tests and bot)."""
    strings = yaml.safe_load((CONTENT / lang / "strings.yaml").read_text(encoding="utf-8"))["dates"]
    locales = yaml.safe_load((CONTENT / "meta.yaml").read_text(encoding="utf-8"))["locales"]
    return DateWords(locales[lang], strings["at"], strings["no_zone"])


EN, IT = words("en"), words("it")


def ts(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


NOW = ts(2026, 12, 1, 9, 0)
ISO = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}")


def test_english_and_italian_prose():
    when = ts(2026, 12, 2, 19, 36)
    assert prose_datetime(when, EN, "Europe/Rome", now=NOW) == "Wednesday 2 December at 20:36"
    assert prose_datetime(when, IT, "Europe/Rome", now=NOW) == "mercoledì 2 dicembre alle 20:36"


def test_italian_weekday_is_spelled_out():
    # CLDR has only "E d MMMM" for Italian; the matched pattern is widened to the full weekday.
    text = prose_datetime(ts(2026, 12, 5, 9, 0), IT, "Europe/Rome", now=NOW)
    assert text == "sabato 5 dicembre alle 10:00"
    assert "sab " not in text


def test_no_time_zone_says_so_in_words():
    when = ts(2026, 12, 2, 19, 36)
    en = prose_datetime(when, EN, None, now=NOW)
    it = prose_datetime(when, IT, None, now=NOW)
    assert en == "Wednesday 2 December at 19:36, Greenwich time (I don't know your time zone yet)"
    assert it == "mercoledì 2 dicembre alle 19:36, ora di Greenwich (non conosco ancora il tuo fuso orario)"
    for text in (en, it):
        assert "UTC" not in text and not ISO.search(text)


def test_unknown_zone_is_treated_as_no_zone():
    assert zone_of("Mars/Olympus_Mons") is None
    assert zone_of("") is None
    assert "Greenwich" in prose_datetime(ts(2026, 12, 2, 19, 36), EN, "Mars/Olympus_Mons", now=NOW)


def test_rome_autumn_dst_change():
    # Europe/Rome leaves summer time on Sunday 25 October 2026 at 03:00 CEST.
    before = ts(2026, 10, 24, 18, 36)  # 20:36 CEST (UTC+2)
    after = ts(2026, 10, 26, 18, 36)  # the same UTC time is 19:36 CET (UTC+1)
    now = ts(2026, 10, 20, 12, 0)
    assert prose_datetime(before, IT, "Europe/Rome", now=now) == "sabato 24 ottobre alle 20:36"
    assert prose_datetime(after, IT, "Europe/Rome", now=now) == "lunedì 26 ottobre alle 19:36"
    # Across the change itself: 00:30 UTC is 02:30 CEST, one hour later 02:30 CET again.
    assert prose_datetime(ts(2026, 10, 25, 0, 30), EN, "Europe/Rome", now=now) == "Sunday 25 October at 02:30"
    assert prose_datetime(ts(2026, 10, 25, 1, 30), EN, "Europe/Rome", now=now) == "Sunday 25 October at 02:30"


def test_new_york_spring_dst_change():
    # America/New_York springs forward on Sunday 8 March 2026: 02:00 EST becomes 03:00 EDT.
    now = ts(2026, 3, 1, 12, 0)
    assert prose_datetime(ts(2026, 3, 7, 13, 0), EN, "America/New_York", now=now) == "Saturday 7 March at 08:00"
    assert prose_datetime(ts(2026, 3, 9, 13, 0), EN, "America/New_York", now=now) == "Monday 9 March at 09:00"


def test_the_date_is_the_users_local_date():
    # 23:30 UTC on 2 December is already 3 December in Tokyo and still 2 December in New York.
    when = ts(2026, 12, 2, 23, 30)
    assert prose_datetime(when, EN, "Asia/Tokyo", now=NOW) == "Thursday 3 December at 08:30"
    assert prose_datetime(when, EN, "America/New_York", now=NOW) == "Wednesday 2 December at 18:30"


def test_year_only_when_it_is_not_this_year():
    next_year = ts(2027, 1, 4, 8, 0)
    assert prose_datetime(next_year, EN, "Europe/Rome", now=NOW) == "Monday, 4 January 2027 at 09:00"
    assert prose_datetime(next_year, IT, "Europe/Rome", now=NOW) == "lunedì 4 gennaio 2027 alle 09:00"
    assert prose_date(ts(2026, 11, 25, 12, 0), EN, None) == "Wednesday, 25 November 2026"
    assert prose_date(ts(2026, 11, 25, 12, 0), IT, "Europe/Rome") == "mercoledì 25 novembre 2026"


def test_fixed_offset_zone_from_what_time_is_it():
    assert prose_datetime(ts(2026, 12, 2, 19, 36), EN, "Etc/GMT-2", now=NOW) == "Wednesday 2 December at 21:36"


def test_short_form_for_buttons():
    when = ts(2026, 12, 2, 19, 36)
    assert short_datetime(when, EN, "Europe/Rome") == "Wed 2 Dec, 20:36"
    assert short_datetime(when, IT, "Europe/Rome") == "mer 2 dic, 20:36"


def test_warm_up_loads_every_pattern():
    warm_up([EN.locale, IT.locale])
    assert prose_datetime(ts(2026, 12, 2, 19, 36), EN, "Europe/London", now=NOW) == "Wednesday 2 December at 19:36"


@pytest.mark.parametrize("lang", [EN, IT])
@settings(max_examples=200, deadline=None)
@given(
    when=st.integers(min_value=int(ts(2000, 1, 1)), max_value=int(ts(2100, 1, 1))),
    zone=st.sampled_from([None, "Europe/Rome", "Europe/London", "America/Sao_Paulo", "Australia/Sydney", "UTC"]),
)
def test_prose_never_shows_iso_or_utc(lang: DateWords, when: int, zone: str | None) -> None:
    text = prose_datetime(when, lang, zone, now=NOW)
    assert not ISO.search(text)
    assert "UTC" not in text and "GMT" not in text
    assert ("Greenwich" in text) == (zone is None)
