"""Content -> what the user sees: message text plus inline keyboard, nothing sent from here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, TelegramObject

from bot.infra.services import BotContext
from bot.ui.callbacks import ACTION_CALLBACKS, BackToResults, Callback, Nav, NavFrom, Vote, VoteFrom, VoteResult
from content.model import MAIN_PAGE, Content


class Button(NamedTuple):
    """A button that comes back to the bot: a label and callback_data."""

    text: str
    callback_data: str


class ShareButton(NamedTuple):
    """A Share button: the user picks a person or a group, and `@bot <query>` is typed there
    (switch_inline_query_chosen_chat; the sharing feature answers the inline query)."""

    text: str
    query: str

    def as_dict(self) -> dict[str, Any]:
        chats = {"query": self.query, "allow_user_chats": True, "allow_group_chats": True}
        return {"text": self.text, "switch_inline_query_chosen_chat": chats}


AnyButton = Button | ShareButton


class Keyboard(InlineKeyboardMarkup):
    """An inline keyboard of Buttons, held in the JSON-ready form Telegram receives.

    Making python-telegram-bot's button objects costs about 5 us each and its to_dict() walks
    every attribute of every one again for every request: together most of the cost of building
    a checklist question, whose keyboard is new at every step (bench/taps.py). PTB only ever
    calls to_dict() on a markup it sends, so this keeps the dict and makes PTB's buttons only if
    something reads `inline_keyboard`. InlineKeyboardMarkup.__init__ is skipped because it would
    make them; tests/test_menu.py checks both forms against a plain PTB keyboard. Immutable: the
    dict cannot go stale.
    """

    __slots__ = ("_as_dict", "_buttons", "_rows")

    def __init__(self, rows: Sequence[Sequence[AnyButton]]) -> None:
        TelegramObject.__init__(self)
        self._rows = tuple(tuple(row) for row in rows if row)
        self._id_attrs = (self._rows,)
        self._as_dict = {
            "inline_keyboard": [
                [
                    b.as_dict() if isinstance(b, ShareButton) else {"text": b.text, "callback_data": b.callback_data}
                    for b in row
                ]
                for row in self._rows
            ]
        }
        self._buttons: tuple[tuple[InlineKeyboardButton, ...], ...] | None = None
        self._freeze()

    # Read-only, as it is in effect on any frozen PTB object.
    @property
    def inline_keyboard(self) -> tuple[tuple[InlineKeyboardButton, ...], ...]:  # type: ignore[override]
        if self._buttons is None:
            self._buttons = tuple(
                tuple(InlineKeyboardButton.de_json(b, None) for b in row) for row in self.to_dict()["inline_keyboard"]
            )
        return self._buttons

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        if not recursive:
            return super().to_dict(recursive=False)
        return self._as_dict


@dataclass(frozen=True, slots=True)
class Screen:
    """One message as the user sees it. Edited in place when answering a button."""

    text: str
    markup: InlineKeyboardMarkup | None = None


def button(label: str, callback: Callback) -> Button:
    return Button(label, callback.encode())


def rows(buttons: Sequence[AnyButton], columns: int = 1) -> list[list[AnyButton]]:
    return [list(buttons[i : i + columns]) for i in range(0, len(buttons), columns)]


def markup(*groups: Iterable[Sequence[AnyButton]]) -> Keyboard:
    return Keyboard([r for group in groups for r in group if r])


def target_button(content: Content, target: str, lang: str) -> Button:
    callback: Callback = ACTION_CALLBACKS[target[1:]] if target.startswith("@") else Nav(target)
    return button(content.button_label(target, lang), callback)


def main_menu_button(content: Content, lang: str) -> Button:
    return button(content.text(lang, "btn.main_menu"), Nav(MAIN_PAGE))


def _vote(page_id: str, helpful: bool, back: Callback | None) -> Callback:
    """A vote that keeps the page's Back: the page shown after it returns where this one did."""
    match back:
        case Nav(origin):
            return VoteFrom(page_id, helpful, origin)
        case BackToResults():
            return VoteResult(page_id, helpful)
    return Vote(page_id, helpful)


def footer(content: Content, lang: str, back_to: str | None = MAIN_PAGE) -> list[list[AnyButton]]:
    """Back (when it goes somewhere other than the main menu) and Main menu."""
    row: list[AnyButton] = []
    if back_to and back_to != MAIN_PAGE:
        row.append(button(content.text(lang, "btn.back"), Nav(back_to)))
    row.append(main_menu_button(content, lang))
    return [row]


def page_screen(
    content: Content,
    page_id: str,
    lang: str,
    *,
    feedback: bool = True,
    share: bool = False,
    back: Callback | None = None,
) -> Screen:
    """A content page with its buttons. `share`: a Share button (only where the bot has inline
    mode: Telegram would open inline mode in the chosen chat and nobody would answer). `back`:
    where Back goes when the user came from elsewhere than the page's parent (a cross-reference:
    NavFrom's origin; search results: BackToResults)."""
    # A page's screen depends only on the content, so it is built once per Content (a menu tap
    # spent a fifth of its time rebuilding the same keyboard: bench/taps.py). Screens are immutable.
    return content.derived(
        ("page_screen", page_id, lang, feedback, share, back),
        lambda: _build_page_screen(content, page_id, lang, feedback=feedback, share=share, back=back),
    )


def _build_page_screen(
    content: Content, page_id: str, lang: str, *, feedback: bool, share: bool, back: Callback | None
) -> Screen:
    page = content.pages[page_id]
    text = content.page_html(page_id, lang)
    kids = [target_button(content, t, lang) for t in page.children]
    links = [target_button(content, t, lang) for t in page.links]
    # Cross-references in the text ("see Causes") as buttons; their Back comes back here.
    see = [
        button(content.button_label(t, lang), NavFrom(t, page_id))
        for t in content.freetext.see.get(page_id, ())
        if t not in page.buttons
    ]
    keyboard = rows(kids, page.columns) + rows(links) + rows(see)
    if page_id != MAIN_PAGE:
        prev_id, next_id = content.siblings(page_id)
        nav: list[AnyButton] = []
        if prev_id:
            nav.append(button(content.text(lang, "btn.prev"), Nav(prev_id)))
        if next_id:
            nav.append(button(content.text(lang, "btn.next"), Nav(next_id)))
        # Answer pages (no sub-pages) ask whether they helped: counts only, never who.
        if feedback and not page.children:
            text += "\n\n" + content.text(lang, "feedback.question")
            keyboard.append(
                [
                    button(content.text(lang, "btn.helpful_yes"), _vote(page_id, True, back)),
                    button(content.text(lang, "btn.helpful_no"), _vote(page_id, False, back)),
                ]
            )
        keyboard.append(nav)
        if share:
            keyboard.append([ShareButton(content.text(lang, "sharing.button"), share_query(content, page_id, lang))])
        if back is None:
            keyboard += footer(content, lang, page.parent)
        else:
            label = content.freetext.message(lang, "btn_results") if isinstance(back, BackToResults) else None
            keyboard.append([button(label or content.text(lang, "btn.back"), back), main_menu_button(content, lang)])
    return Screen(text, markup(keyboard))


def can_share(ctx: BotContext) -> bool:
    """Whether pages get a Share button: only with inline mode on (@BotFather /setinline, seen
    in getMe at start-up); without it the button would open inline mode and nothing would answer."""
    return ctx.bot.bot.supports_inline_queries is True


def share_query(content: Content, page_id: str, lang: str) -> str:
    """What the Share button types after @bot: the page's title, which :func:`answer` puts first."""
    return content.pages[page_id].text[lang].title
