"""Follow-up check-ins after the checklist: Better, Same and Worse all answer after the earlier
outcome, and each lists every sign of a higher level than it (never "you are fine")."""

from __future__ import annotations

from tests.flows import DAY, followup_comes, no_until

ADULT = "An adult (16 or over)"


async def _checkin_after(bot, *labels):
    """The checklist answered with `labels`, a follow-up in a day, and the check-in delivered."""
    await bot.send("/check")
    for label in labels:
        bot.clock.advance(2)
        await bot.tap(label)
    await bot.tap("Remind me to check again", "In 1 day")
    bot.clock.advance(DAY)
    assert await bot.dispatch() == 1
    return bot.screen()


async def test_better_after_get_help_today_still_says_do_it_today(bot):
    checkin = await _checkin_after(bot, ADULT, "No", "None of these", "No", "Yes")
    assert "the checklist advised ⚠️ Get medical help today, because of: at least one of: a painful, swollen leg" in (
        checkin.plain
    )
    await bot.tap("Better")
    text = bot.text()
    assert "get medical help the same day" in text and "still do it today" in text
    assert "swollen leg" in text  # what it was about
    assert "Go to A&E now if" in text and "Call 112" in text  # every sign of a higher level
    assert "Glad to hear it!" not in text


async def test_same_after_book_an_appointment_reminds_of_it(bot):
    await bot.send("/check")
    await no_until(bot, "about your spasms")
    await bot.tap("Yes", "Remind me to check again", "In 1 day")
    bot.clock.advance(DAY)
    await bot.dispatch()
    await bot.tap("Same")
    text = bot.text()
    assert "If you have not booked it yet" in text
    assert "Get medical help today if" in text and "swollen leg" in text and "dark or very little pee" in text


async def test_worse_after_a_and_e_asks_the_time_critical_signs_then_calls_999(bot):
    await _checkin_after(bot, ADULT, "No", "A back problem", "Continue ›", "No", "Yes")
    await bot.tap("Worse")
    text = bot.text()
    assert "go to A&E" in text and "Is any of these happening now?" in text
    await bot.tap("Yes")
    assert bot.text().startswith("🚑 Call an ambulance now")


async def test_worse_for_a_child_asks_the_childs_own_signs(bot):
    await _checkin_after(bot, "A child under 16", "No", "None of these", "No", "No", "No")
    await bot.tap("Worse")
    assert "floppy" in bot.text() and "chest pain" not in bot.text()


async def test_a_plain_check_in_answers_as_after_self_care(bot):
    await followup_comes(bot)
    await bot.tap("Same")
    text = bot.text()
    assert "book an appointment with your doctor" in text
    assert "Book an appointment if" in text  # the criteria are the next level up


async def test_check_ins_answer_in_italian(bot):
    ugo = bot.user(77, "Ugo", language_code="it")
    await ugo.send("/check")
    for label in ("Una persona adulta", "No", "Nessuna di queste", "No", "Sì"):
        bot.clock.advance(2)
        await ugo.tap(label)
    await ugo.tap("Ricordami di ricontrollare", "Tra 1 giorno")
    bot.clock.advance(DAY)
    await bot.dispatch()
    await ugo.tap("Meglio")
    assert "fallo comunque oggi" in ugo.last_text()
