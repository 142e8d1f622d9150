"""Production operations: webhook, privacy controls, admin tools, flood control, fuzzing."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import random
import shutil
from pathlib import Path

import httpx
import pytest

from bot.infra.settings import Secret, Settings, SettingsError
from bot.lifecycle import lifecycle_of
from bot.ui.callbacks import Nav
from tests.conftest import ADMIN_ID
from tests.flows import no_until

DAY = 86400


async def wait_for(condition, what: str, limit: int = 400) -> None:
    """Yield to the event loop until a real-I/O effect shows up (no fixed sleeps)."""
    for _ in range(limit):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"timed out waiting for {what}")


# --- webhook ---------------------------------------------------------------------------------


async def test_webhook_requires_the_secret(bot):
    from bot.infra.webhook import SECRET_HEADER, make_server

    server = make_server(bot.app, "/hook/path", "s3cr3t-s3cr3t-s3cr3t")
    sockets = __import__("tornado.netutil", fromlist=["bind_sockets"]).bind_sockets(0, "127.0.0.1")
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    await bot.app.start()
    try:
        update = bot.fake.text_update(bot.ada.user, "/start")
        url = f"http://127.0.0.1:{port}/hook/path"
        async with httpx.AsyncClient() as http:
            missing = await http.post(url, json=update)
            wrong = await http.post(url, json=update, headers={SECRET_HEADER: "s3cr3t-s3cr3t-s3cr3X"})
            garbage = await http.post(url, content=b"{not json", headers={SECRET_HEADER: "s3cr3t-s3cr3t-s3cr3t"})
            assert (missing.status_code, wrong.status_code, garbage.status_code) == (403, 403, 400)
            assert bot.fake.calls_of("sendMessage") == []
            ok = await http.post(url, json=update, headers={SECRET_HEADER: "s3cr3t-s3cr3t-s3cr3t"})
            assert ok.status_code == 200
        await wait_for(lambda: bot.fake.calls_of("sendMessage"), "the reply to /start")
        assert "Hello, Ada!" in bot.text()
    finally:
        server.stop()
        await bot.app.stop()


def test_webhook_mode_needs_url_and_secret():
    token = "123456789:" + "A" * 35
    with pytest.raises(SettingsError, match="WEBHOOK_URL"):
        Settings.from_env({"TELEGRAM_BOT_TOKEN": token, "BOT_MODE": "webhook"})
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        Settings.from_env(
            {
                "TELEGRAM_BOT_TOKEN": token,
                "BOT_MODE": "webhook",
                "WEBHOOK_URL": "https://example.org/hook",
            }
        )
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": token,
            "BOT_MODE": "webhook",
            "WEBHOOK_URL": "https://example.org/hook",
            "WEBHOOK_SECRET": "x" * 32,
        }
    )
    assert "x" * 32 not in repr(settings) and token not in repr(settings)


# --- privacy ---------------------------------------------------------------------------------


async def test_privacy_and_mydata(bot):
    await bot.send("/privacy")
    assert "What Spasm Guide stores" in bot.text()
    await bot.send("/mydata")
    assert "Nothing is stored" in bot.text() or "Everything stored about you" in bot.text()
    await bot.send("/reminders")
    await bot.tap("Follow-up check-in", "In 1 day")
    await bot.send("/check")
    await bot.tap("An adult")
    await bot.send("/mydata")
    document = bot.ada.files("document")[-1]  # the complete record, as one file that parses back
    tables = json.loads(document.file_bytes)["tables"]
    assert tables["reminders"][0]["kind"] == "followup" and tables["users"][0]["user_id"] == 42
    summary = bot.fake.bot_messages(42)[-2].plain  # in words, before the file
    assert "What Spasm Guide stores about you" in summary
    assert "Language: as in your Telegram app (🇬🇧 English)" in summary
    assert "Time zone: none" in summary
    assert "1 of 8 questions answered" in summary  # held in memory: reported all the same
    assert "First used: Sunday, 1 March 2026; last used: Sunday, 1 March 2026" in summary
    # No time zone set: the check-in's time in the zone the language suggests, said so.
    assert "Reminders\n• Check-in on Monday 2 March at 09:00 (London time" in summary
    assert "UTC" not in summary


async def test_privacy_says_how_long_erased_data_survives_in_backups(bot):
    await bot.send("/privacy")
    assert "the last backup copy that still holds it is deleted within 14 days" in bot.text()
    rosa = bot.user(50, "Rosa", language_code="it")
    await rosa.send("/privacy")
    assert "entro 14 giorni" in rosa.last_text()


def test_backup_retention_follows_the_schedule():
    from bot.infra.settings import Settings

    assert Settings().backup_retention_days == 14  # daily, 14 kept
    assert (
        Settings.from_env({"BACKUP_EVERY_HOURS": "6", "BACKUP_KEEP": "10"}, need_token=False).backup_retention_days == 3
    )
    assert Settings(backup_every_hours=168, backup_keep=5).backup_retention_days == 35


async def test_delete_my_data_leaves_no_trace(bot, settings):
    marker = "Etc/GMT-12"
    await bot.send("/start")
    await bot.send("/reminders")
    await bot.tap("Daily reminder", "Tell you my time")
    await bot.tap("21:00")  # 09:00 UTC + 12 h
    await bot.tap("Keep UTC+12 anyway", "Stretching", "08:00")
    bot.clock.advance(60)
    await bot.send("/check")
    await no_until(bot, "about your spasms")
    await bot.tap("Yes")  # a finished checklist is written (its steps are not)
    db_file = Path(settings.database)
    raw = db_file.read_bytes() + Path(str(db_file) + "-wal").read_bytes()
    assert marker.encode() in raw  # sanity: the marker is there before

    other = bot.user(43, "Bob")
    await other.send("/start")
    await bot.send("/delete_my_data")
    await bot.tap("Keep my data")
    assert await bot.rows("SELECT * FROM users WHERE user_id = 42")
    await bot.send("/delete_my_data")
    await bot.tap("Yes, delete everything")
    assert "deleted" in bot.text()

    for table in ("users", "checklist_sessions", "reminders"):
        assert await bot.rows(f"SELECT * FROM {table} WHERE user_id = 42") == []
    assert await bot.rows("SELECT user_id FROM users") == [{"user_id": 43}]
    await bot.stop()
    files = [db_file, *db_file.parent.glob(db_file.name + "-*")]
    for file in files:
        assert marker.encode() not in file.read_bytes(), file
    await bot.start()


async def test_inactive_users_are_purged_after_retention(bot):
    await bot.send("/start")
    bot.fake.block(42)
    await bot.ada.send_update(bot.fake.my_chat_member_update(bot.ada.user, "member", "kicked"))
    assert [r["active"] for r in await bot.rows("SELECT active FROM users")] == [0]
    chores = lifecycle_of(bot.app).chores
    bot.clock.advance(bot.settings.retention_days * DAY - 10)
    await chores.run_due()
    assert await bot.rows("SELECT user_id FROM users") == [{"user_id": 42}]
    bot.clock.advance(3600)
    await chores.run_due()
    assert await bot.rows("SELECT user_id FROM users") == []


# --- admin -----------------------------------------------------------------------------------


async def test_admin_commands_are_invisible_to_others(bot):
    for command in ("/stats", "/reload"):
        await bot.send(command)
        assert "don't know that command" in bot.text()
    assert all(c["command"] not in ("stats", "reload") for c in bot.fake.commands())


async def test_stats_for_admin_has_no_personal_data(bot):
    await bot.send("/check")
    await no_until(bot)
    admin = bot.user(ADMIN_ID, "Root")
    await admin.send("/stats")
    text = admin.last_text()
    assert "users: 2" in text and "checklists started: 1" in text and "outcome self_care: 1" in text
    assert "reminders pending: 0" in text
    assert "42" not in text and "Ada" not in text


async def test_reload_keeps_old_content_on_error(tmp_path, content, clock):
    from bot.fake_telegram import FakeTelegram
    from tests.conftest import Harness

    src = Path(__file__).resolve().parent.parent / "content"
    copy = tmp_path / "content"
    shutil.copytree(src, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.md"))
    settings = Settings(database=tmp_path / "bot.sqlite3", admin_ids=frozenset({ADMIN_ID}), content_dir=copy)
    harness = Harness(settings, content, clock, FakeTelegram(clock=clock.now))
    await harness.start()
    try:
        admin = harness.user(ADMIN_ID, "Root")
        pages = copy / "en" / "pages.yaml"
        good = pages.read_text()
        pages.write_text(good.replace("title: What are muscle spasms?", "title: [unclosed"))
        await admin.send("/reload")
        assert "not reloaded" in admin.last_text() and "en/pages.yaml:" in admin.last_text()
        await admin.send("/menu")
        await admin.tap("What are spasms")
        assert "What are muscle spasms?" in admin.last_text()
        pages.write_text(good.replace("title: What are muscle spasms?", "title: What is a muscle spasm?"))
        await admin.send("/reload")
        assert "Content reloaded" in admin.last_text()
        await admin.send("/menu")
        await admin.tap("What are spasms")
        assert "What is a muscle spasm?" in admin.last_text()
    finally:
        await harness.stop()


# --- abuse -------------------------------------------------------------------------------------


async def test_flood_from_one_user_does_not_delay_another(bot):
    await bot.send("/start")
    bob = bot.user(43, "Bob")
    await bob.send("/start")
    before = len(bot.fake.calls)
    await asyncio.gather(*(bot.ada.tap_data(Nav("causes" if i % 2 else "what").encode()) for i in range(40)))
    ada_edits = [c for c in bot.fake.calls[before:] if c.method == "editMessageText" and c.chat_id == 42]
    assert len(ada_edits) <= bot.settings.flood_burst
    notices = [c for c in bot.fake.calls[before:] if c.method == "answerCallbackQuery" and c.params.get("text")]
    assert len(notices) == 1 and "wait" in notices[0].params["text"]
    calls = len(bot.fake.calls)
    await bob.tap("Causes")  # Bob is served at once
    assert "Causes" in bob.last_text() and len(bot.fake.calls) > calls
    bot.clock.advance(6)  # Ada's pause is over
    await bot.ada.tap_data(Nav("diseases").encode())
    assert "Associated" in bot.text() or "diseases" in bot.text().lower()


def _random_update(fake, rng: random.Random, users, message_ids):
    user = rng.choice(users)
    kind = rng.random()
    alphabet = "abcdefghijklmnopqrstuvwxyz:_0123456789 /<>&'\"\u00e8\U0001f600\x00"
    if kind < 0.45:
        data = rng.choice(
            [
                "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 70))),
                rng.choice(["p:", "c:", "k:", "r:", "h:", "a:", "l:", "d:"])
                + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))),
                rng.choice(
                    [
                        "p:main",
                        "p:causes",
                        "a:checklist",
                        "a:reminders",
                        "r:add:",
                        "r:delay:d1",
                        "r:daily:",
                        "r:tz:UTC",
                        "r:kind:water",
                        "r:time:water.1200",
                        "r:stop:",
                        "d:confirm",
                        "d:keep",
                        "l:it",
                        "l:en",
                        "c:abcdef12:0:yes",
                        "k:abcdef12:back",
                        "h:what:y",
                        "r:cancel:1",
                        "r:checkin:1.b",
                        "r:snooze:1.h1",
                    ]
                ),
            ]
        )
        message_id = rng.choice([*message_ids.get(user["id"], [1]), 999999])
        return fake.callback_update(user, message_id, data)
    if kind < 0.8:
        text = rng.choice(
            [
                "/start",
                "/check",
                "/reminders",
                "/menu",
                "/mydata",
                "/help",
                "/about",
                "/language",
                "/privacy",
                "/delete_my_data",
                "/stats",
                "/nope",
                "tetanus",
                "crampi",
                "x" * 5000,
                "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 200))),
            ]
        )
        return fake.text_update(user, text)
    return rng.choice(
        [
            lambda: fake.sticker_update(user),
            lambda: fake.photo_update(user),
            lambda: fake.voice_update(user),
            lambda: fake.group_text_update(user, "/start"),
            lambda: fake.inline_query_update(user, "q"),
            lambda: fake.channel_post_update("post"),
            lambda: fake.my_chat_member_update(user, "member", "kicked"),
            lambda: fake.my_chat_member_update(user, "kicked", "member"),
            lambda: fake.edited_text_update(user, "x"),
        ]
    )()


async def test_fuzz_random_updates_never_raise_and_every_callback_is_answered(bot, caplog):
    from telegram import Update

    rng = random.Random(20261125)
    users = [
        bot.fake.make_user(500 + i, first_name=f"F{i}", language_code=rng.choice(["en", "it", "de", None]))
        for i in range(8)
    ]
    app = bot.app
    for round_ in range(300):
        batch = []
        for _ in range(10):
            message_ids = {u["id"]: [m.message_id for m in bot.fake.bot_messages(u["id"])][-3:] for u in users}
            batch.append(_random_update(bot.fake, rng, users, message_ids))
        updates = [Update.de_json(data, app.bot) for data in batch]
        await asyncio.gather(*(app.update_processor.process_update(u, app.process_update(u)) for u in updates))
        bot.clock.advance(rng.choice([1, 2, 5, 3600]))
        if round_ % 50 == 0:
            await bot.dispatch()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors[:3]]
    assert bot.fake.unanswered_callback_ids() == set()
    refused = [c for c in bot.fake.calls if not c.ok and c.method != "answerCallbackQuery"]
    handled = ("blocked", "message is not modified")  # both are answered gracefully by the bot
    assert all(any(h in (c.error or "") for h in handled) for c in refused), refused[:3]


@pytest.fixture
def bot_log():
    """setup_logging(fmt, secrets) as main.py run calls it, into a StringIO: returns the stream
    and the handler. The root handlers are removed afterwards."""
    from bot.infra.logs import setup_logging

    def setup(fmt: str = "text", secrets: tuple[str, ...] = ()) -> tuple[io.StringIO, logging.Handler]:
        stream = io.StringIO()
        setup_logging("INFO", fmt, secrets=secrets, stream=stream)
        return stream, logging.getLogger().handlers[0]

    yield setup
    logging.getLogger().handlers.clear()


def _update_fields(n: int) -> dict[str, object]:
    return {"update_id": n, "user": "u", "handler": "text", "duration_ms": 0.1}


async def test_json_log_line_per_update_without_message_text(bot, bot_log):
    stream, handler = bot_log("json")
    await bot.send("my secret symptom text")
    handler.flush()  # update lines are written in batches
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    update_lines = [line for line in lines if "update_id" in line]
    assert update_lines and update_lines[0]["handler"] == "text" and "duration_ms" in update_lines[0]
    assert update_lines[0]["user"] != "42"
    assert "secret symptom" not in stream.getvalue()


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_update_line_shortcut_writes_what_the_record_would(fmt, bot_log):
    """log_update skips the logging machinery only when setup_logging's handler alone would see
    the record; the line must be the one that handler's formatter makes of the record."""
    from bot.infra.logs import UPDATE_MESSAGE, log_update

    token = "123456:" + "A" * 35
    fields = {"update_id": 7, "user": "ab12cd34ef56", "handler": f"command /{token}", "duration_ms": 0.42}
    stream, handler = bot_log(fmt, secrets=(token,))
    logger = logging.getLogger("bot.processing")
    log_update(logger, fields)
    shortcut = stream.getvalue()
    record = logger.makeRecord(logger.name, logging.INFO, "", 0, UPDATE_MESSAGE, (fields,), None, extra=fields)
    assert handler.filter(record)
    expected = handler.format(record) + "\n"
    assert token not in shortcut and "<redacted>" in shortcut
    if fmt == "json":
        ours, theirs = json.loads(shortcut), json.loads(expected)
        assert ours.pop("time")[:16] == theirs.pop("time")[:16]
        assert ours == theirs
    else:
        assert shortcut.split(" INFO ", 1)[1] == expected.split(" INFO ", 1)[1]
        assert shortcut[:19] == expected[:19]  # to the second; the milliseconds are its own


