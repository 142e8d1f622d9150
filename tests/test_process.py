"""The real bot process (`python main.py run`) against the fake Telegram served over HTTP.

These are the only tests that wait on real processes: every wait polls a file or the fake's
state every few milliseconds and is bounded, so a hang fails the test instead of the suite.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import sqlite3
import string
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from pathlib import Path

import pytest

from bot.app import MIGRATIONS
from bot.fake_telegram.http import FakeTelegramServer
from storage import reminders, users
from storage.db import Database
from storage.reminders import FollowupPayload

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
TEST_TIMEOUT = 60.0

_ALPHABET = string.ascii_letters + string.digits + "_-"
TOKEN = "123456789:AAH" + "".join(secrets.choice(_ALPHABET) for _ in range(32))
SECRET = TOKEN.split(":", 1)[1]

# What a developer's shell may export and would change what the bot does under test.
_INHERITED_PREFIXES = ("TELEGRAM_", "BOT_", "WEBHOOK_", "LOG_", "ADMIN_", "RETENTION_", "FLOOD_")
_PROXY_VARS = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


# ------------------------------------------------------------------------------------------------
# Processes
# ------------------------------------------------------------------------------------------------


class Proc:
    """A child process whose stdout and stderr go to files (no pipe to fill up and block)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.out = logs / f"{name}.stdout"
        self.err = logs / f"{name}.stderr"
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.popen = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=err)

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def signal(self, sig: int) -> None:
        self.popen.send_signal(sig)

    async def wait(self, timeout: float) -> int:
        """The exit code; fails (after killing it) if the process is still running."""
        deadline = time.monotonic() + timeout
        while self.popen.poll() is None:
            if time.monotonic() > deadline:
                self.popen.kill()
                self.popen.wait()
                raise AssertionError(f"{self.name} did not exit within {timeout} s\n{self.describe()}")
            await asyncio.sleep(0.02)
        return self.popen.returncode

    def describe(self) -> str:
        return (
            f"--- {self.name} stdout ---\n{self.stdout()[-3000:]}\n--- {self.name} stderr ---\n{self.stderr()[-6000:]}"
        )

    def cleanup(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()


class Processes:
    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[Proc] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> Proc:
        proc = Proc(name, args, env, self.logs)
        self.started.append(proc)
        return proc

    def bot(self, name: str, env: dict[str, str]) -> Proc:
        return self.start(name, [PYTHON, "main.py", "run"], env)

    async def fake_telegram(self, record: Path, *, latency: float) -> tuple[Proc, str]:
        """The HTTP fake in its own process (it outlives a killed bot); returns its base URL."""
        args = [PYTHON, "-m", "bot.fake_telegram.http", "--port", "0"]
        args += ["--latency", str(latency), "--record", str(record)]
        fake = self.start("fake-telegram", args, base_env())
        found: list[str] = []

        def listening() -> bool:
            found[:] = re.findall(r"listening on (\S+)", fake.stdout())
            return bool(found)

        await until(listening, 15, "the fake Telegram to listen", watch=[fake])
        return fake, found[0]


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    logs = tmp_path / "logs"
    logs.mkdir()
    procs = Processes(logs)
    try:
        yield procs
    finally:
        for proc in procs.started:
            proc.cleanup()


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    srv = FakeTelegramServer()
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


def base_env() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_INHERITED_PREFIXES) and key.lower() not in _PROXY_VARS
    }
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def bot_env(base_url: str, database: Path, level: str = "INFO", **extra: str) -> dict[str, str]:
    env = base_env()
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=base_url,
        BOT_DATABASE=str(database),
        LOG_LEVEL=level,
        **extra,
    )
    return env


async def until(predicate: Callable[[], bool], timeout: float, what: str, *, watch: Sequence[Proc] = ()) -> None:
    """Poll `predicate` until true; fail on timeout or as soon as a watched process dies."""
    deadline = time.monotonic() + timeout
    while not predicate():
        for proc in watch:
            if not proc.alive:
                raise AssertionError(
                    f"{proc.name} exited ({proc.popen.returncode}) while waiting for {what}\n{proc.describe()}"
                )
        if time.monotonic() > deadline:
            details = "\n".join(p.describe() for p in watch)
            raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{details}")
        await asyncio.sleep(0.02)


# ------------------------------------------------------------------------------------------------
# Database and delivery record
# ------------------------------------------------------------------------------------------------

