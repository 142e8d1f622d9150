"""Benchmarks of Spasm Guide: `python -m bench [--quick] [--only NAME]` (see bench/__main__.py).

Shared helpers live here: statistics (every figure is a median of several runs), aligned text
tables, PASS/MISS targets and the machine-readable report written to bench/results/latest.json.
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")  # before telegram is imported (see main.py)

import contextlib
import logging
import math
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
# A syntactically valid token (digits:35 chars) for code paths that check its format.
FAKE_TOKEN = "123456789:" + "A" * 35


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else math.nan


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation between closest ranks."""
    if not values:
        return math.nan
    data = sorted(values)
    if len(data) == 1:
        return float(data[0])
    pos = (len(data) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(data) - 1)
    return float(data[lo] + (data[hi] - data[lo]) * (pos - lo))


def fmt(value: float, digits: int = 2) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Plain text, aligned: text columns left, numbers right."""
    cells = [[str(h) for h in headers]] + [
        [c if isinstance(c, str) else fmt(c) for c in row]  # type: ignore[arg-type]
        for row in rows
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    numeric = [all(not isinstance(row[i], str) for row in rows) and bool(rows) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        parts = [cell.rjust(widths[i]) if numeric[i] else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


@dataclass
class Target:
    """One target of the issue: `value` compared with `limit` (`<=` unless higher_is_better)."""

    name: str
    value: float
    limit: float
    unit: str = ""
    higher_is_better: bool = False

    @property
    def passed(self) -> bool:
        if math.isnan(self.value):
            return False
        return self.value >= self.limit if self.higher_is_better else self.value <= self.limit

    def line(self) -> str:
        op = ">=" if self.higher_is_better else "<="
        unit = f" {self.unit}" if self.unit else ""
        verdict = "PASS" if self.passed else "MISS"
        return f"{verdict}  {self.name}: {fmt(self.value)}{unit} (target {op} {fmt(self.limit)}{unit})"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": None if math.isnan(self.value) else self.value,
            "limit": self.limit,
            "unit": self.unit,
            "higher_is_better": self.higher_is_better,
            "passed": self.passed,
        }


@dataclass
class Report:
    name: str
    title: str
    tables: list[tuple[str, str]] = field(default_factory=list)  # (caption, rendered table)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def add_table(self, caption: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        self.tables.append((caption, table(headers, rows)))

    def target(self, *args: Any, **kwargs: Any) -> Target:
        t = Target(*args, **kwargs)
        self.targets.append(t)
        return t

    def render(self) -> str:
        out = [f"== {self.name}: {self.title} ==", ""]
        for caption, text in self.tables:
            if caption:
                out.append(caption)
            out.append(text)
            out.append("")
        for note in self.notes:
            out.append(f"note: {note}")
        if self.notes:
            out.append("")
        out.extend(t.line() for t in self.targets)
        out.append(f"({self.seconds:.1f} s)")
        return "\n".join(out)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "targets": [t.to_json() for t in self.targets],
            "notes": self.notes,
            "data": self.data,
            "seconds": round(self.seconds, 2),
        }


def quiet_logging(level: int = logging.CRITICAL) -> None:
    """The bot logs every warning; in a benchmark they would only measure the terminal."""
    logging.basicConfig(level=level)
    logging.getLogger().setLevel(level)
    for name in ("telegram", "httpx", "httpcore", "bot", "storage", "aiosqlite", "asyncio"):
        logging.getLogger(name).setLevel(level)


def plain_screen(screen: Any) -> tuple[str, Any]:
    """(text, markup) of one of our Screens with the keyboard rebuilt as plain PTB objects, for a
    bare PTB baseline that shows our screens without our serialisation shortcuts
    (bot/ui/keyboards.py)."""
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    assert screen.markup is not None
    keyboard = screen.markup.inline_keyboard
    rows = [[InlineKeyboardButton(b.text, callback_data=b.callback_data) for b in row] for row in keyboard]
    return screen.text, InlineKeyboardMarkup(rows)


def production_logging(secrets: tuple[str, ...] = ()) -> None:
    """Logging as `main.py run` sets it up (INFO, text, token filter), written to /dev/null: the
    bot logs a line per update in production, and that line is part of what an update costs."""
    from bot.infra.logs import setup_logging

    for name in ("telegram", "httpx", "httpcore", "bot", "storage", "aiosqlite", "asyncio"):
        logging.getLogger(name).setLevel(logging.NOTSET)
    setup_logging("INFO", "text", secrets=secrets, stream=open(os.devnull, "w"))  # noqa: SIM115


class Timer:
    """`with Timer() as t: ...` then t.seconds."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self.seconds = 0.0

    def __enter__(self) -> Timer:
        self._start = self._clock()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = self._clock() - self._start


@contextlib.contextmanager
def progress(message: str) -> Iterator[None]:
    """A line on stderr for slow steps, so a long run shows it is alive."""
    import sys

    print(f"  .. {message}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    yield
    print(f"     done in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)


def bench_settings(directory: Path, **overrides: Any) -> Any:
    """Settings for a benchmark bot: its own database, per-user flood control out of the way
    (synthetic users tap far faster than people; the limit would drop their taps)."""
    from bot.infra.settings import Settings

    values: dict[str, Any] = {
        "database": directory / "bot.sqlite3",
        "flood_rate": 1000.0,
        "flood_burst": 1000,
        "health_file": None,
    }
    values.update(overrides)
    return Settings(**values)


__all__ = [
    "FAKE_TOKEN",
    "RESULTS_DIR",
    "ROOT",
    "Report",
    "Target",
    "Timer",
    "bench_settings",
    "fmt",
    "median",
    "percentile",
    "production_logging",
    "progress",
    "quiet_logging",
    "table",
]
