"""Follow-up and daily reminders: created by tapping, delivered by the dispatcher on a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram.error import NetworkError, TimedOut

from bot.features.reminders.callbacks import CancelReminder, PickDelay
from bot.features.reminders.delivery import MAX_ATTEMPTS
from tests.flows import followup_comes, no_until

DAY = 86400


async def add_followup(bot, delay="d1"):
    await bot.send("/reminders")
    await bot.ada.tap_data(PickDelay(delay).encode())


async def paused_by_a_block(bot):
    """A follow-up whose send a day later met a block (403), so it is paused."""
    await add_followup(bot)
    bot.fake.block(42)
    bot.clock.advance(DAY)
    await bot.dispatch()


async def test_followup_after_checklist_says_what_it_follows(bot):
    await bot.send("/check")
    await no_until(bot, "about your spasms")
    await bot.tap("Yes")  # the criteria: book an appointment
    await bot.tap("Remind me to check again")
    assert "When should I check in" in bot.text()
    await bot.tap("In 3 days")
    # No time zone set yet: the one the language suggests, said so (never ISO, never "UTC"), and
    # one tap sets the real one.
    assert "on Wednesday 4 March at 09:00 (London time: I guessed your time zone from your language)" in bot.text()
    assert "🌍 Set my time zone" in bot.buttons()
    assert "UTC" not in bot.text()
    assert await bot.rows("SELECT * FROM checklist_sessions") == []  # answers no longer kept
    [row] = await bot.rows("SELECT kind, status, due_at, payload FROM reminders")
    assert row["kind"] == "followup" and row["status"] == "pending"
    assert '"outcome":"appointment","path":"0n00nny"' in row["payload"]

    bot.clock.advance(3 * DAY - 60)
    assert await bot.dispatch() == 0
    bot.clock.advance(60)
    assert await bot.dispatch() == 1
    text = bot.text()
    assert "How are your muscle spasms now?" in text
    advised = "3 days ago, the checklist advised 🩺 Book an appointment with your doctor, because of: at least one of"
    assert advised + ": spasms intense" in text
    assert bot.buttons()[:3] == ["🙂 Better", "😐 Same", "🙁 Worse"]
    assert "😴 In 1 hour" in bot.buttons() and "🔕 Stop all reminders" in bot.buttons()
    [row] = await bot.rows("SELECT status, payload FROM reminders")
    assert row == {"status": "sent", "payload": "{}"}  # health context dropped once delivered


async def test_checkin_buttons(bot):
    await followup_comes(bot)
    checkin = bot.screen()
    await bot.tap("Better")
    assert "glad they are better" in bot.text()
    assert "Call 112 (999 in the UK) at once if" in bot.text()  # never "you are fine"
    await bot.ada.tap_data(checkin.callback_data[2], message_id=checkin.message_id)  # Worse
    assert "Is any of these happening now?" in bot.text()  # the time-critical signs first
    await bot.tap("No")
    assert "run the checklist again now" in bot.text()
    assert "Go to A&E now if" in bot.text() and "Get medical help today if" not in bot.text()
    await bot.tap("Run the checklist again")
    assert "Who is this for?" in bot.text()


async def test_snooze_and_stop(bot):
    await followup_comes(bot)
    await bot.tap("In 1 hour")
    assert "ask again" in bot.text()
    bot.clock.advance(3599)
    assert await bot.dispatch() == 0
    bot.clock.advance(1)
    assert await bot.dispatch() == 1
    await bot.tap("Stop all reminders")
    assert "You have no active reminders." in bot.text()  # nothing to stop: nothing asked
    assert [r["status"] for r in await bot.rows("SELECT status FROM reminders ORDER BY id")] == [
        "sent",
        "sent",
    ]


async def test_list_and_cancel(bot):
    await bot.send("/reminders")
    assert "no active reminders" in bot.text()
    await bot.tap("Follow-up check-in", "In 1 week")
    await bot.send("/reminders")
    assert "Check-in on Sunday 8 March at 09:00 (London time" in bot.text()
    assert "🗑 Delete: Sun 8 Mar, 09:00" in bot.buttons()
    await bot.tap("Delete:")
    assert "🗑 Deleted: Sun 8 Mar, 09:00." in bot.text()  # said on the list, with Undo under it
    assert "no active reminders" in bot.text()
    await bot.tap("Undo")
    assert "Restored: Sun 8 Mar, 09:00" in bot.text()
    await bot.tap("Delete:")
    bot.clock.advance(8 * DAY)
    assert await bot.dispatch() == 0


async def test_limit_of_ten(bot, content):
    for _ in range(10):
        bot.clock.advance(3600)  # an hour apart: the same check-in twice is refused on its own
        await add_followup(bot)
    bot.clock.advance(3600)
    await add_followup(bot)
    assert "already have 10 active reminders" in bot.text()
    assert len(await bot.rows("SELECT id FROM reminders")) == 10


async def test_daily_reminder_asks_zone_and_keeps_local_time_across_dst(bot):
    bot.clock.set(datetime(2026, 3, 27, 12, 0, tzinfo=UTC))  # Rome switches to CEST on 29 March
    await bot.send("/reminders")
    await bot.tap("Daily reminder")
    assert "time zone" in bot.text()
    await bot.tap("Rome, Italy")
    assert "Rome, Italy" in bot.text()
    await bot.tap("Stretching", "08:00")
    assert "Every day at 08:00" in bot.text()
    due = [r["due_at"] for r in await bot.rows("SELECT due_at FROM reminders WHERE status='pending'")]
    assert datetime.fromtimestamp(due[0], UTC) == datetime(2026, 3, 28, 7, 0, tzinfo=UTC)  # CET
    for expected in (
        datetime(2026, 3, 28, 7, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 6, 0, tzinfo=UTC),
        datetime(2026, 3, 30, 6, 0, tzinfo=UTC),
    ):
        bot.clock.set(expected)
        assert await bot.dispatch() == 1
        assert "stretching" in bot.text()
    [pending] = await bot.rows("SELECT due_at FROM reminders WHERE status='pending'")
    assert datetime.fromtimestamp(pending["due_at"], UTC) == datetime(2026, 3, 31, 6, 0, tzinfo=UTC)


async def test_time_zone_by_local_time(bot):
    await bot.send("/reminders")
    await bot.tap("Daily reminder", "Tell you my time")
    await bot.tap("11:00")  # clock is 09:00 UTC: UTC+2
    assert "It is 11:00 for you. Which of these is your time zone?" in bot.text()
    await bot.tap("Keep UTC+2 anyway")  # the user insists on a fixed offset
    assert "fixed offset UTC+2" in bot.text() and "does not follow daylight saving" in bot.text()
    assert [r["timezone"] for r in await bot.rows("SELECT timezone FROM users")] == ["Etc/GMT-2"]


async def test_overdue_after_downtime_combined_once_and_marked_late(bot):
    await bot.send("/reminders")
    await bot.tap("Daily reminder", "UTC", "Drinking water", "12:00")
    await add_followup(bot)
    await bot.stop()
    bot.clock.advance(3 * DAY)  # the bot was down for three days
    await bot.start()
    assert await bot.dispatch() == 2
    messages = [m for m in bot.fake.bot_messages(42) if "You have 2 reminders" in m.plain]
    assert len(messages) == 1
    assert "drink water" in messages[0].plain and "late" in messages[0].plain
    assert await bot.dispatch() == 0
    [daily] = await bot.rows("SELECT due_at FROM reminders WHERE status='pending'")
    assert daily["due_at"] > bot.clock.now()  # the next one is in the future, not three catch-ups


async def test_blocked_user_pauses_and_unblock_resumes(bot):
    await paused_by_a_block(bot)
    assert [r["status"] for r in await bot.rows("SELECT status FROM reminders")] == ["paused"]
    assert [r["active"] for r in await bot.rows("SELECT active FROM users")] == [0]
    assert await bot.dispatch() == 0  # no retry while blocked
    await bot.ada.send_update(bot.fake.my_chat_member_update(bot.ada.user, "kicked", "member"))
    assert [r["status"] for r in await bot.rows("SELECT status FROM reminders")] == ["pending"]
    assert await bot.dispatch() == 1
    assert "How are your muscle spasms now?" in bot.text()


async def test_start_reactivates_blocked_user(bot):
    await paused_by_a_block(bot)
    bot.fake.unblock(42)
    await bot.send("/start")
    assert await bot.dispatch() == 1


async def test_back_after_a_block_wakes_the_delivery_worker_at_once(bot):
    """The paused check-in goes out right after /start, not at the worker's next idle pass."""
    await paused_by_a_block(bot)
    assert [r["status"] for r in await bot.rows("SELECT status FROM reminders")] == ["paused"]
    bot.services.outbox_changed.clear()
    bot.fake.unblock(42)
    await bot.send("/start")
    assert bot.services.outbox_changed.is_set()  # the worker's wait ends now
    assert await bot.dispatch() == 1
    assert "How are your muscle spasms now?" in bot.text()


