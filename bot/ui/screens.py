"""Screens and filters every feature shares: the main menu, escaping."""

from __future__ import annotations

import html

from telegram.ext import filters

from bot.ui.keyboards import Screen, main_menu_button, markup, page_screen
from content.model import MAIN_PAGE, Content

PRIVATE = filters.ChatType.PRIVATE
# New text in a private chat; edits of old messages are not questions to answer again.
NEW_TEXT = PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND


def escape(text: str | None) -> str:
    """User-supplied text (names, queries) goes into HTML messages only through here."""
    return html.escape(text or "", quote=False)


def main_screen(content: Content, lang: str, prefix: str = "") -> Screen:
    screen = page_screen(content, MAIN_PAGE, lang)
    return Screen(prefix + screen.text, screen.markup)


def greeting(content: Content, lang: str, first_name: str | None) -> str:
    """Hello and the disclaimer: what a new user reads first, whichever way they came in."""
    hello = content.text(lang, "start.greeting", first_name=escape(first_name))
    return f"{hello}\n\n{content.text(lang, 'start.disclaimer')}"


def start_screen(content: Content, lang: str, first_name: str | None) -> Screen:
    """/start: hello, the main menu, the disclaimer."""
    screen = main_screen(content, lang)
    hello = content.text(lang, "start.greeting", first_name=escape(first_name))
    return Screen(f"{hello}\n\n{screen.text}\n\n{content.text(lang, 'start.disclaimer')}", screen.markup)


def text_screen(content: Content, lang: str, text: str) -> Screen:
    return Screen(text, markup([[main_menu_button(content, lang)]]))
