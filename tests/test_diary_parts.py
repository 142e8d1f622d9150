"""The diary's pure parts: the summary maths, the CSV (parsed back), the chart (a real PNG)."""

from __future__ import annotations

import asyncio
import csv
import io
import struct
import zlib
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest

from bot.features.diary.export import COLUMNS, ENCODING, CsvLabels, CsvWriter
from bot.services import chart_days
from bot.services import diary_summary as summary
from bot.services.charts import ChartBusyError, ChartDrawer, ChartSpec, Series, render_png
from storage.diary import DayCount, Entry

TODAY = date(2026, 12, 1)


def test_window_is_thirty_days_ending_today_and_the_thirty_before():
    w = summary.window(TODAY)
    assert (w.first, w.last) == (date(2026, 11, 2), TODAY)
    assert (w.previous_first, w.previous_last) == (date(2026, 10, 3), date(2026, 11, 1))
    assert len(w.days) == 30 and w.days[-1] == TODAY


def test_summary_counts_long_severe_trend_and_per_day():
    rows = [
        DayCount(TODAY, "gt60", "severe", 2),
        DayCount(TODAY, "lt1", "mild", 1),
        DayCount(TODAY - timedelta(days=29), "m10_60", "moderate", 3),
        DayCount(TODAY - timedelta(days=30), "lt1", "mild", 4),  # the window before
        DayCount(TODAY - timedelta(days=59), "lt1", "mild", 1),  # the window before
        DayCount(TODAY - timedelta(days=60), "lt1", "mild", 9),  # outside both: ignored
        DayCount(TODAY + timedelta(days=1), "lt1", "mild", 9),  # the future: ignored
    ]
    s = summary.summarise(rows, TODAY)
    assert (s.count, s.long, s.severe, s.previous) == (6, 5, 2, 5)
    assert s.trend == "more"
    assert s.by_severity() == {"mild": 1, "moderate": 3, "severe": 2}
    assert s.per_day[2][-1] == 2 and s.per_day[1][0] == 3
    assert s.busiest == (TODAY - timedelta(days=29), 3)  # 3 that day, 3 today: the earlier


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [(0, 0, "none"), (2, 0, "new"), (3, 4, "fewer"), (4, 4, "same"), (5, 4, "more"), (0, 3, "fewer")],
)
def test_trend_words(current, previous, expected):
    assert summary.trend(current, previous) == expected


def test_summary_of_nothing():
    s = summary.summarise([], TODAY)
    assert (s.count, s.previous, s.busiest, s.trend) == (0, 0, None, "none")
    assert all(len(col) == 30 and not any(col) for col in s.per_day)


LABELS = CsvLabels(
    headers={
        "day": "Data",
        "when": "Quando",
        "duration": "Durata",
        "severity": "Intensità",
        "location": "Dove",
        "context": "Circostanza",
        "logged_at": "Registrato il",
    },
    choices={"severity": {"mild": "Lieve", "severe": "Forte"}, "location": {"calf": "Polpaccio"}},
)


def _entries(n: int) -> list[Entry]:
    return [
        Entry(
            i,
            1,
            TODAY - timedelta(days=i % 90),
            "yesterday",
            "m1_10",
            ("mild", "severe")[i % 2],
            "calf" if i % 3 == 0 else None,
            None,
            1_764_600_000 + i,
        )
        for i in range(n)
    ]


