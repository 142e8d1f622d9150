"""Menu pages, commands, language, search and the fallbacks for everything else."""

from __future__ import annotations

from telegram.ext import filters

from bot.core.feature import Command, Feature, Message, On, Stage
from bot.core.turn import Turn
from bot.services.review_status import review_line
from bot.services.search import find_pages
from bot.ui.callbacks import Nav, OpenHelp, OpenLanguage, SetLang, Vote
from bot.ui.keyboards import Screen, button, main_menu_button, markup, page_screen, rows
from bot.ui.screens import NEW_TEXT, PRIVATE, escape, main_screen, start_screen, text_screen
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


async def start(turn: Turn) -> None:
    services = turn.services
    tg_user = turn.user
    assert tg_user is not None and turn.chat is not None
    # /start always writes: it reactivates a user who had blocked the bot.
    await services.cached_user(tg_user.id, force=True)
    await turn.show(start_screen(services.content, turn.lang, tg_user.first_name), new=True)


async def menu(turn: Turn) -> None:
    await turn.show(main_screen(turn.content, turn.lang), new=True)


async def about(turn: Turn) -> None:
    content = turn.content
    lang = turn.lang
    text = content.text(
        lang,
        "about.text",
        source=content.text(lang, "about.source"),  # in the user's language; meta.yaml names the file
        reviewed=review_line(content, lang),  # who signed which version when, or that it changed since
        version=content.fingerprint,
    )
    await turn.show(text_screen(content, lang, text), new=True)


async def search(turn: Turn) -> None:
    assert turn.update.message is not None
    content = turn.content
    lang = turn.lang
    query = (turn.update.message.text or "").strip()
    if len(query) > MAX_QUERY:
        await turn.show(main_screen(content, lang, content.text(lang, "search.too_long") + "\n\n"))
        return
    hits = find_pages(content, query)
    if not hits:
        prefix = content.text(lang, "search.none", query=escape(query)) + "\n\n"
        await turn.show(main_screen(content, lang, prefix))
        return
    buttons = [button(content.button_label(p, lang), Nav(p)) for p in hits]
    text = content.text(lang, "search.results", query=escape(query))
    await turn.show(Screen(text, markup(rows(buttons), [[main_menu_button(content, lang)]])))


async def unknown(turn: Turn) -> None:
    """Stickers, photos, voice, unknown commands: a friendly word and the menu."""
    content = turn.content
    message = turn.update.effective_message
    key = "fallback.unknown_command" if message and (message.text or "").startswith("/") else "fallback.unsupported"
    await turn.show(main_screen(content, turn.lang, content.text(turn.lang, key) + "\n\n"))


async def private_only(turn: Turn) -> None:
    content = turn.content
    user = turn.user
    lang = content.language(user.language_code if user else None)
    if turn.update.effective_message is not None:
        await turn.update.effective_message.reply_text(content.text(lang, "fallback.private_only"))


# --- buttons -------------------------------------------------------------------------------


async def on_nav(turn: Turn, cb: Nav) -> str | None:
    content = turn.content
    if cb.page not in content.pages:
        return await turn.stale()
    await turn.show(page_screen(content, cb.page, turn.lang, share=can_share(turn.ctx)))
    return None


async def on_set_lang(turn: Turn, cb: SetLang) -> str | None:
    services = turn.services
    content = services.content
    if cb.lang not in content.languages or turn.user is None:
        return await turn.stale()
    user_id = turn.user.id
    await services.db.run(users.set_language, user_id, cb.lang, services.now())
    services.update_cached(user_id, language=cb.lang)
    name = content.text(cb.lang, f"language.name.{cb.lang}")
    await turn.show(
        main_screen(content, cb.lang, content.text(cb.lang, "language.changed", language=name) + "\n\n"),
    )
    return None


async def on_vote(turn: Turn, cb: Vote) -> str | None:
    services = turn.services
    content = services.content
    if cb.page not in content.pages:
        return await turn.stale()
    lang = turn.lang
    await services.db.run(stats.vote, cb.page, lang, cb.helpful, durable=False)
    # The page again without the question, so one tap counts once.
    await turn.show(page_screen(content, cb.page, lang, feedback=False, share=can_share(turn.ctx)))
    return content.text(lang, "feedback.thanks")


async def on_language_button(turn: Turn, _: OpenLanguage) -> str | None:
    await turn.show(language_screen(turn.content, turn.lang))
    return None


async def on_help_button(turn: Turn, _: OpenHelp) -> str | None:
    await turn.show(help_screen(turn.content, turn.lang))
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