FIRST_CHAT = 10_001


async def seed_followups(path: Path, count: int) -> list[int]:
    """`count` users, each with one follow-up reminder that is already due; their chat ids."""
    now = int(time.time())
    chat_ids = list(range(FIRST_CHAT, FIRST_CHAT + count))

    def seed(conn: sqlite3.Connection) -> None:
        for i, chat_id in enumerate(chat_ids):
            users.touch(conn, chat_id, now - 7200)
            created = reminders.create(
                conn,
                user_id=chat_id,
                chat_id=chat_id,
                due_at=now - 3600 + i,
                payload=FollowupPayload(lang="en"),
                now=now - 7200,
                max_active=10,
            )
            assert created is not None

    db = await Database.open(path, MIGRATIONS)
    try:
        await db.run(seed)
    finally:
        await db.close()
    return chat_ids


def statuses(path: Path) -> Counter[str]:
    """Reminder statuses, read with plain sqlite3 (as an operator would after a crash)."""
    conn = sqlite3.connect(path, timeout=5.0)
    try:
        rows = conn.execute("SELECT status, COUNT(*) FROM reminders GROUP BY status").fetchall()
    finally:
        conn.close()
    return Counter({str(status): int(n) for status, n in rows})


async def deliver_the_rest(
    processes: Processes, env: dict[str, str], fake: Proc, record: Path, chat_ids: list[int], timeout: float
) -> Proc:
    """A second bot process delivers every reminder, then it and the fake stop cleanly."""
    second = processes.bot("bot-2", env)
    await until(
        lambda: set(delivered(record)) >= set(chat_ids),
        timeout,
        "every reminder to be delivered",
        watch=[second, fake],
    )
    second.signal(signal.SIGTERM)
    assert await second.wait(15) == 0, second.describe()
    fake.signal(signal.SIGTERM)
    assert await fake.wait(10) == 0, fake.describe()
    assert fake.stderr() == "", fake.describe()  # a killed client is no error for the server
    return second


def delivered(record: Path) -> list[int]:
    """Chat ids of the sendMessage calls the fake accepted, in order (complete lines only)."""
    if not record.exists():
        return []
    chats = []
    for line in record.read_text(encoding="utf-8").splitlines(keepends=True):
        if not line.endswith("\n"):
            break  # being written right now
        entry = json.loads(line)
        if entry["method"] == "sendMessage":
            chats.append(int(entry["chat_id"]))
    return chats


# ------------------------------------------------------------------------------------------------
# a. The token never reaches a log
# ------------------------------------------------------------------------------------------------


async def test_token_never_logged(tmp_path: Path, server: FakeTelegramServer, processes: Processes) -> None:
    async with asyncio.timeout(TEST_TIMEOUT):
        env = bot_env(server.base_url, tmp_path / "bot.sqlite3", level="DEBUG")
        bot = processes.bot("bot", env)
        fake = server.fake
        await until(lambda: server.received["getUpdates"] > 0, 20, "the bot to poll", watch=[bot])

        fake.push_update(fake.text_update(fake.make_user(42, "Ada"), "/start"))

        def answered() -> bool:
            return any(c.ok and c.chat_id == 42 for c in fake.calls_of("sendMessage"))

        await until(answered, 15, "the reply to /start", watch=[bot])

        started = time.monotonic()
        bot.signal(signal.SIGTERM)
        code = await bot.wait(15)
        assert code == 0, bot.describe()
        assert time.monotonic() - started < 15

    out, err = bot.stdout(), bot.stderr()
    assert server.tokens_seen == {TOKEN}  # the bot did put the token in its request URLs
    for stream in (out, err):
        assert TOKEN not in stream
        assert SECRET not in stream
        assert SECRET[:20] not in stream
    assert "HTTP Request" in err, bot.describe()
    assert "<redacted>" in err, bot.describe()
    request_lines = [line for line in err.splitlines() if "HTTP Request" in line]
    assert all("/bot<redacted>/" in line for line in request_lines), request_lines[:5]


