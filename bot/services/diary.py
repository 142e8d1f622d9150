"""What the diary says to other features: the checklist's hints and the check-in's comparison.
Shared queries live here (not in the diary feature), so the checklist and reminders use the
diary's data without importing its handlers.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import Final

from bot.infra.services import Services
from bot.ui.dates import zone_of
from content.model import Content
from content.problems import Problem
from storage import diary
from storage.db import Database
from storage.group_commit import GroupCommit

log = logging.getLogger(__name__)

Op = Callable[[sqlite3.Connection], object]


class DiaryWriter:
    """Diary writes queued by handlers and committed behind them, many in one transaction.

    A log tap that waited for its own transaction spent ~0.3-0.9 ms handing the work to the
    database thread and back under load, 2-3x a menu tap (bench/diary.py); queued, the tap
    answers at once and one commit (storage/group_commit.py, each write in its own savepoint)
    carries every write queued meanwhile. Every op names its entry by (user, draft id), so
    nothing waits for a row id. Readers of the diary call `flush` first, so they see every write
    a user was shown as done; a crash can lose the last few milliseconds of writes, like the
    checklist's answers, and the commits are not fsynced: the WAL survives a crash of the
    process, and the background checkpoint (storage/db.py, every second) syncs it."""

    def __init__(self, db: Database) -> None:
        self._commits = GroupCommit(db, name="diary-writes")
        # user -> (day, (count, over 10 min)) of the checklist's window: most people who take the
        # checklist keep no diary, and two of its five steps would otherwise each wait for a read.
        self.recent: OrderedDict[int, tuple[date, tuple[int, int]]] = OrderedDict()

    def changed(self, user_id: int) -> None:
        """The user's entries changed (logged, undone, erased): forget what was counted."""
        self.recent.pop(user_id, None)

    def queue(self, op: Op, user_id: int) -> None:
        self.changed(user_id)
        self._commits.submit(op).add_done_callback(_log_failure)

    async def flush(self) -> None:
        await self._commits.flush()

    async def close(self) -> None:
        await self._commits.flush()


def _log_failure(future: asyncio.Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("a diary write could not be committed: %s", future.exception())


RECENT_SIZE = 10_000  # users whose checklist counts are kept


def writer(services: Services) -> DiaryWriter:
    """The diary's write queue over the open database (a reopened database gets a new one)."""
    return services.queue(DiaryWriter, DiaryWriter)


def changed(services: Services, user_id: int) -> None:
    """Entries of the user changed outside the writer (undo, erase): drop cached counts."""
    writer(services).changed(user_id)


async def flush(services: Services) -> None:
    """Every diary write queued so far, committed: call before reading the diary."""
    await writer(services).flush()


# The daily reminder kind (content/reminders.yaml daily_kinds) that is the diary's prompt: its
# message carries the diary's one-tap buttons. Checked at load by content_problems below.
DAILY_PROMPT: Final = "diary"

# Which checklist question shows which diary figure before it is asked. The source text's two
# criteria a diary turns into facts: "if they recur often" and "if they last long".
CHECKLIST_HINTS = MappingProxyType({"recurring": "checklist_hint_recurring", "long_lasting": "checklist_hint_long"})


def content_problems(content: Content) -> list[Problem]:
    """The diary's choices in content/diary.yaml must be the codes storage keeps: a renamed
    choice would orphan every entry saved under the old one."""
    problems = []
    expected = {
        "when": diary.WHENS,
        "duration": diary.DURATIONS,
        "severity": diary.SEVERITIES,
        "location": diary.LOCATIONS,
        "context": diary.CONTEXTS,
    }
    for field_id, codes in expected.items():
        field = content.diary.fields.get(field_id)
        if field is None or set(field.choices) != set(codes):  # the order is the buttons', free
            problems.append(
                Problem(
                    "diary.yaml", None, f"field {field_id!r} must offer exactly {', '.join(codes)} (storage/diary.py)"
                )
            )
    if set(content.diary.long_durations) != set(diary.LONG_DURATIONS):
        problems.append(Problem("diary.yaml", None, f"long_durations must be {', '.join(diary.LONG_DURATIONS)}"))
    if DAILY_PROMPT not in content.reminders.daily_kinds:
        problems.append(Problem("reminders.yaml", None, f"daily_kinds needs {DAILY_PROMPT!r} (the daily diary prompt)"))
    return problems


def local_today(services: Services, timezone: str | None) -> date:
    """The user's date now (UTC when they never told us their time zone)."""
    return datetime.fromtimestamp(services.clock.now(), zone_of(timezone) or UTC).date()


def local_date(ts: float, timezone: str | None) -> date:
    return datetime.fromtimestamp(ts, zone_of(timezone) or UTC).date()


async def checklist_hint(services: Services, user_id: int, lang: str, question_id: str, timezone: str | None) -> str:
    """A line shown above the checklist's 'recur often' / 'last long' question, or "" when the
    diary has nothing in those days (then the question is asked as before)."""
    key = CHECKLIST_HINTS.get(question_id)
    if key is None:
        return ""
    cfg = services.content.diary
    today = local_today(services, timezone)
    first = today - timedelta(days=cfg.checklist_days - 1)
    w = writer(services)
    cached = w.recent.get(user_id)
    if cached is not None and cached[0] == today:
        count, long = cached[1]
    else:
        await w.flush()
        count, long = await services.db.read(diary.count_between, user_id, first, today)
        w.recent[user_id] = (today, (count, long))
        while len(w.recent) > RECENT_SIZE:
            w.recent.popitem(last=False)
    if count == 0:
        return ""
    return cfg.words(lang).message(key, count=count, long=long, days=cfg.checklist_days)


async def checkin_comparison(services: Services, user_id: int, lang: str, since: float, timezone: str | None) -> str:
    """'Spasms logged since we last spoke: 3 (in the week before: 4)', or "" when the diary has
    nothing in either span (a user who never logs is not told about a diary at each check-in).

    Counted by when each entry was logged, not by the day it is filed under: an episode logged
    an hour before the check-in was set is not "since we last spoke" (QA found whole days were)."""
    cfg = services.content.diary
    start, now = int(since), services.now()
    week = cfg.checkin_compare_days * 86400

    def read(conn: sqlite3.Connection) -> tuple[int, int]:
        count = diary.count_logged(conn, user_id, start, now + 1)
        previous = diary.count_logged(conn, user_id, start - week, start)
        return count, previous

    await flush(services)
    count, previous = await services.db.read(read)
    if count == 0 and previous == 0:
        return ""
    words = cfg.words(lang)
    if count == 0:
        return words.message("checkin_compare_none", previous=previous)
    return words.message("checkin_compare", count=count, previous=previous)
