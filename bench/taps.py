"""1. Cost of a menu tap and of a checklist step, against a bare python-telegram-bot baseline.

Everything runs in-process with a zero-latency FakeTelegram (its own instance per app), so the
figures are CPU cost plus, for the checklist, the SQLite round trips. Our bot is the real
Application from build_application, with production logging (INFO, one line per update, written
to /dev/null) and the rate limiter off: it paces traffic to Telegram at 29 edits/s, which is not
what this measures. The baseline is a bare Application with one CallbackQueryHandler that answers
the query and edits the message with a six-button keyboard.

Update paths: "production" is `app.update_processor.process_update(update,
app.process_update(update))` (our PerUserProcessor: per-user lock, flood check, log line);
"direct" is `await app.process_update(update)` (handlers only). "sequential" processes one update
at a time (per-update latency = the tap's cost); "20 in flight" runs the 20 users concurrently,
each tapping in turn, so database waits overlap with other users' work. The clock covers only
processing: making the update dict (the fake's work) and Update.de_json (the updater's work, the
same for both bots) happen before it starts. Each update is followed by one pass of the event
loop, as a real bot's network reads give it, and the clock stops only once our queued writes are
committed: background work is counted, not left behind the clock.

  menu tap        alternate "p:causes" and "p:main" on one message: every edit changes it
  checklist step  /check once per user (not timed), then answer "no" to each question; the
                  outcome screen's "start again" begins the next run (also a timed step)

The target compares costs measured in the same run: ratio = baseline taps/s / our taps/s.
A second table splits that cost: a bare PTB Application that answers and edits to exactly the
screens our bot shows (same text, formatting and keyboards) against the six-button baseline is
what our content costs in PTB and Telegram's work; our bot against it is what our code adds.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from bench import FAKE_TOKEN, Report, bench_settings, median, percentile, plain_screen, production_logging

NAME = "taps"
TITLE = "menu tap and checklist step vs a bare PTB Application (in-process, zero latency)"
TARGET_RATIO = 1.5
USERS = 20
WARMUP = 10  # taps per user before the clock starts

MakeUpdate = Callable[[int], dict[str, Any]]  # k -> the user's k-th update dict


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


def _same_screens(content: Any, kind: str) -> list[Any]:
    """The screens our bot shows in this case, in the order it shows them (English)."""
    from bot.features.checklist.screens import ask_screen, outcome_screen
    from bot.ui.keyboards import page_screen
    from content.triage import CONTEXT, NONE, Ask, encode_path

    if kind == "menu":
        return [page_screen(content, "causes", "en"), page_screen(content, "main", "en")]
    triage = content.triage
    answers: dict[str, str] = {}
    screens = []
    while isinstance(state := triage.step(answers), Ask):
        screens.append(ask_screen(content, "bench000", encode_path(triage, answers), state, "en"))
        spec = state.screen
        answers[spec.id] = "adult" if spec.kind == "audience" else NONE if spec.kind == CONTEXT else "no"
    screens.append(outcome_screen(content, "bench000", encode_path(triage, answers), state, "en"))
    return screens


def _same_screen_app(fake: Any, screens: list[Any]) -> Any:
    """Bare PTB showing exactly our screens: the k-th tap edits to screen k (cyclically).

    The keyboards are rebuilt as plain PTB objects (bench.plain_screen)."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes

    plain = [plain_screen(screen) for screen in screens]

    async def on_tap(update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        text, markup = plain[int(query.data.split(":")[1]) % len(plain)]
        await query.answer()
        await query.edit_message_text(text, parse_mode="HTML", reply_markup=markup)

    app = ApplicationBuilder().token("123:ABC").request(fake).get_updates_request(fake).updater(None).build()
    app.add_handler(CallbackQueryHandler(on_tap))
    return app


async def _drive(
    app: Any, makes: list[MakeUpdate], first: int, taps: int, production: bool, concurrent: bool
) -> tuple[list[float], float]:
    """Each user processes `taps` updates in order (numbered from `first`).

    Returns the per-update latencies (s) and the time spent making updates (fake + de_json),
    which the caller subtracts from the wall clock: it is the same work for any bot."""
    from telegram import Update

    bot = app.bot
    processor = app.update_processor
    latencies: list[float] = []
    making = 0.0

    async def one(make: MakeUpdate, k: int) -> None:
        nonlocal making
        before = time.perf_counter()
        update = Update.de_json(make(k), bot)
        start = time.perf_counter()
        making += start - before
        if production:
            await processor.process_update(update, app.process_update(update))
        else:
            await app.process_update(update)
        latencies.append(time.perf_counter() - start)
        # The zero-latency fake never suspends, so without this the event loop would not run
        # anything else until the end: work a handler leaves to background tasks (our queued
        # checklist writes) would escape the clock. A real bot yields at every network read.
        await asyncio.sleep(0)

    if concurrent:

        async def user(make: MakeUpdate) -> None:
            for k in range(first, first + taps):
                await one(make, k)

        await asyncio.gather(*(user(make) for make in makes))
    else:
        for k in range(first, first + taps):
            for make in makes:
                await one(make, k)
    return latencies, making


def _check_fake(fake: Any, label: str) -> None:
    errors = [c for c in fake.calls if not c.ok]
    if errors:
        raise AssertionError(f"{label}: {len(errors)} failed API calls, first: {errors[0]}")
    if fake.unanswered_callback_ids():
        raise AssertionError(f"{label}: {len(fake.unanswered_callback_ids())} unanswered callback queries")


async def _timed(
    app: Any,
    makes: list[MakeUpdate],
    n: int,
    production: bool,
    concurrent: bool,
    settle: Callable[[], Coroutine[Any, Any, None]] | None = None,
) -> tuple[list[float], float]:
    """Latencies and the processing time of n updates after a warm-up.

    `settle` finishes work left in the background (our queued writes) inside the clock."""
    await _drive(app, makes, 0, WARMUP, production, concurrent)
    if settle is not None:
        await settle()
    per_user = max(1, n // len(makes))
    start = time.perf_counter()
    latencies, making = await _drive(app, makes, WARMUP, per_user, production, concurrent)
    if settle is not None:
        await settle()
    return latencies, time.perf_counter() - start - making


async def _bare(
    make_app: Callable[[Any], Any], data: Callable[[int], str], label: str, n: int, production: bool, concurrent: bool
) -> tuple[list[float], float]:
    """A bare PTB app (make_app(fake)) whose users' k-th tap carries callback_data data(k)."""
    from bot.fake_telegram import FakeTelegram

    fake = FakeTelegram()
    app = make_app(fake)
    async with app:
        users = [fake.make_user(100 + u) for u in range(USERS)]
        for user in users:
            await app.bot.send_message(user["id"], "start")

        def maker(user: dict[str, Any]) -> MakeUpdate:
            return lambda k: fake.callback_update(user, 1, data(k))

        result = await _timed(app, [maker(u) for u in users], n, production, concurrent)
    _check_fake(fake, label)
    return result


async def _baseline(n: int, production: bool, concurrent: bool) -> tuple[list[float], float]:
    return await _bare(_baseline_app, lambda k: f"b:{k % 2}", "baseline", n, production, concurrent)


async def _same(n: int, production: bool, concurrent: bool, kind: str, content: Any) -> tuple[list[float], float]:
    screens = _same_screens(content, kind)
    return await _bare(
        lambda fake: _same_screen_app(fake, screens),
        lambda k: f"s:{k}",
        f"bare PTB, our {kind} screens",
        n,
        production,
        concurrent,
    )


async def _ours(n: int, production: bool, concurrent: bool, kind: str, content: Any) -> tuple[list[float], float]:
    from bot.app import FEATURES, build_application, codec_of
    from bot.fake_telegram import ChatClient, FakeTelegram
    from bot.features.checklist.callbacks import ChecklistRestart, Step
    from bot.infra.services import services_of
    from bot.lifecycle import running

    parse = codec_of(FEATURES).parse
    fake = FakeTelegram()
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(Path(tmp))
        app = build_application(settings, content=content, request=fake, start_delivery=False, rate_limit=False)
        async with running(app):
            clients = [ChatClient(app, fake, user_id=100 + u) for u in range(USERS)]
            for client in clients:
                await client.send("/check" if kind == "checklist" else "/start")

            def menu_maker(client: ChatClient) -> MakeUpdate:
                message_id = client.screen().message_id
                return lambda k: fake.callback_update(client.user, message_id, "p:causes" if k % 2 == 0 else "p:main")

            def checklist_maker(client: ChatClient) -> MakeUpdate:
                def make(_k: int) -> dict[str, Any]:
                    # The all-"No" adult path: An adult, No, None of these, No...; then Start again.
                    screen = client.screen()
                    data = screen.callback_data
                    steps = [cb for cb in map(parse, data) if isinstance(cb, Step)]
                    step = next((s for s in steps if s.choice in ("0", "n", "00")), None)
                    tap = step.encode() if step else next(d for d in data if isinstance(parse(d), ChecklistRestart))
                    return fake.callback_update(client.user, screen.message_id, tap)

                return make

            maker = menu_maker if kind == "menu" else checklist_maker
            settle = services_of(app).flush  # every queued write (checklist results, counters, diary)
            result = await _timed(app, [maker(c) for c in clients], n, production, concurrent, settle)
        _check_fake(fake, f"ours ({kind})")
    return result


MODES = (  # (label, production path, concurrent)
    ("production, sequential", True, False),
    ("direct, sequential", False, False),
    (f"production, {USERS} in flight", True, True),
)
KINDS = ("baseline", "menu", "checklist")
# Bare PTB sending our exact screens: what is left over it is our code (routing, state, logging).
SAME = ("same screens: menu", "same screens: checklist")


def run(quick: bool = False) -> Report:
    from content.loader import load_content

    production_logging(secrets=(FAKE_TOKEN,))
    n = 500 if quick else 2000
    runs = 5 if quick else 7
    content = load_content()
    report = Report(NAME, TITLE)

    def case(
        kind: str, production: bool, concurrent: bool
    ) -> Callable[[], Coroutine[Any, Any, tuple[list[float], float]]]:
        if kind == "baseline":
            return lambda: _baseline(n, production, concurrent)
        if kind in SAME:
            return lambda: _same(n, production, concurrent, kind.rsplit(" ", 1)[1], content)
        return lambda: _ours(n, production, concurrent, kind, content)

    # Interleaved: every run measures every case, so a noisy moment hits all of them alike.
    primary = MODES[0][0]

    def kinds(mode: str) -> tuple[str, ...]:
        return KINDS + SAME if mode == primary else KINDS

    samples: dict[tuple[str, str], list[dict[str, float]]] = {(m, k): [] for m, _, _ in MODES for k in kinds(m)}
    for _ in range(runs):
        for mode, production, concurrent in MODES:
            for kind in kinds(mode):
                latencies, wall = asyncio.run(case(kind, production, concurrent)())
                samples[(mode, kind)].append(
                    {
                        "rate": len(latencies) / wall,
                        "p50": percentile(latencies, 50) * 1e3,
                        "p99": percentile(latencies, 99) * 1e3,
                    }
                )

    def med(mode: str, kind: str, key: str) -> float:
        return median([s[key] for s in samples[(mode, kind)]])

    def ratio(mode: str, kind: str, against: str = "baseline") -> float:
        # Per run (same moment, same machine state), then the median of the ratios.
        pairs = zip(samples[(mode, against)], samples[(mode, kind)], strict=True)
        return median([b["rate"] / o["rate"] for b, o in pairs])

    rows = [
        [mode, kind, med(mode, kind, "rate"), med(mode, kind, "p50"), med(mode, kind, "p99"), ratio(mode, kind)]
        for mode, _, _ in MODES
        for kind in KINDS
    ]
    report.add_table(
        f"{n:,} callback updates per case ({USERS} users), median of {runs} interleaved runs",
        ["path", "case", "taps/s", "p50 ms", "p99 ms", "cost x baseline"],
        rows,
    )
    same_rows = [
        [
            kind,
            med(primary, same, "rate"),
            ratio(primary, same),
            med(primary, kind, "rate"),
            ratio(primary, kind, against=same),
        ]
        for kind, same in zip(("menu", "checklist"), SAME, strict=True)
    ]
    report.add_table(
        f"where the cost goes ({primary}): bare PTB sending exactly our screens vs our bot",
        ["case", "bare PTB, our screens taps/s", "its cost x baseline", "ours taps/s", "ours x bare PTB, our screens"],
        same_rows,
    )
    report.data = {
        "updates_per_case": n,
        "runs": runs,
        "median": {
            f"{mode}/{kind}": {
                "taps_per_s": med(mode, kind, "rate"),
                "p50_ms": med(mode, kind, "p50"),
                "p99_ms": med(mode, kind, "p99"),
                "cost_ratio": ratio(mode, kind),
            }
            for mode, _, _ in MODES
            for kind in kinds(mode)
        },
        "samples": {f"{m}/{k}": v for (m, k), v in samples.items()},
    }
    report.target(f"menu tap cost vs baseline ({primary})", ratio(primary, "menu"), TARGET_RATIO, "x")
    report.target(f"checklist step cost vs baseline ({primary})", ratio(primary, "checklist"), TARGET_RATIO, "x")
    return report