async def test_any_message_after_a_block_resumes_and_wakes(bot):
    """Blocked as seen by a send (403), not by an update: the next message of any kind resumes."""
    await paused_by_a_block(bot)
    bot.services.outbox_changed.clear()
    bot.fake.unblock(42)
    await bot.send("cramp")  # a search, not /start
    assert bot.services.outbox_changed.is_set()
    assert [r["status"] for r in await bot.rows("SELECT status FROM reminders")] == ["pending"]
    assert await bot.dispatch() == 1


async def test_retry_after_is_waited_and_not_lost(bot):
    await add_followup(bot)
    bot.clock.advance(DAY)
    bot.fake.fail_next("sendMessage", error_code=429, description="Too Many Requests: retry after 7", retry_after=7)
    assert await bot.dispatch() == 1
    [row] = await bot.rows("SELECT status, attempts, due_at FROM reminders")
    assert row["status"] == "pending" and row["attempts"] == 0
    assert row["due_at"] == bot.clock.now() + 8
    bot.clock.advance(8)
    await bot.dispatch()
    assert [r["status"] for r in await bot.rows("SELECT status FROM reminders")] == ["sent"]


async def test_network_errors_back_off_then_fail(bot, caplog):
    await add_followup(bot)
    bot.clock.advance(DAY)
    bot.fake.raise_next("sendMessage", TimedOut(), times=1)
    await bot.dispatch()
    [row] = await bot.rows("SELECT status, attempts, due_at FROM reminders")
    assert row["status"] == "pending" and row["due_at"] == bot.clock.now() + 30
    bot.fake.raise_next("sendMessage", NetworkError("connection reset"), times=MAX_ATTEMPTS)
    for _ in range(MAX_ATTEMPTS):
        bot.clock.advance(3600)
        await bot.dispatch()
    [row] = await bot.rows("SELECT status, attempts, last_error FROM reminders")
    assert row["status"] == "failed" and row["attempts"] == MAX_ATTEMPTS
    assert "connection reset" in row["last_error"]
    assert "failed after 5 attempts" in caplog.text


