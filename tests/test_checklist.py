"""The referral checklist on the decision graph, tapped through as a user would."""

from __future__ import annotations

import pytest

from bot.features.checklist.feature import IDLE_SECONDS
from bot.features.checklist.handlers import expire_idle
from content.triage import encode_path

ADULT, CHILD = "An adult (16 or over)", "A child under 16"
NONE, CONTINUE = "None of these", "Continue ›"


async def taps(bot, *labels, client=None):
    """Tap one by one, two seconds apart: a person reads each screen (flood control would stop
    ten taps in the same instant)."""
    client = client or bot.ada
    for label in labels:
        bot.clock.advance(2)
        await client.tap(label)


async def test_the_checklist_asks_who_it_is_for_first_without_back(bot):
    await bot.send("/start")
    menu_id = bot.screen().message_id
    await bot.tap("Should I see a doctor?")
    assert bot.screen().message_id == menu_id
    assert "Who is this for?" in bot.text()
    assert bot.buttons() == [ADULT, CHILD, "✖️ Cancel"]


async def test_an_ordinary_cramp_is_six_screens_to_self_care(bot):
    await bot.send("/check")
    seen = [bot.text()]
    for label in (ADULT, "No", NONE, "No", "No", "No"):
        await taps(bot, label)
        seen.append(bot.text())
    assert len(seen) == 7  # six screens, then the outcome
    text = bot.text()
    assert text.startswith("🧘 Self-care for now")
    assert "none of the signs I asked about applies" in text
    assert "stand on the leg" in text and "ask a pharmacist" in text
    assert "take minerals" not in text
    # safety-netting: every sign of a higher level, the swollen calf, dark urine and bladder signs too
    for words in ("Call 112", "Go to A&E now if", "Get medical help today if", "Book an appointment if"):
        assert words in text
    for words in ("swollen leg", "dark or very little pee", "numbness around the bottom or genitals"):
        assert words in text
    assert "Step 6" in seen[5] and "Step" not in seen[0]


async def test_every_screen_but_the_first_has_back_and_back_undoes_a_mis_tap(bot):
    await bot.send("/check")
    await taps(bot, ADULT)
    assert "‹ Back" in bot.buttons()
    await taps(bot, "Yes")  # a mis-tap on the time-critical signs
    assert bot.text().startswith("🚑 Call an ambulance now")
    assert "Call 112 now" in bot.text() and "999" in bot.text()
    assert bot.buttons() == ["‹ Back", "🏠 Main menu"]
    await taps(bot, "‹ Back")
    assert "happening now" in bot.text()
    await taps(bot, "No", NONE)
    for _ in range(3):
        assert "‹ Back" in bot.buttons()
        await taps(bot, "No")
    assert "‹ Back" in bot.buttons()  # on the outcome too


async def test_back_spasm_with_numb_bottom_is_an_emergency_without_injury(bot):
    await bot.send("/check")
    await taps(bot, ADULT, "No", "A back problem", CONTINUE)
    assert "serious accident" in bot.text()  # the back's time-critical follow-up
    await taps(bot, "No")
    assert "numbness around the bottom or genitals" in bot.text()
    await taps(bot, "Yes")
    text = bot.text()
    assert text.startswith("🏥 Go to A&E now")
    assert "112" in text


async def test_the_context_screen_opens_only_the_follow_ups_that_apply(bot):
    await bot.send("/check")
    await taps(bot, ADULT, "No", "Heat or hard exercise")
    assert "✅ ☀️ Heat or hard exercise" in bot.buttons() and CONTINUE in bot.buttons()
    await taps(bot, "A recent wound", "A recent wound")  # ticked, then unticked
    assert "✅ 🩹 A recent wound" not in bot.buttons()
    await taps(bot, CONTINUE)
    text = bot.text()
    assert "not sweating" in text and "stiff jaw" not in text and "serious accident" not in text
    await taps(bot, "No")
    assert "numbness around the bottom" not in bot.text()
    await taps(bot, "No", "No", "No")
    text = bot.text()
    # Heat exhaustion alone is cooled down at home (NHS); the heat context's advice says how.
    assert text.startswith("🧘 Self-care for now")
    assert "cool down now" in text and "after 30 minutes, call 112" in text


