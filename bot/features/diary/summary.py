"""The diary's figures, from per-day counts: pure maths, no database, no Telegram.

A window is `days` local dates ending today, inclusive; the trend compares it with the `days`
before it. Storage groups the rows (storage.diary.day_counts), so this sees at most
2 x days x 4 durations x 3 severities small records however many entries a user has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

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