async def test_crash_mid_send_requeues_in_flight(bot):
    """A process that dies after claiming leaves rows in `sending`; the next start sends them."""
    await add_followup(bot)
    bot.clock.advance(DAY)
    from storage import reminders as outbox

    claimed = await bot.services.db.run(outbox.claim_due, int(bot.clock.now()), 10)
    assert len(claimed) == 1  # claimed, then the process "dies" before sending
    await bot.restart()
    assert await bot.dispatch() == 1
    assert [r["status"] for r in await bot.rows("SELECT status FROM reminders")] == ["sent"]


async def test_wall_clock_jump_back_does_not_double_send(bot):
    await add_followup(bot)
    bot.clock.advance(DAY)
    assert await bot.dispatch() == 1
    bot.clock.advance(-DAY)
    bot.clock.advance(DAY)
    assert await bot.dispatch() == 0
    assert len([m for m in bot.fake.bot_messages(42) if "How are your" in m.plain]) == 1


async def test_forged_reminder_ops(bot):
    await bot.send("/start")
    for data in (
        "r:cancel:abc",
        "r:cancel:99999",
        "r:checkin:1",
        "r:snooze:1.zz",
        "r:tz:Mars/Base",
        "r:tzoff:+99",
        "r:time:stretch.0101",
        "r:kind:dance",
        "r:delay:y9",
    ):
        await bot.ada.tap_data(data)
        assert bot.ada.last_answer() is not None


async def test_cancelling_someone_elses_reminder_is_refused(bot):
    await add_followup(bot)
    [row] = await bot.rows("SELECT id FROM reminders")
    eve = bot.user(66, "Eve")
    await eve.send("/start")
    await eve.tap_data(CancelReminder(row["id"]).encode())
    assert "no longer exists" in eve.last_answer()["text"]
    assert [r["status"] for r in await bot.rows("SELECT status FROM reminders")] == ["pending"]


async def test_delivery_loop_recovers_from_a_failed_pass(bot, monkeypatch, caplog):
    """The database fails while recording a batch: the rows go back to pending and are
    delivered on the retry a few seconds later (at least once), without a restart."""
    import asyncio
    import sqlite3

    from bot.features.reminders.delivery import RETRY_PASS
    from storage import reminders as outbox

    await add_followup(bot)
    real_mark_sent = outbox.mark_sent
    failures = []

    def flaky_mark_sent(conn, ids, now):
        if not failures:
            failures.append(list(ids))
            raise sqlite3.OperationalError("disk I/O error")
        real_mark_sent(conn, ids, now)

    monkeypatch.setattr(outbox, "mark_sent", flaky_mark_sent)

    async def until(condition) -> None:
        for _ in range(20_000):
            if await condition():
                return
            await asyncio.sleep(0)
        raise AssertionError("condition never became true")

    async def statuses():
        return [r["status"] for r in await bot.rows("SELECT status FROM reminders")]

    dispatcher = bot.delivery
    bot.clock.advance(DAY)
    await dispatcher.start()
    try:
        await until(lambda: _true(failures))
        await until(lambda: _is(statuses, ["pending"]))
        assert "delivery pass failed" in caplog.text
        bot.clock.advance(RETRY_PASS)
        await until(lambda: _is(statuses, ["sent"]))
    finally:
        await dispatcher.stop()
    checkins = [m for m in bot.fake.bot_messages(42) if "How are your" in m.plain]
    assert len(checkins) == 2  # the in-flight message was repeated once, never lost


async def _true(value) -> bool:
    return bool(value)


async def _is(rows, expected) -> bool:
    return await rows() == expected


def test_cancel_labels_are_cut_at_a_word():
    """QA saw "✖️ Cancel: Every day at 08:00: Stre"."""
    from bot.features.reminders.screens import shorten as _shorten

    assert _shorten("Every day at 08:00: Stretching", 28) == "Every day at 08:00…"
    assert _shorten("Check-in on Wed 2 Dec, 20:36", 28) == "Check-in on Wed 2 Dec, 20:36"
