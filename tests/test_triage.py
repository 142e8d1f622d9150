"""Clinical triage as users live it: every disposition in both languages, "Not sure" said as
uncertainty (now and days later), the "Same" and "Worse" check-ins, and dates in the user's
language and time zone across a daylight-saving change."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.ui.callbacks import WorseAnswer
from tests.flows import followup_comes

DAY = 86400
ANSWER = {
    "en": {"yes": "Yes", "no": "No", "unsure": "Not sure"},
    "it": {"yes": "Sì", "no": "No", "unsure": "Non so"},
}
SIGNS = ["chest", "stroke", "seizure", "tetanus", "fever_neck", "dark_urine", "spine", "poison", "swallowing", "cramp"]
SIGNS.append("fever")


def test_the_sign_order_is_the_shipped_one(content):
    assert [q.id for q in content.checklist.questions if q.safety] == SIGNS


async def answer(bot, user, lang, *answers):
    for a in answers:
        bot.clock.advance(1)  # a person reads each question
        await user.tap(ANSWER[lang][a])


def no_until(sign: str) -> list[str]:
    """ "No" to every warning sign asked before this one."""
    return ["no"] * SIGNS.index(sign)


async def counters(bot):
    return {r["name"]: r["value"] for r in await bot.rows("SELECT name, value FROM counters")}


# --- every disposition, in both languages ------------------------------------------------------

DISPOSITIONS = {
    # case: (answers, en title and lines, it title and lines, followup offered)
    "emergency": (
        ["yes"],
        (
            "🚨 Call the emergency number now",
            "Call your local emergency number now (112 across Europe, 999 in the UK, 911 in the US and Canada)",
            "• you have chest pain or pressure, or trouble breathing",
            "While you wait",
        ),
        (
            "🚨 Chiama subito il 112",
            "Chiama subito il 112, il numero unico di emergenza",
            "• hai dolore o senso di oppressione al petto, oppure difficoltà a respirare",
            "Mentre aspetti i soccorsi",
        ),
        False,
    ),
    "emergency_tetanus": (
        [*no_until("tetanus"), "yes"],
        (
            "🚨 Call the emergency number now",
            "• you noticed a stiff jaw, trouble swallowing or spreading spasms after a wound",
        ),
        (
            "🚨 Chiama subito il 112",
            "• dopo una ferita hai notato rigidità della mandibola, difficoltà a deglutire o spasmi che si estendono",
        ),
        False,
    ),
    "poisoning": (
        [*no_until("poison"), "yes"],
        (
            "🚨 Possible poisoning: call the emergency number now",
            "Call your local emergency number now",
            "poison control centre",
            "do not make yourself sick",
            "• you may have been exposed to a poison, such as an insecticide or strychnine",
        ),
        (
            "🚨 Possibile avvelenamento: chiama subito il 112",
            "Chiama subito il 112",
            "Centro antiveleni (CAV), attivo 24 ore su 24",
            "non provocarti il vomito",
        ),
        False,
    ),
    "urgent": (
        [*no_until("swallowing"), "yes"],
        (
            "⚠️ Get medical help today",
            "See a doctor today.",
            "out-of-hours doctor or an urgent care service (in the UK, call 111)",
            "• you have new or sudden trouble swallowing",
            "Call the emergency number at once if",
        ),
        (
            "⚠️ Fatti visitare oggi stesso",
            "Fatti visitare da un medico oggi stesso.",
            "guardia medica (continuità assistenziale; dove è attivo, chiama il 116117)",
            "• hai difficoltà a deglutire comparsa da poco o all'improvviso",
            "Chiama subito il 112 se",
        ),
        True,
    ),
    "see_doctor": (
        [*["no"] * len(SIGNS), "no", "no", "yes", "no"],
        (
            "🩺 Book an appointment with your doctor",
            "in the next few days; it does not need to be today",
            "It is good to consult your doctor if your muscle spasms are intense, are not relieved simply by "
            "stretching, recur often or last long.",
            "• your spasms recur often",
            "Get help sooner if",
        ),
        (
            "🩺 Prenota una visita dal tuo medico",
            "nei prossimi giorni: non serve andarci oggi",
            "È bene consultare il medico se gli spasmi muscolari sono intensi, non passano semplicemente con lo "
            "stretching, si ripresentano spesso o durano a lungo.",
            "• i tuoi spasmi si ripresentano spesso",
            "Chiedi aiuto prima se",
        ),
        True,
    ),
    "self_care": (
        ["no"] * (len(SIGNS) + 4),
        (
            "🧘 Self-care for now",
            "a little stretching, massage and patience",
            "are intense, are not relieved simply by stretching, recur often or last long",
            "Get help sooner if",
        ),
        (
            "🧘 Per ora, cosa puoi fare da te",
            "un po' di stretching, massaggi e pazienza",
            "sono intensi, non passano semplicemente con lo stretching, si ripresentano spesso o durano a lungo",
            "Chiedi aiuto prima se",
        ),
        True,
    ),
}


@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize("case", list(DISPOSITIONS))
async def test_every_disposition(bot, lang, case):
    answers, en, it, followup = DISPOSITIONS[case]
    user = bot.user(300, "Sam", language_code=lang)
    await user.send("/check")
    await answer(bot, user, lang, *answers)
    text = user.last_text()
    title, *lines = en if lang == "en" else it
    assert text.startswith(title), text[:80]
    for line in lines:
        assert line in text, (line, text)
    menu = "🏠 Main menu" if lang == "en" else "🏠 Menu principale"
    outcome = case.split("_tetanus")[0]
    if followup:
        remind = "⏰ Remind me to check again" if lang == "en" else "⏰ Ricordami di ricontrollare"
        assert remind in user.buttons() and menu in user.buttons()
        assert ("This is not a diagnosis." if lang == "en" else "Questa non è una diagnosi.") in text
        [row] = await bot.rows("SELECT outcome FROM checklist_sessions")
        assert row["outcome"] == outcome  # kept (at most 30 idle minutes) for the summary and reminder
    else:
        assert user.buttons() == [menu]  # the one instruction that matters, nothing else
        assert await bot.rows("SELECT * FROM checklist_sessions") == []
    assert (await counters(bot))[f"outcome_{outcome}"] == 1


async def test_the_warning_signs_are_one_short_screen_each_most_serious_first(bot, content):
    await bot.send("/check")
    seen = []
    for n in range(1, len(SIGNS) + 1):
        text = bot.text()
        assert f"Question {n} of 15" in text
        assert text.count("•") <= 4  # a short question, not a wall of bullets
        seen.append(text.split("\n\n", 2)[-1])
        bot.clock.advance(1)
        await bot.tap("No")
    assert "chest pain" in seen[0] and "face drooping" in seen[1] and "seizure" in seen[2]
    assert "new" in seen[SIGNS.index("swallowing")] and "long-standing" in seen[SIGNS.index("swallowing")]
    assert "10 minutes" in seen[SIGNS.index("cramp")]
    assert "Are your muscle spasms intense?" in bot.text()  # then the source text's four criteria


# --- "Not sure": uncertainty, now and days later ---------------------------------------------


async def test_not_sure_reads_as_uncertainty_now_and_days_later(bot):
    await bot.send("/check")
    await answer(bot, bot.ada, "en", *["no"] * len(SIGNS), "unsure", "yes", "no", "no")
    text = bot.text()
    assert "• you were not sure whether your spasms are intense" in text
    assert "• stretching does not relieve your spasms" in text
    assert "• your spasms are intense" not in text  # never stated as a fact
    await bot.tap("Remind me to check again")
    await bot.tap("In 3 days")
    [row] = await bot.rows("SELECT payload FROM reminders")
    payload = json.loads(row["payload"])
    assert payload["reasons"] == ["intense", "not_relieved"] and payload["unsure"] == ["intense"]
    assert payload["outcome"] == "see_doctor"

    bot.clock.advance(3 * DAY)
    assert await bot.dispatch() == 1
    assert (
        "3 days ago, you said that you were not sure whether your spasms were intense "
        "and stretching did not relieve your spasms." in bot.text()
    )
    [row] = await bot.rows("SELECT payload FROM reminders")
    assert row["payload"] == "{}"  # the health context is erased once delivered


async def test_not_sure_in_italian_days_later(bot):
    luca = bot.user(61, "Luca", language_code="it")
    await luca.send("/check")
    await answer(bot, luca, "it", *["no"] * len(SIGNS), "no", "no", "unsure", "no")
    assert "• non hai saputo dire se i tuoi spasmi si ripresentano spesso" in luca.last_text()
    await luca.tap("Ricordami di ricontrollare")
    await luca.tap("Tra 1 settimana")
    bot.clock.advance(7 * DAY)
    assert await bot.dispatch() == 1
    assert "mi avevi detto che non sapevi dire se i tuoi spasmi si ripresentassero spesso." in luca.last_text()


async def test_not_sure_about_a_warning_sign_is_taken_as_yes_and_said_as_doubt(bot):
    await bot.send("/check")
    await answer(bot, bot.ada, "en", *no_until("stroke"), "unsure")
    text = bot.text()
    assert text.startswith("🚨 Call the emergency number now")
    assert "• you were not sure whether you have face drooping, slurred speech or weakness on one side" in text


# --- check-ins: Better, Same (after an outcome), Worse -----------------------------------------


async def checkin_after(bot, answers, delay="In 1 day"):
    await bot.send("/check")
    await answer(bot, bot.ada, "en", *answers)
    await bot.tap("Remind me to check again")
    await bot.tap(delay)
    bot.clock.advance(DAY)
    assert await bot.dispatch() == 1
    return bot.screen()


async def test_same_after_book_a_doctor_reminds_of_that_advice(bot):
    await checkin_after(bot, [*["no"] * len(SIGNS), "yes", "no", "no", "no"])
    assert "1 day ago" in bot.text() or "Yesterday" in bot.text()
    await bot.tap("Same")
    text = bot.text()
    assert "Last time, the checklist suggested that you book an appointment with your doctor." in text
    assert "If you have not booked it yet, please do it now." in text
    assert "are intense, are not relieved simply by stretching, recur often or last long" in text
    assert "Get help sooner if" in text  # what should make them go sooner
    assert bot.buttons() == ["📋 Run the checklist again", "⏰ Set another check-in", "🏠 Main menu"]
    assert (await counters(bot))["checkin_same"] == 1


async def test_same_after_get_help_today_reminds_of_that_advice(bot):
    await checkin_after(bot, [*no_until("cramp"), "yes"])
    await bot.tap("Same")
    text = bot.text()
    assert "Last time, the checklist suggested that you see a doctor the same day." in text
    assert "Call the emergency number at once if" in text


async def test_same_after_self_care_or_a_plain_checkin_lists_all_four_criteria(bot):
    await followup_comes(bot)
    await bot.tap("Same")
    text = bot.text()
    assert text.startswith("😐 Thank you for telling me. It is good to consult your doctor if your muscle spasms")
    assert "are intense, are not relieved simply by stretching, recur often or last long" in text
    assert "Get help sooner if" in text


async def test_better_still_says_what_should_make_them_get_help(bot):
    await checkin_after(bot, ["no"] * (len(SIGNS) + 4))
    await bot.tap("Better")
    text = bot.text()
    assert "Glad to hear it!" in text
    assert "It is good to consult your doctor if your muscle spasms are intense" in text
    assert "call the emergency number at once" in text


async def test_worse_asks_the_emergency_signs_first_then_offers_checklist_and_sooner_checkin(bot):
    checkin = await checkin_after(bot, [*["no"] * len(SIGNS), "yes", "no", "no", "no"])
    await bot.tap("Worse")
    text = bot.text()
    assert text.startswith("I'm sorry they are worse. First, one question: do you have any of these now?")
    assert "• chest pain or pressure, or trouble breathing" in text
    assert "• a stiff jaw or trouble swallowing after a wound" in text
    assert bot.buttons() == ["Yes", "No", "Not sure", "🏠 Main menu"]
    await bot.tap("No")
    text = bot.text()
    assert "As your spasms are worse, please run the checklist again now" in text
    # Never weaker than "Same" after "get help today" (QA found it was): a doctor today if possible.
    assert "contact your doctor, today if you can" in text
    assert "are intense, are not relieved simply by stretching, recur often or last long" in text
    assert "Call the emergency number at once if" in text  # the "get help today" safety-netting
    assert bot.buttons() == [
        "📋 Run the checklist again",
        "⏰ Ask me again in 1 hour",
        "⏰ Ask me again tomorrow",
        "🏠 Main menu",
    ]
    await bot.tap("Ask me again in 1 hour")
    assert "I'll ask again on Monday 2 March at 10:00 (London time" in bot.text()
    pending = await bot.rows("SELECT due_at FROM reminders WHERE status = 'pending'")
    assert [r["due_at"] for r in pending] == [bot.clock.now() + 3600]
    bot.clock.advance(3600)
    assert await bot.dispatch() == 1
    assert "How are your muscle spasms now?" in bot.text()
    assert (await counters(bot))["checkin_worse"] == 1
    assert checkin.message_id  # the first check-in message was answered in place


@pytest.mark.parametrize(("tap", "reason"), [("Yes", "you noticed"), ("Not sure", "you were not sure whether")])
async def test_worse_with_an_emergency_sign_shows_the_emergency_disposition(bot, tap, reason):
    await checkin_after(bot, ["no"] * (len(SIGNS) + 4))
    await bot.tap("Worse")
    await bot.tap(tap)
    text = bot.text()
    assert text.startswith("🚨 Call the emergency number now")
    assert f"• your spasms are worse and {reason}" in text
    assert bot.buttons() == ["🏠 Main menu"]


async def test_worse_in_italian(bot):
    luca = bot.user(62, "Luca", language_code="it")
    await followup_comes(bot, luca, ("Promemoria di controllo", "Tra 1 giorno"))
    await luca.tap("Peggio")
    assert luca.last_text().startswith("Mi dispiace che stiano peggiorando.")
    assert "stato confusionale" in luca.last_text()
    await luca.tap("No")
    assert "ripeti subito la checklist" in luca.last_text()
    assert "senti il tuo medico, se puoi oggi stesso" in luca.last_text()
    assert "⏰ Richiedimelo domani" in luca.buttons()


async def test_forged_worse_answer_is_refused_gracefully(bot):
    await bot.send("/start")
    await bot.ada.tap_data("rq:1:maybe")
    assert bot.ada.last_answer()["text"]
    await bot.ada.tap_data(WorseAnswer(1, "no").encode())  # a stale but well-formed one still helps
    assert "run the checklist again now" in bot.text()


# --- dates in the user's language and time zone ----------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Tuesday 27 October at 10:00"),
        ("it", "martedì 27 ottobre alle 10:00"),
    ],
)
async def test_followup_dates_in_the_users_language_and_zone_across_dst(bot, lang, expected):
    # Tuesday 20 October 2026, 09:00 UTC = 11:00 in Rome (summer time). Rome's clocks go back on
    # Sunday 25 October, so the check-in a week later, also 09:00 UTC, is at 10:00 local time.
    bot.clock.set(datetime(2026, 10, 20, 9, 0, tzinfo=UTC))
    user = bot.user(400, "Giulia", language_code=lang)
    await user.send("/reminders")
    await user.tap("➕ Daily" if lang == "en" else "➕ Promemoria di ogni giorno")
    await user.tap("Rome, Italy" if lang == "en" else "Roma, Italia")  # the zone in their language
    await user.send("/reminders")
    await user.tap("Follow-up check-in" if lang == "en" else "Promemoria di controllo")
    await user.tap("In 1 week" if lang == "en" else "Tra 1 settimana")
    assert expected in user.last_text()
    assert "UTC" not in user.last_text() and "2026-" not in user.last_text()
    await user.send("/reminders")
    assert expected in user.last_text()
    await user.send("/mydata")
    summary = bot.fake.bot_messages(400)[-2].plain
    assert expected in summary
    first_used = "Tuesday, 20 October 2026" if lang == "en" else "martedì 20 ottobre 2026"
    assert first_used in summary


async def test_summary_for_the_doctor_has_the_date_in_words(bot):
    luca = bot.user(63, "Luca", language_code="it")
    await luca.send("/check")
    await answer(bot, luca, "it", *["no"] * len(SIGNS), "yes", "no", "no", "no")
    await luca.tap("Il resoconto come testo")
    report = bot.fake.bot_messages(63)[-1].text
    assert report.startswith("Spasmi muscolari: resoconto per il mio medico")
    assert "CHECKLIST DI DOMENICA 1 MARZO 2026" in report
    assert "Esito: Prenota una visita dal tuo medico" in report


async def test_double_taps_on_the_worse_question_are_answered_and_harmless(bot):
    await checkin_after(bot, ["no"] * (len(SIGNS) + 4))
    await bot.tap("Worse")
    question = bot.screen()
    no = question.callback_data[1]
    await bot.ada.tap_data(no, message_id=question.message_id)
    await bot.ada.tap_data(no, message_id=question.message_id)  # the same button again
    assert "run the checklist again now" in bot.text()
    assert bot.ada.last_answer() is not None
    assert await bot.rows("SELECT status FROM reminders WHERE status = 'pending'") == []  # nothing scheduled by itself
