"""The diary as a CSV file, written row by row as pages of entries are read.

Columns and values are in the user's language (the labels come from content/<lang>/diary.yaml);
dates are ISO (YYYY-MM-DD), which every spreadsheet reads whatever its locale, and the time an
entry was logged carries its UTC offset. The file starts with a UTF-8 byte order mark so that
Excel shows "È" and "ò" rather than mojibake, and where the decimal mark is a comma (Italian),
fields are separated by ";", as Excel there expects. The log flow's "just now / earlier today"
is not a column: it meant something only on the day; the date says it for good.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TextIO

from storage.diary import Entry

COLUMNS = ("day", "duration", "severity", "location", "context", "logged_at")
ENCODING = "utf-8-sig"  # open the file with this and newline=""


@dataclass(frozen=True, slots=True)
class CsvLabels:
    """What the user reads: a header per column, a label per choice of each choice column."""

    headers: Mapping[str, str]  # column -> header
    choices: Mapping[str, Mapping[str, str]]  # column -> code -> label


class CsvWriter:
    """Writes the header at once, then entries as they are given; keeps nothing."""

    def __init__(self, stream: TextIO, labels: CsvLabels, zone: tzinfo = UTC, *, delimiter: str = ",") -> None:
        self._csv = csv.writer(stream, lineterminator="\r\n", delimiter=delimiter)
        self._labels = labels
        self._zone = zone
        self.rows = 0
        self._csv.writerow([labels.headers[c] for c in COLUMNS])

    def _label(self, column: str, code: str | None) -> str:
        if code is None:
            return ""
        return self._labels.choices.get(column, {}).get(code, code)

    def write(self, entries: Iterable[Entry]) -> int:
        written = 0
        for e in entries:
            logged = datetime.fromtimestamp(e.logged_at, self._zone).isoformat(sep=" ", timespec="minutes")
            self._csv.writerow(
                [
                    e.day.isoformat(),
                    self._label("duration", e.duration),
                    self._label("severity", e.severity),
                    self._label("location", e.location),
                    self._label("context", e.context),
                    logged,
                ]
            )
            written += 1
        self.rows += written
        return written

    def write_free_days(self, days: Iterable[tuple[str, int]], label: str) -> int:
        """Days the user marked spasm-free ("No spasms today"), so they read differently from
        days with nothing logged: the day, `label` in the first choice column, when it was said."""
        written = 0
        for day, recorded_at in days:
            logged = datetime.fromtimestamp(recorded_at, self._zone).isoformat(sep=" ", timespec="minutes")
            self._csv.writerow([day, label, "", "", "", logged])
            written += 1
        return written
