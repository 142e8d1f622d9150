"""4. Storage at scale: 1,000,000 pending reminders.

The database is created by Database.open (so the schema and pragmas are the real ones), then
filled with sqlite3 executemany in one transaction: 100,000 users with 10 pending follow-ups each
(the per-user maximum), due over the next 30 days.

  claim / next_due   storage.reminders.claim_due (the UPDATE ... WHERE id IN (SELECT ... LIMIT)
                     RETURNING the dispatcher runs every pass) and next_due_at, timed on the
                     database thread (the query alone) and through Database.run / read (what the
                     dispatcher waits for: thread hand-off and, for claim, the COMMIT's fsync).
                     "nothing due": every row is in the future; "60 of 20,000 due": each call
                     claims a full batch.
  memory             VmRSS of a bot process (build_application + running(), dispatcher loop on,
                     in-process FakeTelegram) after a few dispatcher passes, once when nothing is
                     due and once after it delivered a batch of 60, on the 1M database and on one
                     with 100 pending reminders. One fresh subprocess per measurement.
  create             storage.reminders.create through Database.run (one transaction, as
                     /reminders does), while the dispatcher drains due reminders through the
                     production rate limiter into a FakeTelegram capped at 30/s; once on the
                     1M pending rows alone, once with a month of delivered rows added (300,000,
                     what the dispatcher keeps for PRUNE_AFTER = 30 days at 10,000 a day).

Before each timed run, `settle` syncs the disk, so no earlier writeback lands during the run.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import ROOT, Report, bench_settings, median, percentile, progress, quiet_logging

NAME = "storage"
TITLE = "1,000,000 pending reminders: claim query, memory, reminder creation"
BIG = 1_000_000
SMALL = 100
PER_USER = 10
TARGET_QUERY_MS = 5.0
TARGET_RSS_MB = 10.0
TARGET_CREATE_P99_MS = 2.0
DAY = 86400
HISTORY = 300_000  # 30 days of 10,000 reminders a day
HISTORY_FIRST_ID = 10_000_000
PAYLOAD = json.dumps({"lang": "en", "reasons": ["intense", "recurring"], "asked_at": 0}, separators=(",", ":"))


def populate(path: Path, pending: int, now: int) -> None:
    """`pending` follow-ups for pending / PER_USER users, due between 1 h and 30 days from now."""
    users = max(1, pending // PER_USER)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO users (user_id, first_seen, last_seen) VALUES (?, ?, ?)",
            ((1 + u, now, now) for u in range(users)),
        )
        conn.executemany(
            "INSERT INTO reminders (user_id, chat_id, kind, due_at, payload, created_at) "
            "VALUES (?, ?, 'followup', ?, ?, ?)",
            (
                (1 + i % users, 1 + i % users, now + 3600 + (i * 7919) % (30 * DAY), PAYLOAD, now)
                for i in range(pending)
            ),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def add_history(path: Path, rows: int, now: int) -> None:
    """Delivered reminders of the last 29 days (what PRUNE_AFTER keeps): a month of traffic."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO reminders (id, user_id, chat_id, kind, due_at, status, attempts, payload, created_at, "
            "sent_at) VALUES (?, ?, ?, 'followup', ?, 'sent', 1, '{}', ?, ?)",
            (
                (
                    HISTORY_FIRST_ID + i,
                    1 + i % 10_000,
                    1 + i % 10_000,
                    now - i % (29 * DAY),
                    now - i % (29 * DAY) - DAY,
                    now - i % (29 * DAY),
                )
                for i in range(rows)
            ),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def _sql(path: Path, sql: str, *params: Any) -> int:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        return conn.execute(sql, params).rowcount
    finally:
        conn.close()


def make_due(path: Path, count: int, now: int) -> int:
    """The `count` pending rows due soonest become due now (spread over the last 10 minutes)."""
    return _sql(
        path,
        "UPDATE reminders SET due_at = ? - (id % 600) WHERE id IN "
        "(SELECT id FROM reminders WHERE status = 'pending' ORDER BY due_at LIMIT ?)",
        now,
        count,
    )


def settle() -> None:
    """Write every dirty page on the machine to disk before a measured run.

    The set-up's own SQLite writes need nothing more: make_due, reset and add_history close the
    last connection, and SQLite checkpoints (with an fsync) and deletes the WAL then. This only
    keeps other pending writeback (earlier runs' temporary files, other tenants) from landing
    on the disk while creates are timed.
    """
    os.sync()


