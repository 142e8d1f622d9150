"""The referral checklist, tapped through as a user would."""

from __future__ import annotations

import itertools

import pytest

from bot.features.checklist import IDLE_SECONDS
from bot.ui.callbacks import Answer, ChecklistBack

QUESTIONS = ["red_flags", "intense", "not_relieved", "recurring", "long_lasting"]


def labels(content, lang="en"):
    return content.checklist.answer_labels[lang]


async def answer(client, content, *answers, lang="en"):
    for a in answers:
        await client.tap(labels(content, lang)[a])


async def test_start_from_menu_shows_first_question_with_progress(bot):
    await bot.send("/start")
    menu_id = bot.screen().message_id
    await bot.tap("Should I see a doctor?")
    assert bot.screen().message_id == menu_id
    assert "Question 1 of 5" in bot.text()
    assert "chest pain" in bot.text()
    assert bot.buttons() == ["Yes", "No", "Not sure", "✖️ Cancel"]


async def test_red_flag_yes_ends_at_once_with_urgent_help_only(bot, content):
    await bot.send("/check")
    await bot.tap("Yes")
    assert "Seek urgent medical help now: call your local emergency number." in bot.text()
    assert bot.buttons() == ["🏠 Main menu"]
    assert await bot.rows("SELECT * FROM checklist_sessions") == []


async def test_all_no_gives_self_care(bot, content):
    await bot.send("/check")
    await answer(bot, content, *["no"] * 5)
    text = bot.text()
    assert "stretching" in text and "massage" in text and "patience" in text
    assert "water and" in text and "minerals" in text
    assert "persist" in text
    assert "⏰ Remind me to check again" in bot.buttons()
    assert "🔁 Start again" in bot.buttons()


async def test_criteria_yes_lists_reasons(bot, content):
    await bot.send("/check")
    await answer(bot, content, "no", "yes", "no", "yes", "no")
    text = bot.text()
    assert "good idea to consult your doctor" in text
    assert "your spasms are intense" in text and "recur often" in text
    assert "last a long time" not in text


async def test_back_changes_previous_answer_and_outcome_follows(bot, content):
    await bot.send("/check")
    await answer(bot, content, "no", "yes")
    assert "Question 3 of 5" in bot.text()
    await bot.tap("‹ Back")
    assert "Question 2 of 5" in bot.text()
    await answer(bot, content, "no", "no", "no", "no")
    assert "Self-care" in bot.text()


async def test_cancel_deletes_answers(bot, content):
    await bot.send("/check")
    await answer(bot, content, "no", "yes")
    await bot.tap("Cancel")
    assert "cancelled" in bot.text()
    assert await bot.rows("SELECT * FROM checklist_sessions") == []


async def test_restart_mid_checklist_resumes_at_third_question(bot, content):
    await bot.send("/check")
    await answer(bot, content, "no", "yes")
    await bot.restart()
    await bot.tap("No")  # the same message's buttons keep working after a restart
    assert "Question 4 of 5" in bot.text()
    await bot.restart()
    await bot.send("/check")  # or resume by command, in a fresh message
    assert "Question 4 of 5" in bot.text()


async def test_idle_checklist_expires_with_note(bot, content):
    await bot.send("/check")
    await answer(bot, content, "no")
    message_id = bot.screen().message_id
    bot.clock.advance(IDLE_SECONDS + 1)
    await bot.dispatch()
    from bot.features.checklist import expire_idle

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
    await answer(bot, content, *["no"] * 5)
    await bot.ada.tap_data(old_question.callback_data[0], message_id=old_question.message_id)
    assert bot.ada.last_answer()["text"]


async def test_double_tap_same_answer_counts_once(bot, content):
    await bot.send("/check")
    data = bot.screen().callback_data[1]  # "No" on question 1
    await bot.ada.tap_data(data)
    await bot.ada.tap_data(data)
    assert "Question 2 of 5" in bot.text()
    rows = await bot.rows("SELECT answers FROM checklist_sessions")
    assert rows == [{"answers": '[["red_flags", "no"]]'}]


async def test_free_text_mid_question_reasks(bot, content):
    await bot.send("/check")
    await answer(bot, content, "no")
    await bot.send("my leg hurts")
    assert "Please answer with the buttons" in bot.text()
    assert "Question 2 of 5" in bot.text()
    await bot.tap("Yes")
    assert "Question 3 of 5" in bot.text()


async def test_summary_is_plain_text_with_date(bot, content):
    await bot.send("/check")
    await answer(bot, content, "no", "yes", "unsure", "no", "no")
    await bot.tap("Summary for my doctor")
    summary = bot.fake.bot_messages(42)[-1]
    assert summary.parse_mode is None
    assert "2026-03-01" in summary.text
    assert "Are your muscle spasms intense?: Yes" in summary.text
    assert ": Not sure" in summary.text
    assert "Outcome: Talk to your doctor" in summary.text


async def test_two_users_never_mix_answers(bot, content):
    ada, bob = bot.ada, bot.user(43, "Bob")
    await ada.send("/check")
    await bob.send("/check")
    await ada.tap("No")
    await bob.tap("No")
    await bob.tap("Yes")
    await ada.tap("No")
    rows = {r["user_id"]: r["answers"] for r in await bot.rows("SELECT user_id, answers FROM checklist_sessions")}
    assert rows[42] == '[["red_flags", "no"], ["intense", "no"]]'
    assert rows[43] == '[["red_flags", "no"], ["intense", "yes"]]'
    # Bob tapping Ada's session id never touches Ada's run.
    ada_session = (await bot.rows("SELECT session FROM checklist_sessions WHERE user_id = 42"))[0]["session"]
    await bob.tap_data(Answer(ada_session, 2, "yes").encode())
    assert "already ended" in bob.last_answer()["text"]


async def test_concurrent_users_through_the_update_queue(bot, content):
    """Many users answering at once through the concurrent processor keep their own state."""
    import asyncio

    users = [bot.user(1000 + i, f"U{i}") for i in range(20)]
    await asyncio.gather(*(u.send("/check") for u in users))
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
        if expected != "urgent":
            await user.tap(content.text(lang, "btn.main_menu"))


async def test_italian_checklist(bot, content):
    luca = bot.user(60, "Luca", language_code="it")
    await luca.send("/check")
    assert "Domanda 1 di 5" in luca.last_text() or "1" in luca.last_text()
    await luca.tap("No")
    assert "Sì" in luca.buttons() or "Si" in luca.buttons()


async def test_counters_are_anonymous(bot, content):
    await bot.send("/check")
    await answer(bot, content, *["no"] * 5)
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
    for combo in checklist.combinations():
        prefix_outcomes = [
            outcome for answers, outcome in checklist.walk() if all(combo[q] == a for q, a in answers.items())
        ]
        assert len(prefix_outcomes) == 1
    assert len(list(itertools.islice(checklist.combinations(), 1000))) == 3**5
