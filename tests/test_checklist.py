"""The referral checklist, tapped through as a user would."""

from __future__ import annotations

import itertools
import random

import pytest

from bot.features.checklist.feature import IDLE_SECONDS
from bot.ui.callbacks import Answer, ChecklistBack
from content.loader import load_content

_SHIPPED = load_content().checklist
QUESTIONS = [q.id for q in _SHIPPED.questions]
# The warning signs come first, one question each; a "No" to all of them reaches the four criteria.
NO_SIGNS = ["no"] * sum(q.safety for q in _SHIPPED.questions)


def labels(content, lang="en"):
    return content.checklist.answer_labels[lang]


async def answer(client, content, *answers, lang="en", clock=None):
    """Tap the answers one by one, a second apart: a person reads each question (and the flood
    control would stop a client tapping more than ten buttons in the same instant)."""
    clock = clock or getattr(client, "clock", None)
    for a in answers:
        if clock is not None:
            clock.advance(1)
        await client.tap(labels(content, lang)[a])


async def test_start_from_menu_shows_first_question_with_progress(bot):
    await bot.send("/start")
    menu_id = bot.screen().message_id
    await bot.tap("Should I see a doctor?")
    assert bot.screen().message_id == menu_id
    assert "Question 1 of 15" in bot.text()
    assert "chest pain" in bot.text()
    assert bot.buttons() == ["Yes", "No", "Not sure", "✖️ Cancel"]


async def test_red_flag_yes_ends_at_once_with_urgent_help_only(bot, content):
    await bot.send("/check")
    await bot.tap("Yes")
    text = bot.text()
    assert text.startswith("🚨 Call the emergency number now")
    assert "Call your local emergency number now (112 across Europe, 999 in the UK, 911 in the US" in text
    assert "Why\n• you have chest pain or pressure, or trouble breathing" in text
    assert "While you wait" in text
    assert bot.buttons() == ["🏠 Main menu"]
    assert await bot.rows("SELECT * FROM checklist_sessions") == []


async def test_all_no_gives_self_care(bot, content):
    await bot.send("/check")
    await answer(bot, content, *NO_SIGNS, *["no"] * 4)
    text = bot.text()
    assert text.startswith("🧘 Self-care for now")
    assert "stretching" in text and "massage" in text and "patience" in text
    assert "water and" in text and "minerals" in text
    assert "are intense, are not relieved simply by stretching, recur often or last long" in text
    assert "Get help sooner if" in text and "call the emergency number at once" in text
    assert "⏰ Remind me to check again" in bot.buttons()
    assert "🔁 Start again" in bot.buttons()


async def test_criteria_yes_lists_reasons(bot, content):
    await bot.send("/check")
    await answer(bot, content, *NO_SIGNS, "yes", "no", "yes", "no")
    text = bot.text()
    assert text.startswith("🩺 Book an appointment with your doctor")
    assert "good to consult your doctor" in text
    assert "your spasms are intense" in text and "recur often" in text
    assert "last a long time" not in text


async def test_back_changes_previous_answer_and_outcome_follows(bot, content):
    await bot.send("/check")
    await answer(bot, content, *NO_SIGNS, "yes")
    assert "Question 13 of 15" in bot.text()
    await bot.tap("‹ Back")
    assert "Question 12 of 15" in bot.text()
    await answer(bot, content, "no", "no", "no", "no")
    assert "Self-care" in bot.text()


async def test_cancel_deletes_answers(bot, content):
    await bot.send("/check")
    await answer(bot, content, "no", "no")
    await bot.tap("Cancel")
    assert "cancelled" in bot.text()
    assert await bot.rows("SELECT * FROM checklist_sessions") == []


async def test_restart_mid_checklist_resumes_at_third_question(bot, content):
    await bot.send("/check")
    await answer(bot, content, "no", "no")
    await bot.restart()
    await bot.tap("No")  # the same message's buttons keep working after a restart
    assert "Question 4 of 15" in bot.text()
    await bot.restart()
    await bot.send("/check")  # or resume by command, in a fresh message
    assert "Question 4 of 15" in bot.text()