def reset(path: Path, now: int) -> None:
    """Everything back to pending and in the future (undo a benchmark's deliveries)."""
    _sql(
        path,
        "UPDATE reminders SET status = 'pending', due_at = ? + 3600 + (id * 7919) % ?, attempts = 0, "
        "claimed_at = NULL, sent_at = NULL, last_error = NULL, payload = ? "
        "WHERE id <= ? AND (status != 'pending' OR due_at <= ?)",
        now,
        30 * DAY,
        PAYLOAD,
        BIG,
        now + 60,
    )


# --- query timings ---------------------------------------------------------------------------


async def _query_timings(path: Path, reps: int, with_due: bool) -> dict[str, dict[str, float]]:
    from bot.app import MIGRATIONS
    from storage import reminders as outbox
    from storage.db import Database

    db = await Database.open(path, MIGRATIONS)
    now = int(time.time())
    out: dict[str, dict[str, float]] = {}
    try:
        cases = (
            ("claim_due, nothing due", "run", lambda conn: outbox.claim_due(conn, now - 7 * DAY, 60)),
            ("claim_due, 60 of 20,000 due", "run", lambda conn: outbox.claim_due(conn, now, 60)),
            ("next_due_at", "read", outbox.next_due_at),
        )
        for label, how, fn in cases:
            if "60 of" in label and not with_due:
                continue
            inner: list[float] = []
            outer: list[float] = []

            def timed(conn: sqlite3.Connection, fn: Any = fn, inner: list[float] = inner) -> Any:
                start = time.perf_counter()
                result = fn(conn)
                inner.append(time.perf_counter() - start)
                return result

            call = db.run if how == "run" else db.read
            for _ in range(reps):
                start = time.perf_counter()
                result = await call(timed)
                outer.append(time.perf_counter() - start)
                if "60 of" in label:
                    assert len(result) == 60, len(result)
            out[label] = {
                "query_p50_ms": percentile(inner, 50) * 1e3,
                "query_p99_ms": percentile(inner, 99) * 1e3,
                "call_p50_ms": percentile(outer, 50) * 1e3,
                "call_p99_ms": percentile(outer, 99) * 1e3,
            }
    finally:
        await db.close()
    return out


# --- memory (one subprocess per measurement) -------------------------------------------------


