"""Where the user said they are, as they said it: a GeoNames city id or a country code, kept
beside their time zone so the bot shows "Milano, Italia" (in the language of the moment), not the
zone's capital. Never coordinates: a shared location is turned into its city and dropped."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field

TABLE = "user_places"
MIGRATION = (
    "0007_user_places",
    """
    CREATE TABLE user_places (
        user_id INTEGER PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        zone TEXT NOT NULL,                 -- the zone this place was chosen for
        geonameid INTEGER,                  -- a city (GeoNames id), or NULL for a whole country
        country TEXT NOT NULL DEFAULT '',   -- ISO 3166 alpha-2
        labels TEXT NOT NULL DEFAULT '{}'   -- JSON {language: "Milano, Italia"}: shown without loading the cities
    );
    """,
)


@dataclass(frozen=True, slots=True)
class StoredPlace:
    zone: str
    geonameid: int | None
    country: str
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, lang: str) -> str | None:
        return self.labels.get(lang)


def save(conn: sqlite3.Connection, user_id: int, place: StoredPlace | None) -> None:
    """Remember the place (None: the zone was chosen without one, so forget any old place)."""
    if place is None:
        conn.execute("DELETE FROM user_places WHERE user_id = ?", (user_id,))
        return
    conn.execute(
        """
        INSERT INTO user_places (user_id, zone, geonameid, country, labels) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET zone = excluded.zone, geonameid = excluded.geonameid,
            country = excluded.country, labels = excluded.labels
        """,
        (user_id, place.zone, place.geonameid, place.country, json.dumps(dict(place.labels), ensure_ascii=False)),
    )


def get(conn: sqlite3.Connection, user_id: int) -> StoredPlace | None:
    row = conn.execute(
        "SELECT zone, geonameid, country, labels FROM user_places WHERE user_id = ?", (user_id,)
    ).fetchone()
    return StoredPlace(row[0], row[1], row[2], json.loads(row[3] or "{}")) if row else None


def export(conn: sqlite3.Connection, user_id: int) -> list[dict[str, object]]:
    row = get(conn, user_id)
    if row is None:
        return []
    return [{"zone": row.zone, "geonameid": row.geonameid, "country": row.country, "labels": dict(row.labels)}]