async def test_rejected_token_is_not_printed(tmp_path: Path, processes: Processes) -> None:
    other = FakeTelegramServer(token="1:" + "z" * 35)  # this Telegram knows another bot only
    await other.start()
    try:
        async with asyncio.timeout(TEST_TIMEOUT):
            bot = processes.bot("bot", bot_env(other.base_url, tmp_path / "bot.sqlite3"))
            code = await bot.wait(15)
    finally:
        await other.stop()
    out, err = bot.stdout(), bot.stderr()
    assert other.tokens_seen == {TOKEN}
    assert code != 0
    assert SECRET not in out, bot.describe()
    assert SECRET not in err, bot.describe()
    # PTB logs its own (redacted) traceback; what the operator reads last is one clear line.
    assert err.strip().splitlines()[-1].startswith("error: Telegram rejected TELEGRAM_BOT_TOKEN"), bot.describe()


# ------------------------------------------------------------------------------------------------
# b. SIGKILL in the middle of a dispatch batch
# ------------------------------------------------------------------------------------------------


BATCH = 20  # users the worker claims at once (ReminderDelivery's batch_size)
# Where in the third batch the bot is killed, as deliveries the fake has accepted: right after
# the batch's first send, in its middle, after its last send (before the old per-batch record),
# and just after the batch (its record under way).
KILL_POINTS = {"first send": 2 * BATCH + 1, "middle": 2 * BATCH + 10, "last send": 3 * BATCH - 1, "after": 3 * BATCH}


def sent_chats(path: Path) -> set[int]:
    conn = sqlite3.connect(path, timeout=5.0)
    try:
        return {int(r[0]) for r in conn.execute("SELECT chat_id FROM reminders WHERE status = 'sent'")}
    finally:
        conn.close()


@pytest.mark.parametrize("point", list(KILL_POINTS))
async def test_sigkill_at_points_of_a_batch_loses_nothing_repeats_only_in_flight(
    tmp_path: Path, processes: Processes, point: str
) -> None:
    """kill -9 at several points of a batch: nothing is lost, and the only repeats are the sends
    Telegram had accepted whose record had not committed yet (in flight at the kill)."""
    async with asyncio.timeout(TEST_TIMEOUT):
        database = tmp_path / "bot.sqlite3"
        record = tmp_path / "delivered.jsonl"
        chat_ids = await seed_followups(database, 100)
        fake, base_url = await processes.fake_telegram(record, latency=0.01)
        env = bot_env(base_url, database)

        first = processes.bot("bot-1", env)
        target = KILL_POINTS[point]
        await until(lambda: len(delivered(record)) >= target, 30, f"{target} deliveries", watch=[first, fake])
        first.signal(signal.SIGKILL)
        assert await first.wait(5) == -signal.SIGKILL
        at_kill = statuses(database)
        accepted = delivered(record)
        # Accepted by Telegram, not recorded as sent: exactly what a restart must send again.
        in_flight = len(set(accepted) - sent_chats(database))

        second = await deliver_the_rest(processes, env, fake, record, chat_ids, 40)

    chats = delivered(record)
    duplicates = len(chats) - len(set(chats))
    lost = len(set(chat_ids) - set(chats))
    final = statuses(database)
    print(
        f"\nSIGKILL at {point!r} of a batch ({len(accepted)} accepted): statuses at the kill {dict(at_kill)}; "
        f"accepted but unrecorded {in_flight}; lost {lost}, duplicates {duplicates}"
    )
    assert lost == 0
    assert duplicates == in_flight  # each repeat was a send in flight at the kill, and only those
    # Per delivery, not per batch: a kill repeats a send or two, never the batch (up to 19 before).
    assert in_flight <= 3, (point, in_flight)
    assert final == Counter({"sent": 100}), final
    if at_kill["sending"]:
        assert f"{at_kill['sending']} reminders were in flight" in second.stderr(), second.describe()


async def test_back_after_a_block_the_paused_checkin_comes_at_once(
    tmp_path: Path, server: FakeTelegramServer, processes: Processes
) -> None:
    """A user blocked the bot (the send got 403, the check-in paused), comes back with /start: the
    check-in follows the /start reply at once, not at the worker's next idle pass (60 s)."""
    database = tmp_path / "bot.sqlite3"
    [chat] = await seed_followups(database, 1)
    fake = server.fake
    fake.block(chat)
    async with asyncio.timeout(TEST_TIMEOUT):
        bot = processes.bot("bot", bot_env(server.base_url, database))
        await until(lambda: statuses(database)["paused"] == 1, 20, "the check-in to pause", watch=[bot])
        fake.unblock(chat)
        started = time.monotonic()
        fake.push_update(fake.text_update(fake.make_user(chat, "Ada"), "/start"))

        def checkin() -> bool:
            return any("How are your muscle spasms" in m.plain for m in fake.bot_messages(chat))

        await until(checkin, 30, "the paused check-in", watch=[bot])
        waited = time.monotonic() - started
        bot.signal(signal.SIGTERM)
        assert await bot.wait(15) == 0, bot.describe()
    print(f"\npaused check-in delivered {waited:.2f} s after /start")
    assert waited < 10  # the worker was woken; its idle pass is 60 s away


