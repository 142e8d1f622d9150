"""Menu pages, commands, language, search and the fallbacks for everything else."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler, MessageHandler, filters

from bot.callbacks import Nav, SetLang, Vote
from bot.keyboards import Screen, button, main_menu_button, markup, page_screen, rows
from bot.replies import show
from bot.services import BotContext, escape
from content.loader import normalize
from content.model import MAIN_PAGE, Content
from storage import stats, users

PRIVATE = filters.ChatType.PRIVATE
# New text in a private chat; edits of old messages are not questions to answer again.
NEW_TEXT = PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
MAX_QUERY = 200
MAX_RESULTS = 8


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    for name, callback in (
        ("start", start),
        ("menu", menu),
        ("help", help_command),
        ("about", about),
        ("language", language),
    ):
        app.add_handler(CommandHandler(name, callback, filters=PRIVATE))
    # Group 2 runs after the checklist (group 1) has had a chance to claim free text.
    app.add_handler(MessageHandler(NEW_TEXT, search), group=2)
    app.add_handler(
        MessageHandler(
            PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL & filters.UpdateType.MESSAGE,
            unknown,
        ),
        group=2,
    )
    app.add_handler(
        MessageHandler(~PRIVATE & filters.COMMAND & filters.UpdateType.MESSAGE, private_only),
        group=2,
    )


def register_last(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """After every feature's commands, in the same group: a command nobody claimed."""
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, unknown), group=0)


def routes() -> dict[type, Any]:
    return {Nav: on_nav, SetLang: on_set_lang, Vote: on_vote}


def actions() -> dict[str, Any]:
    return {"language": on_language_button, "help": on_help_button}


# --- screens -----------------------------------------------------------------------------


def main_screen(content: Content, lang: str, prefix: str = "") -> Screen:
    screen = page_screen(content, MAIN_PAGE, lang)
    return Screen(prefix + screen.text, screen.markup)


def text_screen(content: Content, lang: str, text: str) -> Screen:
    return Screen(text, markup([[main_menu_button(content, lang)]]))


def language_screen(content: Content, lang: str) -> Screen:
    choices = [button(content.text(lang, f"language.name.{code}"), SetLang(code)) for code in content.languages]
    return Screen(
        content.text(lang, "language.prompt"),
        markup(rows(choices, 2), [[main_menu_button(content, lang)]]),
    )


def help_screen(content: Content, lang: str) -> Screen:
    return text_screen(content, lang, content.text(lang, "help.text"))


# --- commands ------------------------------------------------------------------------------


async def start(update: Update, ctx: BotContext) -> None:
    services = ctx.services
    tg_user = update.effective_user
    assert tg_user is not None and update.effective_chat is not None
    # /start always writes: it reactivates a user who had blocked the bot.
    await services.cached_user(tg_user.id, force=True)
    lang = await services.user_language(update)
    content = services.content
    greeting = content.text(lang, "start.greeting", first_name=escape(tg_user.first_name))
    screen = main_screen(content, lang)
    text = f"{greeting}\n\n{screen.text}\n\n{content.text(lang, 'start.disclaimer')}"
    await show(update, ctx, Screen(text, screen.markup), new=True)


async def menu(update: Update, ctx: BotContext) -> None:
    lang = await ctx.services.user_language(update)
    await show(update, ctx, main_screen(ctx.services.content, lang), new=True)


async def help_command(update: Update, ctx: BotContext) -> None:
    lang = await ctx.services.user_language(update)
    await show(update, ctx, help_screen(ctx.services.content, lang), new=True)


async def about(update: Update, ctx: BotContext) -> None:
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    text = content.text(
        lang,
        "about.text",
        source=escape(content.source),
        reviewed=escape(content.reviewed),
        version=content.fingerprint,
    )
    await show(update, ctx, text_screen(content, lang, text), new=True)


async def language(update: Update, ctx: BotContext) -> None:
    lang = await ctx.services.user_language(update)
    await show(update, ctx, language_screen(ctx.services.content, lang), new=True)


