"""Free text: a typed emergency sign first, wherever the user is; then small talk; then search."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.features.freetext.state import LastSearch
from bot.infra.services import BotContext
from bot.services import freetext_answers as answers
from bot.ui.callbacks import BackToResults, NavResult
from bot.ui.replies import show
from bot.ui.screens import main_screen


async def on_emergency(update: Update, ctx: BotContext) -> None:
    """The top claim: a message naming an emergency sign gets the sign's answer before anything
    else (an open checklist question, a city prompt, a log question), in a new message, so what
    was on screen stays; the conversation that was open stays open."""
    message = update.effective_message
    if message is None or not message.text:
        return
    content = ctx.services.content
    found = answers.emergency(content, message.text)
    if found is None:
        return
    lang = await ctx.services.user_language(update)
    await show(update, ctx, answers.emergency_screen(content, lang, found), new=True)
    raise ApplicationHandlerStop


async def on_text(update: Update, ctx: BotContext) -> None:
    """Text nobody claimed: small talk is answered as a person would, anything else searched."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = await ctx.services.user_language(update)
    screen, results = answers.answer_screen(ctx.services.content, lang, message.text or "", open_page=NavResult)
    if results is not None and results.pages:
        ctx.services.state(LastSearch).remember(user.id, (message.text or "").strip())
    await show(update, ctx, screen)


async def on_back_to_results(update: Update, ctx: BotContext, _: BackToResults) -> str | None:
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    user = update.effective_user
    query = ctx.services.state(LastSearch).query(user.id) if user else None
    if query is None:
        await show(update, ctx, main_screen(content, lang))
        return content.freetext.message(lang, "results_gone")
    results = answers.search(content, lang, query)
    await show(update, ctx, answers.results_screen(content, lang, query, results, open_page=NavResult))
    return None
