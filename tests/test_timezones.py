"""From a location, a typed name or an offset to an IANA zone that follows daylight saving."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.infra import timezones as tz

PREFERRED = ("Europe/Rome", "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago", "UTC")
JAN = datetime(2027, 1, 15, 12, tzinfo=UTC)
JUL = datetime(2027, 7, 15, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lat", "lon", "zone"),
    [
        (41.9028, 12.4964, "Europe/Rome"),  # Rome
        (45.4642, 9.1900, "Europe/Rome"),  # Milan: not a zone's name, found by its place
        (40.7128, -74.0060, "America/New_York"),
        (39.7684, -86.1581, "America/Indiana/Indianapolis"),
        (-33.8688, 151.2093, "Australia/Sydney"),
        (35.6762, 139.6503, "Asia/Tokyo"),
    ],
)
def test_location_to_zone(lat, lon, zone):
    assert tz.zone_at(lat, lon) == zone


def test_location_at_sea_and_nonsense():
    at_sea = tz.zone_at(0.0, -30.0)  # mid-Atlantic: the nautical zone, a fixed offset
    assert at_sea is not None and tz.is_fixed(at_sea)
    assert tz.zone_at(91.0, 0.0) is None
    assert tz.zone_at(0.0, 181.0) is None


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Roma", "Europe/Rome"),
        ("rome", "Europe/Rome"),
        ("  ROME ", "Europe/Rome"),
        ("Italia", "Europe/Rome"),
        ("Italy", "Europe/Rome"),
        ("New York", "America/New_York"),
        ("new_york", "America/New_York"),
        ("America/New_York", "America/New_York"),
        ("San Paolo", "America/Sao_Paulo"),  # Italian exemplar city
        ("São Paulo", "America/Sao_Paulo"),
        ("sao paulo", "America/Sao_Paulo"),
        ("Calcutta", "Asia/Kolkata"),  # tzdata's old name
        ("kyiv", "Europe/Kyiv"),
        ("indianapolis", "America/Indiana/Indianapolis"),
        ("lond", "Europe/London"),  # a prefix
        ("utc", "UTC"),
    ],
)
def test_typed_name_finds_the_zone_first(typed, zone):
    found = tz.search(typed, ("en", "it"), preferred=PREFERRED)
    assert found and found[0] == zone, found


def test_search_exact_name_is_not_drowned_by_prefixes():
    assert tz.search("Roma", ("en", "it")) == ["Europe/Rome"]  # not also Romania


def test_search_a_country_with_many_zones_lists_the_preferred_first():
    found = tz.search("Stati Uniti", ("en", "it"), preferred=PREFERRED)
    assert found[:2] == ["America/New_York", "America/Chicago"]
    assert len(found) == tz.MAX_RESULTS
    assert all(z.startswith(("America/", "Pacific/Honolulu")) for z in found)


@pytest.mark.parametrize("typed", ["", "   ", "xyzzy", "ro", "!!"])
def test_search_nothing_sensible_finds_nothing(typed):
    assert tz.search(typed, ("en", "it")) == []


@pytest.mark.parametrize(
    ("offset", "when", "language", "first"),
    [
        (60, JAN, "it", "Europe/Rome"),  # CET
        (120, JUL, "it", "Europe/Rome"),  # CEST: the same zone in summer
        (-300, JAN, "en", "America/New_York"),  # EST
        (-240, JUL, "en", "America/New_York"),  # EDT
        (0, JAN, "en", "Europe/London"),
        (60, JUL, "en", "Europe/London"),  # BST
        (330, JAN, "en", "Asia/Kolkata"),  # a half-hour offset
    ],
)
def test_offset_and_language_to_likely_zone(offset, when, language, first):
    found = tz.likely_zones(offset, when, language, preferred=(*PREFERRED, "Asia/Kolkata"))
    assert found[0] == first, found
    assert len(found) <= 4
    for zone in found:  # every candidate really has that offset at that moment
        assert tz.offset_at(zone, when) == offset


def test_offset_candidates_are_one_per_country():
    found = tz.likely_zones(-300, JAN, "en", preferred=PREFERRED)
    assert "America/Detroit" not in found  # New York already stands for the United States


def test_offset_without_a_preferred_zone_ranks_by_language():
    assert tz.likely_zones(60, JAN, "it")[0] in ("Europe/Rome", "Europe/San_Marino", "Europe/Vatican")
    # Brazil has eight zones at UTC-3: the most populous one stands for it.
    assert tz.likely_zones(-180, JAN, "pt")[0] == "America/Sao_Paulo"
    assert "America/Bogota" in tz.likely_zones(-300, JAN, "es")  # Spanish-speaking countries at UTC-5


def test_fixed_zones():
    assert tz.fixed_zone(60) == "Etc/GMT-1"  # POSIX sign: UTC+1
    assert tz.fixed_zone(-300) == "Etc/GMT+5"
    assert tz.fixed_zone(0) == "UTC"
    with pytest.raises(ValueError, match="whole hours"):
        tz.fixed_zone(330)
    assert tz.is_fixed("Etc/GMT-1") and tz.is_fixed("UTC")
    assert not tz.is_fixed("Europe/Rome") and not tz.is_fixed("Asia/Tokyo") and not tz.is_fixed(None)
    # The reason a fixed offset is the last resort: Rome moves, Etc/GMT-1 does not.
    assert tz.offset_at("Europe/Rome", JUL) == 120
    assert tz.offset_at("Etc/GMT-1", JUL) == 60


def test_labels_in_the_users_language():
    # One level, no brackets: a sentence may put it in brackets ("(Roma, Italia)"), never "(Roma (Italia))".
    assert tz.label("Europe/Rome", "it") == "Roma, Italia"
    assert tz.label("Europe/Rome", "en") == "Rome, Italy"
    assert tz.label("America/New_York", "it") == "New York, Stati Uniti"
    assert tz.label("Etc/GMT-1", "it") == "UTC+1"  # as people say it, not its POSIX name
    assert tz.label("Etc/GMT+5", "en") == "UTC-5"
    assert tz.label("UTC", "en") == "UTC"


def test_canonical_zones_have_no_aliases_or_fixed_offsets():
    zones = tz.canonical_zones()
    assert "Europe/Rome" in zones and "America/New_York" in zones
    assert "US/Eastern" not in zones and "Asia/Calcutta" not in zones
    assert not any(z.startswith("Etc/") for z in zones)
    assert all(tz.is_zone(z) for z in zones)


def test_normalise():
    assert tz.normalise("São_Paulo") == "sao paulo"
    assert tz.normalise(" America/New_York ") == "america new york"
    assert tz.normalise("L’Aquila") == "l aquila"
