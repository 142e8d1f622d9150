"""From what a user can tell us to an IANA time zone that follows daylight saving.

Three ways in, all offline and all pure functions (call them off the event loop: the first use
loads data):

* `zone_at(latitude, longitude)`: a shared location. timezonefinder's packaged boundary polygons
  (no network). The coordinates are only arguments: nothing here keeps, logs or returns them.
* `search(text, languages)`: a typed city, country or zone name. The index holds every canonical
  IANA zone under its id ("America/New_York", "new york"), CLDR's localised exemplar city per
  language from Babel ("Roma" and "Rome" -> Europe/Rome, "San Paolo" -> America/Sao_Paulo),
  tzdata's old names ("Calcutta", "Kiev") and every country's name per language ("Italia",
  "Stati Uniti") -> its zones. A city that names no zone (Milan, Munich) is not found: a shared
  location, or the country's name, finds it.
* `likely_zones(offset, when, language)`: "it is 14:05 for me" gives only an offset; the zones
  that have that offset at that moment are ranked by how many speak the user's language in each
  zone's country (CLDR territory languages) after the zones the product lists first, so an
  Italian at UTC+1 in January is offered Europe/Rome, an English speaker at UTC-4 in July
  America/New_York. The user confirms; a fixed offset is the last resort.

Costs, measured on the project's machine (Python 3.11): timezonefinder 9 with its data, h3,
numpy and cffi adds about 110 MB to the venv (numpy 73 MB, the boundary data 32 MB); importing it
takes 0.20 s, building the finder 24 ms and the first lookup 0.3 ms, later ones 14 µs. So it is
imported on the first shared location, never at start-up. Babel (36 MB) imports in 0.05-0.10 s;
the search index (417 zones x 2 languages, and every country's name) takes 0.24 s to build, once,
and a search then 0.2-0.9 ms. Ranking by offset computes 417 offsets (23 ms), cached per hour.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# The one check, shared with content validation (content/loader.py).
from content.loader import is_zone as is_zone

REGIONS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
MAX_RESULTS = 8
MIN_PREFIX = 3  # characters typed before a prefix match counts ("ro" would match half the world)
OFFICIAL = ("official", "de_facto_official", "official_regional")


# --- location ------------------------------------------------------------------------------


@functools.cache
def _finder() -> Any:
    from timezonefinder import TimezoneFinder  # 0.2 s import: only when a location arrives

    return TimezoneFinder()


def zone_at(latitude: float, longitude: float) -> str | None:
    """The IANA zone at a point, or None for nonsense coordinates. At sea timezonefinder answers
    with the nautical zone (Etc/GMT±N), which is right there and follows no daylight saving."""
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return None
    found = _finder().timezone_at(lat=latitude, lng=longitude)
    return str(found) if found and is_zone(str(found)) else None


# --- the zone list -------------------------------------------------------------------------


def is_fixed(name: str | None) -> bool:
    """A zone that never changes its offset: "UTC" and the Etc/GMT±N the old offset screen set.

    (A named zone without daylight saving, Asia/Tokyo, is not "fixed" here: it follows its
    country's law, which may change, and it is what a user there should have.)"""
    return name is not None and (name in ("UTC", "Etc/UTC", "GMT", "Etc/GMT") or name.startswith("Etc/GMT"))


@functools.cache
def canonical_zones() -> tuple[str, ...]:
    """Every canonical IANA zone in a region (no backward-compatible aliases, no Etc/)."""
    from babel.core import get_global

    aliases = get_global("zone_aliases")
    return tuple(
        sorted(
            z
            for z in zoneinfo.available_timezones()
            if z.split("/", 1)[0] in REGIONS and z not in aliases and "/" in z and not z.startswith("posix")
        )
    )


def offset_at(zone: str, when: datetime) -> int:
    """The zone's offset from UTC at `when`, in minutes."""
    offset = when.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    assert offset is not None
    return int(offset.total_seconds() // 60)


def fixed_zone(offset_minutes: int) -> str:
    """The fixed-offset zone for a whole-hour offset. POSIX-style names invert the sign: UTC+2
    is Etc/GMT-2."""
    if offset_minutes % 60:
        raise ValueError("fixed zones exist only for whole hours")
    hours = offset_minutes // 60
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"


def offset_label(offset_minutes: int) -> str:
    """ "+1", "-5", "+5:30", "" for zero: what follows "UTC" in a sentence."""
    if offset_minutes == 0:
        return ""
    sign = "+" if offset_minutes > 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


# --- names ---------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Casefolded, accents dropped, '_', '-', '/', '.' and ',' as spaces: "São_Paulo" -> "sao paulo"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s_\-/.,'’]+", " ", plain).strip()


def _territory(zone: str) -> str | None:
    from babel.core import get_global

    territory = get_global("zone_territories").get(zone)
    return str(territory) if territory and territory != "001" else None


def city(zone: str, language: str) -> str:
    """The zone's exemplar city in the user's language ("Roma"), or its id's last part."""
    if not zone.count("/"):
        return zone
    from babel.dates import get_timezone_location

    try:
        return str(get_timezone_location(zone, locale=language, return_city=True))
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


def country(zone: str, language: str) -> str | None:
    from babel import Locale, UnknownLocaleError

    territory = _territory(zone)
    if territory is None:
        return None
    try:
        name = Locale.parse(language).territories.get(territory)
    except (UnknownLocaleError, ValueError):
        return None
    return str(name) if name else None


def label(zone: str, language: str) -> str:
    """ "Roma, Italia", "New York, Stati Uniti": how a zone is shown, on a button or in prose.
    A fixed offset reads as people say it, "UTC+1", never as its POSIX name "Etc/GMT-1"."""
    if is_fixed(zone):
        if zone.startswith("Etc/GMT") and zone[7:]:
            return "UTC" + offset_label(-int(zone[7:]) * 60)
        return "UTC"
    where = country(zone, language)
    name = city(zone, language)
    # One level, no brackets: sentences put it in brackets of their own ("(Roma, Italia)").
    return f"{name}, {where}" if where and normalise(where) != normalise(name) else name


@dataclass(frozen=True, slots=True)
class _Index:
    keys: dict[str, tuple[str, ...]]  # normalised name -> zones (a country has several)


@functools.lru_cache(maxsize=8)
def _index(languages: tuple[str, ...]) -> _Index:
    from babel import Locale
    from babel.core import get_global

    keys: dict[str, list[str]] = {}

    def add(key: str, zone: str) -> None:
        key = normalise(key)
        if key:
            zones = keys.setdefault(key, [])
            if zone not in zones:
                zones.append(zone)

    zones = canonical_zones()
    # Old names people still know ("Calcutta", "Saigon", "Kiev"): tzdata's backward links.
    for alias, target in get_global("zone_aliases").items():
        if target in zones and "/" in alias:
            add(alias.rsplit("/", 1)[-1], target)
    for zone in (*zones, "UTC"):
        add(zone, zone)
        parts = zone.split("/")
        add(parts[-1], zone)
        if len(parts) > 2:
            add(" ".join(parts[1:]), zone)
    for language in languages:
        for zone in zones:
            add(city(zone, language), zone)
    territory_zones = get_global("territory_zones")
    for language in languages:
        names = Locale.parse(language).territories
        for territory, members in territory_zones.items():
            name = names.get(territory)
            if name:
                for zone in members:
                    if zone in zones:
                        add(name, zone)
    return _Index({k: tuple(v) for k, v in keys.items()})


def search(
    text: str, languages: Sequence[str], *, preferred: Sequence[str] = (), limit: int = MAX_RESULTS
) -> list[str]:
    """IANA zones matching a typed city, country or zone name, best first (at most `limit`).

    Exact names first, then names that start with the text, then (5+ characters) names that
    contain it; within each, zones in `preferred` (the product's short list) first."""
    query = normalise(text)
    if not query:
        return []
    index = _index(tuple(languages))
    found: list[str] = []

    def take(zones: Iterable[str]) -> None:
        ranked = sorted(zones, key=lambda z: (z not in preferred, preferred.index(z) if z in preferred else 0, z))
        for zone in ranked:
            if zone not in found:
                found.append(zone)

    exact = index.keys.get(query, ())
    if exact:  # "Roma" is Rome, not also Romania
        take(exact)
        return found[:limit]
    if len(query) >= MIN_PREFIX:
        take(z for key, zones in index.keys.items() if key.startswith(query) for z in zones)
    if len(query) >= 5:
        take(z for key, zones in index.keys.items() if query in key for z in zones)
    return found[:limit]


# --- offset -> named zones -----------------------------------------------------------------


def language_share(zone: str, language: str) -> float:
    """The share (0-1) of the zone's country that speaks `language`, counting only where it is
    an official language there; 0 when unknown."""
    from babel.core import get_global

    territory = _territory(zone)
    if territory is None:
        return 0.0
    info = get_global("territory_languages").get(territory, {}).get(language)
    if not info or info.get("official_status") not in OFFICIAL:
        return 0.0
    return float(info.get("population_percent") or 0.0) / 100.0


@functools.lru_cache(maxsize=4)
def _offsets(hour: int) -> dict[str, int]:
    # Offsets change on the hour (or half hour) at most: computed once per hour, not per user.
    when = datetime.fromtimestamp(hour * 3600 + 1800, UTC)
    return {zone: offset_at(zone, when) for zone in canonical_zones()}


@functools.cache
def representative_zones() -> frozenset[str]:
    """tzdata's zonenow.tab: one zone per distinct clock behaviour now and later, named after its
    most populous city (America/Sao_Paulo, not America/Araguaina). A population prior for ranking
    zones inside one country."""
    from importlib.resources import files

    try:
        text = files("tzdata").joinpath("zoneinfo", "zonenow.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return frozenset()
    return frozenset(
        line.split("\t")[2] for line in text.splitlines() if line and not line.startswith("#") and line.count("\t") >= 2
    )


def likely_zones(
    offset_minutes: int,
    when: datetime,
    language: str,
    *,
    preferred: Sequence[str] = (),
    limit: int = 4,
) -> list[str]:
    """Named zones with this UTC offset at `when`, the likeliest for a speaker of `language` first.

    Ranked by: in `preferred` (the zones the product offers first), then the share of the zone's
    country speaking the language officially, then tzdata's most populous zone for its clock
    behaviour (representative_zones), then `preferred` order and name."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    offsets = _offsets(int(when.timestamp()) // 3600)
    matching = [z for z, offset in offsets.items() if offset == offset_minutes]

    populous = representative_zones()

    def rank(zone: str) -> tuple[bool, float, bool, int, str]:
        listed = zone in preferred
        share = -language_share(zone, language)
        return (not listed, share, zone not in populous, preferred.index(zone) if listed else 0, zone)

    ranked = sorted(matching, key=rank)
    # One zone per country among the first offered: America/New_York, not also America/Detroit.
    chosen: list[str] = []
    seen: set[str | None] = set()
    for zone in ranked:
        territory = _territory(zone)
        if territory in seen and territory is not None:
            continue
        seen.add(territory)
        chosen.append(zone)
        if len(chosen) == limit:
            break
    return chosen
