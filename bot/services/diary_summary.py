"""The diary's figures, from per-day counts, and their words: pure, no database, no Telegram.

/diary and the doctor's report (bot/services/doctor_report.py) both word the figures with
`figures`, so the report never says what /diary contradicts.

A window is `days` local dates ending today, inclusive; the trend compares it with the `days`
before it. Storage groups the rows (storage.diary.day_counts), so this sees at most
2 x days x 4 durations x 3 severities small records however many entries a user has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from bot.services import chart_days
from bot.services.charts import ChartSpec, Series
from bot.ui.dates import calendar_day
from content.model import Content, DiaryText, FormatDict
from storage.diary import LONG_DURATIONS, SEVERITIES, DayCount

Trend = Literal["none", "new", "more", "fewer", "same"]


@dataclass(frozen=True, slots=True)
class Window:
    first: date
    last: date
    previous_first: date
    previous_last: date

    @property
    def days(self) -> tuple[date, ...]:
        n = (self.last - self.first).days + 1
        return tuple(self.first + timedelta(days=i) for i in range(n))


def window(today: date, days: int = 30) -> Window:
    if days < 1:
        raise ValueError("a window has at least one day")
    first = today - timedelta(days=days - 1)
    previous_last = first - timedelta(days=1)
    return Window(first, today, previous_last - timedelta(days=days - 1), previous_last)


@dataclass(frozen=True, slots=True)
class Summary:
    window: Window
    count: int  # episodes in the window
    long: int  # of which lasted over 10 minutes
    severe: int  # of which severe
    previous: int  # episodes in the window before
    # One tuple per severity (SEVERITIES order), one count per day of the window, oldest first.
    per_day: tuple[tuple[int, ...], ...]
    busiest: tuple[date, int] | None  # the day with most episodes (the earliest of equals)

    @property
    def trend(self) -> Trend:
        return trend(self.count, self.previous)

    def by_severity(self) -> dict[str, int]:
        return {s: sum(self.per_day[i]) for i, s in enumerate(SEVERITIES)}


def trend(current: int, previous: int) -> Trend:
    """How the window compares with the one before: words, never a verdict (the text always
    gives both numbers, so "more" from 1 to 2 is read for what it is)."""
    if current == 0 and previous == 0:
        return "none"
    if previous == 0:
        return "new"
    if current > previous:
        return "more"
    if current < previous:
        return "fewer"
    return "same"


def summarise(rows: Iterable[DayCount], today: date, days: int = 30) -> Summary:
    """The window's figures from rows covering (at least) the window and the one before it.

    Rows outside both (e.g. a future date that slipped past validation) are ignored."""
    win = window(today, days)
    index = {d: i for i, d in enumerate(win.days)}
    columns = {s: [0] * len(index) for s in SEVERITIES}
    count = long = severe = previous = 0
    for row in rows:
        if win.previous_first <= row.day <= win.previous_last:
            previous += row.count
            continue
        i = index.get(row.day)
        if i is None or row.severity not in columns:
            continue
        columns[row.severity][i] += row.count
        count += row.count
        if row.duration in LONG_DURATIONS:
            long += row.count
        if row.severity == "severe":
            severe += row.count
    totals = [sum(columns[s][i] for s in SEVERITIES) for i in range(len(index))]
    busiest: tuple[date, int] | None = None
    if count:
        top = max(totals)
        busiest = (win.days[totals.index(top)], top)
    return Summary(
        window=win,
        count=count,
        long=long,
        severe=severe,
        previous=previous,
        per_day=tuple(tuple(columns[s]) for s in SEVERITIES),
        busiest=busiest,
    )


# --- words -------------------------------------------------------------------------------------


def _fill(template: str, **values: object) -> str:
    return template.format_map(FormatDict({k: str(v) for k, v in values.items()}))


def _words(content: Content, lang: str) -> DiaryText:
    return content.diary.words(lang)


def figures(content: Content, lang: str, s: Summary, total: int, first: date | None) -> list[str]:
    """The window's figures as /diary says them, one block each (Telegram HTML): count and
    average, the busiest day, the comparison with the window before, the diary's first day."""
    words = _words(content, lang)
    days = content.diary.summary_days
    parts = []
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
    return parts


def summary_text(content: Content, lang: str, s: Summary, total: int, first: date | None) -> str:
    """/diary's message: its title, the figures and the safety line."""
    words = _words(content, lang)
    title = words.message("summary_title", days=content.diary.summary_days)
    return "\n\n".join([title, *figures(content, lang, s, total, first), words.safety])


def chart_spec(
    content: Content, lang: str, s: Summary, first: date | None = None, free: frozenset[str] = frozenset()
) -> ChartSpec:
    """The chart of the window; a diary younger than it is drawn from its first day (a week at
    least: bot/services/chart_days.py), so its bars do not sit in a corner of an empty plot.
    `free`: the ISO days marked spasm-free ("No spasms today"), drawn as green dots."""
    words = _words(content, lang)
    days = content.diary.summary_days
    marked = [date.fromisoformat(d) for d in free]
    began = min([d for d in (first, *marked) if d is not None], default=None)
    start = chart_days.span(s.window.days, began)
    severities = content.diary.fields["severity"].choices
    series = tuple(
        Series(
            _fill(words.chart["legend"], label=words.label("severity", sev), count=sum(s.per_day[i])),
            content.diary.colours[sev],
            s.per_day[i][start:],
        )
        for i, sev in enumerate(severities)
    )
    title = words.chart["title_young"] if start else words.chart["title"]
    return ChartSpec(
        title=_fill(title, days=days, count=s.count),
        y_label=words.chart["y_label"],
        x_labels=chart_days.labels(s.window.days[start:], words.chart["months"].split()),
        series=series,
        empty_text=_fill(words.chart["empty"], days=days) if not free else "",
        # Days marked spasm-free: a green dot each, not an empty day.
        spasm_free=tuple(d.isoformat() in free for d in s.window.days[start:]) if free else (),
        spasm_free_label=content.text(lang, "userdata.chart_spasm_free", count=len(free)) if free else "",
    )