async def test_backup_while_the_bot_delivers_then_restore_with_it_stopped(tmp_path: Path, processes: Processes) -> None:
    """`main.py backup` beside a running bot that is delivering; `main.py restore` refuses while the
    bot has the database open, and once it is stopped puts back a whole copy."""
    async with asyncio.timeout(TEST_TIMEOUT):
        database = tmp_path / "bot.sqlite3"
        record = tmp_path / "delivered.jsonl"
        chat_ids = await seed_followups(database, 150)
        fake, base_url = await processes.fake_telegram(record, latency=0.01)
        env = bot_env(base_url, database)
        bot = processes.bot("bot", env)
        await until(lambda: len(delivered(record)) >= 30, 30, "30 deliveries", watch=[bot, fake])
        conn = sqlite3.connect(database, timeout=5.0)
        try:
            committed = {int(r[0]) for r in conn.execute("SELECT id FROM reminders")}
            sent_before = {int(r[0]) for r in conn.execute("SELECT id FROM reminders WHERE status = 'sent'")}
        finally:
            conn.close()
        copy = tmp_path / "copy.sqlite3"
        made = processes.start("backup", [PYTHON, "main.py", "backup", str(copy)], env)
        assert await made.wait(30) == 0, made.describe()
        assert "backup written and verified" in made.stdout()
        refused = processes.start("restore-1", [PYTHON, "main.py", "restore", str(copy)], env)
        assert await refused.wait(30) == 1, refused.describe()
        assert "in use (is the bot running?)" in refused.stderr()
        await until(lambda: set(delivered(record)) >= set(chat_ids), 40, "every delivery", watch=[bot, fake])
        bot.signal(signal.SIGTERM)
        assert await bot.wait(15) == 0, bot.describe()
        put_back = processes.start("restore-2", [PYTHON, "main.py", "restore", str(copy)], env)
        assert await put_back.wait(30) == 0, put_back.describe()

    conn = sqlite3.connect(database)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        present = {int(r[0]): r[1] for r in conn.execute("SELECT id, status FROM reminders")}
    finally:
        conn.close()
    assert committed <= present.keys()  # every reminder committed before the backup began
    assert all(present[i] == "sent" for i in sent_before)  # and what was recorded sent by then
    assert Path(f"{database}.before-restore").exists()


# ------------------------------------------------------------------------------------------------
# c. SIGTERM in the middle of a dispatch batch
# ------------------------------------------------------------------------------------------------


async def test_sigterm_mid_dispatch_finishes_batch_and_exits(tmp_path: Path, processes: Processes) -> None:
    async with asyncio.timeout(TEST_TIMEOUT):
        database = tmp_path / "bot.sqlite3"
        record = tmp_path / "delivered.jsonl"
        chat_ids = await seed_followups(database, 200)
        fake, base_url = await processes.fake_telegram(record, latency=0.02)
        env = bot_env(base_url, database)

        first = processes.bot("bot-1", env)
        await until(lambda: len(delivered(record)) >= 20, 30, "20 deliveries", watch=[first, fake])
        first.signal(signal.SIGTERM)
        assert await first.wait(20) == 0, first.describe()

        after_stop = statuses(database)
        delivered_first = delivered(record)
        wal_left = Path(f"{database}-wal").exists()

        second = await deliver_the_rest(processes, env, fake, record, chat_ids, 30)

    print(
        f"\nSIGTERM after >= 20 deliveries: {len(delivered_first)} delivered by the first "
        f"process, statuses after its exit {dict(after_stop)}"
    )
    # Nothing half-recorded: what was delivered is 'sent', the rest is still 'pending'.
    assert set(after_stop) <= {"sent", "pending"}, after_stop
    assert after_stop["sent"] == len(set(delivered_first)) == len(delivered_first)
    assert after_stop["sent"] + after_stop["pending"] == 200
    # The database was closed: the last connection to close removes the WAL file.
    assert not wal_left, "the -wal file is left: the database was not closed"
    assert "in flight" not in second.stderr()

    chats = delivered(record)
    assert sorted(chats) == chat_ids  # all 200, none twice
    assert statuses(database) == Counter({"sent": 200})


