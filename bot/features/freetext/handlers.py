"""Free text: a typed emergency sign first, wherever the user is; then small talk; then search."""

from __future__ import annotations

from telegram.ext import ApplicationHandlerStop

from bot.core.turn import Turn
from bot.features.freetext.state import LastSearch
from bot.services import freetext_answers as answers
from bot.ui.callbacks import BackToResults, NavResult
from bot.ui.screens import main_screen


async def on_emergency(turn: Turn) -> None:
    """The top claim: a message naming an emergency sign gets the sign's answer before anything
    else (an open checklist question, a city prompt, a log question), in a new message, so what
    was on screen stays; the conversation that was open stays open."""
    message = turn.update.effective_message
    if message is None or not message.text:
        return
    found = answers.emergency(turn.content, message.text)
    if found is None:
        return
    await turn.show(answers.emergency_screen(turn.content, turn.lang, found), new=True)
    raise ApplicationHandlerStop


async def on_text(turn: Turn) -> None:
    """Text nobody claimed: small talk is answered as a person would, anything else searched."""
    message, user = turn.update.effective_message, turn.user
    if message is None or user is None:
        return
    screen, results = answers.answer_screen(turn.content, turn.lang, message.text or "", open_page=NavResult)
    if results is not None and results.pages:
        turn.services.state(LastSearch).remember(user.id, (message.text or "").strip())
    await turn.show(screen)


async def on_back_to_results(turn: Turn, _: BackToResults) -> str | None:
    content, lang = turn.content, turn.lang
    query = turn.services.state(LastSearch).query(turn.user_id) if turn.user else None
    if query is None:
        await turn.show(main_screen(content, lang))
        return content.freetext.message(lang, "results_gone")
    results = answers.search(content, lang, query)
    await turn.show(answers.results_screen(content, lang, query, results, open_page=NavResult))
    return None
