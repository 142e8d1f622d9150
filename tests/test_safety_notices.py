"""Traceability and safety notices, through the real bot: every finished checklist keeps the
content version and the fingerprints of the items behind it, and `main.py safety-notice` reaches
exactly the users whose outcome relied on words that have since been corrected, once each.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.fake_telegram.client import ChatClient
from content.loader import load_content
from content.model import Content
from main import main
from tests.conftest import ADMIN_ID, Harness
from tests.test_content import copy_content, read, write
from tests.test_process import (  # the project's way of running and killing the real process
    FIRST_CHAT,
    PYTHON,
    TEST_TIMEOUT,
    Processes,
    bot_env,
    deliver_the_rest,
    delivered,
    processes,  # noqa: F401 (a fixture)
    sent_chats,
    statuses,
    until,
)

NOTICE = """\
en: >-
  The self-care advice you were given said to <b>take minerals</b>. Do not take potassium or
  magnesium supplements without asking a pharmacist first.
it: >-
  Il consiglio ricevuto diceva di <b>assumere sali minerali</b>. Non prendere integratori di
  potassio o magnesio senza chiedere prima in farmacia.
"""
SELF_CARE_OLD = "you can start by looking after your spasms yourself"
SELF_CARE_NEW = "you can start by looking after your spasms yourself, as below"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return copy_content(tmp_path / "content")


@pytest.fixture
def content(tree: Path) -> Content:
    return load_content(tree)


async def finish_checklist(bot: Harness, user: ChatClient, *, first: str = "No") -> str:
    """Run /check to its end answering `first`, then "No" (or "None of these") to everything,
    a second apart (a person reads each screen; the flood control stops faster tapping)."""
    await user.send("/check")
    answer = first
    for _ in range(30):
        buttons = user.buttons()
        pick = next((b for b in (answer, "None of these", "An adult (16 or over)") if b in buttons), None)
        if pick is None:
            return user.last_text()
        bot.clock.advance(1)
        await user.tap(pick)
        answer = "No"
    raise AssertionError("the checklist did not end")


async def test_an_outcome_row_carries_its_version_and_the_fingerprints_behind_it(bot: Harness) -> None:
    await finish_checklist(bot, bot.ada)
    rows = await bot.rows("SELECT * FROM checklist_outcomes WHERE user_id = 42")
    assert len(rows) == 1
    row = rows[0]
    assert row["content_version"] == bot.content.fingerprint and row["language"] == "en"
    items = json.loads(row["items"])
    assert any(i.endswith("self_care") for i in items)  # the disposition's words
    assert len(items) >= 5  # and the questions asked on the way
    # /mydata shows it; /delete_my_data erases it.
    await bot.send("/mydata")
    [document] = bot.ada.files("document")  # the complete record, as JSON
    [kept] = json.loads(document.file_bytes)["tables"]["checklist_outcomes"]
    assert kept["content_version"] == bot.content.fingerprint and kept["items"] == items
    await bot.send("/delete_my_data")
    await bot.tap("Yes, delete everything")
    assert await bot.rows("SELECT * FROM checklist_outcomes") == []


async def test_an_outcome_is_kept_as_long_as_diary_entries(bot: Harness) -> None:
    from bot.features.checklist.feature import purge_outcomes

    await finish_checklist(bot, bot.ada)
    bot.clock.advance(bot.settings.diary_retention_days * 86400 - 60)
    assert await purge_outcomes(bot.services, bot.app.bot) == 0
    bot.clock.advance(120)
    assert await purge_outcomes(bot.services, bot.app.bot) == 1
    assert await bot.rows("SELECT * FROM checklist_outcomes") == []


async def test_a_notice_reaches_exactly_the_users_who_read_the_corrected_words_once(
    bot: Harness, tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ada, bea, cy, dee, eve = (bot.user(42 + i, name) for i, name in enumerate(("Ada", "Bea", "Cy", "Dee", "Eve")))
    bot.ada = ada
    for user in (ada, cy, dee, eve):
        assert "Self-care" in await finish_checklist(bot, user)
    assert "Self-care" not in await finish_checklist(bot, bea, first="Yes")  # an emergency: other words
    await eve.send("/delete_my_data")
    await eve.tap("Yes, delete everything")
    bot.fake.block(dee.chat_id)

    # The self-care outcome is corrected and the new version deployed.
    write(tree, "en/checklist.yaml", read(tree, "en/checklist.yaml").replace(SELF_CARE_OLD, SELF_CARE_NEW, 1))
    bot.content = load_content(tree)
    await bot.restart()
    for user in (ada, bea, cy, dee, eve):
        user.app = bot.app
    notice = tmp_path / "notice.yaml"
    notice.write_text(NOTICE, encoding="utf-8")
    monkeypatch.setenv("BOT_DATABASE", str(bot.settings.database))
    monkeypatch.setenv("BOT_CONTENT_DIR", str(tree))
    command = ["safety-notice", "--items", "checklist.outcomes.self_care", "--message-file", str(notice)]

    assert await asyncio.to_thread(main, [*command, "--dry-run"]) == 0  # its own event loop, as from a shell
    assert "3 users have an outcome from an older version" in capsys.readouterr().out  # Ada, Cy, Dee
    assert await bot.rows("SELECT * FROM reminders WHERE kind = 'notice'") == []
    assert await asyncio.to_thread(main, command) == 0
    assert "queued for 3 of 3 affected users" in capsys.readouterr().out
    assert await asyncio.to_thread(main, command) == 0  # the same notice again: nobody twice
    assert "queued for 0 of 3 affected users" in capsys.readouterr().out

    bot.clock.set(datetime.now(UTC) + timedelta(seconds=1))  # the command queued it at the wall clock's now
    await bot.dispatch()
    for user in (ada, cy):
        assert "A correction to advice" in user.last_text() and "potassium or magnesium" in user.last_text()
        assert "📋 Run the checklist again" in user.buttons()
    for user in (bea, eve):
        assert "A correction" not in user.last_text()
    # Dee blocked the bot: the notice is cancelled, and not sent when she comes back.
    rows = await bot.rows("SELECT user_id, status FROM reminders WHERE kind = 'notice' ORDER BY user_id")
    assert rows == [
        {"user_id": 42, "status": "sent"},
        {"user_id": 44, "status": "sent"},
        {"user_id": 45, "status": "cancelled"},
    ]
    bot.fake.unblock(dee.chat_id)
    await dee.send("/start")
    await bot.dispatch()
    assert "A correction" not in dee.last_text()

    # The notice offers the checklist again, with the corrected words.
    await ada.tap("📋 Run the checklist again")
    assert "Should I see a doctor?" in ada.last_text() or "Who is this for?" in ada.last_text()
    # /stats counts notices, never who.
    admin = bot.user(ADMIN_ID, "Root")
    await admin.send("/stats")
    assert "safety notices sent: 2" in admin.last_text()
    assert "42" not in admin.last_text().replace("safety notices sent: 2", "")


def test_a_notice_about_an_unknown_item_or_without_a_language_is_refused(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_DATABASE", str(tmp_path / "bot.sqlite3"))
    monkeypatch.setenv("BOT_CONTENT_DIR", str(tree))
    notice = tmp_path / "notice.yaml"
    notice.write_text(NOTICE, encoding="utf-8")
    assert main(["safety-notice", "--items", "checklist.outcomes.nope", "--message-file", str(notice)]) == 2
    assert "no item 'checklist.outcomes.nope'" in capsys.readouterr().err
    notice.write_text('en: "Only English."\n', encoding="utf-8")
    assert main(["safety-notice", "--items", "checklist.outcomes.self_care", "--message-file", str(notice)]) == 2
    assert "needs its text in 'it'" in capsys.readouterr().err


# --- the real process, killed in the middle of sending ------------------------------------------


async def seed_outcomes(path: Path, content: Content, affected: list[int], others: list[int]) -> None:
    """Users whose stored outcome relied on words of `self_care` that have changed since, and
    users whose outcome relied on other words (or today's): only the first may get the notice."""
    from bot.app import MIGRATIONS
    from content.fingerprints import inventory
    from storage import outcomes, users
    from storage.db import Database

    now = int(time.time())
    current = inventory(content).fingerprints()

    def seed(conn: sqlite3.Connection) -> None:
        for chat_id in affected + others:
            users.touch(conn, chat_id, now - 7200)
            old = chat_id in affected
            outcomes.record(
                conn,
                user_id=chat_id,
                finished_at=now - 3600,
                language="en" if chat_id % 2 else "it",
                outcome="self_care" if old else "emergency",
                version="0ld0ld0ld0ld",
                items={"checklist.outcomes.self_care": "0123456789abcdef"}
                if old
                else {"checklist.outcomes.emergency": current["checklist.outcomes.emergency"]},
            )

    db = await Database.open(path, MIGRATIONS)
    try:
        await db.run(seed)
    finally:
        await db.close()


@pytest.mark.slow
async def test_a_notice_reaches_the_affected_users_once_across_a_sigkill(
    tmp_path: Path,
    processes: Processes,  # noqa: F811 (the fixture of tests/test_process.py)
    content: Content,
    tree: Path,
) -> None:
    async with asyncio.timeout(TEST_TIMEOUT):
        database = tmp_path / "bot.sqlite3"
        record = tmp_path / "delivered.jsonl"
        affected = list(range(FIRST_CHAT, FIRST_CHAT + 60))
        others = list(range(FIRST_CHAT + 1000, FIRST_CHAT + 1030))
        await seed_outcomes(database, content, affected, others)
        notice = tmp_path / "notice.yaml"
        notice.write_text(NOTICE, encoding="utf-8")
        fake, base_url = await processes.fake_telegram(record, latency=0.01)
        env = bot_env(base_url, database, BOT_CONTENT_DIR=str(tree))
        command = [PYTHON, "main.py", "safety-notice", "--items", "checklist.outcomes.self_care"]
        command += ["--message-file", str(notice)]
        queue = processes.start("notice", command, env)
        assert await queue.wait(30) == 0, queue.describe()
        assert "queued for 60 of 60 affected users" in queue.stdout()

        first = processes.bot("bot-1", env)
        await until(lambda: len(delivered(record)) >= 30, 30, "30 notices sent", watch=[first, fake])
        first.signal(signal.SIGKILL)
        assert await first.wait(5) == -signal.SIGKILL
        accepted = delivered(record)
        in_flight = len(set(accepted) - sent_chats(database))
        again = processes.start("notice-again", command, env)  # an operator runs it again meanwhile
        assert await again.wait(30) == 0, again.describe()
        assert "queued for 0 of 60 affected users" in again.stdout()
        await deliver_the_rest(processes, env, fake, record, affected, 40)

    chats = delivered(record)
    duplicates = len(chats) - len(set(chats))
    print(
        f"\nsafety notice, SIGKILL after {len(accepted)} of 60 sends: accepted but unrecorded {in_flight}; "
        f"sent to {len(set(chats))} users ({len(set(chats) & set(others))} not affected), duplicates {duplicates}"
    )
    assert set(chats) == set(affected)  # every affected user, and nobody else
    assert duplicates == in_flight <= 3  # a repeat only for a send in flight at the kill, as reminders
    assert statuses(database) == Counter({"sent": 60})