async def test_a_child_gets_its_own_signs_and_never_self_care(bot):
    await bot.send("/check")
    await taps(bot, CHILD)
    assert "to the child" in bot.text() and "floppy" in bot.text() and "chest pain" not in bot.text()
    await taps(bot, "No", NONE, "No")
    assert "clusters of sudden jerks" in bot.text()
    await taps(bot, "No", "No")
    text = bot.text()
    assert text.startswith("🩺 Book an appointment")
    assert "a child under 16" in text


async def test_a_baby_with_clusters_of_jerks_gets_help_today(bot):
    await bot.send("/check")
    await taps(bot, CHILD, "No", NONE, "No", "Yes")
    text = bot.text()
    assert text.startswith("⚠️ Get medical help today")
    assert "116117" in text and "film an episode" in text


async def test_not_sure_about_a_poison_means_111_with_the_poison_centre(bot):
    await bot.send("/check")
    await taps(bot, ADULT, "No", "A possible poison", CONTINUE, "Not sure")
    assert "Do you have any of these?" in bot.text()  # an A&E sign could still raise it
    await taps(bot, "No")
    text = bot.text()
    assert text.startswith("⚠️ Get medical help today")
    assert "111" in text and "02 6610 1029" in text
    assert "you were not sure about" in text


async def test_not_sure_on_the_time_critical_signs_is_a_and_e(bot):
    await bot.send("/check")
    await taps(bot, ADULT, "Not sure")
    assert "Does any of these apply?" in bot.text()  # the context could still lead to 999
    await taps(bot, NONE)
    assert bot.text().startswith("🏥 Go to A&E now")
    assert "you were not sure about" in bot.text()


async def test_typed_yes_no_and_typos_answer_the_open_question(bot):
    await bot.send("/check")
    await taps(bot, ADULT)
    bot.clock.advance(2)
    await bot.send("no")  # the time-critical signs
    assert "Does any of these apply?" in bot.text()
    bot.clock.advance(2)
    await bot.send("none")
    assert "Do you have any of these?" in bot.text()
    bot.clock.advance(2)
    await bot.send("noo")  # a typo
    assert "Any of these?" in bot.text()
    bot.clock.advance(2)
    await bot.send("tell me about cramps")
    assert "Please answer with the buttons" in bot.text() and "Any of these?" in bot.text()
    bot.clock.advance(2)
    await bot.send("Yes")
    assert bot.text().startswith("⚠️ Get medical help today")


async def test_typed_si_and_non_so_in_italian(bot):
    ugo = bot.user(77, "Ugo", language_code="it")
    await ugo.send("/check")
    await taps(bot, "Una persona adulta", client=ugo)
    bot.clock.advance(2)
    await ugo.send("no")
    assert "Seleziona tutte" in ugo.last_text()
    await taps(bot, "Nessuna di queste", client=ugo)
    bot.clock.advance(2)
    await ugo.send("sì")
    assert ugo.last_text().startswith("🏥 Vai subito al pronto soccorso")
    await ugo.send("/check")
    await taps(bot, "Una persona adulta", client=ugo)
    bot.clock.advance(2)
    await ugo.send("non so")
    assert "Seleziona tutte" in ugo.last_text()


async def test_the_result_stays_on_screen_remind_and_start_again_send_new_messages(bot):
    await bot.send("/check")
    await taps(bot, ADULT, "No", NONE, "No", "No", "Yes")
    result = bot.screen()
    assert result.plain.startswith("🩺 Book an appointment")
    await taps(bot, "Remind me to check again")
    assert bot.screen().message_id != result.message_id
    assert bot.fake.message(bot.ada.chat_id, result.message_id).plain == result.plain
    await bot.ada.tap_data(result.callback_data[[b for b in result.labels].index("🔁 Start again")], result.message_id)
    assert "Who is this for?" in bot.text()
    assert bot.fake.message(bot.ada.chat_id, result.message_id).plain == result.plain


