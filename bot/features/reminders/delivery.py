"""Reminder delivery: the worker that claims due rows from SQLite, sends them, records the result.

(Named "delivery" rather than "dispatcher" so nobody takes it for PTB's update dispatcher.)

The schedule is never held in memory: each pass claims at most one batch (constant memory with
100 or 1,000,000 pending rows), and the loop sleeps until the next due time, a wake-up from a
new reminder, or a minute, whichever comes first, on the injected clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections import defaultdict
from functools import partial
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.features.reminders.messages import language_of, render
from bot.features.reminders.schedule import next_daily
from bot.infra import timezones
from bot.infra.logs import hash_user
from bot.infra.ratelimit import BULK
from bot.infra.services import Services
from bot.services import diary as diary_facts
from storage import reminders as outbox
from storage import safety_notices, stats, users
from storage.group_commit import GroupCommit
from storage.reminders import DailyPayload, FollowupPayload, NoticePayload, Reminder
from storage.stats import Count

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_BASE = 30  # seconds; doubled after each failed attempt
IDLE_POLL = 60.0  # re-check at least this often (a wall-clock jump, a missed wake-up)
RETRY_PASS = 5.0  # after a failed pass (database locked, disk full), try again this soon
PRUNE_AFTER = 30 * 86400
PRUNE_EVERY = 3600.0


async def prune_outbox(services: Services, bot: Bot) -> int:
    """Chore: forget delivered reminders after PRUNE_AFTER. Hourly, not after every batch: the
    DELETE reads every finished row (no index on created_at), ~70 ms with a month of history at
    10,000 a day, and it held the single database thread, and every user's query, that long."""
    return await services.db.run(outbox.prune, int(services.clock.now()) - PRUNE_AFTER)


