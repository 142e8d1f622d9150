"""The diary as a CSV file, written row by row as pages of entries are read.

Columns and values are in the user's language (the labels come from content/<lang>/diary.yaml);
dates are ISO (YYYY-MM-DD), which every spreadsheet reads whatever its locale. The file starts
with a UTF-8 byte order mark so that Excel shows "È" and "ò" rather than mojibake.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import TextIO

from storage.diary import Entry

COLUMNS = ("day", "when", "duration", "severity", "location", "context", "logged_at")
ENCODING = "utf-8-sig"  # open the file with this and newline=""


@dataclass(frozen=True, slots=True)
class CsvLabels:
    """What the user reads: a header per column, a label per choice of each choice column."""

    headers: Mapping[str, str]  # column -> header
    choices: Mapping[str, Mapping[str, str]]  # column -> code -> label


class CsvWriter:
    """Writes the header at once, then entries as they are given; keeps nothing."""

    def __init__(self, stream: TextIO, labels: CsvLabels, zone: tzinfo = UTC) -> None:
        self._csv = csv.writer(stream, lineterminator="\r\n")
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
            logged = datetime.fromtimestamp(e.logged_at, self._zone).strftime("%Y-%m-%d %H:%M")
            self._csv.writerow(
                [
                    e.day.isoformat(),
                    self._label("when", e.when),
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
