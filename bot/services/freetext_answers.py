"""What the bot shows for free text, as screens: an emergency sign's answer, a small-talk reply,
a search's results. Pure (content, language, text) -> Screen, so any feature that holds a
conversation (the checklist, a city prompt, the diary's log) can answer text it does not own
the way the main menu would, and so the answers are tested without Telegram.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.services.emergency_phrases import Found, matcher
from bot.services.fuzzy_search import Results, page_search
from bot.services.small_talk import small_talk
from bot.ui.callbacks import Callback, Nav
from bot.ui.keyboards import AnyButton, Screen, button, main_menu_button, markup, rows, target_button
from bot.ui.screens import escape, main_screen
from content.model import Content

MAX_QUERY = 200  # longer is not a search ("search.too_long")
PageOpener = Callable[[str], Callback]  # a page id -> the callback its result button carries


def emergency_screen(content: Content, lang: str, found: Found) -> Screen:
    """The sign's answer first; the checklist where the sign needs weighing; its page; the menu."""
    sign = found.sign
    words = sign.text[lang]
    footer = content.freetext.message(lang, "emergency_footer")
    text = f"<b>{escape(words.title)}</b>\n\n{words.text.strip()}\n\n{footer}"
    buttons = []
    if sign.checklist:
        buttons.append(target_button(content, "@checklist", lang))
    if sign.page:
        buttons.append(target_button(content, sign.page, lang))
    return Screen(text, markup(rows(buttons), [[main_menu_button(content, lang)]]))


def emergency(content: Content, text: str) -> Found | None:
    return matcher(content).find(text)


def search(content: Content, lang: str, query: str) -> Results:
    return page_search(content).search(query, lang)


def over_menu(content: Content, lang: str, prefix: str, extra: Sequence[Sequence[AnyButton]] = ()) -> Screen:
    """`prefix` above the main menu; with `extra` rows (a way back to a question left), above
    them and Main menu instead, so the way back is not lost among the topics."""
    screen = main_screen(content, lang, prefix)
    if not extra:
        return screen
    return Screen(screen.text, markup([list(r) for r in extra], [[main_menu_button(content, lang)]]))


def results_screen(
    content: Content,
    lang: str,
    query: str,
    results: Results,
    *,
    open_page: PageOpener = Nav,
    before: str = "",
    extra: Sequence[Sequence[AnyButton]] = (),
) -> Screen:
    """The results as buttons, titled with the query when it is a few words (a sentence is not
    echoed back); `open_page(page)` is the callback a result opens (default: the page itself)."""
    messages = content.freetext
    shown = escape(query.strip()[:60])
    if not results.pages:
        key = "none_sentence" if results.sentence else "none_for"
        return over_menu(content, lang, before + messages.message(lang, key, query=shown) + "\n\n", extra)
    if results.sentence:
        title = messages.message(lang, "results_sentence")
    elif results.corrected:
        title = messages.message(lang, "results_corrected", corrected=escape(results.corrected), query=shown)
    else:
        title = messages.message(lang, "results_for", query=shown)
    buttons = [button(content.button_label(p, lang), open_page(p)) for p in results.pages]
    return Screen(before + title, markup(rows(buttons), extra, [[main_menu_button(content, lang)]]))


def too_long_screen(content: Content, lang: str) -> Screen:
    return main_screen(content, lang, content.text(lang, "search.too_long") + "\n\n")


def answer_screen(
    content: Content,
    lang: str,
    text: str,
    *,
    open_page: PageOpener = Nav,
    before: str = "",
    extra: Sequence[Sequence[AnyButton]] = (),
) -> tuple[Screen, Results | None]:
    """What text nobody holds gets: small talk answered as a person would, otherwise a search
    (too long a message is not one). The results come back too, for Back to results."""
    query = text.strip()
    entry = small_talk(content).find(query)
    if entry is not None:
        if entry.shows == "help":
            help_text = f"{before}{entry.reply[lang]}\n\n{content.text(lang, 'help.text')}"
            return Screen(help_text, markup(extra, [[main_menu_button(content, lang)]])), None
        return over_menu(content, lang, f"{before}{entry.reply[lang]}\n\n", extra), None
    if len(query) > MAX_QUERY:
        return too_long_screen(content, lang), None
    results = search(content, lang, query)
    return results_screen(content, lang, query, results, open_page=open_page, before=before, extra=extra), results


def looks_like_a_search(content: Content, lang: str, text: str) -> bool:
    """Small talk, or words that are the pages' own as typed (no typo guessing: a city the bot
    does not know, "Udine", would otherwise read as "urine"): not a city the user meant."""
    if small_talk(content).find(text) is not None:
        return True
    return bool(len(text) <= MAX_QUERY and page_search(content).search(text, lang, exact=True).pages)
