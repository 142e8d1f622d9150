"""3. Reminder dispatch against Telegram's limits, with people tapping during the drain.

N reminders (10,000; 1,000 with --quick) fall due at once for N different users. The bot is the
real Application (build_application with the production PriorityRateLimiter, the real
dispatcher loop started by post_init, the real SystemClock) talking to an in-process
FakeTelegram that enforces 30 messages/s overall and 1 message/s per chat and answers 429 when
either is broken. Rows are inserted directly (executemany, one transaction) into a database
opened by Database.open.

While the backlog drains, INTERACTIVE users tap menu pages in turn, one tap every TAP_EVERY
seconds in all (each user every INTERACTIVE * TAP_EVERY = 2 s, inside Telegram's 1/s per chat;
see the note in the report for what a single user tapping twice a second gets). Tap latency is
tap -> answerCallbackQuery reaching the fake; taps go through the production update path
(update_processor.process_update), not polling, which benchmark 2 covers.

Three independent drains run at the same time, each with its own bot, database, limiter and
FakeTelegram (its own 30/s cap): together they use a few percent of one core, and the run takes
one drain's time instead of three. Every figure is the median over the drains.

  rate      messages delivered per second (reminders and interactive edits share the 30/s cap)
            between the first and the last reminder; reminders/s is shown too
  lost      reminders whose user never got a message; duplicates: extra messages to one user
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench import FAKE_TOKEN, Report, bench_settings, fmt, median, percentile, production_logging

NAME = "dispatch"
TITLE = "reminder dispatch under 30/s overall and 1/s per chat, with interactive taps"
CAP = 30.0
TARGET_RATE = 0.95 * CAP
TARGET_TAP_P99 = 1.0
DRAINS = 3
INTERACTIVE = 4
TAP_EVERY = 0.5
FIRST_USER = 10_000_000
PAGES = ("p:causes", "p:main", "p:therapy", "p:main")


def insert_due(path: Path, n: int, now: int, first_user: int = FIRST_USER) -> None:
    """n follow-up reminders for n users, due one second ago (the schema exists already)."""
    payload = json.dumps({"lang": "en", "reasons": ["intense"], "asked_at": now - 86400}, separators=(",", ":"))
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO users (user_id, first_seen, last_seen) VALUES (?, ?, ?)",
            ((first_user + i, now, now) for i in range(n)),
        )
        conn.executemany(
            "INSERT INTO reminders (user_id, chat_id, kind, due_at, payload, created_at)"
            " VALUES (?, ?, 'followup', ?, ?, ?)",
            ((first_user + i, first_user + i, now - 1, payload, now - 86400) for i in range(n)),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


async def _drain(n: int, content: Any, directory: Path, per_user_every: float | None = None) -> dict[str, Any]:
    from telegram import Update

    from bot.app import MIGRATIONS, build_application
    from bot.fake_telegram import ChatClient, FakeTelegram
    from bot.infra.services import services_of
    from bot.lifecycle import lifecycle_of, running
    from storage.db import Database

    settings = bench_settings(directory)
    db = await Database.open(settings.database, MIGRATIONS)
    await db.close()
    insert_due(settings.database, n, int(time.time()))

    fake = FakeTelegram(overall_per_second=CAP, per_chat_per_second=1)
    app = build_application(settings, content=content, request=fake, start_delivery=True, rate_limit=True)
    tap_started: dict[str, float] = {}
    tasks: set[asyncio.Task[None]] = set()
    async with running(app):
        dispatcher = lifecycle_of(app).delivery
        assert dispatcher is not None
        drain_start = time.monotonic()
        clients = [ChatClient(app, fake, user_id=1 + u) for u in range(INTERACTIVE)]
        for client in clients:
            await client.send("/start")  # the message they will tap on (not measured)
        message_ids = [client.screen().message_id for client in clients]
        # Telegram's 1 message/s per chat counts the /start reply too: nobody taps its button
        # within the same second (the fake would answer 429, and a 429 pauses every send).
        await asyncio.sleep(1.1)
        processor = app.update_processor

        async def tap(u: int, k: int) -> None:
            data = fake.callback_update(clients[u].user, message_ids[u], PAGES[k % len(PAGES)])
            update = Update.de_json(data, app.bot)
            tap_started[data["callback_query"]["id"]] = time.monotonic()
            await processor.process_update(update, app.process_update(update))

        deadline = drain_start + n / 20 + 60
        tick = 0
        every = TAP_EVERY if per_user_every is None else per_user_every
        while dispatcher.sent < n and time.monotonic() < deadline:
            # Round-robin over the users (one tap per tick), or every user each tick.
            batch = [tick % INTERACTIVE] if per_user_every is None else list(range(INTERACTIVE))
            for u in batch:
                task = asyncio.create_task(tap(u, tick // (INTERACTIVE if per_user_every is None else 1)))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            tick += 1
            await asyncio.sleep(every)
        await asyncio.gather(*tasks)
        rows = await services_of(app).db.read(
            lambda conn: dict(conn.execute("SELECT status, COUNT(*) FROM reminders GROUP BY status").fetchall())
        )
        limiter_retries = getattr(app.bot.rate_limiter, "retries", 0)

    interactive = {c.chat_id for c in clients}
    sends = [c for c in fake.calls if c.method == "sendMessage" and c.ok and c.chat_id not in interactive]
    per_chat = Counter(c.chat_id for c in sends)
    expected = {FIRST_USER + i for i in range(n)}
    lost = len(expected - per_chat.keys())
    duplicates = sum(count - 1 for count in per_chat.values() if count > 1)
    times = sorted(c.at for c in sends)
    first, last = (times[0], times[-1]) if times else (0.0, 0.0)
    span = max(last - first, 1e-9)
    limited = [c for c in fake.calls if c.ok and c.method in fake.RATE_LIMITED_METHODS and first <= c.at <= last]
    answered = {
        str(c.params.get("callback_query_id")): c.at for c in fake.calls if c.method == "answerCallbackQuery" and c.ok
    }
    tap_latency = [answered[q] - t for q, t in tap_started.items() if q in answered]
    return {
        "reminders": n,
        "seconds": last - drain_start,
        "messages_per_s": (len(limited) - 1) / span,
        "reminders_per_s": (len(sends) - 1) / span,
        "rejected_429": fake.rejected_429,
        "limiter_retries": limiter_retries,
        "lost": lost,
        "duplicates": duplicates,
        "unanswered_taps": len(tap_started) - len(tap_latency),
        "taps": len(tap_started),
        "tap_p50_ms": percentile(tap_latency, 50) * 1e3,
        "tap_p99_ms": percentile(tap_latency, 99) * 1e3,
        "tap_max_ms": max(tap_latency, default=float("nan")) * 1e3,
        "status": rows,
    }


async def _drains(n: int, drains: int, per_user_every: float | None = None) -> list[dict[str, Any]]:
    from content.loader import load_content

    content = load_content()
    with tempfile.TemporaryDirectory() as tmp:
        dirs = [Path(tmp) / f"drain{i}" for i in range(drains)]
        for d in dirs:
            d.mkdir()
        return await asyncio.gather(*(_drain(n, content, d, per_user_every) for d in dirs))


def run(quick: bool = False) -> Report:
    production_logging(secrets=(FAKE_TOKEN,))
    n = 1000 if quick else 10_000
    report = Report(NAME, TITLE)
    results = asyncio.run(_drains(n, DRAINS))

    def med(key: str) -> float:
        return median([float(r[key]) for r in results])

    headers = [
        "drain",
        "reminders",
        "s",
        "msgs/s",
        "reminders/s",
        "429s",
        "lost",
        "dupes",
        "taps",
        "tap p50 ms",
        "tap p99 ms",
        "tap max ms",
    ]
    keys = [
        "reminders",
        "seconds",
        "messages_per_s",
        "reminders_per_s",
        "rejected_429",
        "lost",
        "duplicates",
        "taps",
        "tap_p50_ms",
        "tap_p99_ms",
        "tap_max_ms",
    ]
    rows: list[list[object]] = [[str(i + 1), *[r[k] for k in keys]] for i, r in enumerate(results)]
    rows.append(["median", *[med(k) for k in keys]])
    report.add_table(
        f"{DRAINS} drains of {n:,} due reminders (run at the same time, independent), "
        f"{INTERACTIVE} users tapping in turn every {TAP_EVERY} s",
        headers,
        rows,
    )
    statuses = Counter[str]()
    for r in results:
        statuses.update(r["status"])
    report.notes.append(
        f"reminder rows after the drains: {dict(statuses)}; limiter retries: {[r['limiter_retries'] for r in results]}"
    )
    report.data = {"reminders": n, "drains": results}
    worst_taps = max(r["tap_p99_ms"] for r in results) / 1e3
    report.target("sustained delivery rate", med("messages_per_s"), TARGET_RATE, "msg/s", higher_is_better=True)
    report.target("429 responses (sum over drains)", float(sum(r["rejected_429"] for r in results)), 0)
    report.target("lost reminders (sum)", float(sum(r["lost"] for r in results)), 0)
    report.target("duplicate reminders (sum)", float(sum(r["duplicates"] for r in results)), 0)
    report.target("unanswered taps (sum)", float(sum(r["unanswered_taps"] for r in results)), 0)
    report.target("interactive tap p99 (median of drains)", med("tap_p99_ms"), TARGET_TAP_P99 * 1e3, "ms")
    report.notes.append(
        f"worst drain's tap p99: {fmt(worst_taps * 1e3)} ms; reminders alone: "
        f"{fmt(med('reminders_per_s'))}/s (the interactive edits take the rest of the cap)"
    )
    return report
