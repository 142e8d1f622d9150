"""/start, /menu, /about, the pages and Back, the language, "Was this helpful?", and what
nobody else takes (unknown commands, stickers, commands in groups)."""

from __future__ import annotations

from bot.core.turn import Turn
from bot.features.menu.callbacks import SetLang
from bot.features.menu.screens import help_screen, language_screen
from bot.features.menu.state import FeedbackAsked
from bot.services.review_status import review_line
from bot.ui.callbacks import (
    BackToResults,
    Callback,
    Nav,
    NavFrom,
    NavResult,
    OpenHelp,
    OpenLanguage,
    Vote,
    VoteFrom,
    VoteResult,
)
from bot.ui.keyboards import can_share, page_screen
from bot.ui.screens import main_screen, start_screen, text_screen
from storage import stats, users


async def start(turn: Turn) -> None:
    services = turn.services
    tg_user = turn.user
    assert tg_user is not None and turn.chat is not None
    # /start always writes: it reactivates a user who had blocked the bot.
    await services.cached_user(tg_user.id, force=True)
    await turn.show(start_screen(turn.content, turn.lang, tg_user.first_name), new=True)


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


async def _show_page(turn: Turn, page: str, back: Callback | None = None) -> str | None:
    content = turn.content
    if page not in content.pages:
        return await turn.stale()
    feedback = turn.user is None or turn.services.state(FeedbackAsked).first_time(turn.user_id, page)
    await turn.show(page_screen(content, page, turn.lang, feedback=feedback, share=can_share(turn.ctx), back=back))
    return None


async def on_nav(turn: Turn, cb: Nav) -> str | None:
    return await _show_page(turn, cb.page)


async def on_nav_from(turn: Turn, cb: NavFrom) -> str | None:
    """A cross-reference ("see Causes"): Back returns to the page it was on."""
    back = Nav(cb.origin) if cb.origin in turn.content.pages else None
    return await _show_page(turn, cb.page, back)


async def on_nav_result(turn: Turn, cb: NavResult) -> str | None:
    """A search result: Back returns to the results (the free-text feature shows them again)."""
    return await _show_page(turn, cb.page, BackToResults())


async def on_set_lang(turn: Turn, cb: SetLang) -> str | None:
    services = turn.services
    content = turn.content
    if cb.lang not in content.languages or turn.user is None:
        return await turn.stale()
    user_id = turn.user_id
    await services.db.run(users.set_language, user_id, cb.lang, services.now())
    services.update_cached(user_id, language=cb.lang)
    name = content.text(cb.lang, f"language.name.{cb.lang}")
    await turn.show(
        main_screen(content, cb.lang, content.text(cb.lang, "language.changed", language=name) + "\n\n"),
    )
    return None


async def on_vote(turn: Turn, cb: Vote) -> str | None:
    return await _vote(turn, cb.page, cb.helpful, None)


async def on_vote_from(turn: Turn, cb: VoteFrom) -> str | None:
    return await _vote(turn, cb.page, cb.helpful, Nav(cb.origin) if cb.origin in turn.content.pages else None)


async def on_vote_result(turn: Turn, cb: VoteResult) -> str | None:
    return await _vote(turn, cb.page, cb.helpful, BackToResults())


async def _vote(turn: Turn, page: str, helpful: bool, back: Callback | None) -> str | None:
    services = turn.services
    content = turn.content
    if page not in content.pages:
        return await turn.stale()
    lang = turn.lang
    await services.db.run(stats.vote, page, lang, helpful, durable=False)
    # The page again without the question, so one tap counts once; its Back where it was.
    await turn.show(page_screen(content, page, lang, feedback=False, share=can_share(turn.ctx), back=back))
    return content.text(lang, "feedback.thanks")


async def on_language_button(turn: Turn, _: OpenLanguage) -> str | None:
    await turn.show(language_screen(turn.content, turn.lang))
    return None


async def on_help_button(turn: Turn, _: OpenHelp) -> str | None:
    await turn.show(help_screen(turn.content, turn.lang))
    return None
