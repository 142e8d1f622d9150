"""Menu pages, commands, language, search and the fallbacks for everything else."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update
from telegram.ext import filters

from bot.core.feature import Command, Feature, Message, On, Stage
from bot.infra.services import BotContext
from bot.ui.callbacks import Nav, OpenHelp, OpenLanguage, SetLang, Vote
from bot.ui.dates import day
from bot.ui.keyboards import Screen, button, main_menu_button, markup, page_screen, rows
from bot.ui.replies import show
from bot.ui.screens import NEW_TEXT, PRIVATE, escape, main_screen, show_stale, start_screen, text_screen
from bot.ui.search import find_pages
from bot.ui.sharing import can_share
from content.model import Content
from storage import stats, users

MAX_QUERY = 200
# Stickers, photos, voice, locations: anything but text (service messages are not the user's).
NOT_TEXT = PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL & filters.UpdateType.MESSAGE


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
    await show(update, ctx, start_screen(services.content, lang, tg_user.first_name), new=True)


async def menu(update: Update, ctx: BotContext) -> None:
    lang = await ctx.services.user_language(update)
    await show(update, ctx, main_screen(ctx.services.content, lang), new=True)


async def about(update: Update, ctx: BotContext) -> None:
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    text = content.text(
        lang,
        "about.text",
        source=content.text(lang, "about.source"),  # in the user's language; meta.yaml names the file
        reviewed=escape(_reviewed(content, lang)),
        version=content.fingerprint,
    )
    await show(update, ctx, text_screen(content, lang, text), new=True)


def _reviewed(content: Content, lang: str) -> str:
    """meta.yaml's review date (YYYY-MM-DD, checked at load) in prose: 'Wednesday, 25 November 2026'."""
    try:
        reviewed = datetime.strptime(content.reviewed, "%Y-%m-%d").replace(hour=12, tzinfo=UTC)
    except ValueError:
        return content.reviewed
    return day(content, lang, reviewed.timestamp(), None)


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
    await show(update, ctx, page_screen(content, cb.page, lang, share=can_share(ctx)))
    return None


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
    await services.db.run(stats.vote, cb.page, lang, cb.helpful, durable=False)
    # The page again without the question, so one tap counts once.
    await show(update, ctx, page_screen(content, cb.page, lang, feedback=False, share=can_share(ctx)))
    return content.text(lang, "feedback.thanks")


async def on_language_button(update: Update, ctx: BotContext, _: OpenLanguage) -> str | None:
    lang = await ctx.services.user_language(update)
    await show(update, ctx, language_screen(ctx.services.content, lang))
    return None


async def on_help_button(update: Update, ctx: BotContext, _: OpenHelp) -> str | None:
    lang = await ctx.services.user_language(update)
    await show(update, ctx, help_screen(ctx.services.content, lang))
    return None


FEATURE = Feature(
    name="menu",
    commands=(
        Command("start", start, listed=1),
        Command("menu", menu, listed=2),
        Command("help", opens=OpenHelp(), listed=8),
        Command("about", about, listed=9),
        Command("language", opens=OpenLanguage(), listed=7),
    ),
    messages=(
        Message(PRIVATE & filters.COMMAND, unknown, Stage.UNCLAIMED_COMMAND),
        Message(NEW_TEXT, search, Stage.FALLBACK),
        Message(
            PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL & filters.UpdateType.MESSAGE, unknown, Stage.FALLBACK
        ),
        Message(~PRIVATE & filters.COMMAND & filters.UpdateType.MESSAGE, private_only, Stage.FALLBACK),
    ),
    callbacks=(
        On(Nav, on_nav),
        On(SetLang, on_set_lang),
        On(Vote, on_vote),
        On(OpenLanguage, on_language_button),
        On(OpenHelp, on_help_button),
    ),
)