async def test_idle_checklist_expires_with_note(bot, content):
    await bot.send("/check")
    await answer(bot, content, "no")
    message_id = bot.screen().message_id
    bot.clock.advance(IDLE_SECONDS + 1)
    await bot.dispatch()
    from bot.features.checklist.feature import expire_idle

    assert await expire_idle(bot.services, bot.app.bot) == 1
    assert "idle for 30 minutes" in bot.fake.message(42, message_id).plain
    assert bot.buttons() == []
    assert await bot.rows("SELECT * FROM checklist_sessions") == []
    await bot.ada.tap_data(Answer("abcdef12", 1, "no").encode(), message_id=message_id)
    assert "already ended" in bot.ada.last_answer()["text"]


async def test_lazy_expiry_when_sweeper_did_not_run(bot, content):
    await bot.send("/check")
    await answer(bot, content, "no")
    bot.clock.advance(IDLE_SECONDS + 1)
    await bot.tap("No")
    assert "already ended" in bot.ada.last_answer()["text"]


async def test_stale_buttons_after_end(bot, content):
    await bot.send("/check")
    old_question = bot.screen()
    await answer(bot, content, *NO_SIGNS, *["no"] * 4)
    await bot.ada.tap_data(old_question.callback_data[0], message_id=old_question.message_id)
    assert bot.ada.last_answer()["text"] == "This checklist has already ended."


async def test_double_tap_same_answer_counts_once(bot, content):
    await bot.send("/check")
    data = bot.screen().callback_data[1]  # "No" on question 1
    await bot.ada.tap_data(data)
    await bot.ada.tap_data(data)
    assert "Question 2 of 15" in bot.text()
    rows = await bot.rows("SELECT answers FROM checklist_sessions")
    assert rows == [{"answers": '[["chest", "no"]]'}]


async def test_free_text_mid_question_reasks(bot, content):
    await bot.send("/check")
    await answer(bot, content, "no")
    await bot.send("my leg hurts")
    assert "Please answer with the buttons" in bot.text()
    assert "Question 2 of 15" in bot.text()
    await bot.tap("No")
    assert "Question 3 of 15" in bot.text()


async def test_summary_is_plain_text_with_date(bot, content):
    await bot.send("/check")
    await answer(bot, content, *NO_SIGNS, "yes", "unsure", "no", "no")
    await bot.tap("The report as text")
    report = bot.fake.bot_messages(42)[-1]
    assert report.parse_mode is None
    lines = report.text.splitlines()
    # The result and its date first, then only what was answered yes or not sure, one per line.
    assert "CHECKLIST OF SUNDAY, 1 MARCH 2026" in lines
    assert lines[lines.index("CHECKLIST OF SUNDAY, 1 MARCH 2026") + 1] == "Result: Book an appointment with your doctor"
    assert "• Are your muscle spasms intense? Yes" in lines
    assert "• Do your spasms persist even after you stretch the muscle? Not sure" in lines
    assert "chest pain" not in report.text and ": No" not in report.text
    assert "Every other question I was asked (13): no." in lines


async def test_two_users_never_mix_answers(bot, content):
    ada, bob = bot.ada, bot.user(43, "Bob")
    await ada.send("/check")
    await bob.send("/check")
    await ada.tap("No")
    await bob.tap("No")
    await bob.tap("Not sure")  # a warning sign: Bob's run ends at once; Ada's goes on
    await ada.tap("No")
    assert bob.last_text().startswith("🚨")
    rows = {r["user_id"]: r["answers"] for r in await bot.rows("SELECT user_id, answers FROM checklist_sessions")}
    assert rows == {42: '[["chest", "no"], ["stroke", "no"]]'}
    # Bob tapping Ada's session id never touches Ada's run.
    ada_session = (await bot.rows("SELECT session FROM checklist_sessions WHERE user_id = 42"))[0]["session"]
    await bob.tap_data(Answer(ada_session, 2, "yes").encode())
    assert "already ended" in bob.last_answer()["text"]


