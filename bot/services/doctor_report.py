"""The doctor's report in the user's words: content + the user's checklist and diary -> `Report`.

What goes in, and why (issue 22, a report a patient hands to a doctor):
- the checklist's result first, with its date, then only the questions answered "Yes" or "Not
  sure", each with its own bullets on their own lines; the "No"s are one line with their count
  (the old summary was 15 "question: No" lines with the one "Yes" buried), and the "Answer No
  if..." hints meant for the patient are left out;
- the diary's figures worded exactly as /diary words them (the caller passes /diary's own
  lines), so the report never contradicts what the user sees in the bot;
- what was tried; the entries as a table (the latest ENTRY_ROWS, so it stays within two pages);
- a footer: who recorded it, when it was generated, information and not a diagnosis.
Rendering is bot/services/report.py; this module only chooses and words.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from bot.infra.services import Services
from bot.services import diary_summary
from bot.services.charts import ChartSpec
from bot.services.diary import flush, local_today
from bot.services.report import ChecklistPart, DiaryPart, Finding, ListPart, Part, Report, TablePart, Tone
from bot.ui.dates import calendar_day, day
from bot.ui.dates import words as date_words
from content.model import Content
from content.telegram_html import parse_html
from content.triage import NO, UNSURE, YES, Result
from storage import diary
from storage.diary import Entry

# Page 2 holds ~45 rows of the table under its heading; 40 leaves room for the note and a
# long "what was going on" that wraps (checked by rendering: tests/test_report.py).
ENTRY_ROWS = 40

# The result's colour, by disposition; an unknown one (new content) is drawn as the most
# urgent kind it could be: an emergency when it offers no follow-up, else "see a doctor".
TONES: Mapping[str, Tone] = MappingProxyType(
    {
        "ambulance": "emergency",
        "ae": "emergency",
        "today": "urgent",
        "appointment": "soon",
        "self_care": "self_care",
    }
)

_HINT = re.compile(r"^\s*<i>.*</i>\s*$")


def plain(text: str) -> str:
    """Telegram HTML -> one line of plain text without emoji (a PDF font has none, and a doctor
    reads a document, not a chat)."""
    visible = parse_html(text)
    kept = "".join(c for c in visible if unicodedata.category(c) != "So" and c not in "\ufe0f\u200d")
    return " ".join(kept.split())


def question_parts(html: str) -> tuple[str, tuple[str, ...]]:
    """A checklist question as (its sentence, its bullets): the bullets stay one per line, and a
    line that is all italics (the patient's "Answer No if..." hint) is left out."""
    sentence: list[str] = []
    bullets: list[str] = []
    for line in html.splitlines():
        if not line.strip() or _HINT.match(line):
            continue
        text = plain(line)
        if text.startswith("•"):
            bullets.append(text.lstrip("• ").strip())
        elif bullets:
            bullets[-1] += " " + text
        else:
            sentence.append(text)
    return " ".join(sentence), tuple(bullets)


def checklist_part(
    content: Content, lang: str, outcome: str, answers: Mapping[str, str], day_text: str, *, followup: bool
) -> ChecklistPart:
    """The result and the signs answered "Yes" or "Not sure", most urgent first (the decision
    graph's own order); the rest is one line that counts them."""
    triage = content.triage
    labels = triage.text[lang].answers
    state = triage.step(answers)
    findings: list[Finding] = []
    for reason in state.reasons if isinstance(state, Result) else ():
        signs = tuple(plain(triage.label(s, lang)) for s in reason.subjects)
        answer = labels[UNSURE if reason.unsure else YES]
        if len(signs) == 1:
            findings.append(Finding(signs[0], answer))
        else:  # one answer for a screen of grouped signs: its question, never a yes to each sign
            spec = next(s for s in triage.screens if s.id == reason.screen)
            findings.append(Finding(plain(spec.text[lang]), answer, signs))
    no = sum(1 for answer in triage.item_answers(answers).values() if answer == NO)
    tone = TONES.get(outcome) or ("soon" if followup else "emergency")
    return ChecklistPart(
        heading=content.text(lang, "report.checklist", date=day_text),
        outcome_label=content.text(lang, "report.result"),
        outcome=plain(triage.text[lang].outcomes[outcome].title),
        tone=tone,
        findings_heading=content.text(lang, "report.findings"),
        findings=tuple(findings),
        rest=content.text(lang, "report.rest", count=no) if no else "",
    )


def diary_part(content: Content, lang: str, figures_html: Sequence[str], chart_png: bytes | None) -> DiaryPart:
    """The diary's figures as /diary words them (its own lines, passed in), and the chart."""
    days = content.diary.summary_days
    lines: list[str] = []
    for block in figures_html:
        lines += [line for line in (plain(x) for x in block.splitlines()) if line]
    if not lines:
        lines = [content.text(lang, "report.diary_empty", days=days)]
    return DiaryPart(content.text(lang, "report.diary", days=days), tuple(lines), chart_png)


def short_day(content: Content, lang: str, d: date) -> str:
    """'Mon 30 Nov 2026' / 'lun 30 nov 2026': a table cell's date."""
    from babel.dates import format_skeleton

    return str(format_skeleton("yMMMEd", d, locale=date_words(content, lang).locale)).replace(",", "")


def entries_part(content: Content, lang: str, entries: Sequence[Entry], count: int) -> TablePart:
    """The window's entries, newest first; at most ENTRY_ROWS of them (`count` is how many the
    window holds, for the note)."""
    words = content.diary.words(lang)
    fields = ("duration", "severity", "location", "context")
    columns = (words.columns["day"], *(words.fields[f].column for f in fields))
    shown = entries[:ENTRY_ROWS]
    rows = tuple(
        (short_day(content, lang, e.day), *(words.label(f, v) if (v := getattr(e, f)) else "" for f in fields))
        for e in shown
    )
    more = content.text(lang, "report.entries_latest", count=count)  # "{shown}": filled in by the renderer
    return TablePart(
        content.text(lang, "report.entries", days=content.diary.summary_days), columns, rows, more, total=count
    )


def tried_part(content: Content, lang: str, tried: Sequence[str] = ()) -> ListPart:
    """What the patient tried. The diary records no treatments yet, so the printed page offers
    the source text's self-care and medicines as boxes to tick by hand."""
    boxes = tuple(line.strip() for line in content.text(lang, "report.tried_boxes").splitlines() if line.strip())
    return ListPart(content.text(lang, "report.tried"), tuple(tried), content.text(lang, "report.tried_empty"), boxes)


def build(content: Content, lang: str, today: str, parts: Sequence[Part], file_day: date) -> Report:
    """The whole report; `today` is the date in prose ('Wednesday 2 December 2026')."""
    return Report(
        title=content.text(lang, "report.title"),
        subtitle=content.text(lang, "report.subtitle", date=today),
        parts=tuple(parts),
        footer=content.text(lang, "report.footer", date=today),
        page=content.text(lang, "report.page"),
        language=lang,
        filename=content.text(lang, "report.filename", date=file_day.isoformat()),
        meta={"author": plain(content.pages["main"].text[lang].title)},
    )


@dataclass(frozen=True, slots=True)
class ChecklistFacts:
    """A finished checklist, as the report needs it."""

    outcome: str
    answers: Mapping[str, str]  # question id -> answer id
    finished_at: float
    followup: bool  # the outcome offers a follow-up (not an emergency)


async def prepare(
    services: Services, user_id: int, lang: str, timezone: str | None, checklist: ChecklistFacts | None
) -> tuple[Report, ChartSpec | None]:
    """The user's report (without its chart's pixels) and the chart to draw into it."""
    content = services.content
    days = content.diary.summary_days
    today = local_today(services, timezone)
    win = diary_summary.window(today, days)

    def read(conn: sqlite3.Connection) -> tuple[list[diary.DayCount], int, date | None, list[Entry], int]:
        rows = diary.day_counts(conn, user_id, win.previous_first, today)
        latest, count = diary.latest(conn, user_id, win.first, today, ENTRY_ROWS)
        return rows, diary.total(conn, user_id), diary.first_day(conn, user_id), latest, count

    await flush(services)
    rows, total, first, latest, count = await services.db.read(read)
    s = diary_summary.summarise(rows, today, days)
    parts: list[Part] = []
    if checklist is not None:
        when = day(content, lang, checklist.finished_at, timezone)
        parts.append(
            checklist_part(content, lang, checklist.outcome, checklist.answers, when, followup=checklist.followup)
        )
    # /diary's own words; with nothing in the window, the report's line instead of /diary's
    # "tap Log a spasm" (which speaks to the user, not to a doctor).
    said = diary_summary.figures(content, lang, s, total, first) if total else []
    if said and s.count == 0:
        said = [content.text(lang, "report.diary_empty", days=days), *said[1:]]
    parts.append(diary_part(content, lang, said, None))
    parts.append(tried_part(content, lang))
    if latest:
        parts.append(entries_part(content, lang, latest, count))
    report = build(content, lang, calendar_day(content, lang, today), parts, today)
    chart = diary_summary.chart_spec(content, lang, s, first) if s.count else None
    return report, chart
