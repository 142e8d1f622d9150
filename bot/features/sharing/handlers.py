"""/start with a deep link's parameter, inline queries answered, chosen results counted."""

from __future__ import annotations

from telegram import Update

from bot.core.feature import enter
from bot.core.turn import turn_of
from bot.features.sharing import inline as sharing
from bot.infra.services import BotContext, Services
from bot.services import deeplinks
from bot.services.deeplinks import OpenChecklist, OpenDiaryLog, OpenPage, StartLink
from bot.services.fuzzy_search import page_search
from bot.ui.callbacks import ACTION_CALLBACKS, Callback, Nav, StartChecklist
from bot.ui.keyboards import Screen
from bot.ui.screens import greeting, start_screen
from content.model import MAIN_PAGE
from content.start_parameters import CHECKLIST, DIARY_LOG
from storage import stats, users
from storage.stats import Family


def _callback(link: StartLink | None) -> Callback | None:
    """The operation a deep link opens, as if its button had been tapped; None: the main menu."""
    match link:
        case StartLink(OpenPage(page)):
            return Nav(page)
        case StartLink(OpenChecklist()):
            return StartChecklist()
        case StartLink(OpenDiaryLog()):
            return ACTION_CALLBACKS["log"]  # the diary's log flow, as a page's "@log" button opens it
    return None


def _counter(link: StartLink | None) -> str:
    match link:
        case StartLink(OpenPage(page)):
            return Family.DEEPLINK.of(page)
        case StartLink(OpenChecklist()):
            return Family.DEEPLINK.of(CHECKLIST)
        case StartLink(OpenDiaryLog()):
            return Family.DEEPLINK.of(DIARY_LOG)
    return Family.DEEPLINK.of("unknown")


async def on_start_link(update: Update, ctx: BotContext) -> None:
    """/start with a parameter. An unknown or malformed one is plain /start: no error shown."""
    services = ctx.services
    content = services.content
    tg_user = update.effective_user
    assert tg_user is not None
    args = ctx.args or []
    link = deeplinks.parse(args[0], pages=content.pages.keys(), languages=content.languages) if len(args) == 1 else None
    known = await services.db.read(users.get, tg_user.id)
    # /start always writes: it reactivates a user who had blocked the bot.
    await services.cached_user(tg_user.id, force=True)
    if link is not None and link.language is not None and (known is None or known.language is None):
        # A link's language wins over Telegram's, never over one the user chose in /language.
        await services.db.run(users.set_language, tg_user.id, link.language, services.now())
        services.update_cached(tg_user.id, language=link.language)
    await services.db.run(stats.bump, _counter(link), durable=False)
    # The Turn once the link's language is the user's: what the link opens speaks it.
    turn = await turn_of(update, ctx)
    lang = turn.lang
    callback = _callback(link)
    if callback is None or (known is None and callback == Nav(MAIN_PAGE)):
        # Plain /start: one message, the greeting over the main menu (inline mode's "open the
        # bot" button links to the main page, so a new user meets the bot as usual).
        await turn.show(start_screen(content, lang, tg_user.first_name), new=True)
        return
    if known is None:
        await turn.show(Screen(greeting(content, lang, tg_user.first_name)), new=True)
    if not await enter(turn, callback):
        await turn.show(start_screen(content, lang, tg_user.first_name), new=True)


async def _language(services: Services, update: Update) -> str:
    """The user's language for inline results, without recording them: someone typing @bot in
    another chat may never have opened the bot, and then we keep nothing about them."""
    tg_user = update.effective_user
    content = services.content
    if tg_user is None:
        return content.default_language
    known = await services.db.read(users.get, tg_user.id)
    if known is not None and known.language in content.languages:
        return known.language
    return content.language(tg_user.language_code)


async def on_inline_query(update: Update, ctx: BotContext) -> None:
    query = update.inline_query
    assert query is not None
    services = ctx.services
    content = services.content
    lang = await _language(services, update)
    text = query.query
    hits = list(page_search(content).search(text, lang).pages) if len(text) <= sharing.MAX_QUERY else []
    answer = sharing.answer(content, text, lang, ctx.bot.username, hits)
    await query.answer(
        answer.results,
        cache_time=answer.cache_time,
        is_personal=answer.is_personal,
        button=answer.button,
    )


async def on_chosen_result(update: Update, ctx: BotContext) -> None:
    """A page was shared (Telegram says so only with @BotFather /setinlinefeedback on)."""
    chosen = update.chosen_inline_result
    assert chosen is not None
    page = sharing.result_page(chosen.result_id, ctx.services.content)
    if page is not None:
        await ctx.services.db.run(stats.bump, Family.SHARE.of(page), durable=False)
