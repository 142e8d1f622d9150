"""The doctor's report as a file: the PDF read back as text, its pages rendered to PNG (poppler's
pdftoppm, as a doctor's viewer would draw them), and the plain-text version."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.features.diary.chart import ChartSpec, Series, render_png, tick_labels
from bot.services import doctor_report as dr
from bot.services.report import Report, render_pdf, render_text
from content.model import Content
from storage.diary import Entry
from tests.images import read_png

TODAY = date(2026, 12, 2)
# Set REPORT_PAGES=DIR to keep the rendered pages for looking at them.
KEEP = os.environ.get("REPORT_PAGES")


def sample(content: Content, lang: str, entries: int = 50) -> Report:
    answers = {q.id: "no" for q in content.checklist.questions}
    answers["stroke"] = "unsure"
    answers["swallowing"] = "yes"
    checklist = dr.checklist_part(content, lang, "urgent", answers, "2/12/2026", followup=True)
    counts = tuple([0] * 27 + [1, 2, 1])
    png = render_png(
        ChartSpec("Chart", "per day", tick_labels([str(i) for i in range(30)]), (Series("a", "#e66101", counts),))
    )
    diary = dr.diary_part(content, lang, ["Spasms logged: <b>4</b>\n• severe: 1", "Your diary began 3 days ago."], png)
    rows = [
        Entry(i, 1, TODAY - timedelta(days=i), "now", "m1_10", "severe" if i == 0 else "mild", "calf", None, 0)
        for i in range(entries)
    ]
    table = dr.entries_part(content, lang, rows, len(rows))
    return dr.build(content, lang, "2/12/2026", [checklist, diary, dr.tried_part(content, lang), table], TODAY)


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("lang", ["en", "it"])
def test_the_pdf_puts_the_positive_answers_first_and_stays_within_two_pages(content: Content, lang: str) -> None:
    pdf = render_pdf(sample(content, lang))
    assert pdf.startswith(b"%PDF-")
    pages = pdf_text(pdf)
    assert len(pages) == 2
    first = " ".join(pages[0].split())
    words = {
        "en": ("Get medical help today", "Not sure", "(13): no."),
        "it": ("Fatti visitare oggi", "Non so", "(13): no."),
    }
    result, unsure, rest = words[lang]
    assert content.text(lang, "report.title") in first
    # The result, then the two positive answers with the question's bullets, then one line for the 13 "No"s.
    assert first.index(result) < first.index(unsure) < first.index(rest)
    assert "lopsided smile" in first or "bocca storta" in first
    assert "Answer “No” if" not in first and "Rispondi “No”" not in first
    assert first.count(" No\n") == 0 and "Yes\nNo" not in pages[0]
    # The diary's lines as given, HTML gone; the footer on every page.
    assert "Spasms logged: 4" in first and "<b>" not in first
    for page in pages:
        assert "Spasm Guide" in page or "Guida agli spasmi" in page
    # 50 entries do not fit: the newest are shown and the note says how many.
    second = " ".join(pages[1].split())
    assert "2 Dec 2026" in second or "2 dic 2026" in second
    assert "of 50 entries" in second or "di 50 episodi" in second


def test_a_short_report_is_one_page_with_no_note(content: Content) -> None:
    pages = pdf_text(render_pdf(sample(content, "en", entries=3)))
    assert len(pages) <= 2
    text = " ".join(" ".join(pages).split())
    assert "entries. The diary" not in text and "Page 1 of" in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) is not installed")
@pytest.mark.parametrize("lang", ["en", "it"])
def test_the_pages_render_as_a4_with_ink_where_the_sections_are(content: Content, lang: str, tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(render_pdf(sample(content, lang)))
    out = Path(KEEP) if KEEP else tmp_path
    subprocess.run(
        ["pdftoppm", "-r", "50", "-gray", "-png", str(tmp_path / "report.pdf"), str(out / f"report-{lang}")], check=True
    )
    pngs = sorted(out.glob(f"report-{lang}-*.png"))
    assert len(pngs) == 2
    for path in pngs:
        png = read_png(path.read_bytes())
        assert abs(png.height / png.width - 297 / 210) < 0.01  # A4 portrait
        dark = sum(1 for v in png.grey if v < 128)
        assert dark > png.width * png.height * 0.01  # not a blank page


def test_the_text_version_reads_well_in_a_message(content: Content) -> None:
    text = render_text(sample(content, "en"))
    lines = text.splitlines()
    assert lines[0] == content.text("en", "report.title")
    assert "RESULT" not in text and "Result: Get medical help today" in text
    # Bullets one per line, the question's own bullets indented under it.
    i = lines.index("• Has any of these started suddenly? Not sure")
    assert lines[i + 1].startswith("   – ")
    assert "Answer “No” if" not in text
    assert sum(1 for line in lines if line.endswith("· Calf")) == 15  # 15 rows: a message holds 4,096 characters
    assert "The latest 15 of 50 entries" in text
    assert len(text) < 4096
    assert text.rstrip().endswith("Information, not a diagnosis.")
