"""Inline mode's answer: the message a shared page becomes, and the results for ``@bot <query>``.

A Share button (bot/ui/keyboards.py ShareButton, ``switch_inline_query_chosen_chat``) lets the
user pick a chat and puts ``@bot <page title>`` in its input field; Telegram then sends the bot
that inline query, and the answer offers the page first. Choosing it posts the page's text
"via @bot" with a button that opens the bot at that page (a deep link, bot/services/deeplinks.py).
Nothing here sends anything: the feature's handlers do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
)
from telegram.constants import ParseMode

from bot.services import deeplinks
from bot.services.deeplinks import OpenPage, StartLink
from bot.ui.keyboards import share_query
from content.limits import MAX_INLINE_RESULTS, MAX_MESSAGE
from content.model import MAIN_PAGE, Content, fold
from content.telegram_html import parse_html, utf16_len

# Telegram: at most 50 results an answer. We never have more than a page each, and in-bot
# search returns at most 8; the cap only guards a much larger content tree.
MAX_RESULTS: Final = MAX_INLINE_RESULTS
# Results depend on the user's language, so they are personal; five minutes (Telegram's default,
# stated) keeps typing fast, and content changes only on /reload.
CACHE_SECONDS: Final = 300
# Longer queries are not searched (the in-bot search's own limit); Telegram allows 256.
MAX_QUERY: Final = 200
EXCERPT: Final = 110  # characters of a page shown under its title in the results list


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    results: tuple[InlineQueryResultArticle, ...]
    button: InlineQueryResultsButton
    cache_time: int = CACHE_SECONDS
    is_personal: bool = True


def shareable(content: Content) -> list[str]:
    """Pages worth sending on their own: all but the main menu, in content order."""
    return [p for p in content.pages if p != MAIN_PAGE]


def shared_page_text(content: Content, page_id: str, lang: str) -> str:
    """The page as it appears in someone else's chat: its text and the bot's disclaimer.

    A page near Telegram's 4096 characters (check-content allows it) goes without the
    disclaimer rather than not at all; its button opens the bot, where the disclaimer is shown.
    """
    page = content.page_html(page_id, lang)
    return content.derived(("shared_page", page_id, lang), lambda: _with_disclaimer(content, page, lang))


def _with_disclaimer(content: Content, page: str, lang: str) -> str:
    text = f"{page}\n\n{content.text(lang, 'start.disclaimer')}"
    return text if utf16_len(parse_html(text)) <= MAX_MESSAGE else page


def excerpt(content: Content, page_id: str, lang: str, limit: int = EXCERPT) -> str:
    """The start of the page's body as plain text, cut at a word, for the results list."""
    text = " ".join(parse_html(content.pages[page_id].text[lang].body).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


def _article(content: Content, page_id: str, lang: str, username: str) -> InlineQueryResultArticle:
    page = content.pages[page_id].text[lang]
    open_link = deeplinks.url(username, StartLink(OpenPage(page_id)))  # the reader's own language
    return InlineQueryResultArticle(
        id=f"{page_id}.{lang}",
        title=page.title,
        description=excerpt(content, page_id, lang),
        input_message_content=InputTextMessageContent(
            shared_page_text(content, page_id, lang), parse_mode=ParseMode.HTML
        ),
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(content.text(lang, "sharing.open_in_bot"), url=open_link)]]
        ),
    )


def answer(content: Content, query: str, lang: str, username: str, hits: Sequence[str]) -> InlineAnswer:
    """The answer to ``@bot <query>``: ``hits`` are the in-bot search's pages for it.

    An empty query lists every page; a page's exact title (what its Share button types) comes
    first; an over-long query or no match gets no results and a button that opens the bot.
    """
    text = query.strip()
    if len(text) > MAX_QUERY:
        return InlineAnswer((), _open_button(content.text(lang, "sharing.inline_too_long")))
    if not text:
        pages = shareable(content)
    else:
        wanted = fold(text)
        exact = [p for p in shareable(content) if fold(share_query(content, p, lang)) == wanted]
        pages = exact + [p for p in hits if p not in exact and p != MAIN_PAGE]
    if not pages:
        return InlineAnswer((), _open_button(content.text(lang, "sharing.inline_none")))
    results = tuple(_article(content, p, lang, username) for p in pages[:MAX_RESULTS])
    return InlineAnswer(results, _open_button(content.text(lang, "sharing.inline_open")))


def _open_button(text: str) -> InlineQueryResultsButton:
    # Opens the private chat with /start main: the greeting and the main menu.
    return InlineQueryResultsButton(text, start_parameter=StartLink(OpenPage(MAIN_PAGE)).parameter())


def result_page(result_id: str, content: Content) -> str | None:
    """The page a chosen result's id names (``cramps.it``), if it still exists."""
    page_id = result_id.partition(".")[0]
    return page_id if page_id in content.pages else None
