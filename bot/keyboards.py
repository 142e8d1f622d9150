"""Content -> what the user sees: message text plus inline keyboard, nothing sent from here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Act, Callback, Nav, Vote
from content.model import MAIN_PAGE, Content


class CallbackButton(InlineKeyboardButton):
    """The only kind of button the bot makes: a label and callback_data, nothing else."""

    __slots__ = ()

    def __init__(self, label: str, callback_data: str) -> None:
        super().__init__(label, callback_data=callback_data)

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "callback_data": self.callback_data}


class Keyboard(InlineKeyboardMarkup):
    """An inline keyboard that turns itself into JSON-ready form once, and cheaply.

    python-telegram-bot calls to_dict() on the markup for every request, walking every
    attribute of every button: about a sixth of a menu tap or a checklist step (bench/taps.py).
    A page's keyboard is built once per content version and sent thousands of times, so the
    dict is kept; a checklist question's keyboard is new each step, so it is built directly
    from CallbackButtons, whose JSON is known. The object is immutable, so the dict cannot go
    stale; PTB only serialises it, never changes it.
    """

    __slots__ = ("_as_dict",)
    _as_dict: dict[str, Any]

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        if not recursive:
            return super().to_dict(recursive=False)
        try:
            return self._as_dict
        except AttributeError:
            pass
        as_dict = {
            "inline_keyboard": [
                [b.as_json() if isinstance(b, CallbackButton) else b.to_dict() for b in row]
                for row in self.inline_keyboard
            ]
        }
        with self._unfrozen():
            self._as_dict = as_dict
        return as_dict


@dataclass(frozen=True, slots=True)
class Screen:
    """One message as the user sees it. Edited in place when answering a button."""

    text: str
    markup: InlineKeyboardMarkup | None = None


def button(label: str, callback: Callback) -> InlineKeyboardButton:
    return CallbackButton(label, callback.encode())


def rows(buttons: Sequence[InlineKeyboardButton], columns: int = 1) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + columns]) for i in range(0, len(buttons), columns)]


def markup(*groups: Iterable[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return Keyboard([list(r) for group in groups for r in group if r])


def target_button(content: Content, target: str, lang: str) -> InlineKeyboardButton:
    callback: Callback = Act(target[1:]) if target.startswith("@") else Nav(target)
    return button(content.button_label(target, lang), callback)


def main_menu_button(content: Content, lang: str) -> InlineKeyboardButton:
    return button(content.text(lang, "btn.main_menu"), Nav(MAIN_PAGE))


def footer(content: Content, lang: str, back_to: str | None = MAIN_PAGE) -> list[list[InlineKeyboardButton]]:
    """Back (when it goes somewhere other than the main menu) and Main menu."""
    row = []
    if back_to and back_to != MAIN_PAGE:
        row.append(button(content.text(lang, "btn.back"), Nav(back_to)))
    row.append(main_menu_button(content, lang))
    return [row]


def page_screen(content: Content, page_id: str, lang: str, *, feedback: bool = True) -> Screen:
    # A page's screen depends only on the content, so it is built once per Content (a menu tap
    # spent a fifth of its time rebuilding the same keyboard: bench/taps.py). Screens are immutable.
    key = ("page_screen", page_id, lang, feedback)
    screen = content.memo.get(key)
    if screen is None:
        screen = content.memo[key] = _build_page_screen(content, page_id, lang, feedback=feedback)
    assert isinstance(screen, Screen)
    return screen


def _build_page_screen(content: Content, page_id: str, lang: str, *, feedback: bool) -> Screen:
    page = content.pages[page_id]
    text = content.page_html(page_id, lang)
    kids = [target_button(content, t, lang) for t in page.children]
    links = [target_button(content, t, lang) for t in page.links]
    keyboard = rows(kids, page.columns) + rows(links)
    if page_id != MAIN_PAGE:
        prev_id, next_id = content.siblings(page_id)
        nav = []
        if prev_id:
            nav.append(button(content.text(lang, "btn.prev"), Nav(prev_id)))
        if next_id:
            nav.append(button(content.text(lang, "btn.next"), Nav(next_id)))
        # Answer pages (no sub-pages) ask whether they helped: counts only, never who.
        if feedback and not page.children:
            text += "\n\n" + content.text(lang, "feedback.question")
            keyboard.append(
                [
                    button(content.text(lang, "btn.helpful_yes"), Vote(page_id, "y")),
                    button(content.text(lang, "btn.helpful_no"), Vote(page_id, "n")),
                ]
            )
        keyboard.append(nav)
        keyboard += footer(content, lang, page.parent)
    return Screen(text, markup(keyboard))