async def search(update: Update, ctx: BotContext) -> None:
    assert update.message is not None
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    query = (update.message.text or "").strip()
    if len(query) > MAX_QUERY:
        await show(update, ctx, main_screen(content, lang, content.text(lang, "search.too_long") + "\n\n"))
        return
    hits = find_pages(content, query)
    if not hits:
        prefix = content.text(lang, "search.none", query=escape(query)) + "\n\n"
        await show(update, ctx, main_screen(content, lang, prefix))
        return
    buttons = [button(content.button_label(p, lang), Nav(p)) for p in hits]
    text = content.text(lang, "search.results", query=escape(query))
    await show(update, ctx, Screen(text, markup(rows(buttons), [[main_menu_button(content, lang)]])))


def find_pages(content: Content, query: str) -> list[str]:
    """Pages containing every word of the query, in any language; title/keyword hits first."""
    words = [w for w in normalize(query).split() if len(w) >= 2]
    if not words:
        return []
    scored = []
    for order, entry in enumerate(content.search_index):
        if all(w in entry.haystack or w in entry.title_words for w in words):
            title_hits = sum(w in entry.title_words for w in words)
            scored.append((-title_hits, order, entry.page_id))
    return [page for *_, page in sorted(scored)[:MAX_RESULTS]]


async def unknown(update: Update, ctx: BotContext) -> None:
    """Stickers, photos, voice, unknown commands: a friendly word and the menu."""
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    message = update.effective_message
    key = "fallback.unknown_command" if message and (message.text or "").startswith("/") else "fallback.unsupported"
    await show(update, ctx, main_screen(content, lang, content.text(lang, key) + "\n\n"))


async def private_only(update: Update, ctx: BotContext) -> None:
    content = ctx.services.content
    user = update.effective_user
    lang = content.language(user.language_code if user else None)
    if update.effective_message is not None:
        await update.effective_message.reply_text(content.text(lang, "fallback.private_only"))


# --- buttons -------------------------------------------------------------------------------


async def on_nav(update: Update, ctx: BotContext, cb: Nav) -> str | None:
    content = ctx.services.content
    if cb.page not in content.pages:
        return await show_stale(update, ctx)
    lang = await ctx.services.user_language(update)
    await show(update, ctx, page_screen(content, cb.page, lang))
    return None


async def show_stale(update: Update, ctx: BotContext) -> str:
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    await show(update, ctx, main_screen(content, lang))
    return content.text(lang, "alerts.stale")


async def on_set_lang(update: Update, ctx: BotContext, cb: SetLang) -> str | None:
    services = ctx.services
    content = services.content
    if cb.lang not in content.languages or update.effective_user is None:
        return await show_stale(update, ctx)
    user_id = update.effective_user.id
    await services.db.run(users.set_language, user_id, cb.lang, services.now())
    services.update_cached(user_id, language=cb.lang)
    name = content.text(cb.lang, f"language.name.{cb.lang}")
    await show(
        update,
        ctx,
        main_screen(content, cb.lang, content.text(cb.lang, "language.changed", language=name) + "\n\n"),
    )
    return None


async def on_vote(update: Update, ctx: BotContext, cb: Vote) -> str | None:
    services = ctx.services
    content = services.content
    if cb.page not in content.pages:
        return await show_stale(update, ctx)
    lang = await services.user_language(update)
    await services.db.run(stats.vote, cb.page, lang, cb.vote == "y", durable=False)
    # The page again without the question, so one tap counts once.
    await show(update, ctx, page_screen(content, cb.page, lang, feedback=False))
    return content.text(lang, "feedback.thanks")


async def on_language_button(update: Update, ctx: BotContext, _: object) -> str | None:
    lang = await ctx.services.user_language(update)
    await show(update, ctx, language_screen(ctx.services.content, lang))
    return None


async def on_help_button(update: Update, ctx: BotContext, _: object) -> str | None:
    lang = await ctx.services.user_language(update)
    await show(update, ctx, help_screen(ctx.services.content, lang))
    return None
