"""Loading the spasm diary's content: diary.yaml (fields, choices, windows) and <lang>/diary.yaml
(words); the frozen dataclasses they become are in content/model.py.

Validated once at load like the rest of content/: every field's question, column and choice
labels in every language, the same placeholders in every language, Telegram HTML only where
Telegram shows HTML, button labels within what a phone shows whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from content.builder import Builder
from content.limits import MAX_BUTTON, MAX_MESSAGE
from content.model import Diary, DiaryField, DiaryText, FieldText, placeholders
from content.problems import Problem
from content.telegram_html import TelegramHtmlError, parse_html, utf16_len
from content.yaml_reader import Marked

CHOICE_ID = re.compile(r"[a-z0-9_]{1,12}")
# The log flow asks these three, in this order: the "three taps" of the common case.
REQUIRED_FIELDS = ("when", "duration", "severity")
OPTIONAL_FIELDS = ("location", "context")
COLUMNS = ("day", "logged_at")  # CSV columns that are not fields
BUTTONS = ("log", "diary", "export", "undo", "where", "what", "done", "cancel", "none_today", "log_one", "daily_prompt")
MESSAGES = (
    "title",
    "step",
    "saved",
    "saved_details",
    "detail_saved",
    "undone",
    "already_undone",
    "cancelled",
    "summary_title",
    "summary",
    "busiest",
    "trend_more",
    "trend_fewer",
    "trend_same",
    "trend_new",
    "trend_none",
    "trend_young",
    "empty",
    "since",
    "chart_caption",
    "chart_busy",
    "chart_failed",
    "export_caption",
    "export_empty",
    "export_busy",
    "choose_button",
    "future",
    "stale",
    "checklist_hint_recurring",
    "checklist_hint_long",
    "checkin_compare",
    "checkin_compare_none",
    "daily_none",
)
# Plain text: Telegram shows these without parsing HTML (alerts, captions of files are HTML
# here, since we send them with parse_mode; the doctor summary is forwarded as plain text).
PLAIN_MESSAGES = frozenset({"chart_busy", "export_busy", "already_undone", "stale"})
CHART = ("title", "title_young", "y_label", "legend", "empty", "months")
PRIVACY = ("kept", "mydata")


def _int(b: Builder, raw: Marked, key: str, default: int, low: int, high: int) -> int:
    value = raw.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        b.fail(raw, key, f"{key!r} must be a whole number from {low} to {high}")
        return default
    return value


def load_diary(b: Builder, languages: tuple[str, ...]) -> Diary:
    raw = b.load("diary.yaml")
    allowed = {"fields", "long_durations", "colours", "summary_days", "checklist_days"}
    b.unknown_keys(raw, allowed | {"checkin_compare_days", "reference"}, "diary.yaml")
    reference = b.safety_references(raw, "the diary's safety line", safety=True, at=(raw, None))
    fields: dict[str, DiaryField] = {}
    items = raw.get("fields")
    if not isinstance(items, list):
        b.fail(raw, "fields", "'fields' must be a list of {id, required, choices}")
        items = []
    for item in items:
        if not isinstance(item, Marked):
            b.fail(raw, "fields", "each field must be a mapping {id, required, choices}")
            continue
        b.unknown_keys(item, {"id", "required", "choices", "columns"}, "a diary field")
        fid = item.get("id")
        if fid not in REQUIRED_FIELDS + OPTIONAL_FIELDS:
            b.fail(item, "id", f"diary field {fid!r} is not one of {', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)}")
            continue
        if fid in fields:
            b.fail(item, "id", f"diary field {fid!r} is listed twice")
            continue
        required = item.get("required")
        if required is not (fid in REQUIRED_FIELDS):
            b.fail(item, "required", f"diary field {fid!r} must have required: {str(fid in REQUIRED_FIELDS).lower()}")
        choices = b.str_list(item, "choices", required=True)
        for choice in choices:
            if not CHOICE_ID.fullmatch(choice):
                b.fail(item, "choices", f"choice {choice!r} must be a-z, 0-9 or _, at most 12")
        if len(set(choices)) != len(choices):
            b.fail(item, "choices", f"diary field {fid!r} lists a choice twice")
        columns = _int(b, item, "columns", 1, 1, 4)
        fields[fid] = DiaryField(fid, fid in REQUIRED_FIELDS, choices, columns)
    order = [f for f in REQUIRED_FIELDS + OPTIONAL_FIELDS if f in fields]
    if list(fields) != order or len(order) != len(REQUIRED_FIELDS + OPTIONAL_FIELDS):
        b.fail(raw, "fields", f"diary fields must be exactly {', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)}, in order")
    durations = fields["duration"].choices if "duration" in fields else ()
    long_durations = b.str_list(raw, "long_durations", required=True)
    for d in long_durations:
        if d not in durations:
            b.fail(raw, "long_durations", f"{d!r} is not a duration choice")
    severities = fields["severity"].choices if "severity" in fields else ()
    colours_raw = b.mapping(raw, "colours")
    colours: dict[str, str] = {}
    for severity in severities:
        colour = colours_raw.get(severity)
        if not isinstance(colour, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            b.fail(colours_raw, severity, f"severity {severity!r} needs a colour #rrggbb")
            continue
        colours[severity] = colour
    text = {lang: _load_text(b, lang, fields) for lang in languages}
    _same_placeholders(b, languages, text)
    return Diary(
        fields=MappingProxyType(fields),
        long_durations=long_durations,
        colours=MappingProxyType(colours),
        summary_days=_int(b, raw, "summary_days", 30, 7, 90),
        checklist_days=_int(b, raw, "checklist_days", 14, 1, 90),
        checkin_compare_days=_int(b, raw, "checkin_compare_days", 7, 1, 30),
        reference=reference,
        text=MappingProxyType(text),
    )


def _section(b: Builder, rel: str, raw: Marked, name: str, keys: tuple[str, ...], kind: str) -> dict[str, str]:
    """A mapping of required texts; kind is 'button', 'plain', 'html' or 'mixed' (messages)."""
    m = b.mapping(raw, name)
    b.unknown_keys(m, set(keys), f"{rel} {name}")
    out: dict[str, str] = {}
    for key in keys:
        value = b.text(m, key)
        if value is None:
            continue
        out[key] = value
        _check(b, m, key, value, "plain" if kind == "mixed" and key in PLAIN_MESSAGES else kind)
    return out


def _check(b: Builder, where: Marked, key: str, value: str, kind: str) -> None:
    if kind == "button" and len(value) > MAX_BUTTON:
        b.fail(where, key, f"button label {key!r} is {len(value)} characters (max {MAX_BUTTON})")
    if kind in ("button", "plain") and re.search(r"<[a-z/]", value):
        b.fail(where, key, f"{key!r} is shown as plain text: no HTML tags")
    if kind in ("html", "mixed"):
        try:
            plain = parse_html(value.format_map({p: "x" for p in placeholders(value)}))
        except TelegramHtmlError as exc:
            b.fail(where, key, f"{key!r}: bad Telegram HTML: {exc}")
            return
        if utf16_len(plain) > MAX_MESSAGE:
            b.fail(where, key, f"{key!r} is too long for a message")


def _load_text(b: Builder, lang: str, fields: Mapping[str, DiaryField]) -> DiaryText:
    rel = f"{lang}/diary.yaml"
    raw = b.load(rel)
    b.unknown_keys(
        raw,
        {"fields", "columns", "buttons", "messages", "safety", "chart", "csv", "privacy"},
        rel,
    )
    fields_raw = b.mapping(raw, "fields")
    b.unknown_keys(fields_raw, set(fields), f"{rel} fields")
    texts: dict[str, FieldText] = {}
    for fid, field in fields.items():
        m = b.mapping(fields_raw, fid)
        b.unknown_keys(m, {"question", "column", "choices"}, f"{rel} fields.{fid}")
        question = b.text(m, "question") or ""
        _check(b, m, "question", question, "html")
        column = b.text(m, "column") or ""
        _check(b, m, "column", column, "plain")
        labels = _section(b, rel, m, "choices", field.choices, "button")
        texts[fid] = FieldText(question, column, MappingProxyType(labels))
    safety = b.mapping(raw, "safety")
    b.unknown_keys(safety, {"summary"}, f"{rel} safety")
    safety_text = b.text(safety, "summary") or ""
    _check(b, safety, "summary", safety_text, "html")
    chart = b.mapping(raw, "chart")
    if isinstance(chart.get("months"), str) and len(chart["months"].split()) != 12:
        b.fail(chart, "months", "chart.months must be the 12 month abbreviations, separated by spaces")
    csv_raw = b.mapping(raw, "csv")
    filename = b.text(csv_raw, "filename") or "diary-{date}.csv"
    if not re.fullmatch(r"[\w\-]+\{date\}[\w\-]*\.csv", filename):
        b.fail(csv_raw, "filename", "the CSV file name must be letters, digits, - and _ with {date}, ending .csv")
    return DiaryText(
        fields=MappingProxyType(texts),
        columns=MappingProxyType(_section(b, rel, raw, "columns", COLUMNS, "plain")),
        buttons=MappingProxyType(_section(b, rel, raw, "buttons", BUTTONS, "button")),
        messages=MappingProxyType(_section(b, rel, raw, "messages", MESSAGES, "mixed")),
        safety=safety_text,
        chart=MappingProxyType(_section(b, rel, raw, "chart", CHART, "plain")),
        csv_filename=filename,
        privacy=MappingProxyType(_section(b, rel, raw, "privacy", PRIVACY, "html")),
    )


def _same_placeholders(b: Builder, languages: tuple[str, ...], text: Mapping[str, DiaryText]) -> None:
    if not languages:
        return
    base_lang = languages[0]
    base = text[base_lang]
    for lang in languages[1:]:
        other = text[lang]
        for section in ("messages", "chart", "privacy"):
            mine: Mapping[str, str] = getattr(other, section)
            theirs: Mapping[str, str] = getattr(base, section)
            for key, value in mine.items():
                if key in theirs and placeholders(value) != placeholders(theirs[key]):
                    b.problems.append(
                        Problem(
                            f"{lang}/diary.yaml",
                            None,
                            f"{section}.{key} has placeholders {sorted(placeholders(value))}, "
                            f"{base_lang} has {sorted(placeholders(theirs[key]))}",
                        )
                    )