def rss_child(db_path: str) -> None:
    """Run in a fresh interpreter: print {"idle": kB, "after_batch": kB, "peak": kB} as JSON."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    asyncio.run(_rss_child(Path(db_path)))


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


async def _rss_child(path: Path) -> None:
    import gc

    from bot.app import build_application
    from bot.fake_telegram import FakeTelegram
    from bot.infra.services import services_of
    from bot.lifecycle import lifecycle_of, running
    from content.loader import load_content

    quiet_logging()
    settings = bench_settings(path.parent, database=path)
    app = build_application(settings, content=load_content(), request=FakeTelegram(), rate_limit=False)
    async with running(app):
        services = services_of(app)
        dispatcher = lifecycle_of(app).delivery
        assert dispatcher is not None
        for _ in range(5):  # passes over a database where nothing is due
            dispatcher.wake()
            await asyncio.sleep(0.05)
        gc.collect()
        idle = _status_kb("VmRSS")
        now = int(time.time())
        await services.db.run(
            lambda conn: conn.execute(
                "UPDATE reminders SET due_at = ? WHERE id IN "
                "(SELECT id FROM reminders WHERE status = 'pending' ORDER BY due_at LIMIT 60)",
                (now - 1,),
            )
        )
        dispatcher.wake()
        deadline = time.monotonic() + 30
        while dispatcher.sent < 60 and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        for _ in range(5):  # and a few more passes once the batch is delivered
            dispatcher.wake()
            await asyncio.sleep(0.05)
        gc.collect()
        after = _status_kb("VmRSS")
        sent = dispatcher.sent
    print(json.dumps({"idle": idle, "after_batch": after, "peak": _status_kb("VmHWM"), "sent": sent}))


def _measure_rss(path: Path) -> dict[str, int]:
    code = f"from bench.storage import rss_child; rss_child({str(path)!r})"
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"memory subprocess failed: {proc.stderr[-2000:]}")
    result: dict[str, int] = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["sent"] < 60:
        raise RuntimeError(f"the dispatcher delivered {result['sent']} of 60 due reminders")
    return result


# --- reminder creation while the dispatcher runs ---------------------------------------------


async def _create_timings(
    path: Path, content: Any, creates: int, first_user: int, dispatching: bool = True
) -> dict[str, float]:
    from bot.app import build_application
    from bot.fake_telegram import FakeTelegram
    from bot.infra.services import services_of
    from bot.lifecycle import lifecycle_of, running
    from storage import reminders as outbox
    from storage.reminders import FollowupPayload

    settings = bench_settings(path.parent, database=path)
    fake = FakeTelegram(overall_per_second=30, per_chat_per_second=1)
    app = build_application(settings, content=content, request=fake, start_delivery=dispatching, rate_limit=True)
    latencies: list[float] = []
    async with running(app):
        services = services_of(app)
        dispatcher = lifecycle_of(app).delivery
        assert dispatcher is not None
        if dispatching:  # measure while batches are claimed and recorded, not before the first
            for _ in range(200):
                if dispatcher.sent:
                    break
                await asyncio.sleep(0.05)
        sent_before = dispatcher.sent
        for i in range(creates):
            now = int(time.time())
            user = first_user + i

            def create(conn: sqlite3.Connection, user: int = user, now: int = now) -> int | None:
                return outbox.create(
                    conn,
                    user_id=user,
                    chat_id=user,
                    due_at=now + DAY,
                    payload=FollowupPayload(lang="en", reasons=("intense",), asked_at=now),
                    now=now,
                    max_active=10,
                )

            start = time.perf_counter()
            created = await services.db.run(create)
            latencies.append(time.perf_counter() - start)
            assert created is not None
            await asyncio.sleep(0.01)
        sent = dispatcher.sent - sent_before
    return {
        "p50_ms": percentile(latencies, 50) * 1e3,
        "p99_ms": percentile(latencies, 99) * 1e3,
        "max_ms": max(latencies) * 1e3,
        "dispatched_meanwhile": sent,
    }


def run(quick: bool = False) -> Report:
    from content.loader import load_content

    quiet_logging()
    report = Report(NAME, TITLE)
    content = load_content()
    query_runs = 5
    rss_runs = 3
    create_runs = 5
    creates = 400  # 4 s per run: the dispatcher records a batch of 60 every 2 s at 30/s
    with tempfile.TemporaryDirectory() as tmp:
        dbs: dict[int, Path] = {}
        fill_seconds = 0.0
        for pending in (SMALL, BIG):
            directory = Path(tmp) / f"db{pending}"
            directory.mkdir()
            path = directory / "bot.sqlite3"
            asyncio.run(_open_close(path))
            with progress(f"inserting {pending:,} pending reminders"):
                start = time.perf_counter()
                populate(path, pending, int(time.time()))
                if pending == BIG:
                    fill_seconds = time.perf_counter() - start
            dbs[pending] = path
        size_mb = dbs[BIG].stat().st_size / 2**20
        opens = []
        for _ in range(3):
            start = time.perf_counter()
            asyncio.run(_open_close(dbs[BIG]))
            opens.append(time.perf_counter() - start)

        # Memory first: nothing may be due yet.
        rss: dict[int, list[dict[str, int]]] = {SMALL: [], BIG: []}
        with progress(f"memory: {rss_runs} x 2 bot subprocesses"):
            for _ in range(rss_runs):
                for pending, path in dbs.items():
                    rss[pending].append(_measure_rss(path))
                    reset(path, int(time.time()))

        # Queries: 20,000 due among the 1M, so each claim takes a full batch.
        query_results: dict[int, list[dict[str, dict[str, float]]]] = {SMALL: [], BIG: []}
        reps = 60
        with progress(f"claim / next_due: {query_runs} runs of {reps}"):
            for _ in range(query_runs):
                for pending, path in dbs.items():
                    # 100 rows cannot feed 60 claims of 60: the small database is the reference for
                    # "nothing due" and next_due_at only.
                    if pending == BIG:
                        make_due(path, 20_000, int(time.time()))
                    settle()
                    query_results[pending].append(asyncio.run(_query_timings(path, reps, pending == BIG)))
                    reset(path, int(time.time()))

        create_results: dict[str, list[dict[str, float]]] = {"plain": [], "idle": [], "history": []}
        first_user = 5_000_000
        for case in ("plain", "idle", "history"):
            if case == "history":
                with progress(f"adding {HISTORY:,} delivered reminders of the last 29 days"):
                    add_history(dbs[BIG], HISTORY, int(time.time()))
            with progress(f"create ({case}): {create_runs} runs of {creates}"):
                for _ in range(create_runs):
                    make_due(dbs[BIG], 20_000, int(time.time()))
                    settle()
                    result = _create_timings(dbs[BIG], content, creates, first_user, dispatching=case != "idle")
                    create_results[case].append(asyncio.run(result))
                    first_user += creates
                    reset(dbs[BIG], int(time.time()))

    # --- report ----------------------------------------------------------------------------------
    def qmed(pending: int, label: str, key: str) -> float:
        return median([r[label][key] for r in query_results[pending]])

    labels = list(query_results[BIG][0])
    rows: list[list[object]] = []
    for label in labels:
        for pending in (BIG, SMALL):
            if pending == SMALL and "60 of" in label:
                continue
            rows.append(
                [
                    label,
                    f"{pending:,}",
                    qmed(pending, label, "query_p50_ms"),
                    qmed(pending, label, "query_p99_ms"),
                    qmed(pending, label, "call_p50_ms"),
                    qmed(pending, label, "call_p99_ms"),
                ]
            )
    report.add_table(
        f"query timings, {reps} calls per run, median of {query_runs} runs (query = on the database thread; "
        "call = Database.run/read as awaited, COMMIT included)",
        ["query", "pending", "query p50 ms", "query p99 ms", "call p50 ms", "call p99 ms"],
        rows,
    )

    def rmed(pending: int, key: str) -> float:
        return median([r[key] / 1024 for r in rss[pending]])

    rss_rows = [
        [f"{pending:,}", rmed(pending, "idle"), rmed(pending, "after_batch"), rmed(pending, "peak")]
        for pending in (SMALL, BIG)
    ]
    diffs = {
        key: median([b[key] / 1024 - s[key] / 1024 for b, s in zip(rss[BIG], rss[SMALL], strict=True)])
        for key in ("idle", "after_batch", "peak")
    }
    rss_rows.append(["difference", diffs["idle"], diffs["after_batch"], diffs["peak"]])
    report.add_table(
        f"bot process memory (MB), median of {rss_runs} subprocesses each",
        ["pending reminders", "VmRSS nothing due", "VmRSS after a batch", "VmHWM (peak)"],
        rss_rows,
    )

    def cmed(case: str, key: str) -> float:
        return median([r[key] for r in create_results[case]])

    report.add_table(
        f"storage.reminders.create via Database.run, {creates} per run every 10 ms while the dispatcher drains "
        f"20,000 due (limiter on, fake capped at 30/s), median of {create_runs} runs; every COMMIT is fsynced "
        "(synchronous = FULL)",
        ["database", "p50 ms", "p99 ms", "max ms", "reminders sent meanwhile"],
        [
            [
                label,
                cmed(case, "p50_ms"),
                cmed(case, "p99_ms"),
                cmed(case, "max_ms"),
                cmed(case, "dispatched_meanwhile"),
            ]
            for case, label in (
                ("plain", f"{BIG:,} pending"),
                ("idle", f"{BIG:,} pending, dispatcher stopped (reference)"),
                ("history", f"{BIG:,} pending + {HISTORY:,} delivered (29 days)"),
            )
        ],
    )
    report.notes.append(
        f"1M database: {size_mb:.0f} MB, filled in {fill_seconds:.1f} s; Database.open (migrations check + "
        f"PRAGMA quick_check) takes {median(opens) * 1e3:.0f} ms on it"
    )
    report.data = {
        "queries": {str(k): v for k, v in query_results.items()},
        "rss_kb": {str(k): v for k, v in rss.items()},
        "create": create_results,
        "db_size_mb": size_mb,
        "open_seconds": opens,
    }
    worst_claim = max(
        qmed(BIG, "claim_due, nothing due", "query_p99_ms"), qmed(BIG, "claim_due, 60 of 20,000 due", "query_p99_ms")
    )
    report.target("claim_due query p99 at 1M (worst case)", worst_claim, TARGET_QUERY_MS, "ms")
    report.target("next_due_at query p99 at 1M", qmed(BIG, "next_due_at", "query_p99_ms"), TARGET_QUERY_MS, "ms")
    report.target(
        "RSS difference 1M vs 100 pending (worst of idle / after a batch)",
        max(diffs["idle"], diffs["after_batch"]),
        TARGET_RSS_MB,
        "MB",
    )
    report.target("create p99 while dispatching (1M pending)", cmed("plain", "p99_ms"), TARGET_CREATE_P99_MS, "ms")
    report.target(
        f"create p99 while dispatching (1M pending + {HISTORY // 1000}k delivered)",
        cmed("history", "p99_ms"),
        TARGET_CREATE_P99_MS,
        "ms",
    )
    return report


async def _open_close(path: Path) -> None:
    from bot.app import MIGRATIONS
    from storage.db import Database

    db = await Database.open(path, MIGRATIONS)
    await db.close()
