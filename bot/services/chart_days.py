"""Which days a diary chart spans and how its axis names them (pure; no matplotlib here).

- A diary younger than the window is drawn from its first day (at least MIN_DAYS), not over 30
  days it did not exist for: two entries in a 3-day-old diary filled a tenth of the width, the
  rest an empty plot (issue 22).
- Ticks: every day up to 8 days, every other day up to 16, then weekly counting back from today
  (today always labelled); a label shows its year where the span crosses into a new year
  ("28 Dec 2026", "4 Jan 2027"), on its first tick and on the first tick of each new year.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

MIN_DAYS = 7


def span(days: Sequence[date], first_entry: date | None, min_days: int = MIN_DAYS) -> int:
    """The index in `days` (oldest first) the chart starts at."""
    if first_entry is None or first_entry <= days[0] or len(days) <= min_days:
        return 0
    index = (min(first_entry, days[-1]) - days[0]).days
    return min(index, len(days) - min_days)


def every(n: int) -> int:
    return 1 if n <= 8 else 2 if n <= 16 else 7


def labels(days: Sequence[date], months: Sequence[str]) -> tuple[str, ...]:
    """One label per day ("" for unlabelled ones), `months` the 12 month names of the language."""
    step = every(len(days))
    n = len(days)
    crosses = n > 0 and days[0].year != days[-1].year
    out: list[str] = []
    year_shown: set[int] = set()
    for i, d in enumerate(days):
        if (n - 1 - i) % step:
            out.append("")
            continue
        text = f"{d.day} {months[d.month - 1]}"
        if crosses and d.year not in year_shown:
            year_shown.add(d.year)
            text += f"\n{d.year}"
        out.append(text)
    return tuple(out)