async def test_update_lines_wait_in_memory_but_never_overtake_other_records(bot_log):
    from bot.infra.logs import log_update

    stream, handler = bot_log()
    logger = logging.getLogger("bot.processing")
    for n in (1, 2):
        log_update(logger, _update_fields(n))
    assert stream.getvalue() == ""  # batched: a write per line cost ~15 us of a tap
    logging.getLogger("bot.features.menu.feature").warning("something worth seeing now")
    lines = stream.getvalue().splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == [
        "update 1 from u: text in 0.1 ms",
        "update 2 from u: text in 0.1 ms",
        "something worth seeing now",
    ]
    log_update(logger, _update_fields(3))
    handler.flush()  # what the half-second timer and logging.shutdown at exit call
    assert stream.getvalue().splitlines()[-1].endswith("update 3 from u: text in 0.1 ms")


def test_update_lines_are_flushed_by_a_timer_on_whichever_loop_runs(bot_log):
    """The half-second flush is a timer on the running loop; a loop that closed before it fired
    must not leave later lines waiting for good. (The delay is set to 0 here: no test sleeps.)"""
    from bot.infra.logs import log_update

    stream, handler = bot_log()
    logger = logging.getLogger("bot.processing")

    async def line(n: int, *, wait_for_timer: bool) -> None:
        log_update(logger, _update_fields(n))
        for _ in range(3 if wait_for_timer else 0):
            await asyncio.sleep(0)  # lets the loop run its due timers; no time passes

    handler.FLUSH_AFTER = 60
    asyncio.run(line(1, wait_for_timer=False))  # the loop closes with its timer unfired
    assert stream.getvalue() == ""
    handler.FLUSH_AFTER = 0
    asyncio.run(line(2, wait_for_timer=True))
    assert [x.split(": ", 1)[1] for x in stream.getvalue().splitlines()] == [
        "update 1 from u: text in 0.1 ms",
        "update 2 from u: text in 0.1 ms",
    ]


