"""The diary's screens: pure functions of (content, lang, data) -> Screen or text."""

from __future__ import annotations

from bot.features.diary import callbacks as cb
from bot.ui.callbacks import DoctorReport, OpenDiary, PickKind, StartLog
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
        button(("● " if c == when else "") + words.label("when", c), cb.LogWhen(draft, c))
        for c in fields["when"].choices
    ]
    durations = [button(words.label("duration", c), cb.LogDuration(draft, when, c)) for c in fields["duration"].choices]
    cancel = [[button(words.buttons["cancel"], cb.LogCancel(draft))]]
    return Screen(prefix + text, markup([when_row], rows(durations, fields["duration"].columns), cancel))


def severity_screen(content: Content, lang: str, draft: str, when: str, duration: str) -> Screen:
    words = words_of(content, lang)
    so_far = f"{words.label('when', when)} · {words.label('duration', duration)}"  # labels, not a sentence
    text = f"{words.message('title')}\n<i>{so_far}</i>\n\n{words.fields['severity'].question}"
    severities = [
        button(words.label("severity", c), cb.LogSeverity(draft, when, duration, c))
        for c in content.diary.fields["severity"].choices
    ]
    return Screen(text, markup([severities], [[button(words.buttons["cancel"], cb.LogCancel(draft))]]))


def _saved_text(words: DiaryText, entry: diary.Entry) -> str:
    text = words.message(
        "saved",
        when=words.label("when", entry.when),
        duration=words.label("duration", entry.duration),
        severity=words.label("severity", entry.severity),
    )
    details = [words.label(f, v) for f, v in (("location", entry.location), ("context", entry.context)) if v]
    if details:
        text += "\n" + words.message("detail_saved", detail=" · ".join(details))
    return text


def saved_screen(content: Content, lang: str, entry: diary.Entry) -> Screen:
    words = words_of(content, lang)
    text = _saved_text(words, entry)
    optional = []
    if entry.location is None:
        optional.append(button(words.buttons["where"], cb.AskWhere(entry.token)))
    if entry.context is None:
        optional.append(button(words.buttons["what"], cb.AskWhat(entry.token)))
    if optional:
        text += "\n\n" + words.message("saved_details")
    keyboard = [
        optional,
        [button(words.buttons["undo"], cb.UndoEntry(entry.token))],
        [button(words.buttons["diary"], OpenDiary()), main_menu_button(content, lang)],
    ]
    return Screen(text, markup(keyboard))


def detail_screen(content: Content, lang: str, entry: diary.Entry, field: str) -> Screen:
    words = words_of(content, lang)
    cfg = content.diary.fields[field]
    if field == "location":
        choices = [button(words.label(field, c), cb.SetWhere(entry.token, c)) for c in cfg.choices]
    else:
        choices = [button(words.label(field, c), cb.SetWhat(entry.token, c)) for c in cfg.choices]
    text = _saved_text(words, entry) + "\n\n" + words.fields[field].question
    return Screen(
        text, markup(rows(choices, cfg.columns), [[button(words.buttons["done"], cb.ShowEntry(entry.token))]])
    )


def fill_in(template: str, **values: object) -> str:
    return template.format_map(FormatDict({k: str(v) for k, v in values.items()}))


def diary_keyboard(content: Content, lang: str, total: int) -> list[list[Button]]:
    words = words_of(content, lang)
    first_row = [button(words.buttons["log"], StartLog())]
    if total:
        first_row.append(button(words.buttons["export"], cb.ExportDiary()))
    report = []
    if total:  # the report for the doctor, as a PDF or as text (bot/features/diary/report_flow.py)
        report = [
            button(content.text(lang, "report.pdf"), DoctorReport("pdf")),
            button(content.text(lang, "report.text"), DoctorReport("text")),
        ]
    return [
        first_row,
        report,
        [button(words.buttons["daily_prompt"], PickKind("diary"))],
        [main_menu_button(content, lang)],
    ]
