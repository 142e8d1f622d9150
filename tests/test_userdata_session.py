"""Issue 22, "the user's language, time zone and data" and "nothing lost by a tap", as a user
meets them: each test is a session (send, tap, read the screen) on the fake clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.test_diary import settle

DAY = 86400


def refused(bot) -> list[str]:
    """Bot API calls Telegram refused (an edit of a photo's text, say)."""
    return [f"{c.method}: {c.error}" for c in bot.fake.calls if not c.ok]


async def set_zone(user, zone_button: str = "Rome") -> None:
    await user.send("/reminders")
    await user.tap("Daily reminder", zone_button)


async def daily_in_london(user, kind: str, *times: str) -> None:
    """A first daily reminder: London as the zone, then its kind and time (one tap, or hour and minutes)."""
    await set_zone(user, "London")
    await user.tap(kind)
    for time in times:
        await user.tap(time)


# --- 1. every message in the language of the moment it is sent ------------------------------


async def test_a_daily_reminder_follows_a_language_switch(bot):
    await set_zone(bot.ada)
    await bot.tap("Drinking water", "12:00")
    await bot.send("/language")
    await bot.tap("Italiano")
    bot.clock.advance(DAY)
    assert await bot.dispatch() == 1
    assert "Ricordati di bere" in bot.text(), bot.text()
    assert "Remember to drink" not in bot.text()


async def test_a_checkin_set_in_italian_is_answered_in_the_language_of_now(bot):
    luca = bot.user(50, "Luca", language_code="it")
    await luca.send("/reminders")
    await luca.tap("Promemoria di controllo", "Tra 1 giorno")
    await luca.send("/language")
    await luca.tap("English")
    bot.clock.advance(DAY)
    await bot.dispatch()
    assert "How are your muscle spasms now?" in luca.last_text()
    await luca.tap("Better")
    assert "glad they are better" in luca.last_text()  # in English, as the user now speaks it


async def test_two_reminders_due_together_are_not_called_late_or_offline(bot):
    luca = bot.user(50, "Luca", language_code="it")
    await luca.send("/reminders")
    await luca.tap("Promemoria di ogni giorno", "Roma", "Bere acqua", "12:00")
    luca.clock = bot.clock
    await luca.send("/reminders")
    await luca.tap("Promemoria di controllo", "Tra 1 giorno")
    # Both due at 12:00 tomorrow (Rome): one message, no "offline", in Italian.
    [row] = await bot.rows("SELECT due_at FROM reminders WHERE kind = 'daily'")
    bot.clock.advance(row["due_at"] - bot.clock.now())
    await bot.rows("UPDATE reminders SET due_at = ? WHERE kind = 'followup' RETURNING id", row["due_at"])
    assert await bot.dispatch() == 2
    text = luca.last_text()
    assert "Hai 2 promemoria" in text
    assert "offline" not in text and "ritardo" not in text


# --- 2. cities ------------------------------------------------------------------------------


async def test_a_typed_italian_city_sets_its_zone_and_is_shown_by_name(bot):
    luca = bot.user(50, "Luca", language_code="it")
    await luca.send("/reminders")
    await luca.tap("Promemoria di ogni giorno", "Scrivo la mia città")
    await luca.send("Milano")
    # One place: no "Which one is your time zone?" with a single choice.
    assert "Milano, Italia" in luca.last_text()
    assert "(Roma (Italia))" not in luca.last_text()
    [row] = await bot.rows("SELECT timezone FROM users WHERE user_id = 50")
    assert row["timezone"] == "Europe/Rome"
    await luca.tap("Bere acqua")
    assert "il tuo fuso orario: Milano, Italia" in luca.last_text()  # their city, not the zone's capital
    await luca.tap("12:00")
    assert "Ogni giorno alle 12:00 (Milano, Italia)" in luca.last_text()
    bot.clock.advance(60)  # a person reads; flood control counts taps per second
    await luca.send("/language")
    await luca.tap("English")
    await luca.send("/reminders")
    await luca.tap("Daily reminder", "Stretching")
    assert "your time zone: Milan, Italy" in luca.last_text()  # in the language of now


async def test_a_shared_location_in_milan_is_milan(bot):
    await bot.send("/reminders")
    await bot.tap("Daily reminder", "Share my location")
    await bot.ada.share_location(45.46, 9.19)
    said = "\n".join(m.plain for m in bot.fake.bot_messages(42)[-2:])
    assert "Time zone set: Milan, Italy" in said
    assert "Rome" not in said


async def test_the_united_states_offers_phoenix_hawaii_and_more(bot):
    await bot.send("/reminders")
    await bot.tap("Daily reminder", "Type my city")
    await bot.send("United States")
    labels = bot.buttons()
    assert any("Phoenix" in b for b in labels) and any("Honolulu" in b for b in labels)
    assert any("More" in b for b in labels)


# --- 3. no time zone yet --------------------------------------------------------------------


async def test_without_a_zone_an_italian_gets_rome_time_said_so_and_a_way_to_set_it(bot):
    luca = bot.user(50, "Luca", language_code="it")
    await luca.send("/reminders")
    await luca.tap("Promemoria di controllo", "Tra 1 giorno")
    assert "Greenwich" not in luca.last_text()
    assert "dalla lingua" in luca.last_text()
    assert any("fuso orario" in b for b in luca.buttons())


async def test_a_spasm_just_after_midnight_in_italy_is_saved_on_that_day(bot):
    bot.clock.set(datetime(2026, 3, 1, 23, 7, tzinfo=UTC))  # 00:07 on 2 March in Rome
    luca = bot.user(50, "Luca", language_code="it")
    await luca.send("/log")
    await luca.tap("Meno di un minuto", "Lieve")
    [row] = await bot.rows("SELECT day FROM diary_entries")
    assert row["day"] == "2026-03-02"


# --- 4. /mydata -----------------------------------------------------------------------------


async def test_mydata_is_words_and_one_json_file(bot):
    await daily_in_london(bot.ada, "Stretching", "21:00")
    await bot.send("/log")
    await bot.tap("Under a minute", "Mild")
    await bot.send("/mydata")
    words = "\n".join(m.plain for m in bot.fake.bot_messages(42)[-3:] if m.kind == "text")
    for heading in ("Profile", "Reminders", "Checklist outcomes", "Diary"):
        assert heading in words
    assert "claimed_at" not in words and "first_seen" not in words and "17" not in words.split("21:00")[0][-3:]
    [document] = bot.ada.files("document")
    data = json.loads(document.file_bytes)
    assert data["tables"]["diary_entries"][0]["severity"] == "mild"
    assert data["tables"]["users"][0]["timezone"] == "Europe/London"


# --- 5. spasm-free days ---------------------------------------------------------------------


async def test_no_spasms_today_is_recorded_and_shown(bot):
    await daily_in_london(bot.ada, "Did I have spasms today", "21:00")
    bot.clock.advance(12 * 3600)  # 21:00 in London, 1 March
    await bot.dispatch()
    await bot.tap("No spasms today")
    [row] = await bot.rows("SELECT day FROM diary_free_days")
    assert row["day"] == "2026-03-01"
    await bot.send("/diary")
    await settle(bot)
    said = "\n".join(m.plain for m in bot.fake.bot_messages(42)[-2:])
    assert "Days you marked spasm-free in the last 30 days: 1" in said
    [photo] = bot.ada.files("photo")
    assert photo.file_bytes.startswith(b"\x89PNG")  # the dot itself: looked at, see the commit
    await bot.tap("Export")
    [csv_file] = bot.ada.files("document")
    assert "2026-03-01,No spasms (day marked spasm-free)" in csv_file.file_bytes.decode("utf-8-sig")
    await bot.send("/mydata")
    assert "days marked spasm-free: 1" in "\n".join(m.plain for m in bot.fake.bot_messages(42)[-3:])
    await bot.send("/delete_my_data")
    await bot.tap("Yes")
    assert await bot.rows("SELECT * FROM diary_free_days") == []


# --- 6. one tap never deletes ---------------------------------------------------------------


async def test_stop_on_one_reminder_stops_only_that_one(bot):
    await daily_in_london(bot.ada, "Stretching", "08:00")
    await bot.send("/reminders")
    await bot.tap("Daily reminder", "Did I have spasms today", "21:00")
    bot.clock.advance(DAY)
    await bot.dispatch()
    assert "You have 2 reminders:" in bot.text()  # due together: not "while I was offline"
    await bot.tap("Stop this reminder: Stretching")
    assert "Your other reminders go on" in bot.text()
    rows = await bot.rows("SELECT payload FROM reminders WHERE status = 'pending'")
    assert len(rows) == 1 and '"diary"' in rows[0]["payload"]


async def test_deleting_a_daily_reminder_says_so_and_can_be_undone(bot):
    await daily_in_london(bot.ada, "Stretching", "21:00")
    await bot.send("/reminders")
    await bot.tap("Delete: Every day at 21:00")
    assert "Deleted" in bot.text()
    await bot.tap("Undo")
    rows = await bot.rows("SELECT status FROM reminders WHERE status = 'pending'")
    assert len(rows) == 1


async def test_a_daily_reminder_at_any_minute(bot):
    await daily_in_london(bot.ada, "Stretching", "07", ":45")
    assert "07:45" in bot.text()
    # And changed later: the same reminder at another time, not a second one.
    await bot.send("/reminders")
    await bot.tap("Change time", "08", ":30")
    assert "now comes every day at 08:30" in bot.text()
    rows = await bot.rows("SELECT payload FROM reminders WHERE status = 'pending'")
    assert len(rows) == 1 and '"time":"08:30"' in rows[0]["payload"]


async def test_the_same_checkin_twice_is_refused(bot):
    await bot.send("/reminders")
    await bot.tap("Follow-up check-in", "In 1 day")
    await bot.send("/reminders")
    await bot.tap("Follow-up check-in", "In 1 day")
    assert "already have a check-in" in bot.text()
    assert len(await bot.rows("SELECT id FROM reminders")) == 1


async def test_the_stretching_reminder_shows_a_stretch(bot):
    await daily_in_london(bot.ada, "Stretching", "12:00")
    bot.clock.advance(DAY)
    await bot.dispatch()
    # One actual stretch, from the self-care stretch pages (their NHS steps), not a slogan.
    titles = [bot.content.pages[p].text["en"].title for p in bot.content.reminders.stretch_pages]
    assert any(f"For today: {title}" in bot.text() for title in titles), bot.text()
    assert "1. " in bot.text()  # its numbered steps


# --- 7. buttons under a picture -------------------------------------------------------------


async def test_buttons_under_the_chart_work_the_first_time(bot):
    await bot.send("/log")
    await bot.tap("Under a minute", "Mild")
    await bot.send("/diary")
    await settle(bot)
    [photo] = bot.ada.files("photo")
    assert bot.screen().message_id == photo.message_id
    await bot.tap("Main menu")
    assert refused(bot) == []


async def test_the_diary_question_in_the_morning_is_about_yesterday(bot):
    await daily_in_london(bot.ada, "Did I have spasms today", "08", ":30")
    bot.clock.advance(DAY - 30 * 60)  # 08:30 on 2 March
    assert await bot.dispatch() == 1
    assert "Did you have any muscle spasms yesterday?" in bot.text()
    await bot.tap("No spasms yesterday")
    assert await bot.rows("SELECT day FROM diary_free_days") == [{"day": "2026-03-01"}]
