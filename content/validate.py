"""Cross-checks on the built content: translations, Telegram's limits, formatting."""

from __future__ import annotations

from content.builder import Builder, page_mark, string_mark
from content.limits import MAX_BUTTON, MAX_DESCRIPTION, MAX_MESSAGE, MAX_SHORT_DESCRIPTION
from content.model import ACTIONS, REQUIRED_STRINGS, Content, placeholders
from content.problems import Problem
from content.telegram_html import TelegramHtmlError, parse_html, utf16_len

# Button labels and command descriptions are plain text, not HTML.
PLAIN_PREFIXES = (
    "btn.",
    "actions.",
    "commands.",
    "reminders.kind.",
    "reminders.delay.",
    "reminders.snooze.",
    "reminders.sooner.",
    "report.",
    "demo.",
    "profile.",
    "sharing.",
)
# Plain texts with a length limit of their own (Telegram's, or a button's that must be read whole).
TEXT_LIMITS = {
    "profile.description": MAX_DESCRIPTION,
    "profile.short_description": MAX_SHORT_DESCRIPTION,
}


def validate(content: Content, b: Builder) -> list[Problem]:
    problems: list[Problem] = []

    def at(lang: str, key: str, message: str) -> None:
        mark = string_mark(b, lang, key)
        if mark:
            where, k = mark
            problems.append(Problem(where.file, where.line_of(k), message))
        else:
            problems.append(Problem(f"{lang}/strings.yaml", None, message))

    default = content.default_language
    base = content.strings[default]
    for key in sorted(REQUIRED_STRINGS - base.keys()):
        problems.append(Problem(f"{default}/strings.yaml", None, f"missing string {key!r}"))
    # Keys the bot builds from content ids (f"reminders.kind.{kind}", …): a new id needs its label.
    reminders = content.reminders
    derived = [f"actions.{action}" for action in sorted(ACTIONS)]
    derived += [f"language.name.{lang}" for lang in content.languages]
    derived += [f"reminders.kind.{k}" for k in reminders.daily_kinds]
    derived += [f"reminders.daily_text.{k}" for k in reminders.daily_kinds]
    derived += [f"reminders.delay.{d.id}" for d in reminders.followup_delays]
    derived += [f"reminders.snooze.{s.id}" for s in reminders.snoozes]
    derived += [f"reminders.sooner.{s.id}" for s in reminders.snoozes]
    for key in derived:
        if key not in base:
            problems.append(Problem(f"{default}/strings.yaml", None, f"missing string {key!r}"))

    for lang in content.languages:
        strings = content.strings[lang]
        if lang != default:
            for key in sorted(base.keys() - strings.keys()):
                problems.append(Problem(f"{lang}/strings.yaml", None, f"missing translation of {key!r}"))
            for key in sorted(strings.keys() - base.keys()):
                at(lang, key, f"string {key!r} is not in {default}/strings.yaml")
        for key, text in strings.items():
            if lang != default and key in base and placeholders(text) != placeholders(base[key]):
                at(
                    lang,
                    key,
                    f"{key!r} has placeholders {sorted(placeholders(text))}, "
                    f"{default} has {sorted(placeholders(base[key]))}",
                )
            if key in TEXT_LIMITS and len(text.strip()) > TEXT_LIMITS[key]:
                at(lang, key, f"{key!r} is {len(text.strip())} characters (max {TEXT_LIMITS[key]})")
            if key.startswith(PLAIN_PREFIXES):
                if key.startswith(("btn.", "actions.", "sharing.")) and len(text) > MAX_BUTTON:
                    at(
                        lang,
                        key,
                        f"button label {key!r} is {len(text)} characters (max {MAX_BUTTON})",
                    )
                continue
            sample = text.format_map({p: "x" for p in placeholders(text)})
            try:
                plain = parse_html(sample)
            except TelegramHtmlError as exc:
                at(lang, key, f"{key!r}: bad Telegram HTML: {exc}")
                continue
            if utf16_len(plain) > MAX_MESSAGE:
                at(lang, key, f"{key!r} is {utf16_len(plain)} characters (max {MAX_MESSAGE})")

    for (page_id, lang), rendered in content.rendered.items():
        mark = page_mark(b, lang, page_id)
        line = mark[0].line_of(mark[1]) if mark else None
        try:
            length = utf16_len(parse_html(rendered))
        except TelegramHtmlError as exc:
            message = f"page {page_id!r}: bad HTML: {exc}"
            problems.append(Problem(f"{lang}/pages.yaml", line, message))
            continue
        if length > MAX_MESSAGE:
            problems.append(
                Problem(
                    f"{lang}/pages.yaml",
                    line,
                    f"page {page_id!r} is {length} characters (max {MAX_MESSAGE})",
                )
            )
    return problems
