"""The cities lookup behind "type your city" and a shared location (bot/services/cities.py), as
pure functions over the packaged GeoNames data: the names people tripped over, in both languages."""

from __future__ import annotations

import pytest

from bot.services import cities
from content.model import Content

LANGS = ("en", "it")


@pytest.fixture(scope="module", autouse=True)
def _atlas() -> None:
    cities.atlas()  # built once for the module (1-3 s)


@pytest.mark.parametrize(
    ("typed", "zone", "geonameid"),
    [
        ("Milano", "Europe/Rome", 3173435),
        ("milan", "Europe/Rome", 3173435),
        ("Torino", "Europe/Rome", 3165524),
        ("Munich", "Europe/Berlin", 2867714),
        ("Monaco di Baviera", "Europe/Berlin", 2867714),
        ("München", "Europe/Berlin", 2867714),
        ("Phoenix", "America/Phoenix", 5308655),
    ],
)
def test_a_typed_city_is_found_with_its_zone(typed: str, zone: str, geonameid: int) -> None:
    found = cities.search(typed, LANGS)
    assert found.places, typed
    first = found.places[0]
    assert first.zone == zone
    assert first.city is not None and first.city.geonameid == geonameid


def test_a_city_is_named_in_the_users_language(content: Content) -> None:
    names = content.reminders.place_names
    milan = cities.search("Milano", LANGS).places[0]
    munich = cities.search("Munich", LANGS).places[0]
    rome = cities.search("Rome", LANGS).places[0]
    assert cities.place_label(milan, "it", names["it"]) == "Milano, Italia"
    assert cities.place_label(milan, "en", names["en"]) == "Milan, Italy"
    assert cities.place_label(munich, "it", names["it"]) == "Monaco di Baviera, Germania"
    assert cities.place_label(rome, "it", names["it"]) == "Roma, Italia"  # from CLDR
    # One level, no brackets: a sentence may put it in brackets of its own.
    for place in (milan, munich, rome):
        assert "(" not in cities.place_label(place, "it", names["it"])


def test_a_country_with_one_zone_is_one_place_without_its_villages() -> None:
    found = cities.search("Germania", LANGS)
    assert found.single is not None and found.single.zone == "Europe/Berlin"
    assert found.single.city is None  # shown as the country the user named
    assert "Europe/Busingen" not in cities.zones_of((*found.places, *found.more))


@pytest.mark.parametrize("typed", ["Stati Uniti", "United States"])
def test_a_country_with_many_zones_offers_its_clocks_first_and_more(typed: str) -> None:
    found = cities.search(typed, LANGS)
    first = cities.zones_of(found.places)
    for zone in ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix"):
        assert zone in first
    assert "America/Los_Angeles" in first and "Pacific/Honolulu" in first and "America/Anchorage" in first
    assert found.more, "the rest of the country's zones behind 'More'"
    assert found.single is None
    labels = [cities.place_label(p, "it", {}, within=found.country) for p in found.places]
    assert "Phoenix, Arizona" in labels and "Honolulu, Hawaii" in labels


def test_a_shared_location_is_the_users_city_not_the_zones_capital(content: Content) -> None:
    place = cities.place_at(45.46, 9.19, "Europe/Rome")
    assert place.city is not None and place.city.name == "Milan"
    assert cities.place_label(place, "it", content.reminders.place_names["it"]) == "Milano, Italia"
    # Far from any city of 15,000 people: the country.
    empty = cities.place_at(45.9, 7.8, "Europe/Rome")  # an Alpine valley
    assert cities.place_label(empty, "en", {}) in ("Italy",) or empty.city is not None


def test_nothing_typed_finds_nothing() -> None:
    assert cities.search("   ", LANGS).places == ()
    assert cities.search("xqzzy", LANGS).places == ()


def test_every_italian_place_name_is_a_known_name_of_that_city(content: Content) -> None:
    """A name shown for a city must also find it when typed."""
    data = cities.atlas()
    by_id = {c.geonameid: c for c in data.cities}
    for geonameid, name in content.reminders.place_names["it"].items():
        assert geonameid in by_id, f"places.yaml: no city {geonameid} ({name})"
        found = cities.search(name, LANGS, content.reminders.place_names.values())
        assert any(p.city is not None and p.city.geonameid == geonameid for p in found.places), name