# ------------------------------------------------------------------------------------------------
# d. Start-up failures are explained in one line
# ------------------------------------------------------------------------------------------------


async def test_corrupt_database_is_one_clear_line(
    tmp_path: Path, server: FakeTelegramServer, processes: Processes
) -> None:
    database = tmp_path / "bot.sqlite3"
    database.write_bytes(secrets.token_bytes(4096))
    async with asyncio.timeout(TEST_TIMEOUT):
        bot = processes.bot("bot", bot_env(server.base_url, database))
        started = time.monotonic()
        code = await bot.wait(15)
        elapsed = time.monotonic() - started

    err = bot.stderr()
    assert code != 0, bot.describe()
    assert elapsed < 10
    assert "Traceback" not in err, bot.describe()
    lines = [line for line in err.splitlines() if str(database) in line]
    assert len(lines) == 1, bot.describe()
    assert re.search(r"cannot be opened|corrupt", lines[0]), lines
    assert TOKEN not in err and SECRET not in err


def _break_pages(content_dir: Path) -> int:
    """Cut en/pages.yaml inside a quoted value halfway down; the line it now ends on."""
    pages = content_dir / "en" / "pages.yaml"
    text = pages.read_text(encoding="utf-8")
    cut = text.index('button: "', len(text) // 2) + len('button: "') + 3
    truncated = text[:cut]
    pages.write_text(truncated, encoding="utf-8")
    return truncated.count("\n") + 1


async def test_broken_content_names_file_and_line(
    tmp_path: Path, server: FakeTelegramServer, processes: Processes
) -> None:
    content_dir = tmp_path / "content"
    shutil.copytree(ROOT / "content", content_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    last_line = _break_pages(content_dir)
    env = bot_env(server.base_url, tmp_path / "bot.sqlite3", BOT_CONTENT_DIR=str(content_dir))
    async with asyncio.timeout(TEST_TIMEOUT):
        bot = processes.bot("bot", env)
        code = await bot.wait(15)

    err = bot.stderr()
    assert code == 1, bot.describe()
    assert "Traceback" not in err, bot.describe()
    match = re.search(r"en/pages\.yaml:(\d+): YAML syntax error", err)
    assert match is not None, bot.describe()
    assert 1 <= int(match[1]) <= last_line
    assert not server.fake.calls, "the bot must not contact Telegram with broken content"


async def test_sighup_reloads_content_and_keeps_old_on_error(
    tmp_path: Path, server: FakeTelegramServer, processes: Processes
) -> None:
    content_dir = tmp_path / "content"
    shutil.copytree(ROOT / "content", content_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    pages = content_dir / "en" / "pages.yaml"
    good = pages.read_text(encoding="utf-8")
    env = bot_env(server.base_url, tmp_path / "bot.sqlite3", BOT_CONTENT_DIR=str(content_dir))
    fake = server.fake
    user = fake.make_user(42, "Ada")
    async with asyncio.timeout(TEST_TIMEOUT):
        bot = processes.bot("bot", env)
        await until(lambda: server.received["getUpdates"] > 0, 20, "the bot to poll", watch=[bot])

        pages.write_text(good.replace("title: What are muscle spasms?", "title: [broken"), encoding="utf-8")
        bot.signal(signal.SIGHUP)
        await until(lambda: "content reload failed" in bot.stderr(), 15, "the failed reload", watch=[bot])

        pages.write_text(good.replace("What are muscle spasms?", "What is a muscle spasm?"), encoding="utf-8")
        bot.signal(signal.SIGHUP)
        await until(lambda: "content reloaded" in bot.stderr(), 15, "the reload", watch=[bot])

        fake.push_update(fake.text_update(user, "/start"))
        await until(lambda: bool(fake.bot_messages(42)), 15, "the reply to /start", watch=[bot])
        menu = fake.bot_messages(42)[-1]
        what = next(b for row in menu.buttons for b in row if b.callback_data == "p:what")
        fake.push_update(fake.callback_update(user, menu.message_id, what.callback_data or ""))
        await until(
            lambda: "What is a muscle spasm?" in (fake.current(42) or menu).plain, 15, "the new page", watch=[bot]
        )

        bot.signal(signal.SIGTERM)
        assert await bot.wait(15) == 0, bot.describe()
