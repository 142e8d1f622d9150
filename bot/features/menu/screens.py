"""The menu's own screens (the language chooser, /help): pure functions of (content, lang)."""

from __future__ import annotations

from bot.features.menu.callbacks import SetLang
from bot.ui.keyboards import Screen, button, main_menu_button, markup, rows
from bot.ui.screens import text_screen
from content.model import Content


def language_screen(content: Content, lang: str) -> Screen:
    choices = [button(content.text(lang, f"language.name.{code}"), SetLang(code)) for code in content.languages]
    return Screen(
        content.text(lang, "language.prompt"),
        markup(rows(choices, 2), [[main_menu_button(content, lang)]]),
    )


def help_screen(content: Content, lang: str) -> Screen:
    return text_screen(content, lang, content.text(lang, "help.text"))
