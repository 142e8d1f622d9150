"""The diary's table on its own: add (once per draft), undo, ranges, paging, retention, erasure."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from bot.app import TABLES
from storage import diary, users
from storage.db import Database

NOW = 1_764_600_000  # 2025-12-01 UTC, any fixed instant will do
TODAY = date(2026, 12, 1)


async def run(db: Database, fn: object, *args: object, **kwargs: object) -> object:
    """db.run with keyword arguments."""
    return await db.run(lambda conn: fn(conn, *args, **kwargs))  # type: ignore[operator]


def _add(conn: sqlite3.Connection, user_id: int, day: date, token: str, **kw: str) -> tuple[int, bool]:
    fields = {"when": "now", "duration": "lt1", "severity": "mild"} | kw
    return diary.add(conn, user_id=user_id, day=day, token=token, now=NOW, **fields)  # type: ignore[arg-type]


async def test_same_draft_twice_is_one_entry(db):
    first = await run(db, _add, 1, TODAY, "t1")
    again = await run(db, _add, 1, TODAY, "t1", severity="severe")  # a double tap, or a retry
    assert first == (first[0], True)
    assert again == (first[0], False)
    rows = await db.read(lambda c: [dict(r) for r in c.execute("SELECT * FROM diary_entries")])
    assert len(rows) == 1 and rows[0]["severity"] == "mild"
    # Another user's draft with the same token is their own entry.
    other = await run(db, _add, 2, TODAY, "t1")
    assert other[1] is True and other[0] != first[0]


async def test_add_refuses_choices_that_are_not_ours(db):
    with pytest.raises(ValueError, match="not a diary choice"):
        await run(db, _add, 1, TODAY, "t", severity="catastrophic")
    with pytest.raises(ValueError, match="location"):
        await run(db, _add, 1, TODAY, "t", location="elbow")
    assert await db.read(diary.total, 1) == 0


async def test_details_and_undo_only_for_the_owner(db):
    entry_id, _ = await run(db, _add, 1, TODAY, "t")
    assert await run(db, diary.set_details, 2, entry_id, location="calf") is False
    assert await run(db, diary.set_details, 1, entry_id, location="calf") is True
    assert await run(db, diary.set_details, 1, entry_id, context="night") is True
    entry = await db.read(diary.get, 1, entry_id)
    assert entry is not None and (entry.location, entry.context) == ("calf", "night")
    assert await db.read(diary.get, 2, entry_id) is None
    assert await db.run(diary.undo, 2, entry_id) is False  # a forged button: someone else's id
    assert await db.run(diary.undo, 1, entry_id) is True
    assert await db.run(diary.undo, 1, entry_id) is False  # the second tap finds it gone
    assert await db.read(diary.total, 1) == 0


async def test_day_counts_and_count_between_cover_the_range_inclusive(db):
    def fill(conn: sqlite3.Connection) -> None:
        for n, (days_ago, duration, severity) in enumerate(
            [
                (0, "gt60", "severe"),
                (0, "lt1", "mild"),
                (29, "m10_60", "moderate"),
                (30, "lt1", "mild"),
                (59, "lt1", "mild"),
                (60, "lt1", "mild"),
            ]
        ):
            _add(conn, 1, TODAY - timedelta(days=days_ago), f"t{n}", duration=duration, severity=severity)
        _add(conn, 2, TODAY, "x")  # someone else's

    await db.run(fill)
    rows = await db.read(diary.day_counts, 1, TODAY - timedelta(days=59), TODAY)
    assert sum(r.count for r in rows) == 5
    assert await db.read(diary.count_between, 1, TODAY - timedelta(days=29), TODAY) == (3, 2)
    assert await db.read(diary.count_between, 1, TODAY - timedelta(days=59), TODAY - timedelta(days=30)) == (2, 0)
    assert await db.read(diary.first_day, 1) == TODAY - timedelta(days=60)


async def test_range_query_uses_the_user_day_index(db):
    plan = await db.read(
        lambda c: " ".join(
            r[3]
            for r in c.execute(
                "EXPLAIN QUERY PLAN SELECT day, duration, severity, COUNT(*) FROM diary_entries "
                "WHERE user_id = ? AND day BETWEEN ? AND ? GROUP BY day, duration, severity",
                (1, "2026-01-01", "2026-02-01"),
            )
        )
    )
    assert "diary_user_day" in plan


async def test_paging_reads_every_entry_once_in_order(db):
    def fill(conn: sqlite3.Connection) -> None:
        for n in range(1234):
            _add(conn, 1, TODAY - timedelta(days=n % 400), f"t{n}")

    await db.run(fill)
    seen: list[diary.Entry] = []
    after = None
    while page := await db.read(diary.page, 1, after, 100):
        seen.extend(page)
        after = (page[-1].day.isoformat(), page[-1].id)
    assert len(seen) == 1234 == len({e.id for e in seen})
    assert [(e.day, e.id) for e in seen] == sorted((e.day, e.id) for e in seen)
    streamed = await db.read(lambda c: [e.id for e in diary.iter_entries(c, 1, batch=77)])
    assert streamed == [e.id for e in seen]


async def test_purge_keeps_the_retention_window_for_everyone(db):
    def fill(conn: sqlite3.Connection) -> None:
        for user in (1, 2):
            _add(conn, user, TODAY - timedelta(days=400), f"old{user}")
            _add(conn, user, TODAY - timedelta(days=365), f"edge{user}")
            _add(conn, user, TODAY, f"new{user}")

    await db.run(fill)
    assert await db.run(diary.purge, TODAY - timedelta(days=365)) == 2
    days = await db.read(lambda c: sorted(r[0] for r in c.execute("SELECT day FROM diary_entries")))
    assert days == ["2025-12-01", "2025-12-01", "2026-12-01", "2026-12-01"]


async def test_erase_and_export_include_the_diary(db, tmp_path):
    await db.run(users.touch, 1, NOW)
    await run(db, _add, 1, TODAY, "ada-draft-7f3q", location="calf")
    await run(db, _add, 2, TODAY, "bob-draft-9k2w")
    exported = await db.read(users.export, 1, TABLES)
    assert [(r["day"], r["severity"], r["location"]) for r in exported["diary_entries"]] == [
        ("2026-12-01", "mild", "calf")
    ]
    assert "token" not in exported["diary_entries"][0]  # our draft id, not their data
    assert await db.run(users.erase, 1, TABLES) == 1
    assert await db.read(diary.total, 1) == 0
    assert await db.read(diary.total, 2) == 1
    await db.checkpoint()
    # secure_delete + checkpoint: the erased entry's bytes are gone from the file and the WAL.
    raw = (tmp_path / "bot.sqlite3").read_bytes() + (tmp_path / "bot.sqlite3-wal").read_bytes()
    # (The choice codes are in the schema's comments, so look for the row's own draft token.)
    assert b"ada-draft-7f3q" not in raw
    assert b"bob-draft-9k2w" in raw
