"""The diary's screens: pure functions of (content, lang, data) -> Screen or text."""

from __future__ import annotations

from datetime import date

from bot.features.diary import summary as maths
from bot.features.diary.chart import ChartSpec, Series, tick_labels
from bot.ui.callbacks import (
    AskWhat,
    AskWhere,
    ExportDiary,
    LogCancel,
    LogDuration,
    LogSeverity,
    LogWhen,
    OpenDiary,
    PickKind,
    SetWhat,
    SetWhere,
    ShowEntry,
    StartLog,
    UndoEntry,
)
from bot.ui.dates import calendar_day
from bot.ui.keyboards import Button, Screen, button, main_menu_button, markup, rows
from content.model import Content, DiaryText, FormatDict
from storage import diary

# --- screens ---------------------------------------------------------------------------------


def words_of(content: Content, lang: str) -> DiaryText:
    return content.diary.words(lang)


def first_screen(content: Content, lang: str, draft: str, when: str, prefix: str = "") -> Screen:
    """When (preselected 'now') and how long, on one screen: a tap on a duration is step 2."""
    words = words_of(content, lang)
    fields = content.diary.fields
    text = "\n\n".join([words.message("title"), words.fields["when"].question, words.fields["duration"].question])
    when_row = [
        button(("● " if c == when else "") + words.label("when", c), LogWhen(draft, c)) for c in fields["when"].choices
    ]
    durations = [button(words.label("duration", c), LogDuration(draft, when, c)) for c in fields["duration"].choices]
    cancel = [[button(words.buttons["cancel"], LogCancel(draft))]]
    return Screen(prefix + text, markup([when_row], rows(durations, fields["duration"].columns), cancel))


def severity_screen(content: Content, lang: str, draft: str, when: str, duration: str) -> Screen:
    words = words_of(content, lang)
    so_far = f"{words.label('when', when)}, {words.label('duration', duration)}"
    text = f"{words.message('title')}\n<i>{so_far}</i>\n\n{words.fields['severity'].question}"
    severities = [
        button(words.label("severity", c), LogSeverity(draft, when, duration, c))
        for c in content.diary.fields["severity"].choices
    ]
    return Screen(text, markup([severities], [[button(words.buttons["cancel"], LogCancel(draft))]]))


def _saved_text(words: DiaryText, entry: diary.Entry) -> str:
    text = words.message(
        "saved",
        when=words.label("when", entry.when),
        duration=words.label("duration", entry.duration),
        severity=words.label("severity", entry.severity),
    )
    details = [words.label(f, v) for f, v in (("location", entry.location), ("context", entry.context)) if v]
    if details:
        text += "\n" + words.message("detail_saved", detail=", ".join(details))
    return text


def saved_screen(content: Content, lang: str, entry: diary.Entry) -> Screen:
    words = words_of(content, lang)
    text = _saved_text(words, entry)
    optional = []
    if entry.location is None:
        optional.append(button(words.buttons["where"], AskWhere(entry.token)))
    if entry.context is None:
        optional.append(button(words.buttons["what"], AskWhat(entry.token)))
    if optional:
        text += "\n\n" + words.message("saved_details")
    keyboard = [
        optional,
        [button(words.buttons["undo"], UndoEntry(entry.token))],
        [button(words.buttons["diary"], OpenDiary()), main_menu_button(content, lang)],
    ]
    return Screen(text, markup(keyboard))


def detail_screen(content: Content, lang: str, entry: diary.Entry, field: str) -> Screen:
    words = words_of(content, lang)
    cfg = content.diary.fields[field]
    if field == "location":
        choices = [button(words.label(field, c), SetWhere(entry.token, c)) for c in cfg.choices]
    else:
        choices = [button(words.label(field, c), SetWhat(entry.token, c)) for c in cfg.choices]
    text = _saved_text(words, entry) + "\n\n" + words.fields[field].question
    return Screen(text, markup(rows(choices, cfg.columns), [[button(words.buttons["done"], ShowEntry(entry.token))]]))


def _month_day(words: DiaryText, d: date) -> str:
    months = words.chart["months"].split()
    return f"{d.day} {months[d.month - 1]}"


def fill_in(template: str, **values: object) -> str:
    return template.format_map(FormatDict({k: str(v) for k, v in values.items()}))


def chart_spec(content: Content, lang: str, s: maths.Summary) -> ChartSpec:
    words = words_of(content, lang)
    days = content.diary.summary_days
    severities = content.diary.fields["severity"].choices
    series = tuple(
        Series(
            fill_in(words.chart["legend"], label=words.label("severity", sev), count=sum(s.per_day[i])),
            content.diary.colours[sev],
            s.per_day[i],
        )
        for i, sev in enumerate(severities)
    )
    return ChartSpec(
        title=fill_in(words.chart["title"], days=days, count=s.count),
        y_label=words.chart["y_label"],
        x_labels=tick_labels([_month_day(words, d) for d in s.window.days]),
        series=series,
        empty_text=fill_in(words.chart["empty"], days=days),
    )


def summary_text(content: Content, lang: str, s: maths.Summary, total: int, first: date | None) -> str:
    words = words_of(content, lang)
    days = content.diary.summary_days
    parts = [words.message("summary_title", days=days)]
    if s.count == 0:
        parts.append(words.message("empty", days=days))
    else:
        # A diary younger than the window is averaged over its own days (at least a week), not
        # over 30 days it did not exist for (QA: "0.5 a week" for 2 spasms in a 2-day-old diary).
        age = (s.window.last - first).days + 1 if first is not None else days
        per_week = f"{s.count * 7 / min(days, max(7, age)):.1f}".rstrip("0").rstrip(".")
        if lang != "en":
            per_week = per_week.replace(".", ",")
        parts.append(words.message("summary", count=s.count, per_week=per_week, long=s.long, severe=s.severe))
        if s.busiest is not None and s.busiest[1] > 1:
            busiest = calendar_day(content, lang, s.busiest[0], year=False)
            parts.append(words.message("busiest", count=s.busiest[1], day=busiest))
    if first is not None and first > s.window.previous_last:
        parts.append(words.message("trend_young", days=days))  # no "none in the 30 days before"
    else:
        parts.append(words.message(f"trend_{s.trend}", days=days, previous=s.previous))
    if first is not None:
        parts.append(words.message("since", day=calendar_day(content, lang, first), total=total))
    parts.append(words.safety)
    return "\n\n".join(parts)


def diary_keyboard(content: Content, lang: str, total: int) -> list[list[Button]]:
    words = words_of(content, lang)
    first_row = [button(words.buttons["log"], StartLog())]
    if total:
        first_row.append(button(words.buttons["export"], ExportDiary()))
    return [
        first_row,
        [button(words.buttons["daily_prompt"], PickKind("diary"))],
        [main_menu_button(content, lang)],
    ]
