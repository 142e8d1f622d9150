"""A user tells the bot their time zone: by location, by typing a city, or by saying what time it
is; and their daily reminders then follow daylight saving."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.features.reminders.callbacks import KeepOffset, SetZone

ROME = (41.9028, 12.4964)
NEW_YORK = (40.7128, -74.0060)


async def open_zone_question(client) -> None:
    await client.send("/reminders")
    await client.tap("ogni giorno" if client.user.get("language_code") == "it" else "Daily")


async def _stretching_in_utc(bot, at: str) -> None:
    """A daily stretching reminder at ``at``, UTC picked from the list of zones."""
    await open_zone_question(bot.ada)
    await bot.tap("UTC", "Stretching", at)


async def zone_of(bot, user_id: int = 42) -> str | None:
    rows = await bot.rows("SELECT timezone FROM users WHERE user_id = ?", user_id)
    return rows[0]["timezone"] if rows else None


# --- location -------------------------------------------------------------------------------


async def test_shared_location_sets_the_zone_and_takes_the_keyboard_down(bot, settings):
    await open_zone_question(bot.ada)
    assert "Share your location" in bot.text()
    await bot.tap("📍 Share my location")
    assert "Share my location" in bot.text()  # the prompt, with the keyboard under it
    assert bot.ada.reply_keyboard() == ["📍 Share my location", "✖️ Cancel"]
    await bot.ada.share_location(*ROME)
    assert await zone_of(bot) == "Europe/Rome"
    assert bot.ada.reply_keyboard() == []  # removed afterwards
    said = [m.plain for m in bot.fake.bot_messages(42)][-2:]
    assert "Time zone set: Rome, Italy. Your location was not kept." in said[0]
    assert "Which daily reminder" in said[1]  # and the daily reminder goes on
    await bot.tap("Stretching")
    assert "your time zone: Rome, Italy" in bot.text()  # a place, not an IANA id
    # The coordinates are not kept anywhere: not in the database file, nor in its WAL.
    raw = Path(settings.database).read_bytes() + Path(f"{settings.database}-wal").read_bytes()
    assert b"41.90" not in raw and b"12.49" not in raw


async def test_location_in_italian(bot):
    rosa = bot.user(50, "Rosa", language_code="it")
    await open_zone_question(rosa)
    await rosa.tap("📍 Condividi la mia posizione")
    await rosa.share_location(*NEW_YORK)
    assert await zone_of(bot, 50) == "America/New_York"
    # The user's own city (Manhattan is New York City), named in Italian.
    assert any("Fuso orario impostato: New York, Stati Uniti" in m.plain for m in bot.fake.bot_messages(50))


async def test_location_at_sea_asks_for_a_city(bot):
    await open_zone_question(bot.ada)
    await bot.tap("Share my location")
    await bot.ada.share_location(0.0, -30.0)  # mid-Atlantic
    assert "couldn't find a time zone for that place" in bot.text()
    assert bot.ada.reply_keyboard() == []
    assert await zone_of(bot) is None
    await bot.send("Lisbon")  # the prompt stays open for a city: one place, set at once
    assert "Time zone set: Lisbon, Portugal" in bot.text()
    assert await zone_of(bot) == "Europe/Lisbon"


async def test_cancel_on_the_location_keyboard(bot):
    await open_zone_question(bot.ada)
    await bot.tap("Share my location")
    await bot.ada.press("✖️ Cancel")
    assert bot.ada.reply_keyboard() == []
    assert "I need your time zone" in bot.text()  # back to the question
    assert await zone_of(bot) is None


# --- typing a city --------------------------------------------------------------------------


async def test_typed_city_finds_the_zone(bot):
    await open_zone_question(bot.ada)
    await bot.tap("Type my city")
    assert "Type the name of your city or country" in bot.text()
    await bot.send("Roma")  # one place: no question with a single choice
    assert await zone_of(bot) == "Europe/Rome"
    assert "Time zone set: Rome, Italy" in bot.text()
    await bot.send("/reminders")
    await bot.tap("Set my time zone")  # changed from the list
    await bot.tap("Type my city")
    await bot.send("Paris")  # several places: which one
    assert "Which one do you mean?" in bot.text()
    assert bot.buttons()[0] == "Paris, France"
    await bot.tap("Paris, France")
    assert await zone_of(bot) == "Europe/Paris"


async def test_typed_country_in_italian(bot):
    rosa = bot.user(50, "Rosa", language_code="it")
    await open_zone_question(rosa)
    await rosa.tap("Scrivo la mia città")
    await rosa.send("Stati Uniti")
    assert "Stati Uniti ha più fusi orari" in rosa.last_text()
    assert rosa.buttons()[:3] == ["New York, New York", "Los Angeles, California", "Chicago, Illinois"]
    await rosa.tap("Chicago, Illinois")
    assert await zone_of(bot, 50) == "America/Chicago"


async def test_typed_nonsense_says_so_then_the_next_try_and_then_text_is_text_again(bot):
    await open_zone_question(bot.ada)
    await bot.tap("Type my city")
    await bot.send("Atlantis <b>")
    assert "couldn't find a time zone for “Atlantis <b>”" in bot.text()  # escaped, shown as typed
    assert "🔎 Type my city" in bot.buttons() and "📍 Share my location" in bot.buttons()
    assert await zone_of(bot) is None
    await bot.send("Lisbona")  # still answering the question (Italian names are known too)
    assert await zone_of(bot) == "Europe/Lisbon"
    await bot.send("tetanus")  # the zone is set: this is a search again
    assert "tetanus" in bot.text().lower() and "time zone" not in bot.text()


async def test_without_a_prompt_a_city_name_is_a_search(bot):
    await bot.send("/start")
    await bot.send("Roma")
    assert "time zone" not in bot.text()
    assert await zone_of(bot) is None


# --- "tell you my time": offset -> named zone -----------------------------------------------


async def test_offset_offers_the_named_zone_for_an_italian_in_winter(bot):
    bot.clock.set(datetime(2027, 1, 15, 9, 0, tzinfo=UTC))
    rosa = bot.user(50, "Rosa", language_code="it")
    await open_zone_question(rosa)
    await rosa.tap("Ti dico io che ore sono")
    await rosa.tap("10:00")  # UTC+1 in January
    assert "Da te sono le 10:00" in rosa.last_text()
    assert rosa.buttons()[0] == "Roma, Italia"
    assert "Tieni comunque UTC+1" in rosa.buttons()
    await rosa.tap("Roma, Italia")
    assert await zone_of(bot, 50) == "Europe/Rome"  # follows CEST in summer, unlike Etc/GMT-1


async def test_offset_offers_new_york_in_summer_to_an_english_speaker(bot):
    bot.clock.set(datetime(2027, 7, 15, 12, 0, tzinfo=UTC))
    await open_zone_question(bot.ada)
    await bot.tap("Tell you my time")
    await bot.tap("08:00")  # UTC-4 in July: EDT
    assert bot.buttons()[0] == "New York, United States"
    await bot.tap("New York, United States")
    assert await zone_of(bot) == "America/New_York"


async def test_fixed_offset_only_when_insisting_with_the_warning(bot):
    bot.clock.set(datetime(2027, 1, 15, 9, 0, tzinfo=UTC))
    rosa = bot.user(50, "Rosa", language_code="it")
    await open_zone_question(rosa)
    await rosa.tap("Ti dico io che ore sono", "10:00", "Tieni comunque UTC+1")
    assert await zone_of(bot, 50) == "Etc/GMT-1"
    text = rosa.last_text()
    assert "scostamento fisso UTC+1" in text and "Non segue l'ora legale" in text
    assert "Quale promemoria quotidiano vuoi?" in text  # and the daily reminder goes on


async def test_forged_zone_buttons_are_refused(bot, content):
    await open_zone_question(bot.ada)
    # A directory of the tz database (America/Argentina) is no zone either, and is no crash.
    forged = ("Etc/GMT-5", "Mars/Olympus", "America/Argentina")
    for data in (*(SetZone(z).encode() for z in forged), KeepOffset(40).encode()):
        await bot.ada.tap_data(data)
        assert await zone_of(bot) is None
        assert bot.ada.last_answer()["text"] == content.text("en", "alerts.stale"), data


# --- fixed-offset users are offered a real zone at their next daily reminder --------------


async def test_fixed_offset_user_is_offered_a_real_zone_once(bot):
    bot.clock.set(datetime(2027, 1, 15, 9, 0, tzinfo=UTC))
    await open_zone_question(bot.ada)
    await bot.tap("Tell you my time", "10:00", "Keep UTC+1 anyway", "Stretching", "08:00")
    bot.clock.set(datetime(2027, 1, 16, 7, 0, tzinfo=UTC))  # 08:00 at UTC+1
    assert await bot.dispatch() == 1
    first = bot.text()
    assert "stretching" in first and "fixed offset (UTC+1)" in first
    assert "🌍 Set my time zone" in bot.buttons() and "Not now" in bot.buttons()
    bot.clock.set(datetime(2027, 1, 17, 7, 0, tzinfo=UTC))
    assert await bot.dispatch() == 1
    assert "fixed offset" not in bot.text()  # offered once
    # Accepting later, from the first message: the zone chooser, in a new message.
    reminder = next(m for m in bot.fake.bot_messages(42) if "fixed offset (UTC+1)" in m.plain)
    before = len(bot.fake.bot_messages(42))
    button = next(b for row in reminder.buttons for b in row if b.text == "🌍 Set my time zone")
    await bot.ada.tap_data(button.callback_data, reminder.message_id)
    assert len(bot.fake.bot_messages(42)) == before + 1
    await bot.tap("Type my city")
    await bot.send("Roma")  # one place: set at once
    assert await zone_of(bot) == "Europe/Rome"
    assert "Your daily reminders now follow this time zone." in bot.text()  # not a new daily
    [row] = await bot.rows("SELECT due_at FROM reminders WHERE status = 'pending'")
    assert datetime.fromtimestamp(row["due_at"], UTC) == datetime(2027, 1, 18, 7, 0, tzinfo=UTC)  # 08:00 CET


async def test_utc_picked_from_the_list_is_a_choice_not_offered_a_better_zone(bot):
    """QA: a user who tapped "UTC" among the named zones was told it was a fixed offset to fix."""
    bot.clock.set(datetime(2027, 1, 15, 9, 0, tzinfo=UTC))
    await _stretching_in_utc(bot, "08:00")
    bot.clock.set(datetime(2027, 1, 16, 8, 0, tzinfo=UTC))
    assert await bot.dispatch() == 1
    assert "stretching" in bot.text() and "fixed offset" not in bot.text()
    assert "🌍 Set my time zone" not in bot.buttons()


async def test_the_zone_can_be_changed_from_the_reminders_list(bot):
    await bot.send("/reminders")
    assert "🌍 Set my time zone" not in bot.buttons()  # no zone yet: asked when adding a daily
    await bot.tap("Daily", "London, United Kingdom")
    await bot.send("/reminders")
    await bot.tap("🌍 Set my time zone", "Type my city")
    await bot.send("Tokyo")  # one place: set at once
    assert await zone_of(bot) == "Asia/Tokyo"


async def test_changing_zone_moves_the_pending_daily_reminder(bot):
    bot.clock.set(datetime(2027, 1, 15, 9, 0, tzinfo=UTC))
    await _stretching_in_utc(bot, "18:00")
    [row] = await bot.rows("SELECT due_at FROM reminders WHERE status = 'pending'")
    assert datetime.fromtimestamp(row["due_at"], UTC) == datetime(2027, 1, 15, 18, 0, tzinfo=UTC)
    await bot.send("/reminders")
    await bot.ada.tap_data(SetZone("America/New_York").encode())
    [row] = await bot.rows("SELECT due_at FROM reminders WHERE status = 'pending'")
    assert datetime.fromtimestamp(row["due_at"], UTC) == datetime(2027, 1, 15, 23, 0, tzinfo=UTC)  # 18:00 EST


# --- daily reminders across both 2027 DST changes ------------------------------------------


async def _daily_at_eight(bot, city: str) -> None:
    await open_zone_question(bot.ada)
    await bot.tap("Type my city")
    await bot.send(city)
    if "Which one" in bot.text():
        await bot.tap(bot.buttons()[0])
    await bot.tap("Stretching", "08:00")


async def _daily_at_eight_again(bot, now: datetime) -> None:
    """Months later: the one due meanwhile goes out late, then a new daily at 08:00 is set."""
    bot.clock.set(now)
    await bot.dispatch()
    await bot.rows("DELETE FROM reminders WHERE status = 'pending'")
    await bot.send("/reminders")
    await bot.tap("Daily", "Stretching", "08:00")


async def _deliveries(bot, expected: list[datetime]) -> None:
    for when in expected:
        [row] = await bot.rows("SELECT due_at FROM reminders WHERE status = 'pending'")
        assert datetime.fromtimestamp(row["due_at"], UTC) == when
        bot.clock.set(when)
        assert await bot.dispatch() == 1
        assert "stretching" in bot.text()


def _utc(month: int, day: int, hour: int) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("city", "spring", "autumn"),
    [
        # CET -> CEST on Sunday 28 March 2027; CEST -> CET on Sunday 31 October 2027:
        # 08:00 is 07:00 UTC in CET, 06:00 UTC in CEST.
        (
            "Rome",
            (_utc(3, 26, 12), [_utc(3, 27, 7), _utc(3, 28, 6), _utc(3, 29, 6)]),
            (_utc(10, 29, 12), [_utc(10, 30, 6), _utc(10, 31, 7), _utc(11, 1, 7)]),
        ),
        # EST -> EDT on Sunday 14 March 2027; EDT -> EST on Sunday 7 November 2027:
        # 08:00 is 13:00 UTC in EST, 12:00 UTC in EDT.
        (
            "New York",
            (_utc(3, 12, 18), [_utc(3, 13, 13), _utc(3, 14, 12), _utc(3, 15, 12)]),
            (_utc(11, 5, 18), [_utc(11, 6, 12), _utc(11, 7, 13), _utc(11, 8, 13)]),
        ),
    ],
)
async def test_daily_at_eight_across_both_2027_changes(bot, city, spring, autumn):
    """The day before, the day of and the day after each change: always 08:00 on the wall."""
    bot.clock.set(spring[0])
    await _daily_at_eight(bot, city)
    await _deliveries(bot, spring[1])
    await _daily_at_eight_again(bot, autumn[0])
    await _deliveries(bot, autumn[1])
