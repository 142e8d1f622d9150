"""Wording a new user trips over (issue 22), in both languages, as the user reads it."""

from __future__ import annotations

import io
import re

from bot.features.diary.state import state_of
from tests.conftest import Harness
from tests.images import read_png


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
        assert any(w in lines[i].lower() for i in bullets for w in ("backup", "copie di sicurezza"))
        assert max(bullets) < last_sentence, lines


async def test_a_saved_spasm_reads_as_labelled_facts_not_a_sentence_of_capitals(bot: Harness) -> None:
    for user, words in (
        (bot.ada, ("Log a spasm", "Earlier today", "Under a minute", "Mild", "Add where", "Calf")),
        (
            bot.user(43, "Maria", "it"),
            ("Registra uno spasmo", "Oggi, qualche ora fa", "Meno di un minuto", "Lieve", "Aggiungi dove", "Polpaccio"),
        ),
    ):
        log, today, duration, severity, where, calf = words
        await user.send("/start")
        await user.tap(log, today, duration)
        assert re.search(r", [A-Z]", user.last_text()) is None  # "Earlier today, Under a minute"
        await user.tap(severity)
        assert re.search(r", [A-Z]", user.last_text()) is None, user.last_text()
        assert f"🗓 {today} · ⏱ {duration} · 🌡 {severity}" in user.last_text()
        await user.tap(where, calf)
        assert re.search(r", [A-Z]", user.last_text()) is None


async def test_the_demos_own_lines_speak_the_sessions_language(tmp_path, content) -> None:
    from bot.demo import Demo
    from bot.infra.settings import Settings
    from bot.lifecycle import running

    out = io.StringIO()
    demo = Demo(Settings(database=tmp_path / "demo.sqlite3", health_file=None), content, out=out)
    async with running(demo.app):
        for line in (":help", ":lang it", ":help", ":wait 1h", "/start", "99", ":lang de"):
            await demo.handle(line)
    text = out.getvalue()
    english, italian = text.split("(la lingua della tua app Telegram ora è: 🇮🇹 Italiano)", 1)
    assert "Type a number to tap a button" in english
    assert "Scrivi un numero per toccare un pulsante" in italian and "Type a number" not in italian
    assert "(orologio avanti di 1h)" in italian and "(nessun pulsante 99 nell'ultimo messaggio)" in italian
    assert "Ciao, Demo!" in italian  # the bot itself, as before
    assert "(questa lingua non c'è; prova: en, it)" in italian


def _bar_columns(png_bytes: bytes) -> int:
    """How many pixel columns of the chart show a bar (the severities' colours, from the PNG)."""
    png = read_png(png_bytes)
    bars = {(0xFD * 299 + 0xB8 * 587 + 0x63 * 114) // 1000, (0xE6 * 299 + 0x61 * 587 + 0x01 * 114) // 1000}
    row = png.height * 3 // 4  # below the legend, through the bars' lower part
    return sum(1 for x in range(png.width) if png.pixel(x, row) in bars)


async def test_a_new_diarys_chart_is_not_a_corner_of_an_empty_month(bot: Harness, tmp_path) -> None:
    await bot.send("/start")
    await bot.tap("Log a spasm", "1–10 minutes", "Moderate")
    await bot.send("/diary")
    await state_of(bot.app).settled()
    (chart,) = bot.ada.files("photo")
    (tmp_path / "chart.png").write_bytes(chart.file_bytes)
    # A week wide, not 30 days: the one day's bar is ~a seventh of the plot, not a thirtieth.
    assert _bar_columns(chart.file_bytes) > chart.width // 12
