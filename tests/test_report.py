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

from bot.services import doctor_report as dr
from bot.services.charts import ChartSpec, Series, render_png
from bot.services.report import Report, render_pdf, render_text
from content.model import Content
from storage.diary import Entry
from tests.images import read_png
from tests.test_checklist import ADULT, NONE, taps
from tests.test_diary import log, settle

TODAY = date(2026, 12, 2)
# Set REPORT_PAGES=DIR to keep the rendered pages for looking at them.
KEEP = os.environ.get("REPORT_PAGES")


def sample(content: Content, lang: str, entries: int = 50) -> Report:
    # An adult unsure about the "A&E" signs: get help today (content/checklist.yaml).
    answers = {"who": "adult", "red": "no", "context": "none", "serious": "unsure"}
    checklist = dr.checklist_part(content, lang, "today", answers, "2/12/2026", followup=True)
    counts = tuple([0] * 27 + [1, 2, 1])
    png = render_png(
        ChartSpec(
            "Chart",
            "per day",
            tuple(str(i) if i % 7 == 2 else "" for i in range(30)),
            (Series("a", "#e66101", counts),),
        )
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
        "en": ("Get medical help today", "Not sure", "(4): no."),
        "it": ("Fatti vedere da un medico oggi", "Non so", "(4): no."),
    }
    result, unsure, rest = words[lang]
    assert content.text(lang, "report.title") in first
    # The result, then the one "Not sure" with the screen's signs under it, then one line for the 4 "No"s.
    assert first.index(result) < first.index(unsure) < first.index(rest)
    assert "dark or very little pee" in first or "pipì scura" in first
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


# .ci/run installs poppler-utils and sets REQUIRE_BROWSER: in CI this runs, never skips.
@pytest.mark.skipif(
    shutil.which("pdftoppm") is None and not os.environ.get("REQUIRE_BROWSER"),
    reason="needs poppler's pdftoppm: apt-get install -y poppler-utils",
)
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
    i = lines.index("• Do you have any of these? Not sure")
    assert lines[i + 1].startswith("   – ")
    assert "Answer “No” if" not in text
    assert sum(1 for line in lines if line.endswith("· Calf")) == 15  # 15 rows: a message holds 4,096 characters
    assert "The latest 15 of 50 entries" in text
    assert len(text) < 4096
    assert text.rstrip().endswith("Information, not a diagnosis.")


# --- as a user gets it ---------------------------------------------------------------------------


def look(pdf: bytes, name: str, tmp_path: Path) -> list[Path]:
    """The pages as PNG (pdftoppm), kept in REPORT_PAGES when set, for a person to look at."""
    if shutil.which("pdftoppm") is None and not os.environ.get("REQUIRE_BROWSER"):
        return []
    out = Path(KEEP) if KEEP else tmp_path
    (tmp_path / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(tmp_path / f"{name}.pdf"), str(out / name)], check=True)
    return sorted(out.glob(f"{name}-*.png"))


async def test_the_checklist_result_sends_the_report_as_a_pdf_result_first(bot, content, tmp_path) -> None:
    await log(bot, "10–60 minutes", "Severe")
    await log(bot, "Under a minute", "Mild")
    await bot.send("/check")
    await taps(bot, ADULT, "No", NONE, "No", "No", "Yes")  # one of the four reasons to see a doctor
    await bot.tap("Report for my doctor (PDF)")
    (document,) = bot.ada.files("document")
    assert document.file_name == "spasm-report-2026-03-01.pdf"
    assert document.mime_type == "application/pdf"
    assert "show it on your phone or print it" in document.plain
    pages = pdf_text(document.file_bytes)
    assert 1 <= len(pages) <= 2
    text = " ".join(" ".join(pages).split())
    result = text.index("Result: Book an appointment with your doctor")
    assert text.index("Checklist of Sunday, 1 March 2026") < result
    # The grouped screen's one "Yes" is said as such, its signs under it; never a yes to each.
    assert result < text.index("does any of these apply? Yes") < text.index("spasms intense enough to wake you")
    assert "Every other question I was asked (14): no." in text and "chest pain" not in text
    # The diary as /diary says it, its chart, what was tried, the entries, the footer.
    assert "Spasms logged: 2" in text and "severe: 1" in text
    assert "What I have tried" in text and "Stretching" in text
    assert "Sun 1 Mar 2026 10–60 minutes Severe" in text
    assert "Information, not a diagnosis." in text
    assert len(look(document.file_bytes, "checklist-report", tmp_path)) in (0, len(pages))
    # Under the file: the same report as text.
    await bot.tap("The report as text")
    assert bot.text().startswith("Muscle spasms: a report for my doctor")
    assert "Result: Book an appointment with your doctor" in bot.text()


async def test_diary_offers_the_report_and_it_agrees_with_diary(bot, tmp_path) -> None:
    await log(bot, "1–10 minutes", "Moderate")
    await bot.send("/diary")
    await settle(bot)
    said = bot.fake.bot_messages(42)[-2].plain
    assert "Spasms logged: 1" in said and "Your diary began less than 30 days ago" in said
    await bot.tap("Report for my doctor (PDF)")
    (document,) = bot.ada.files("document")
    text = " ".join(" ".join(pdf_text(document.file_bytes)).split())
    assert "Spasms logged: 1" in text and "Your diary began less than 30 days ago" in text
    assert "30 days before: 0" not in text and "Checklist of" not in text  # no checklist taken
    look(document.file_bytes, "diary-report", tmp_path)
    chart = bot.ada.files("photo")[-1]  # the buttons sit under the chart
    (text_button,) = [b for row in chart.buttons for b in row if b.text == "📝 The report as text"]
    await bot.ada.tap_data(text_button.callback_data or "", chart.message_id)
    assert bot.text().startswith("Muscle spasms: a report for my doctor")
    assert "ENTRIES IN THE LAST 30 DAYS\nSun 1 Mar 2026 · 1–10 minutes · Moderate" in bot.text()


async def test_the_report_speaks_italian(bot, tmp_path) -> None:
    maria = bot.user(43, "Maria", language_code="it")
    await log(bot, "1–10 minuti", "Forte", user=maria, button="Registra uno spasmo")
    await maria.send("/diary")
    await settle(bot)
    await maria.tap("Resoconto per il medico (PDF)")
    (document,) = maria.files("document")
    assert document.file_name == "resoconto-spasmi-2026-03-01.pdf"
    text = " ".join(" ".join(pdf_text(document.file_bytes)).split())
    assert "Spasmi muscolari: resoconto per il mio medico" in text and "Pagina 1 di" in text
    assert "dom 1 mar 2026 1–10 minuti Forte" in text
    look(document.file_bytes, "session-it", tmp_path)


async def test_a_checklist_gone_after_30_minutes_leaves_a_diary_report_and_says_so(bot, content) -> None:
    await bot.send("/check")
    await taps(bot, ADULT, "No", NONE, "No", "No", "Yes")
    bot.clock.advance(31 * 60)
    await bot.tap("The report as text")
    assert "deleted after 30 minutes" in bot.ada.last_answer()["text"]  # type: ignore[index]
    assert "CHECKLIST" not in bot.text() and "SPASM DIARY" in bot.text()
