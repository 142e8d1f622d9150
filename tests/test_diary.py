"""The spasm diary as a user meets it: log in three taps, details, undo, /diary with its chart,
the CSV, the checklist and check-ins that read it, the daily prompt, retention, /mydata, erasure."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.features.diary.callbacks import LogSeverity, LogWhen, SetWhere, UndoEntry
from bot.features.diary.retention import purge_old
from bot.features.diary.state import state_of
from storage import diary, spasm_free
from tests.flows import no_until
from tests.test_diary_parts import png_info

DAY = 86400
TODAY = date(2026, 3, 1)  # the FakeClock starts at 2026-03-01 09:00 UTC


async def log(bot, duration="1–10 minutes", severity="Moderate", when=None, user=None, button="Log a spasm"):
    """Main menu -> Log a spasm -> how long -> how bad: the three taps."""
    user = user or bot.ada
    await user.send("/start")
    await user.tap(button)
    if when:
        await user.tap(when)
    await user.tap(duration, severity)


async def settle(bot):
    """Wait for charts being drawn and sent (the chart follows the words; see handlers._diary)."""
    await state_of(bot.app).settled()


async def entries(bot, user_id=42):
    return await bot.rows(
        "SELECT day, at_when, duration, severity, location, context FROM diary_entries WHERE user_id = ? ORDER BY id",
        user_id,
    )


async def seed(bot, user_id, days_ago_severity_duration):
    """Entries written straight to storage: a history too long to tap in."""

    def fill(conn):
        for n, (days_ago, severity, duration) in enumerate(days_ago_severity_duration):
            diary.add(
                conn,
                user_id=user_id,
                day=TODAY - timedelta(days=days_ago),
                when="today",
                duration=duration,
                severity=severity,
                token=f"s{n:07d}",
                now=bot.services.now() - days_ago * DAY,  # logged on the day it happened
            )

    await bot.services.db.run(fill)


# --- logging -----------------------------------------------------------------------------------


async def test_three_taps_from_the_main_menu_log_a_spasm(bot):
    await bot.send("/start")
    await bot.tap("Log a spasm")
    assert "When did the spasm happen?" in bot.text() and "How long did it last?" in bot.text()
    assert bot.buttons()[:3] == ["● Just now", "Earlier today", "Yesterday"]
    await bot.tap("1–10 minutes")
    assert "How bad was it?" in bot.text() and "Just now · 1–10 minutes" in bot.text()
    await bot.tap("Severe")
    assert "Saved in your diary.\n🗓 Just now · ⏱ 1–10 minutes · 🌡 Severe" in bot.text()
    assert "↩️ Undo" in bot.buttons()
    assert await entries(bot) == [
        {
            "day": "2026-03-01",
            "at_when": "now",
            "duration": "m1_10",
            "severity": "severe",
            "location": None,
            "context": None,
        }
    ]


async def test_log_command_and_yesterday(bot):
    await bot.send("/log")
    await bot.tap("Yesterday")
    assert bot.buttons()[:3] == ["Just now", "Earlier today", "● Yesterday"]
    await bot.tap("Longer than an hour", "Mild")
    [row] = await entries(bot)
    assert (row["day"], row["at_when"], row["duration"]) == ("2026-02-28", "yesterday", "gt60")


async def test_yesterday_is_the_users_own_yesterday(bot):
    bot.clock.advance(15 * 3600)  # 2026-03-02 00:00 UTC: still 1 March in New York
    await bot.services.db.run(
        lambda c: c.execute("INSERT INTO users VALUES (42, NULL, 0, 0, 'America/New_York', 1, NULL)")
    )
    await log(bot, when="Yesterday")
    assert [r["day"] for r in await entries(bot)] == ["2026-02-28"]


async def test_optional_where_and_what(bot):
    await log(bot)
    await bot.tap("Add where")
    assert "Where was it? (optional)" in bot.text()
    await bot.tap("Calf")
    assert "Saved: Calf" in bot.text()
    assert "📍 Add where" not in bot.buttons()
    await bot.tap("Add what was going on", "At night")
    assert "Saved: Calf · At night" in bot.text()
    [row] = await entries(bot)
    assert (row["location"], row["context"]) == ("calf", "night")
    await bot.tap("Add what") if "🔎 Add what was going on" in bot.buttons() else None
    assert bot.buttons()[0] == "↩️ Undo"


async def test_details_question_has_a_way_out(bot):
    await log(bot)
    await bot.tap("Add where", "Done")
    assert "Saved in your diary" in bot.text()
    assert [r["location"] for r in await entries(bot)] == [None]


async def test_undo_from_the_confirmation(bot):
    await log(bot)
    confirmation = bot.screen()
    await bot.tap("Undo")
    assert "Removed" in bot.text()
    assert await entries(bot) == []
    # The same Undo again (an old message): nothing to remove, said so, nothing else touched.
    await bot.ada.tap_data(confirmation.callback_data[2], message_id=confirmation.message_id)
    assert bot.ada.last_answer()["text"] == "That entry was already removed."


async def test_double_tap_on_the_last_step_is_one_entry(bot):
    await bot.send("/log")
    await bot.tap("Under a minute")
    step = bot.screen()
    data = next(d for d in step.callback_data if d.startswith("gs:") and d.endswith(":mild"))
    await bot.ada.tap_data(data, message_id=step.message_id)
    await bot.ada.tap_data(data, message_id=step.message_id)  # the second tap of a double tap
    assert len(await entries(bot)) == 1
    assert "Saved in your diary" in bot.text()


async def test_two_logs_are_two_entries(bot):
    await log(bot)
    await log(bot, severity="Mild")
    assert [r["severity"] for r in await entries(bot)] == ["moderate", "mild"]


async def test_cancel_saves_nothing(bot):
    await bot.send("/log")
    await bot.tap("1–10 minutes", "Cancel")
    assert "Nothing was saved." in bot.text()
    assert await entries(bot) == []


async def test_free_text_mid_log_is_answered_and_loses_nothing(bot):
    await bot.send("/log")
    await bot.tap("10–60 minutes")
    question = bot.screen()
    await bot.send("it was bad")
    assert "tap one of the buttons above" in bot.text()
    assert "search" not in bot.text().lower()
    await bot.ada.tap_data(question.callback_data[2], message_id=question.message_id)  # Severe
    assert [r["duration"] for r in await entries(bot)] == ["m10_60"]
    await bot.send("cramp")  # after saving, free text is a search again
    assert "cramp" in bot.text().lower() and "tap one of the buttons" not in bot.text()


DIARY_STALE = "That diary button belongs to an older message. Here is a fresh start."
MENU_STALE = "That button belongs to an older message. Here is the main menu."


@pytest.mark.parametrize(
    ("data", "answer", "screen"),
    [
        # a diary button we could not have made: the log flow starts again at its first question
        (LogSeverity("abcd1234", "tomorrow", "m1_10", "mild").encode(), DIARY_STALE, "📓 Log a spasm"),  # future
        (LogSeverity("abcd1234", "now", "m1_10", "catastrophic").encode(), DIARY_STALE, "📓 Log a spasm"),
        (LogWhen("abcd1234", "nextweek").encode(), DIARY_STALE, "📓 Log a spasm"),
        # a shape we never make is no diary button at all: the main menu
        ("gs:abcd1234:now:m1_10", MENU_STALE, "Spasm Guide"),
    ],
)
async def test_forged_log_buttons_save_nothing_and_restart(bot, data, answer, screen):
    await bot.send("/start")
    await bot.ada.tap_data(data)
    assert await entries(bot) == []
    assert bot.ada.last_answer()["text"] == answer
    assert bot.text().split("\n", 1)[0] == screen  # the screen after the tap, not the greeting of /start


async def test_someone_elses_entry_cannot_be_undone_or_changed(bot):
    bob = bot.user(43, "Bob")
    await log(bot, user=bob)
    [row] = await bot.rows("SELECT token FROM diary_entries")
    await bot.send("/start")
    await bot.ada.tap_data(UndoEntry(row["token"]).encode())
    await bot.ada.tap_data(SetWhere(row["token"], "calf").encode())
    assert bot.ada.last_answer()["text"] == "That entry was already removed."
    assert await entries(bot, 43) == [
        {
            "day": "2026-03-01",
            "at_when": "now",
            "duration": "m1_10",
            "severity": "moderate",
            "location": None,
            "context": None,
        }
    ]


async def test_tapping_the_chosen_when_again_edits_nothing(bot):
    await bot.send("/log")
    before = len(bot.fake.calls)
    await bot.tap("● Just now")  # already chosen: the query is answered, the screen left alone
    assert [c.method for c in bot.fake.calls[before:] if c.method.startswith("edit")] == []
    await bot.tap("Yesterday")
    assert "● Yesterday" in bot.buttons()


async def test_italian_user_logs_in_italian(bot):
    maria = bot.user(44, "Maria", language_code="it")
    await maria.send("/start")
    await maria.tap("Registra uno spasmo")
    assert "Quando è successo lo spasmo?" in maria.last_text()
    await maria.tap("Meno di un minuto", "Lieve")
    assert "Salvato nel tuo diario.\n🗓 Proprio ora · ⏱ Meno di un minuto · 🌡 Lieve" in maria.last_text()
    await maria.send("/diary")
    # Dates in prose are Italian words, not ISO (the clock starts on a Sunday, 1 February 2026).
    assert re.search(r"Prima voce del tuo diario: \w+ \d+ \w+ 2026\. Voci in tutto: 1\.", maria.last_text())


# --- /diary -----------------------------------------------------------------------------------


async def test_empty_diary_says_how_to_start(bot):
    await bot.send("/diary")
    assert "Your diary has no spasms in the last 30 days." in bot.text()
    assert bot.ada.files("photo") == []
    assert "📓 Log a spasm" in bot.buttons() and "📄 Export (CSV)" not in bot.buttons()


async def test_a_new_diary_is_averaged_over_its_own_days_and_not_compared(bot):
    """QA: a 2-day-old diary read "0.5 a week on average" and "You logged none in the 30 days before"."""
    await log(bot, when="Yesterday")
    await log(bot)
    await bot.send("/diary")
    text = bot.text()
    await settle(bot)
    assert "Spasms logged: 2 (2 a week on average)" in text  # over its first week, not 30 days
    assert "Your diary began less than 30 days ago, so there is nothing to compare with yet." in text
    assert "in the 30 days before" not in text


async def test_diary_summary_trend_and_chart(bot, tmp_path):
    # 6 in the last 30 days (2 over 10 minutes, 1 severe), 4 in the 30 days before.
    await seed(
        bot,
        42,
        [
            (0, "severe", "gt60"),
            (0, "mild", "lt1"),
            (3, "moderate", "m10_60"),
            (10, "mild", "m1_10"),
            (29, "mild", "lt1"),
            (29, "moderate", "lt1"),
            (30, "mild", "lt1"),
            (45, "mild", "lt1"),
            (50, "mild", "lt1"),
            (59, "mild", "lt1"),
            (60, "mild", "lt1"),  # outside both windows
        ],
    )
    await bot.send("/diary")
    text = bot.text()
    await settle(bot)
    assert "Spasms logged: 6 (1.4 a week on average)" in text
    assert "• lasting over 10 minutes: 2" in text and "• severe: 1" in text
    assert "That is more than in the 30 days before: 4." in text
    assert "Most in one day: 2, on Saturday 31 January." in text  # 31 Jan and today have 2 each: the earlier
    assert "First entry in your diary: Wednesday, 31 December 2025. Entries in all: 11." in text  # prose, not ISO
    assert "talk to your doctor" in text  # the safety line: what should make them get help
    [photo] = bot.ada.files("photo")
    assert photo.plain == "Spasms per day in the last 30 days, by how bad they were."
    assert png_info(photo.file_bytes) == (960, 600) == (photo.width, photo.height)
    (tmp_path / "diary.png").write_bytes(photo.file_bytes)
    assert "📄 Export (CSV)" in bot.buttons()


async def test_diary_from_the_menu_button(bot):
    await log(bot)
    await bot.tap("My diary")
    await settle(bot)
    [words, photo] = bot.fake.bot_messages(42)[-2:]
    assert "Spasms logged: 1" in words.plain
    assert photo.kind == "photo" and "My diary" not in photo.labels and "📓 Log a spasm" in photo.labels


async def test_thousands_of_entries_stay_fast_and_readable(bot):
    await seed(bot, 42, [(i % 30, ("mild", "moderate", "severe")[i % 3], "m1_10") for i in range(3000)])
    await bot.send("/diary")
    assert "Spasms logged: 3000 (700 a week on average)" in bot.text()
    await settle(bot)
    [photo] = bot.ada.files("photo")
    assert png_info(photo.file_bytes) == (960, 600)


async def test_a_second_chart_request_while_drawing_is_told_to_wait(bot):
    await log(bot)
    await bot.send("/diary")  # the words at once; the chart is being drawn
    await bot.send("/diary")
    assert "Your chart is still being drawn; it will arrive in a moment." in bot.text()
    await settle(bot)
    assert len(bot.ada.files("photo")) == 1
    await bot.send("/diary")  # once it has arrived, another may be asked for
    await settle(bot)
    assert len(bot.ada.files("photo")) == 2


async def test_other_users_charts_are_drawn_concurrently(bot):
    users = [bot.user(100 + i, f"U{i}") for i in range(4)]
    for u in users:
        await log(bot, user=u)
    await asyncio.gather(*(u.send("/diary") for u in users))
    await settle(bot)
    assert all(len(u.files("photo")) == 1 for u in users)


# --- export -----------------------------------------------------------------------------------


async def test_csv_export_parses_back_to_the_entries(bot):
    await log(bot)
    await bot.tap("Add where", "Foot")
    await seed(bot, 42, [(d, "severe", "gt60") for d in range(1, 1201)])
    await bot.send("/diary")
    await settle(bot)
    await bot.tap("Export (CSV)")
    [doc] = bot.ada.files("document")
    assert doc.file_name == "spasm-diary-2026-03-01.csv"
    assert doc.plain.startswith("📄 Your spasm diary, entries: 1201.")
    rows = list(csv.DictReader(io.StringIO(doc.file_bytes.decode("utf-8-sig"))))
    assert list(rows[0]) == ["Date", "How long", "How bad", "Where", "What was going on", "Logged at"]
    assert len(rows) == 1201
    stored = await bot.rows("SELECT day, severity, location FROM diary_entries ORDER BY day, id")
    labels = {"mild": "Mild", "moderate": "Moderate", "severe": "Severe"}
    assert [(r["Date"], r["How bad"], r["Where"]) for r in rows] == [
        (s["day"], labels[s["severity"]], "Foot" if s["location"] == "foot" else "") for s in stored
    ]
    assert rows[-1]["Logged at"] == "2026-03-01 09:00+00:00"  # the offset said: no zone set, so UTC


async def test_csv_columns_in_italian(bot):
    maria = bot.user(44, "Maria", language_code="it")
    await log(bot, user=maria, duration="Meno di un minuto", severity="Forte", button="Registra uno spasmo")
    await maria.send("/diary")
    await settle(bot)
    await maria.tap("Esporta (CSV)")
    [doc] = maria.files("document")
    assert doc.file_name == "diario-spasmi-2026-03-01.csv"
    # ";" between fields: Italian spreadsheets split on it (their decimal mark is the comma).
    [row] = list(csv.DictReader(io.StringIO(doc.file_bytes.decode("utf-8-sig")), delimiter=";"))
    assert row == {
        "Data": "2026-03-01",
        "Durata": "Meno di un minuto",
        "Intensità": "Forte",
        "Dove": "",
        "Circostanza": "",
        "Registrato il": "2026-03-01 09:00+00:00",
    }


async def test_export_of_an_empty_diary(bot):
    await log(bot)
    stale = bot.screen()
    await bot.tap("Undo")
    await bot.send("/diary")
    await settle(bot)
    assert "Export (CSV)" not in " ".join(bot.buttons())
    from bot.features.diary.callbacks import ExportDiary

    await bot.ada.tap_data(ExportDiary().encode(), message_id=stale.message_id)
    assert "nothing to export" in bot.text()
    assert bot.ada.files("document") == []


# --- the checklist and check-ins --------------------------------------------------------------


async def test_checklist_shows_what_was_logged_before_asking(bot):
    await seed(bot, 42, [(1, "mild", "lt1"), (2, "severe", "gt60"), (13, "mild", "m10_60"), (20, "mild", "gt60")])
    await bot.send("/check")
    await no_until(bot, "about your spasms")
    # Above the criteria it answers ("come back often", "not eased after 10 minutes").
    assert "Spasms in your diary, last 14 days: 3, of which 2 lasted over 10 minutes." in bot.text()
    await bot.tap("Yes")
    assert "Log a spasm" in " ".join(bot.buttons())
    await bot.tap("The report as text")
    report = bot.text()
    # The figures as /diary words them: a 20-day-old diary is not "none in the 30 days before".
    assert "Spasms logged: 4" in report and "lasting over 10 minutes: 3" in report and "severe: 1" in report
    assert "Your diary began less than 30 days ago" in report and "30 days before: 0" not in report
    await bot.send("/diary")
    assert "Your diary began less than 30 days ago" in bot.fake.bot_messages(42)[-2].plain


async def test_checklist_without_a_diary_asks_as_before(bot):
    await bot.send("/check")
    await no_until(bot, "about your spasms")
    assert "diary" not in bot.text().lower()


async def test_log_from_the_checklist_outcome_keeps_the_outcome(bot):
    await bot.send("/check")
    await no_until(bot)
    outcome = bot.screen()
    await bot.tap("Log a spasm")
    assert bot.screen().message_id != outcome.message_id
    assert bot.fake.message(42, outcome.message_id).plain == outcome.plain


async def test_checkin_compares_with_the_week_before_and_offers_logging(bot):
    await seed(bot, 42, [(1, "mild", "lt1"), (3, "mild", "lt1"), (5, "mild", "lt1"), (6, "mild", "lt1")])
    await bot.send("/reminders")
    await bot.tap("Follow-up check-in", "In 3 days")
    bot.clock.advance(DAY)
    await log(bot)
    bot.clock.advance(DAY)
    await log(bot)
    await log(bot)
    bot.clock.advance(DAY)
    assert await bot.dispatch() == 1
    assert "Spasms logged since we last spoke: 3 (in the week before: 4)." in bot.text()
    await bot.tap("Log a spasm", "Under a minute", "Mild")
    assert len(await entries(bot)) == 8


async def test_checkin_counts_only_what_was_logged_after_it_was_set(bot):
    """QA: two spasms logged an hour before "remind me" were counted as "since we last spoke"."""
    await log(bot)
    await log(bot)
    bot.clock.advance(3600)
    await bot.send("/reminders")
    await bot.tap("Follow-up check-in", "In 1 day")
    bot.clock.advance(6 * 3600)
    await log(bot)
    bot.clock.advance(DAY)
    assert await bot.dispatch() == 1
    assert "Spasms logged since we last spoke: 1 (in the week before: 2)." in bot.text()


async def test_daily_prompt_with_one_tap_answers(bot):
    await bot.send("/diary")
    await bot.tap("Ask me every day", "UTC", "Did I have spasms today?", "21:00")
    assert "Every day at 21:00" in bot.text()
    bot.clock.advance(12 * 3600)
    assert await bot.dispatch() == 1
    assert "Did you have any muscle spasms today?" in bot.text()
    prompt = bot.screen()
    await bot.tap("No spasms today")
    assert "Noted in your diary: no spasms on Sunday 1 March" in bot.text()
    assert await entries(bot) == []
    assert await bot.rows("SELECT day FROM diary_free_days") == [{"day": "2026-03-01"}]
    await bot.ada.tap_data(prompt.callback_data[1], message_id=prompt.message_id)  # Yes, log one
    await bot.tap("Under a minute", "Mild")
    assert len(await entries(bot)) == 1
    assert bot.fake.message(42, prompt.message_id).plain == prompt.plain  # the prompt stays


# --- privacy ----------------------------------------------------------------------------------


async def test_retention_purges_old_entries(bot, settings):
    await seed(bot, 42, [(0, "mild", "lt1")])
    await bot.services.db.run(spasm_free.record, 42, "2026-02-28", int(bot.clock.now()))  # the day before
    await bot.send("/privacy")
    assert "for 365 days; older entries are deleted automatically" in bot.text()
    bot.clock.advance(365 * DAY)
    assert await purge_old(bot.services, bot.app.bot) == 0  # a day's margin for time zones
    assert len(await entries(bot)) == 1
    bot.clock.advance(2 * DAY)
    assert await purge_old(bot.services, bot.app.bot) == 2  # the entry and the spasm-free day
    assert await entries(bot) == []
    assert await bot.rows("SELECT * FROM diary_free_days") == []


async def test_mydata_shows_entries_and_delete_erases_them(bot, settings):
    await log(bot)
    await bot.tap("Add where", "Thigh")
    await bot.send("/mydata")
    messages = [m.plain for m in bot.fake.bot_messages(42)]
    assert any("Spasms logged: 1;" in t and "Sunday 1 March: 1–10 minutes, Moderate, Thigh" in t for t in messages)
    [document] = bot.ada.files("document")
    [entry] = json.loads(document.file_bytes)["tables"]["diary_entries"]
    assert entry["location"] == "thigh" and entry["day"] == "2026-03-01"
    await bot.send("/delete_my_data")
    assert "spasm diary" in bot.text()
    await bot.tap("Yes, delete everything")
    assert await bot.rows("SELECT * FROM diary_entries") == []
    await bot.stop()
    db_file = Path(settings.database)
    for file in [db_file, *db_file.parent.glob(db_file.name + "-*")]:
        assert b"thigh" not in file.read_bytes().replace(b"calf, foot, thigh", b""), file
    await bot.start()


# --- the terminal demo ------------------------------------------------------------------------


async def test_demo_says_where_the_chart_and_csv_are(tmp_path, content):
    from bot.demo import Demo
    from bot.infra.settings import Settings
    from bot.lifecycle import running

    out = io.StringIO()
    demo = Demo(Settings(database=tmp_path / "demo.sqlite3", health_file=None), content, out=out)
    async with running(demo.app):
        for line in ("/log", "5", "2", "/diary", "2"):  # 1–10 minutes, Moderate; Export (CSV)
            await demo.handle(line)
    text = out.getvalue()
    chart = tmp_path / "demo-files" / next(p.name for p in (tmp_path / "demo-files").glob("chart-*.png"))
    assert f"The bot sent a picture; it is written to {chart}" in text
    assert png_info(chart.read_bytes()) == (960, 600)
    [csv_file] = (tmp_path / "demo-files").glob("*.csv")
    assert f"The bot sent a file; it is written to {csv_file}" in text
    [row] = list(csv.DictReader(io.StringIO(csv_file.read_text(encoding="utf-8-sig"))))
    assert (row["How long"], row["How bad"]) == ("1–10 minutes", "Moderate")


async def test_mydata_with_a_long_diary_is_one_file_with_everything(bot):
    await seed(bot, 42, [(d % 300, "mild", "lt1") for d in range(400)])
    await bot.send("/mydata")
    words = bot.fake.bot_messages(42)[-2].plain
    assert "Spasms logged: 400;" in words and "… and 390 more (all of them are in the file)" in words
    [doc] = bot.ada.files("document")
    assert doc.file_name == "spasm-guide-my-data.json"
    record = json.loads(doc.file_bytes)
    assert len(record["tables"]["diary_entries"]) == 400
    assert "Main menu" in " ".join(doc.labels)


async def test_deep_link_opens_the_log(bot):
    await bot.send("/start log")
    assert "When did the spasm happen?" in bot.text()
    await bot.tap("Under a minute", "Mild")
    assert len(await entries(bot)) == 1


async def test_a_chart_that_cannot_be_drawn_is_said_and_the_buttons_stay(bot):
    from concurrent.futures import ThreadPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from bot.services.charts import ChartDrawer

    class Broken(ThreadPoolExecutor):  # the worker process died (killed for memory, say)
        def submit(self, *args, **kwargs):
            raise BrokenProcessPool("worker gone")

    state = state_of(bot.app)
    state.drawer = ChartDrawer(executor=Broken())
    await log(bot)
    await bot.send("/diary")
    await settle(bot)
    assert "couldn't draw your chart this time" in bot.text()
    assert "📓 Log a spasm" in bot.buttons()
    assert bot.ada.files("photo") == []


def test_diary_retention_setting():
    from bot.infra.settings import Settings, SettingsError

    assert Settings.from_env({}, need_token=False).diary_retention_days == 365
    assert Settings.from_env({"DIARY_RETENTION_DAYS": "730"}, need_token=False).diary_retention_days == 730
    with pytest.raises(SettingsError, match="DIARY_RETENTION_DAYS must be between 60 and 3650"):
        Settings.from_env({"DIARY_RETENTION_DAYS": "45"}, need_token=False)
    with pytest.raises(SettingsError, match="DIARY_RETENTION_DAYS must be a whole number"):
        Settings.from_env({"DIARY_RETENTION_DAYS": "a year"}, need_token=False)


async def test_an_open_log_question_does_not_outlive_its_application(bot):
    await bot.send("/log")
    old_app = bot.app
    await bot.restart()  # a new Application in the same process (PTB's Bots compare equal by token)
    assert bot.app is not old_app
    await bot.send("cramp")
    assert "tap one of the buttons" not in bot.text() and "cramp" in bot.text().lower()
