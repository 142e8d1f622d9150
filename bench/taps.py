"""1. Cost of a menu tap and of a checklist step, against a bare python-telegram-bot baseline.

Everything runs in-process with a zero-latency FakeTelegram (its own instance per app), so the
figures are CPU cost: the real Application built by build_application (rate limiter off: it
exists to pace traffic to Telegram, not to cost CPU, and would cap this at 29 edits/s) against
a bare Application with one CallbackQueryHandler that answers the query and edits the message
with a six-button keyboard.

Two update paths: the production one, `app.update_processor.process_update(update,
app.process_update(update))` (our PerUserProcessor with its per-user lock and flood check), and
`await app.process_update(update)` (handlers only). Updates are processed one at a time; the
clock covers only processing: making the update dict (the fake's work) and Update.de_json (the
updater's work, the same for both bots) happen before it starts.

  menu tap        alternate "p:causes" and "p:main" on one message: every edit changes it
  checklist step  /check once per user (not timed), then answer "no" to each question; the
                  outcome screen's "start again" begins the next run (also a timed step)
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench import Report, bench_settings, median, percentile, quiet_logging

NAME = "taps"
TITLE = "menu tap and checklist step vs a bare PTB Application (in-process, zero latency)"
TARGET_RATIO = 1.5
USERS = 20


def _baseline_app(fake: Any) -> Any:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
    from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes

    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"Button {r}{c}", callback_data=f"b:{r}{c}") for c in range(2)] for r in range(3)]
    )

    async def on_tap(update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"Page {query.data}", reply_markup=keyboard)

    app = ApplicationBuilder().token("123:ABC").request(fake).get_updates_request(fake).updater(None).build()
    app.add_handler(CallbackQueryHandler(on_tap))
    return app


Step = Callable[[int], dict[str, Any]]  # i -> the i-th update dict


async def _drive(app: Any, fake: Any, make: Step, n: int, production: bool) -> list[float]:
    """Process n updates one by one; per-update latency in seconds."""
    from telegram import Update

    latencies = []
    bot = app.bot
    processor = app.update_processor
    for i in range(n):
        update = Update.de_json(make(i), bot)
        start = time.perf_counter()
        if production:
            await processor.process_update(update, app.process_update(update))
        else:
            await app.process_update(update)
        latencies.append(time.perf_counter() - start)
    return latencies


def _check_fake(fake: Any, label: str) -> None:
    errors = [c for c in fake.calls if not c.ok]
    if errors:
        raise AssertionError(f"{label}: {len(errors)} failed API calls, first: {errors[0]}")
    if fake.unanswered_callback_ids():
        raise AssertionError(f"{label}: {len(fake.unanswered_callback_ids())} unanswered queries")


async def _baseline(n: int, production: bool) -> list[float]:
    from bot.fake_telegram import FakeTelegram

    fake = FakeTelegram()
    app = _baseline_app(fake)
    async with app:
        users = [fake.make_user(100 + u) for u in range(USERS)]
        for user in users:
            await app.bot.send_message(user["id"], "start")

        def make(i: int) -> dict[str, Any]:
            user = users[i % USERS]
            return fake.callback_update(user, 1, f"b:{(i // USERS) % 2}")

        await _drive(app, fake, make, 200, production)  # warm-up
        result = await _drive(app, fake, make, n, production)
    _check_fake(fake, "baseline")
    return result


async def _ours(n: int, production: bool, kind: str, content: Any) -> list[float]:
    from bot.app import build_application, running
    from bot.fake_telegram import ChatClient, FakeTelegram

    fake = FakeTelegram()
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(Path(tmp))
        app = build_application(settings, content=content, request=fake, start_dispatcher=False, rate_limit=False)
        async with running(app):
            clients = [ChatClient(app, fake, user_id=100 + u) for u in range(USERS)]
            for client in clients:
                await client.send("/check" if kind == "checklist" else "/start")
            message_ids = [client.screen().message_id for client in clients]

            if kind == "menu":

                def make(i: int) -> dict[str, Any]:
                    u = i % USERS
                    page = "p:causes" if (i // USERS) % 2 == 0 else "p:main"
                    return fake.callback_update(clients[u].user, message_ids[u], page)

            else:

                def make(i: int) -> dict[str, Any]:
                    client = clients[i % USERS]
                    screen = client.screen()
                    data = screen.callback_data
                    answer = next((d for d in data if d.startswith("c:") and d.endswith(":no")), None)
                    if answer is None:  # the outcome screen: start again
                        answer = next(d for d in data if d.endswith(":restart"))
                    return fake.callback_update(client.user, screen.message_id, answer)

            await _drive(app, fake, make, 200, production)  # warm-up
            result = await _drive(app, fake, make, n, production)
        _check_fake(fake, f"ours ({kind})")
    return result


def run(quick: bool = False) -> Report:
    from content.loader import load_content

    quiet_logging()
    n = 1000 if quick else 2000
    runs = 5 if quick else 7
    content = load_content()
    report = Report(NAME, TITLE)
    cases: list[tuple[str, str, Callable[[], Awaitable[list[float]]]]] = []
    for path, production in (("production", True), ("direct", False)):
        cases.append((path, "baseline", lambda p=production: _baseline(n, p)))
        cases.append((path, "menu", lambda p=production: _ours(n, p, "menu", content)))
        cases.append((path, "checklist", lambda p=production: _ours(n, p, "checklist", content)))

    # Interleaved: every run measures every case, so a noisy moment hits all of them alike.
    samples: dict[tuple[str, str], list[dict[str, float]]] = {(p, k): [] for p, k, _ in cases}
    for _ in range(runs):
        for path, kind, fn in cases:
            lat = asyncio.run(fn())
            samples[(path, kind)].append(
                {
                    "rate": len(lat) / sum(lat),
                    "p50": percentile(lat, 50) * 1e3,
                    "p99": percentile(lat, 99) * 1e3,
                }
            )

    def med(path: str, kind: str, key: str) -> float:
        return median([s[key] for s in samples[(path, kind)]])

    def ratio(path: str, kind: str) -> float:
        # Per run (same moment, same machine state), then the median of the ratios.
        base = samples[(path, "baseline")]
        ours = samples[(path, kind)]
        return median([b["rate"] / o["rate"] for b, o in zip(base, ours, strict=True)])

    rows = []
    for path in ("production", "direct"):
        for kind in ("baseline", "menu", "checklist"):
            rows.append(
                [
                    path,
                    kind,
                    med(path, kind, "rate"),
                    med(path, kind, "p50"),
                    med(path, kind, "p99"),
                    1.0 if kind == "baseline" else ratio(path, kind),
                ]
            )
    report.add_table(
        f"{n:,} callback updates per case, {USERS} users, median of {runs} interleaved runs",
        ["path", "case", "taps/s", "p50 ms", "p99 ms", "cost x baseline"],
        rows,
    )
    report.data = {
        "updates_per_run": n,
        "runs": runs,
        "median": {
            f"{p}/{k}": {key: med(p, k, key) for key in ("rate", "p50", "p99")}
            for p in ("production", "direct")
            for k in ("baseline", "menu", "checklist")
        },
        "samples": {f"{p}/{k}": v for (p, k), v in samples.items()},
    }
    report.target(
        "menu tap cost vs baseline (production path)",
        ratio("production", "menu"),
        TARGET_RATIO,
        "x",
    )
    report.target(
        "checklist step cost vs baseline (production path)",
        ratio("production", "checklist"),
        TARGET_RATIO,
        "x",
    )
    return report