async def test_update_line_is_a_real_record_for_other_handlers(bot, caplog, bot_log):
    """With any other handler in the way (here pytest's), the line is an ordinary record."""
    bot_log()
    logging.getLogger().addHandler(caplog.handler)
    await bot.send("/start")
    lines = [r for r in caplog.records if getattr(r, "update_id", None) is not None]
    assert lines and lines[0].handler == "command /start" and lines[0].levelno == logging.INFO


async def test_webhook_mode_end_to_end(tmp_path, content, clock):
    """serve_webhook as the runner uses it: registers the webhook, serves, stops cleanly."""
    import socket

    from bot.app import build_application
    from bot.fake_telegram import FakeTelegram
    from bot.infra.webhook import SECRET_HEADER
    from bot.runner import serve_webhook

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    secret = "w" * 32
    settings = Settings(
        database=tmp_path / "bot.sqlite3",
        mode="webhook",
        webhook_url="https://bot.example.org/tg/hook",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_secret=Secret(secret),
    )
    fake = FakeTelegram(clock=clock.now)
    app = build_application(settings, content=content, clock=clock, request=fake, start_delivery=False)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_webhook(app, settings, stop=stop))
    await wait_for(lambda: fake.calls_of("setWebhook"), "setWebhook")
    [call] = fake.calls_of("setWebhook")
    assert call.params["url"] == "https://bot.example.org/tg/hook" and call.params["secret_token"] == secret
    user = fake.make_user(42, "Ada")
    async with httpx.AsyncClient() as http:
        url = f"http://127.0.0.1:{port}/tg/hook"
        refused = await http.post(url, json=fake.text_update(user, "/start"))
        assert refused.status_code == 403
        ok = await http.post(url, json=fake.text_update(user, "/start"), headers={SECRET_HEADER: secret})
        assert ok.status_code == 200
    await wait_for(lambda: fake.bot_messages(42), "the reply")
    assert "Hello, Ada!" in fake.bot_messages(42)[-1].plain
    stop.set()
    await asyncio.wait_for(task, 10)
    assert not app.running