async def test_check_after_leaving_mid_way_says_it_resumes_and_offers_start_over(bot):
    await bot.send("/check")
    await taps(bot, ADULT, "No")
    await bot.send("/start")
    bot.clock.advance(60)
    await bot.send("/check")
    text = bot.text()
    assert "where you left off" in text and "Does any of these apply?" in text
    assert "🔁 Start again" in bot.buttons()
    await taps(bot, "Start again")
    assert "Who is this for?" in bot.text()


async def test_a_restart_of_the_bot_loses_nothing_the_buttons_carry_the_answers(bot):
    await bot.send("/check")
    await taps(bot, ADULT, "No", "A back problem", CONTINUE)
    await bot.restart()
    await taps(bot, "No", "Yes")
    assert bot.text().startswith("🏥 Go to A&E now")


async def test_a_step_writes_nothing_the_finished_run_is_written_once(bot):
    await bot.send("/check")
    await taps(bot, ADULT, "No", NONE)
    assert await bot.rows("SELECT * FROM checklist_sessions") == []  # the buttons carry the answers
    await taps(bot, "No", "No", "Yes")
    await bot.services.flush()
    rows = await bot.rows("SELECT outcome FROM checklist_sessions")
    assert rows == [{"outcome": "appointment"}]
    await bot.restart()  # the report and Remind me still work: the finished run is kept
    await taps(bot, "The report as text")
    assert "Book an appointment" in bot.text() and "I answered yes or not sure to" in bot.text()
    counters = {r["name"]: r["value"] for r in await bot.rows("SELECT name, value FROM counters")}
    assert counters["checklist_finished"] == 1 and counters["outcome_appointment"] == 1


async def test_cancel_deletes_the_answers(bot):
    await bot.send("/check")
    await taps(bot, ADULT, "No", "✖️ Cancel")
    assert "Checklist cancelled" in bot.text()
    await bot.send("/check")
    assert "Who is this for?" in bot.text() and "where you left off" not in bot.text()


async def test_an_idle_checklist_expires_with_a_note(bot):
    await bot.send("/check")
    await taps(bot, ADULT)
    message_id = bot.screen().message_id
    bot.clock.advance(IDLE_SECONDS + 60)
    await expire_idle(bot.services, bot.app.bot)
    assert "idle for 30 minutes" in bot.fake.message(bot.ada.chat_id, message_id).plain


async def test_the_report_for_the_doctor_lists_the_yes_answers_first(bot):
    await bot.send("/check")
    await taps(bot, ADULT, "No", NONE, "No", "Yes", "📝 The report as text")
    text = bot.text()
    assert text.startswith("Muscle spasms: a report for my doctor")
    assert "Get medical help today" in text
    assert text.index("I answered yes or not sure to") < text.index("swollen leg")


async def test_stale_and_forged_buttons_are_answered_gracefully(bot):
    await bot.send("/check")
    session_screen = bot.screen()
    await taps(bot, ADULT)
    for data in ("cs:zzzzzzzz:0:y", "cs:abcdef12:0q:y", "cs:abcdef12::9", "ct:abcdef12:0n:ff"):
        bot.clock.advance(2)
        await bot.ada.tap_data(data)
    assert session_screen is not None


async def test_two_users_never_mix_answers(bot):
    bob = bot.user(43, "Bob")
    await bot.send("/check")
    await bob.send("/check")
    await taps(bot, ADULT, "Yes")
    await taps(bot, CHILD, "No", NONE, client=bob)
    assert bot.text().startswith("🚑")
    assert "Do you have any of these?" in bob.last_text()


@pytest.mark.parametrize("lang", ["en", "it"])
async def test_the_path_in_the_buttons_is_short(bot, lang, content):
    longest = max(len(encode_path(content.triage, a)) for a, _ in content.triage.paths())
    assert longest <= 11
