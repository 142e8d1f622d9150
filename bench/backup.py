"""6. A backup taken while the bot creates and delivers reminders, then restored.

The bot is the real Application (production PriorityRateLimiter, the real delivery worker, the
real clock) against an in-process FakeTelegram enforcing 30 messages/s overall and 1/s per chat,
draining N due reminders (2,000; 600 with --quick) while INTERACTIVE users tap menu pages (tap ->
answerCallbackQuery) and a creator adds a reminder every CREATE_EVERY seconds through storage
(each create fsynced, as a user's "remind me" is). The database is padded with PAD delivered
reminders and their users (a month of history) so the copy takes a while.

After a quiet phase, `python main.py backup FILE` runs BACKUPS times in a row, each as its own
process as an operator or the compose file's backup service runs it, while all of the above
goes on. Then:

  tap p99       during the backup against the phase before it (same run)
  create p99    the same for the fsynced creates
  restore       the copy is restored (storage.backup.restore) to a new path: integrity_check, and
                every reminder committed before the backup began must be in it
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

from bench import FAKE_TOKEN, ROOT, Report, bench_settings, fmt, percentile, production_logging
from bench.dispatch import CAP, FIRST_USER, PAGES, insert_due

NAME = "backup"
TITLE = "backup while reminders are created and delivered; tap p99 during it; restore checked"
INTERACTIVE = 8
TAP_EVERY = 0.25  # one tap every 250 ms in all, round robin: each user every 2 s, as in bench/dispatch.py
CREATE_EVERY = 0.05
QUIET = 5.0  # seconds measured before the backups start
BACKUPS = 3  # one after another: enough taps inside them for a p99
TARGET_TAP_P99_MS = 50.0


def pad(path: Path, n: int, now: int) -> None:
    """n delivered follow-ups of n other users: the history a month of use leaves behind."""
    payload = json.dumps({"lang": "en", "asked_at": now - 86400}, separators=(",", ":"))
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        first = FIRST_USER + 5_000_000
        conn.executemany(
            "INSERT INTO users (user_id, first_seen, last_seen) VALUES (?, ?, ?)",
            ((first + i, now, now) for i in range(n)),
        )
        conn.executemany(
            "INSERT INTO reminders (user_id, chat_id, kind, due_at, payload, created_at, status, sent_at)"
            " VALUES (?, ?, 'followup', ?, ?, ?, 'sent', ?)",
            ((first + i, first + i, now - 3600, payload, now - 7200, now - 3600) for i in range(n)),
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


async def _run(n: int, padding: int, directory: Path) -> dict[str, Any]:
    from telegram import Update

    from bot.app import MIGRATIONS, build_application
    from bot.fake_telegram import ChatClient, FakeTelegram
    from bot.infra.services import services_of
    from bot.lifecycle import lifecycle_of, running
    from content.loader import load_content
    from storage import reminders as outbox
    from storage.backup import restore
    from storage.db import Database

    settings = bench_settings(directory)
    db = await Database.open(settings.database, MIGRATIONS)
    await db.close()
    now = int(time.time())
    pad(settings.database, padding, now)
    insert_due(settings.database, n, now)

    fake = FakeTelegram(overall_per_second=CAP, per_chat_per_second=1)
    app = build_application(settings, content=load_content(), request=fake, start_delivery=True, rate_limit=True)
    taps: list[tuple[float, str]] = []  # (started, query id)
    creates: list[tuple[float, float]] = []  # (started, seconds)
    tasks: set[asyncio.Task[None]] = set()
    copy = directory / "copy.sqlite3"
    async with running(app):
        services = services_of(app)
        delivery = lifecycle_of(app).delivery
        assert delivery is not None
        clients = [ChatClient(app, fake, user_id=1 + u) for u in range(INTERACTIVE)]
        for client in clients:
            await client.send("/start")
        message_ids = [client.screen().message_id for client in clients]
        await asyncio.sleep(1.1)  # Telegram's 1/s per chat counts the /start reply too
        processor = app.update_processor
        stop = asyncio.Event()

        async def tap(u: int, k: int) -> None:
            data = fake.callback_update(clients[u].user, message_ids[u], PAGES[k % len(PAGES)])
            update = Update.de_json(data, app.bot)
            taps.append((time.monotonic(), data["callback_query"]["id"]))
            await processor.process_update(update, app.process_update(update))

        async def tapping() -> None:
            tick = 0
            while not stop.is_set():
                task = asyncio.create_task(tap(tick % INTERACTIVE, tick // INTERACTIVE))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                tick += 1
                await asyncio.sleep(TAP_EVERY)

        async def creating() -> None:
            k = 0
            while not stop.is_set():
                user = FIRST_USER + 9_000_000 + k
                started = time.monotonic()
                await services.db.run(
                    lambda conn, user=user: outbox.create(
                        conn,
                        user_id=user,
                        chat_id=user,
                        due_at=now + 86400,
                        payload=outbox.FollowupPayload("en", now),
                        now=now,
                        max_active=10,
                    )
                )
                creates.append((started, time.monotonic() - started))
                k += 1
                await asyncio.sleep(CREATE_EVERY)

        workers = [asyncio.create_task(tapping()), asyncio.create_task(creating())]
        quiet_from = time.monotonic()
        await asyncio.sleep(QUIET)
        # Every reminder committed before the backup begins: the restored copy must hold them all.
        committed = await services.db.read(lambda conn: {r[0] for r in conn.execute("SELECT id FROM reminders")})
        sent_before = delivery.sent
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
        env["BOT_DATABASE"] = str(settings.database)
        backup_from = time.monotonic()
        windows = []
        for _ in range(BACKUPS):
            started = time.monotonic()
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                str(ROOT / "main.py"),
                "backup",
                str(copy),
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            out, err = await proc.communicate()
            windows.append(time.monotonic() - started)
            if proc.returncode:
                break
        backup_to = time.monotonic()
        await asyncio.sleep(1.0)
        stop.set()
        await asyncio.gather(*workers)
        await asyncio.gather(*tasks)
        sent_during = delivery.sent - sent_before

    answered = {
        str(c.params.get("callback_query_id")): c.at for c in fake.calls if c.method == "answerCallbackQuery" and c.ok
    }

    def lat(lo: float, hi: float) -> list[float]:
        return [answered[q] - t for t, q in taps if lo <= t < hi and q in answered]

    quiet_taps, backup_taps = lat(quiet_from, backup_from), lat(backup_from, backup_to)
    quiet_creates = [s for t, s in creates if quiet_from <= t < backup_from]
    backup_creates = [s for t, s in creates if backup_from <= t < backup_to]
    restored = directory / "restored.sqlite3"
    info = restore(copy, restored, MIGRATIONS)
    conn = sqlite3.connect(restored)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        present = {r[0] for r in conn.execute("SELECT id FROM reminders")}
    finally:
        conn.close()
    return {
        "backup_exit": proc.returncode,
        "backup_output": (out.decode() + err.decode()).strip()[-300:],
        "backup_s": sorted(windows)[len(windows) // 2],
        "backups": len(windows),
        "size_mb": copy.stat().st_size / 1e6 if copy.exists() else float("nan"),
        "rows": info.reminders,
        "taps_quiet": len(quiet_taps),
        "taps_backup": len(backup_taps),
        "tap_p99_quiet_ms": percentile(quiet_taps, 99) * 1e3,
        "tap_p99_backup_ms": percentile(backup_taps, 99) * 1e3,
        "tap_max_backup_ms": max(backup_taps, default=float("nan")) * 1e3,
        "create_p99_quiet_ms": percentile(quiet_creates, 99) * 1e3,
        "create_p99_backup_ms": percentile(backup_creates, 99) * 1e3,
        "creates_backup": len(backup_creates),
        "sent_during_backup_window": sent_during,
        "integrity": integrity,
        "committed_before": len(committed),
        "missing": len(committed - present),
    }


def run(quick: bool = False) -> Report:
    production_logging(secrets=(FAKE_TOKEN,))
    n, padding = (1000, 400_000) if quick else (3000, 1_000_000)
    report = Report(NAME, TITLE)
    with tempfile.TemporaryDirectory() as tmp:
        r = asyncio.run(_run(n, padding, Path(tmp)))
    report.add_table(
        f"{n:,} due reminders draining at 30/s, {INTERACTIVE} users tapping, a create every "
        f"{CREATE_EVERY} s; {padding:,} delivered reminders of history; "
        f"`main.py backup` in its own process, {BACKUPS} times",
        ["", "taps", "tap p99 ms", "create p99 ms"],
        [
            ["before the backup", r["taps_quiet"], r["tap_p99_quiet_ms"], r["create_p99_quiet_ms"]],
            ["during the backup", r["taps_backup"], r["tap_p99_backup_ms"], r["create_p99_backup_ms"]],
        ],
    )
    report.notes.append(
        f"{r['backups']} backups one after another, median {fmt(r['backup_s'])} s (process start "
        f"included) for {fmt(r['size_mb'])} MB ({r['rows']:,} reminders), exit "
        f"{r['backup_exit']}; worst tap during it {fmt(r['tap_max_backup_ms'])} ms; "
        f"{r['sent_during_backup_window']} reminders delivered from the first backup's start to 1 s after the last"
    )
    report.notes.append(
        f"restored copy: integrity_check {r['integrity']!r}; {r['committed_before']:,} reminders committed "
        f"before the backup began, {r['missing']} of them missing"
    )
    report.data = r
    report.target("backup exit status", float(r["backup_exit"]), 0)
    report.target("restored copy passes integrity_check", 0.0 if r["integrity"] == "ok" else 1.0, 0)
    report.target("reminders committed before the backup, missing from it", float(r["missing"]), 0)
    report.target("tap p99 during the backup", r["tap_p99_backup_ms"], TARGET_TAP_P99_MS, "ms")
    return report
