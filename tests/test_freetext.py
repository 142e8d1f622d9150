"""What a new user types, as their session: emergencies answered first wherever they are, search
that understands typos and related words, small talk, modes that do not stick, and pages with
cross-references, Back to where the user came from, and the feedback question asked once."""

from __future__ import annotations

from bot.ui.callbacks import Nav, VoteFrom
from bot.ui.keyboards import page_screen
from tests.test_timezone_screens import open_zone_question, zone_of

EMERGENCY_NUMBERS = ("112", "999", "911")


def shows_emergency_number(text: str) -> bool:
    return any(n in text for n in EMERGENCY_NUMBERS)


# --- 1. typed emergencies --------------------------------------------------------------------


async def test_typed_chest_pain_gets_the_emergency_number_and_what_makes_it_one(bot):
    await bot.send("/start")
    await bot.send("I have chest pain")
    text = bot.text()
    assert shows_emergency_number(text)
    assert "spreads to your arms, back, neck or jaw" in text  # what makes it an emergency
    assert "more than 15 minutes" in text
    assert "📋 Should I see a doctor?" in bot.buttons()  # the ordinary checklist offer


async def test_i_cant_breathe_is_an_emergency_not_a_list_of_pages(bot):
    await bot.send("I can't breathe")
    assert shows_emergency_number(bot.text())
    assert "Call your local emergency number now" in bot.text()
    assert "Should I see a doctor?" not in " ".join(bot.buttons())  # nothing to weigh: call


async def test_misspelled_italian_emergency_in_italian(bot):
    rosa = bot.user(50, "Rosa", language_code="it")
    await rosa.send("non riesco a respiare")
    assert "112" in rosa.last_text() and "Chiama subito il 112" in rosa.last_text()


async def test_typed_emergency_during_the_checklist_is_answered_at_once(bot):
    await bot.send("/check")
    await bot.tap("An adult")
    await bot.send("I have chest pain")
    assert shows_emergency_number(bot.text())
    assert "Please answer with the buttons" not in bot.text()


async def test_typed_emergency_while_the_bot_waits_for_a_city(bot):
    rosa = bot.user(50, "Rosa", language_code="it")
    await open_zone_question(rosa)
    await rosa.tap("Scrivo la mia città")
    await rosa.send("dolore al petto")
    assert "Chiama subito il 112" in rosa.last_text()
    assert "fuso orario" not in rosa.last_text()


async def test_typed_emergency_while_logging_a_spasm(bot):
    await bot.send("/start")
    await bot.tap("Log a spasm")
    await bot.send("my face is drooping")
    assert shows_emergency_number(bot.text()) and "stroke" in bot.text().lower()


async def test_harmless_chest_words_are_a_search_not_an_alarm(bot):
    for text in ("no chest pain", "pain in my chest muscle after gym", "chest stretch"):
        await bot.send(text)
        assert not shows_emergency_number(bot.text()), text


# --- 2. search that understands ----------------------------------------------------------------


async def test_typos_find_the_page(bot):
    await bot.send("crmap")
    assert "⚡ Cramps and muscle tightness" in bot.buttons()
    assert "cramp" in bot.text() and "crmap" in bot.text()  # what it understood, and what was typed
    rosa = bot.user(50, "Rosa", language_code="it")
    await rosa.send("crmapi")
    assert "⚡ Crampi e contratture" in rosa.buttons()


async def test_related_words_find_the_page(bot):
    await bot.send("magnesium")
    assert "🏃 Everyday causes" in bot.buttons() and "🧘 Self-care" in bot.buttons()
    await bot.send("night cramps")
    assert {"⚡ Cramps and muscle tightness", "🌙 Night cramp routine"} == set(bot.buttons()[:2])
    rosa = bot.user(50, "Rosa", language_code="it")
    await rosa.send("dolore alla gamba")
    assert rosa.buttons()[0] == "⚡ Crampi e contratture"


async def test_a_sentence_is_not_echoed_back_as_a_title(bot):
    sentence = "my leg hurts at night, what can I do about it?"
    await bot.send(sentence)
    assert sentence not in bot.text()
    assert "These pages may answer your question" in bot.text()
    assert "⚡ Cramps and muscle tightness" in bot.buttons()


async def test_greetings_thanks_help_stop_and_emoji_get_a_persons_answer(bot):
    await bot.send("hello")
    assert "Hello! 👋" in bot.text() and "couldn't find" not in bot.text()
    await bot.send("thanks")
    assert "You're welcome" in bot.text()
    await bot.send("help")
    assert "How to use Spasm Guide" in bot.text() and "Therapy for muscle spasms" not in bot.text()
    await bot.send("stop")
    assert "I've stopped" in bot.text()
    await bot.send("menu")
    assert "Here is the main menu" in bot.text() and "🔎 Causes" in bot.buttons()
    await bot.send("😭😭😭")
    assert "I'm sorry you're having a hard time" in bot.text() and "couldn't find" not in bot.text()
    rosa = bot.user(50, "Rosa", language_code="it")
    await rosa.send("grazie")
    assert "Di niente" in rosa.last_text()
    await rosa.send("aiuto")
    assert "Ecco cosa posso fare" in rosa.last_text()


# --- 3. modes that do not stick --------------------------------------------------------------