class ReminderDelivery:
    """The one task that sends reminders."""

    def __init__(
        self,
        bot: Bot,
        services: Services,
        *,
        batch_size: int = 20,
        concurrency: int = 30,
    ) -> None:
        self.bot = bot
        self.services = services
        self.batch_size = batch_size
        self.concurrency = concurrency
        self._wake = services.outbox_changed
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.sent = 0
        self.failed = 0
        self._records: GroupCommit | None = None
        self._records_db: object = None
        # Reminders due before this moment were due while no process was sending: only those
        # may say "I was offline" (two reminders due at once are not late).
        self.started_at = services.clock.now()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def wake(self) -> None:
        self._wake.set()

    async def recover(self) -> int:
        """Rows a previous process claimed but never recorded go back to pending."""
        requeued = await self.services.db.run(outbox.requeue_in_flight)
        if requeued:
            log.warning("%d reminders were in flight when the bot stopped; sending them again", requeued)
        return requeued

    async def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._loop(), name="reminder-delivery")
        self.services.health.delivery_running = True

    async def stop(self) -> None:
        """Finish the batch in hand, then stop: nothing is left half-recorded."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.services.health.delivery_running = False

    async def _loop(self) -> None:
        services = self.services
        while not self._stopping:
            services.health.last_delivery_loop = time.monotonic()
            try:
                count = await self.run_once()
                if count >= self.batch_size:
                    continue  # more are due: keep draining
                next_due = await services.db.read(outbox.next_due_at)
            except Exception:
                log.exception("reminder delivery pass failed; retrying in %.0f s", RETRY_PASS)
                # A pass that failed after claiming (say, the database was locked when recording)
                # would leave rows `sending` until the next start: put them back now. Only this
                # task claims, so nothing else is in flight.
                with contextlib.suppress(Exception):
                    await services.db.run(outbox.requeue_in_flight)
                next_due = int(services.clock.now() + RETRY_PASS)
            timeout = IDLE_POLL if next_due is None else min(IDLE_POLL, max(0.0, next_due - services.clock.now()))
            await services.clock.wait(self._wake, timeout)
            self._wake.clear()

    @property
    def records(self) -> GroupCommit:
        """Per-delivery records, group-committed (one writer per open database)."""
        db = self.services.db
        if self._records is None or self._records_db is not db:
            self._records, self._records_db = GroupCommit(db, name="delivery-records"), db
        return self._records

    async def run_once(self) -> int:
        """Claim one batch of due reminders, deliver them (one message per user), record each
        delivery as soon as Telegram has accepted it, and the failures once the batch is done."""
        services = self.services
        now = services.now()
        # Neither the claim nor the records below need their own fsync: a claim lost to a power
        # cut leaves rows pending, which is what recover() makes of rows left `sending` anyway;
        # a lost record means that message goes out again (at least once, as after a crash).
        # The next durable commit (any reminder a user creates) syncs them. Two fsyncs per batch
        # were what a user's "remind me" waited behind (bench/storage.py: create p99).
        claimed = await services.db.run(outbox.claim_due, now, self.batch_size, durable=False)
        if not claimed:
            return 0
        by_user: dict[int, list[Reminder]] = defaultdict(list)
        for reminder in claimed:
            by_user[reminder.user_id].append(reminder)
        gate = asyncio.Semaphore(self.concurrency)
        records = self.records

        async def deliver(group: list[Reminder]) -> tuple[list[Reminder], Exception | None, Exception | None]:
            async with gate:
                try:
                    offer = await self._send(group, now)
                except Exception as exc:
                    return group, exc, None
                # Accepted: record it now, not with the batch, so a kill -9 from here on does not
                # send it again. The slot is held until the record commits, so at most
                # `concurrency` sends are ever accepted-but-unrecorded; records arriving together
                # share one commit (storage/group_commit.py), ~1 ms at rest.
                try:
                    await records.submit(partial(self._record_sent, group=group, now=now, offer=offer))
                except Exception as exc:
                    return group, None, exc
                self.sent += len(group)
                return group, None, None

        results = await asyncio.gather(*(deliver(g) for g in by_user.values()))
        failures = [(group, error) for group, error, _ in results if error is not None]
        if failures:
            await services.db.run(self._record_failures, failures, now, durable=False)
            for group, error in failures:
                if isinstance(error, Forbidden):
                    # Their cached row says active: forget it, so that their next message (any,
                    # not only /start) touches the row, resumes the paused reminders and wakes us.
                    services.forget(group[0].user_id)
        unrecorded = [error for _, _, error in results if error is not None]
        if unrecorded:
            # Sent but not recorded (the database failed): the pass fails, the rows go back to
            # pending and those messages are sent again. At least once, never lost.
            raise unrecorded[0]
        return len(claimed)

    async def _send(self, group: list[Reminder], now: int) -> str | None:
        """Send one user's message; returns the fixed zone it offered to replace, if any."""
        services = self.services
        content = services.content
        checkin = next((r for r in group if isinstance(r.payload, FollowupPayload)), None)
        offering = any(isinstance(r.payload, DailyPayload) and not r.payload.zone_offered for r in group)
        # One read of the user's row serves the language, the zone offer and the check-in's diary
        # line. Not touch(): a delivery is not a visit.
        user = await services.db.read(users.get, group[0].user_id)
        zone = user.timezone if user is not None else None
        # The language of the moment it is sent: the user's choice now (/language), else the
        # language they were using when they set it (Telegram's, which a bot sees only in updates).
        lang = language_of(content, group, user.language if user is not None else None)
        offer = self._zone_to_offer(zone) if offering else None
        diary_line = await self._diary_line(checkin, lang, zone) if checkin is not None else ""
        notices = await self._notices(group)
        screen = render(
            content,
            group,
            now,
            offer_for=offer,
            diary_line=diary_line,
            lang=lang,
            offline_before=self.started_at,
            notices=notices,
        )
        # Bulk priority: people tapping buttons are served before the reminder backlog.
        extra: dict[str, Any] = {"rate_limit_args": BULK} if getattr(self.bot, "rate_limiter", None) else {}
        await self.bot.send_message(group[0].chat_id, screen.text, reply_markup=screen.markup, **extra)
        return offer

    async def _notices(self, group: list[Reminder]) -> dict[str, dict[str, str]]:
        """The messages of the safety notices in this group, by notice id (read per message: a
        notice goes to each user once, so a cache would hold each one for one message)."""
        ids = {r.payload.notice for r in group if isinstance(r.payload, NoticePayload)}
        out: dict[str, dict[str, str]] = {}
        for nid in ids:
            notice = await self.services.db.read(safety_notices.get, nid)
            if notice is not None:
                out[nid] = dict(notice.messages)
        return out

    async def _diary_line(self, checkin: Reminder, lang: str, zone: str | None) -> str:
        """A check-in compares the diary since the follow-up was set with the week before."""
        assert isinstance(checkin.payload, FollowupPayload)
        since = checkin.payload.asked_at or checkin.created_at
        return await diary_facts.checkin_comparison(self.services, checkin.user_id, lang, since, zone)

    def _zone_to_offer(self, zone: str | None) -> str | None:
        """A daily reminder to a user whose zone is a fixed UTC offset (the old "tell you my
        time" answer) offers a real zone once: the fixed offset, or None."""
        # "UTC" picked from the content's own list of zones is a choice, not a stand-in.
        chosen = zone in self.services.content.reminders.timezones
        return zone if timezones.is_fixed(zone) and not chosen else None

    def _record_sent(self, conn: sqlite3.Connection, group: list[Reminder], now: int, offer: str | None) -> None:
        def following(reminder: Reminder, zone: str) -> int:
            assert isinstance(reminder.payload, DailyPayload)
            return next_daily(max(now, reminder.due_at), reminder.payload.time, zone)

        marked = outbox.record_delivered(conn, group, now, following)
        notices = sum(isinstance(r.payload, NoticePayload) for r in group)
        if marked and notices:
            stats.bump(conn, Count.SAFETY_NOTICES_SENT, notices)  # how many, never to whom
        if offer is not None:
            outbox.mark_zone_offered(conn, group[0].user_id)

    def _record_failures(
        self, conn: sqlite3.Connection, failures: list[tuple[list[Reminder], Exception]], now: int
    ) -> None:
        for group, error in failures:
            user_id = group[0].user_id
            if isinstance(error, Forbidden):
                # Blocked or deactivated: no retry; resumes when they come back.
                users.deactivate(conn, user_id, now)
                outbox.cancel_notices(conn, user_id)  # never a safety notice after a block
                log.info("user %s blocked the bot; %d reminders paused", hash_user(user_id), len(group))
                continue
            for reminder in group:
                self._retry_or_fail(conn, reminder, error, now)

    def _retry_or_fail(self, conn: sqlite3.Connection, reminder: Reminder, error: BaseException, now: int) -> None:
        description = f"{type(error).__name__}: {error}"
        if isinstance(error, RetryAfter):
            delay = (
                error.retry_after if isinstance(error.retry_after, int | float) else error.retry_after.total_seconds()
            )
            # Telegram asked us to wait: not the reminder's fault, so no attempt is spent.
            outbox.reschedule(conn, reminder.id, now + int(delay) + 1, description, refund_attempt=True)
            return
        retriable = isinstance(error, NetworkError) and not isinstance(error, BadRequest)
        if retriable and reminder.attempts < MAX_ATTEMPTS:
            outbox.reschedule(conn, reminder.id, now + BACKOFF_BASE * 2 ** (reminder.attempts - 1), description)
            return
        outbox.mark_failed(conn, reminder.id, description)
        self.failed += 1
        log.error(
            "reminder %d for user %s failed after %d attempts: %s",
            reminder.id,
            hash_user(reminder.user_id),
            reminder.attempts,
            description,
        )