def test_csv_parses_back_to_the_entries_with_localised_columns(tmp_path: Path):
    entries = _entries(250)
    path = tmp_path / "diary.csv"
    with path.open("w", encoding=ENCODING, newline="") as f:
        writer = CsvWriter(f, LABELS, UTC)
        # Written page by page, as the bot reads them.
        for start in range(0, len(entries), 100):
            writer.write(entries[start : start + 100])
    assert writer.rows == 250
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8
    with path.open(encoding=ENCODING, newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [LABELS.headers[c] for c in COLUMNS]
    assert len(rows) == 250
    for row, e in zip(rows, entries, strict=True):
        assert row["Data"] == e.day.isoformat()
        assert row["Intensità"] == {"mild": "Lieve", "severe": "Forte"}[e.severity]
        assert row["Dove"] == ("Polpaccio" if e.location else "")
        assert row["Durata"] == "m1_10"  # no label given: the code, never an empty cell
        assert row["Registrato il"].startswith("2025-12-01 ")


def test_csv_writer_keeps_nothing_between_pages():
    out = io.StringIO()
    writer = CsvWriter(out, LABELS)
    before = out.tell()
    writer.write(iter(_entries(3)))  # any iterable, consumed once
    assert out.tell() > before
    assert not any(isinstance(v, list | dict) for v in vars(writer).values())


def _spec(counts: list[tuple[int, int, int]]) -> ChartSpec:
    days = [TODAY - timedelta(days=len(counts) - 1 - i) for i in range(len(counts))]
    cols = list(zip(*counts, strict=True)) if counts else [(), (), ()]
    return ChartSpec(
        title=f"Spasms in the last 30 days: {sum(map(sum, counts))}",
        y_label="Spasms per day",
        x_labels=chart_days.labels(days, [date(2026, m, 1).strftime("%b") for m in range(1, 13)]),
        series=tuple(
            Series(f"{name} ({sum(col)})", colour, tuple(col))
            for name, colour, col in zip(
                ("Mild", "Moderate", "Severe"), ("#fdb863", "#e66101", "#8c1d40"), cols, strict=True
            )
        ),
        empty_text="No spasms logged in these 30 days",
    )


def png_info(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR, after checking the signature and every chunk's CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, size, chunks = 8, None, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        chunks.append(kind)
        pos += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND" and b"IDAT" in chunks
    assert size is not None
    return size


def test_chart_is_a_phone_sized_png(tmp_path: Path):
    counts = [((i * 7) % 3, (i % 5 == 0) * 1, (i % 11 == 0) * 2) for i in range(30)]
    png = render_png(_spec(counts))
    assert png_info(png) == (960, 600)
    assert 10_000 < len(png) < 200_000
    (tmp_path / "chart.png").write_bytes(png)


def test_chart_with_thousands_of_entries_stays_readable():
    # 1,000+ entries in 30 days: bars tall, y ticks integers, same size, same speed.
    counts = [(20 + i % 7, 10 + i % 3, 5 + i % 4) for i in range(30)]
    png = render_png(_spec(counts))
    assert png_info(png) == (960, 600)


def test_empty_chart_says_so():
    png = render_png(_spec([(0, 0, 0)] * 30))
    assert png_info(png) == (960, 600)


def test_chart_needs_a_count_per_day():
    spec = _spec([(1, 0, 0)] * 30)
    broken = ChartSpec(spec.title, spec.y_label, spec.x_labels[:-1], spec.series)
    with pytest.raises(ValueError, match="one count per day"):
        render_png(broken)


async def test_drawer_draws_in_a_worker_and_refuses_a_users_second_request():
    drawer = ChartDrawer()
    try:
        spec = _spec([(1, 1, 1)] * 30)
        first = asyncio.ensure_future(drawer.draw(1, spec))
        await asyncio.sleep(0)  # let the first request register itself
        assert drawer.busy(1)
        with pytest.raises(ChartBusyError):
            await drawer.draw(1, spec)
        other = await drawer.draw(2, spec)  # another user is not refused
        png = await first
        assert png_info(png) == png_info(other) == (960, 600)
        assert not drawer.busy(1)
        assert drawer.drawn == 2
    finally:
        await drawer.close()


# --- content/diary.py: broken diary YAML is refused with file, line and problem ---------------


@pytest.mark.parametrize(
    ("rel", "old", "new", "problem"),
    [
        ("en/diary.yaml", "      mild: Mild\n", "", "en/diary.yaml:"),
        (
            "it/diary.yaml",
            "🗓 <b>{when}</b> · ⏱ {duration}",
            "🗓 <b>{quando}</b> · ⏱ {duration}",
            "placeholders",
        ),
        (
            "en/diary.yaml",
            '  undo: "↩️ Undo"',
            '  undo: "↩️ Undo this entry, which I logged by mistake, right now"',
            "max 40",
        ),
        ("en/diary.yaml", '  title: "<b>📓 Log a spasm</b>"', '  title: "<b>📓 Log a spasm"', "bad Telegram HTML"),
        ("diary.yaml", "long_durations: [m10_60, gt60]", "long_durations: [m10_60, hours]", "not a duration choice"),
        ("diary.yaml", "choices: [calf, foot,", "choices: [calf, Foot,", "a-z, 0-9"),
    ],
)
def test_broken_diary_content_is_refused(tmp_path: Path, rel, old, new, problem):
    from content.loader import load_content
    from content.problems import ContentError
    from tests.test_content import copy_content, replace

    root = copy_content(tmp_path / "content")
    replace(root, rel, old, new)
    with pytest.raises(ContentError) as info:
        load_content(root)
    assert any(problem in str(p) for p in info.value.problems), info.value.problems


def test_diary_choices_must_be_the_stored_codes(tmp_path: Path):
    from bot.app import load_checked_content
    from content.problems import ContentError
    from tests.test_content import copy_content, replace

    root = copy_content(tmp_path / "content")
    replace(
        root, "diary.yaml", "choices: [exercise, night, heat, other]", "choices: [exercise, night, heat, other, work]"
    )
    replace(
        root, "en/diary.yaml", "      other: Something else\n", "      other: Something else\n      work: At work\n"
    )
    replace(root, "it/diary.yaml", "      other: Altro\n", "      other: Altro\n      work: Al lavoro\n")
    with pytest.raises(
        ContentError, match="field 'context' must offer exactly exercise, night, heat, other \\(storage"
    ):
        load_checked_content(root)


def test_the_diarys_safety_line_needs_its_reference(tmp_path: Path):
    from content.loader import load_content
    from content.problems import ContentError
    from tests.test_content import copy_content, replace

    root = copy_content(tmp_path / "content")
    text = (root / "diary.yaml").read_text(encoding="utf-8")
    block = text[text.index("reference:\n") : text.index("# The summary and chart")]
    replace(root, "diary.yaml", block, "")
    with pytest.raises(ContentError, match="the diary's safety line is safety wording"):
        load_content(root)
    assert load_content().diary.reference[0].url == "https://www.nhs.uk/conditions/leg-cramps/"