async def test_a_search_word_after_type_my_city_is_a_search_with_a_way_back(bot):
    await open_zone_question(bot.ada)
    await bot.tap("Type my city")
    await bot.send("tetanus")
    assert "couldn't find a time zone" not in bot.text()
    assert "🏥 Related diseases" in bot.buttons()
    assert "🏙 Type my city again" in bot.buttons()
    await bot.tap("Type my city again")
    await bot.send("Milano")  # the way back works: a city is a city again
    assert await zone_of(bot) == "Europe/Rome"


async def test_a_command_leaves_the_city_question(bot):
    await open_zone_question(bot.ada)
    await bot.tap("Type my city")
    await bot.send("/menu")
    await bot.send("Atlantis")
    assert "time zone" not in bot.text()


async def test_a_menu_tap_leaves_the_city_question(bot):
    await open_zone_question(bot.ada)
    await bot.tap("Type my city")
    await bot.send("/start")
    await bot.tap("Causes")
    await bot.send("Atlantis")
    assert "time zone" not in bot.text()


# --- 4. pages ----------------------------------------------------------------------------------


async def test_a_cross_reference_is_a_button_and_back_returns_to_where_the_user_was(bot):
    await bot.send("/start")
    await bot.tap("What are spasms?")
    assert "see Causes" in bot.text()
    assert "🔎 Causes" in bot.buttons()
    await bot.tap("🔎 Causes")
    assert bot.text().startswith("Causes of muscle spasms")
    await bot.tap("‹ Back")
    assert bot.text().startswith("What are muscle spasms?")


async def test_back_from_a_search_result_returns_to_the_results(bot):
    await bot.send("magnesium")
    results = bot.screen().message_id
    await bot.tap("🧘 Self-care")
    assert bot.text().startswith("What you can do yourself")
    assert "Share" in " ".join(bot.buttons())  # inline mode is on in the tests
    await bot.tap("‹ Back to results")
    assert bot.screen().message_id == results
    assert "🏃 Everyday causes" in bot.buttons() and "🧘 Self-care" in bot.buttons()


async def test_a_vote_on_a_search_result_keeps_back_to_the_results(bot):
    await bot.send("cramps")
    results = bot.screen().message_id
    await bot.tap("⚡ Cramps and muscle tightness", "👍 Helpful")
    assert "Was this page helpful?" not in bot.text()
    await bot.tap("‹ Back to results")
    assert bot.screen().message_id == results


async def test_a_vote_on_a_page_from_the_menu_keeps_back_to_its_parent(bot):
    await bot.send("magnesium")
    await bot.tap("🧘 Self-care", "🧱 Calf stretch", "👍 Helpful", "‹ Back")
    assert bot.text().startswith("What you can do yourself")


async def test_a_vote_on_a_cross_referenced_page_keeps_back_to_where_it_was_reached(bot, content):
    # The shipped pages cross-reference only pages with children (which ask no vote), so the
    # page is built as a cross-reference to a leaf would show it, and its vote button tapped.
    screen = page_screen(content, "cramps", "en", feedback=True, share=False, back=Nav("what"))
    votes = [b["callback_data"] for row in screen.markup.to_dict()["inline_keyboard"] for b in row if "👎" in b["text"]]
    assert votes == [VoteFrom("cramps", False, "what").encode()]
    await bot.send("/start")
    await bot.ada.tap_data(votes[0])
    assert "Thanks" in bot.ada.last_answer()["text"] and "Was this page helpful?" not in bot.text()
    await bot.tap("‹ Back")
    assert bot.text().startswith("What are muscle spasms?")


async def test_was_this_page_helpful_is_asked_once_per_page(bot):
    await bot.send("/start")
    await bot.tap("What are spasms?")
    assert "Was this page helpful?" in bot.text()
    await bot.tap("Main menu", "What are spasms?")
    assert "Was this page helpful?" not in bot.text()
    assert "Main menu" in " ".join(bot.buttons())


async def test_text_after_leaving_the_log_question_is_a_search(bot):
    await bot.send("/start")
    await bot.tap("Log a spasm")
    await bot.send("a bad one")  # right after the question: a stray reply, the question stays
    assert "buttons" in bot.text()
    await bot.send("/start")
    await bot.tap("Log a spasm")
    await bot.send("/menu")
    await bot.send("crampi")  # the user moved on: this is a search
    assert "⚡ Cramps and muscle tightness" in bot.buttons()


async def test_small_talk_after_type_my_city_is_answered_with_a_way_back(bot):
    await open_zone_question(bot.ada)
    await bot.tap("Type my city")
    await bot.send("thanks")
    assert "You're welcome" in bot.text() and "left the time zone question" in bot.text()
    assert "🏙 Type my city again" in bot.buttons()


async def test_a_cross_reference_in_italian(bot):
    rosa = bot.user(50, "Rosa", language_code="it")
    await rosa.send("/start")
    await rosa.tap("Cosa sono gli spasmi?")
    assert "vedi Cause" in rosa.last_text()
    await rosa.tap("🔎 Cause", "‹ Indietro")
    assert rosa.last_text().startswith("Cosa sono gli spasmi muscolari?")


async def test_back_to_results_after_a_restart_says_they_are_gone(bot):
    await bot.send("magnesium")
    await bot.tap("🧘 Self-care")
    await bot.restart()
    await bot.tap("‹ Back to results")
    assert bot.text().startswith("Spasm Guide")  # the main menu
    assert "no longer here" in bot.ada.last_answer()["text"]