async def test_concurrent_users_through_the_update_queue(bot, content):
    """Many users answering at once through the concurrent processor keep their own state."""
    import asyncio

    users = [bot.user(1000 + i, f"U{i}") for i in range(20)]
    await asyncio.gather(*(u.send("/check") for u in users))
    for _ in NO_SIGNS:
        bot.clock.advance(1)
        await asyncio.gather(*(u.tap("No") for u in users))
    await asyncio.gather(*(u.tap("Yes" if i % 2 else "No") for i, u in enumerate(users)))
    rows = {r["user_id"]: r["answers"] for r in await bot.rows("SELECT user_id, answers FROM checklist_sessions")}
    for i, _ in enumerate(users):
        assert rows[1000 + i].endswith('["intense", "%s"]]' % ("yes" if i % 2 else "no"))


@pytest.mark.parametrize("lang", ["en", "it"])
async def test_every_answer_combination_reaches_the_rules_outcome(bot, content, lang):
    """Generated from the YAML: every path the checklist allows ends where the rules say."""
    checklist = content.checklist
    user = bot.user(200, language_code=lang)
    for answers, expected in checklist.walk():
        bot.clock.advance(5)
        await user.send("/check")
        screen_before = user.screen()
        for qid in QUESTIONS:
            if qid not in answers:
                break
            bot.clock.advance(1)
            await user.tap(checklist.answer_labels[lang][answers[qid]])
        title = checklist.outcomes[expected].text[lang].title
        assert title.split(" ", 1)[-1] in user.last_text(), (answers, expected)
        assert screen_before.message_id == user.screen().message_id
        await user.tap(content.text(lang, "btn.main_menu"))


async def test_italian_checklist(bot, content):
    luca = bot.user(60, "Luca", language_code="it")
    await luca.send("/check")
    assert "Domanda 1 di 15" in luca.last_text()
    assert "dolore o senso di oppressione al petto" in luca.last_text()
    await luca.tap("No")
    assert "Domanda 2 di 15" in luca.last_text()
    assert luca.buttons()[:3] == ["Sì", "No", "Non so"]


async def test_counters_are_anonymous(bot, content):
    await bot.send("/check")
    await answer(bot, content, *NO_SIGNS, *["no"] * 4)
    counters = {r["name"]: r["value"] for r in await bot.rows("SELECT * FROM counters")}
    assert counters == {"checklist_started": 1, "checklist_finished": 1, "outcome_self_care": 1}


async def test_forged_checklist_ops(bot):
    await bot.send("/check")
    await bot.ada.tap_data(ChecklistBack("zzzzzz").encode())
    assert bot.ada.last_answer()["text"]
    await bot.ada.tap_data("c:abcdef:99:yes")
    assert bot.ada.last_answer()["text"]


def test_walk_covers_every_combination(content):
    checklist = content.checklist
    walked = {tuple(a.values()): o for a, o in checklist.walk()}

    def prefixes(combo):
        values = tuple(combo[q] for q in QUESTIONS)
        return [walked[values[:n]] for n in range(1, len(values) + 1) if values[:n] in walked]

    # 3^15 combinations: every yes/no one (2^15), and a fixed random sample with "Not sure" too.
    for values in itertools.product(("yes", "no"), repeat=len(QUESTIONS)):
        assert len(prefixes(dict(zip(QUESTIONS, values, strict=True)))) == 1
    rng = random.Random(5)
    for _ in range(5000):
        assert len(prefixes({q: rng.choice(checklist.answers) for q in QUESTIONS})) == 1
    assert len(next(checklist.combinations())) == len(QUESTIONS)
