"""Wording a new user trips over (issue 22), in both languages, as the user reads it."""

from __future__ import annotations

import re

from tests.conftest import Harness


async def test_start_greets_once(bot: Harness) -> None:
    await bot.send("/start")
    text = bot.text()
    assert text.startswith("Hello, Ada!")
    assert text.count("Hello") + text.count("Hi!") == 1
    maria = bot.user(43, "Maria", language_code="it")
    await maria.send("/start")
    assert maria.last_text().count("Ciao") == 1


async def test_privacy_lists_every_bullet_before_its_closing_sentences(bot: Harness) -> None:
    for user, closing in (
        (bot.ada, "/mydata shows everything"),
        (bot.user(43, "Maria", language_code="it"), "/mydata"),
    ):
        await user.send("/privacy")
        lines = user.last_text().splitlines()
        bullets = [i for i, line in enumerate(lines) if line.startswith("•")]
        last_sentence = max(i for i, line in enumerate(lines) if closing in line)
        assert len(bullets) == 5  # user, checklist, reminders, diary, backups
        assert max(bullets) < last_sentence, lines


async def test_a_saved_spasm_reads_as_labelled_facts_not_a_sentence_of_capitals(bot: Harness) -> None:
    for user, words in (
        (bot.ada, ("Log a spasm", "Earlier today", "Under a minute", "Mild", "Add where", "Calf")),
        (
            bot.user(43, "Maria", "it"),
            ("Registra uno spasmo", "Oggi", "Meno di un minuto", "Lieve", "Aggiungi dove", "Polpaccio"),
        ),
    ):
        log, today, duration, severity, where, calf = words
        await user.send("/start")
        await user.tap(log)
        await user.tap(today)
        await user.tap(duration)
        assert re.search(r", [A-Z]", user.last_text()) is None  # "Earlier today, Under a minute"
        await user.tap(severity)
        assert re.search(r", [A-Z]", user.last_text()) is None, user.last_text()
        assert f"🗓 {today} · ⏱ {duration} · 🌡 {severity}" in user.last_text()
        await user.tap(where)
        await user.tap(calf)
        assert re.search(r", [A-Z]", user.last_text()) is None
