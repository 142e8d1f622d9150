"""Checklist outcomes with their traceability: which content version and which items' words
produced each one, so a safety notice can reach exactly the people a withdrawn line advised.

One row per finished checklist. `items` maps every reviewable item the user was shown on the way
(the questions or signs asked, the disposition, its safety-netting) to its fingerprint at that
moment (content/fingerprints.py). Health data: exported by /mydata, erased by /delete_my_data,
deleted after the same retention as the diary's entries.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Declared by the checklist feature's table (storage/tables.py); applied in name order.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    (
        "0006_checklist_outcomes",
        """
        CREATE TABLE checklist_outcomes (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
            finished_at INTEGER NOT NULL,
            language TEXT NOT NULL,             -- the language the outcome was read in
            outcome TEXT NOT NULL,
            content_version TEXT NOT NULL,
            items TEXT NOT NULL                 -- JSON {item id: fingerprint}: the words that produced it
        );
        CREATE INDEX checklist_outcomes_user ON checklist_outcomes(user_id, finished_at);
        CREATE INDEX checklist_outcomes_age ON checklist_outcomes(finished_at);
        """,
    ),
)


@dataclass(frozen=True, slots=True)
class Affected:
    """A user whose stored outcome relied on older words of the items a notice is about."""

    user_id: int
    language: str
    items: tuple[str, ...]  # which of the notice's items their outcome relied on


def record(
    conn: sqlite3.Connection,
    *,
    user_id: int,
    finished_at: int,
    language: str,
    outcome: str,
    version: str,
    items: Mapping[str, str],
) -> int:
    cur = conn.execute(
        "INSERT INTO checklist_outcomes (user_id, finished_at, language, outcome, content_version, items) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, finished_at, language, outcome, version, json.dumps(dict(items), separators=(",", ":"))),
    )
    return int(cur.lastrowid or 0)


def latest(conn: sqlite3.Connection, user_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM checklist_outcomes WHERE user_id = ? ORDER BY finished_at DESC, id DESC LIMIT 1", (user_id,)
    ).fetchone()
    return row


# What /mydata shows of an outcome (`items`: JSON, shown decoded).
EXPORTED = "finished_at, language, outcome, content_version, items"


def purge_older(conn: sqlite3.Connection, before: int) -> int:
    return conn.execute("DELETE FROM checklist_outcomes WHERE finished_at < ?", (before,)).rowcount


def affected(
    conn: sqlite3.Connection, item_ids: Iterable[str], current: Mapping[str, str], version: str
) -> list[Affected]:
    """Users with an outcome from an older content version that relied on one of `item_ids` in
    words other than today's (`current`: item id -> fingerprint; a withdrawn item has none).

    A user with several such outcomes is one user (their latest outcome's language)."""
    wanted = sorted(set(item_ids))
    rows = conn.execute(
        """
        SELECT o.user_id, o.language, o.finished_at, j.key AS item, j.value AS fingerprint
        FROM checklist_outcomes AS o, json_each(o.items) AS j
        WHERE o.content_version != ? AND j.key IN (SELECT value FROM json_each(?))
        ORDER BY o.user_id, o.finished_at
        """,
        (version, json.dumps(wanted)),
    ).fetchall()
    found: dict[int, tuple[str, set[str]]] = {}
    for row in rows:
        if current.get(row["item"]) == row["fingerprint"]:
            continue  # they read the words that are still shipped: nothing to correct
        _, items = found.get(row["user_id"], ("", set()))
        items.add(row["item"])
        found[row["user_id"]] = (row["language"], items)
    return [Affected(uid, lang, tuple(sorted(items))) for uid, (lang, items) in sorted(found.items())]
