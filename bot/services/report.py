"""The report a patient hands to a doctor: one or two A4 pages (PDF), or the same as plain text.

Pure rendering: a `Report` (every word already in the user's language, every figure already
counted) in, bytes or text out; nothing here reads the database, Telegram or content.

The PDF is drawn with reportlab, not WeasyPrint, measured here on a comparable one-page report
(Python 3.11, this 2-core machine, three runs each):
- reportlab 5.1: 10 MB installed (+ pillow, which matplotlib brings anyway), no system
  libraries; import 0.7-0.9 s, a page 0.04-0.08 s;
- WeasyPrint 70: 30 MB more (fontTools, pyphen, brotli, zopfli, tinycss2, cffi...) and Pango
  from the system (not in a slim image); import 2.6-3.3 s, a page 0.6-1.2 s.
It runs in the chart's worker process (bot/services/charts.py), which draws the chart it
embeds in the same call, so neither the import nor the drawing ever holds the event loop.
The PDF is built in memory and sent from memory: no copy of it is ever written to disk.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from bot.infra.fonts import dejavu

Tone = Literal["emergency", "urgent", "soon", "self_care"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One checklist question answered "Yes" or "Not sure", as the user read it (plain text)."""

    question: str  # the question's first line, e.g. "Has any of these started suddenly?"
    answer: str  # "Yes" / "Not sure"
    details: tuple[str, ...] = ()  # the question's own bullets, one per line (never run together)


@dataclass(frozen=True, slots=True)
class ChecklistPart:
    heading: str  # "Checklist of 2 December 2026"
    outcome_label: str  # "Result"
    outcome: str  # the disposition's title, plain text, no emoji
    tone: Tone  # the colour of the result's box
    findings_heading: str  # "Answered yes or not sure"
    findings: tuple[Finding, ...]
    rest: str  # "The other 12 questions: no." (never 12 lines of "No")


@dataclass(frozen=True, slots=True)
class DiaryPart:
    heading: str  # "Spasm diary: the last 30 days"
    lines: tuple[str, ...]  # the figures, worded as /diary words them (plain text)
    chart_png: bytes | None = None  # drawn by the chart worker; None: no chart (an empty diary)


@dataclass(frozen=True, slots=True)
class TablePart:
    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # every row there is, newest first
    # Under the table when not every row fits: "{shown}" is filled in with how many did
    # ("The latest {shown} of 52 entries; the CSV has them all").
    more: str = ""
    total: int = 0  # rows there are in all, when more than `rows` holds
    text_rows: int = 15  # rows in the plain-text version (a message holds 4,096 characters)


@dataclass(frozen=True, slots=True)
class ListPart:
    heading: str
    items: tuple[str, ...]
    empty: str = ""  # shown when there are no items
    boxes: tuple[str, ...] = ()  # with `empty`: tick boxes for the patient to fill in on paper


Part = ChecklistPart | DiaryPart | TablePart | ListPart


@dataclass(frozen=True, slots=True)
class Report:
    title: str  # "Muscle spasms: report for my doctor"
    subtitle: str  # "Prepared with Spasm Guide on 2 December 2026"
    parts: tuple[Part, ...]
    footer: str  # "Information recorded by the patient, not a diagnosis. ..."
    page: str = "{page}/{pages}"  # "Page {page} of {pages}"
    language: str = "en"  # the PDF's /Lang, for screen readers
    filename: str = "report.pdf"
    meta: dict[str, str] = field(default_factory=dict)  # PDF author/subject, already localised


# --- plain text --------------------------------------------------------------------------------

RULE = "—" * 12


def render_text(report: Report) -> str:
    """The same report as a message a user can forward or copy: headings in capitals on their
    own line, one blank line between blocks, bullets one per line, the table as one line per
    entry (a phone's message is too narrow for columns)."""
    blocks: list[str] = [f"{report.title}\n{report.subtitle}"]
    for part in report.parts:
        lines = [part.heading.upper()]
        if isinstance(part, ChecklistPart):
            lines.append(f"{part.outcome_label}: {part.outcome}")
            if part.findings:
                lines.append(f"{part.findings_heading}:")
                for f in part.findings:
                    lines.append(f"• {f.question} {f.answer}")
                    lines += [f"   – {d}" for d in f.details]
            if part.rest:
                lines.append(part.rest)
        elif isinstance(part, DiaryPart):
            lines += part.lines
        elif isinstance(part, TablePart):
            lines += [" · ".join(cell for cell in row if cell) for row in part.rows[: part.text_rows]]
            shown = min(len(part.rows), part.text_rows)
            if max(part.total, len(part.rows)) > shown:
                lines.append(part.more.replace("{shown}", str(shown)))
        else:
            if part.items:
                lines += [f"• {item}" for item in part.items]
            elif part.empty:
                lines.append(part.empty)
                lines += [f"☐ {box}" for box in part.boxes]
        blocks.append("\n".join(lines))
    blocks.append(f"{RULE}\n{report.footer}")
    return "\n\n".join(blocks)


# --- PDF ---------------------------------------------------------------------------------------

# Box colours of the result, most urgent first: the same order of alarm as the bot's emoji.
TONES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {  # tone -> (background, border)
        "emergency": ("#fde0dc", "#b2182b"),
        "urgent": ("#fdebd3", "#e66101"),
        "soon": ("#fff4cc", "#b08900"),
        "self_care": ("#e6eef7", "#4a6fa5"),
    }
)
INK, GREY, RULE_COLOUR = "#1a1a1a", "#555555", "#bbbbbb"


def _fonts() -> tuple[str, str]:
    """DejaVu Sans (regular, bold), embedded: reportlab's built-in Helvetica has no glyphs
    beyond Latin-1 ("–" and "→" would print as black boxes)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "Report" in pdfmetrics.getRegisteredFontNames():
        return "Report", "Report-Bold"
    regular, bold = dejavu(), dejavu(bold=True)
    if regular is None or bold is None:  # pragma: no cover - matplotlib is a dependency
        return "Helvetica", "Helvetica-Bold"
    pdfmetrics.registerFont(TTFont("Report", str(regular)))
    pdfmetrics.registerFont(TTFont("Report-Bold", str(bold)))
    pdfmetrics.registerFontFamily("Report", normal="Report", bold="Report-Bold")
    return "Report", "Report-Bold"


def _escape(text: str) -> str:
    """reportlab's Paragraph reads a small markup language: our text is text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_pdf(report: Report, max_pages: int = 2) -> bytes:
    """The report as A4 PDF bytes (runs in the worker process: imports reportlab on first use).

    At most `max_pages` pages: when the table's rows do not fit, the oldest are left out (and
    its note says how many are shown), one page's worth at a time."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        CondPageBreak,
        Image,
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    regular, bold = _fonts()
    ink, grey = colors.HexColor(INK), colors.HexColor(GREY)
    body = ParagraphStyle(
        "body", fontName=regular, bulletFontName=regular, fontSize=10.5, leading=14.5, textColor=ink, alignment=TA_LEFT
    )
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, textColor=grey)
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=18, leading=22, spaceAfter=2)
    subtitle = ParagraphStyle("subtitle", parent=body, textColor=grey, spaceAfter=10)
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=12.5, leading=16, spaceBefore=12)
    bullet = ParagraphStyle("bullet", parent=body, leftIndent=14, bulletIndent=2, spaceAfter=3)
    sub = ParagraphStyle("sub", parent=bullet, leftIndent=30, bulletIndent=18, spaceAfter=1.5)
    box_style = ParagraphStyle("box", parent=bullet, leftIndent=18, bulletIndent=2, spaceBefore=4)
    result = ParagraphStyle("result", parent=body, fontName=bold, fontSize=12, leading=16)
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11.5)
    head_cell = ParagraphStyle("head_cell", parent=cell, fontName=bold)

    width, _ = A4
    margin = 1.8 * cm
    usable = width - 2 * margin

    def section(text: str) -> list[Any]:
        rule = Table([[""]], colWidths=[usable], rowHeights=[2])
        rule.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 0.6, colors.HexColor(RULE_COLOUR))]))
        return [Paragraph(_escape(text), heading), rule]

    def make_story(rows: int) -> list[Any]:
        """Fresh flowables for each pass: reportlab's keep state once laid out."""
        story: list[Any] = [Paragraph(_escape(report.title), title), Paragraph(_escape(report.subtitle), subtitle)]
        for part in report.parts:
            if isinstance(part, ChecklistPart):
                background, border = TONES[part.tone]
                box = Table(
                    [[Paragraph(f"{_escape(part.outcome_label)}: {_escape(part.outcome)}", result)]], colWidths=[usable]
                )
                box.setStyle(
                    TableStyle(
                        [
                            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(background)),
                            ("LINEBEFORE", (0, 0), (0, -1), 4, colors.HexColor(border)),
                            ("LEFTPADDING", (0, 0), (-1, -1), 10),
                            ("TOPPADDING", (0, 0), (-1, -1), 7),
                            ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                        ]
                    )
                )
                block: list[Any] = [*section(part.heading), box, Spacer(1, 8)]
                if part.findings:
                    block.append(Paragraph(_escape(part.findings_heading) + ":", body))
                    block.append(Spacer(1, 3))
                    for f in part.findings:
                        block.append(
                            Paragraph(f"{_escape(f.question)} <b>{_escape(f.answer)}</b>", bullet, bulletText="•")
                        )
                        block += [Paragraph(_escape(d), sub, bulletText="–") for d in f.details]
                if part.rest:
                    block.append(Paragraph(_escape(part.rest), body))
                story.append(KeepTogether(block))
            elif isinstance(part, DiaryPart):
                block = [*section(part.heading)]
                block += [Paragraph(_escape(line), body) for line in part.lines]
                if part.chart_png:
                    # 960 x 600 pixels (chart.py): 15 x 9.4 cm, about 160 dpi on paper.
                    chart_w = min(usable, 15 * cm)
                    block += [
                        Spacer(1, 6),
                        Image(io.BytesIO(part.chart_png), width=chart_w, height=chart_w * 600 / 960),
                    ]
                story.append(KeepTogether(block))
            elif isinstance(part, TablePart):
                story += [CondPageBreak(4 * cm), *section(part.heading), Spacer(1, 4)]
                data = [[Paragraph(_escape(c), head_cell) for c in part.columns]]
                data += [[Paragraph(_escape(c), cell) for c in row] for row in part.rows[:rows]]
                n = len(part.columns)
                # The first column is a date ("28 Nov 2026"): a little wider than the others.
                first = usable * 0.2
                table = Table(data, colWidths=[first] + [(usable - first) / (n - 1)] * (n - 1), repeatRows=1)
                table.setStyle(
                    TableStyle(
                        [
                            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f7f7f7")]),
                            ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor(RULE_COLOUR)),
                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                        ]
                    )
                )
                story.append(table)
                if max(part.total, len(part.rows)) > min(rows, len(part.rows)):
                    story += [
                        Spacer(1, 4),
                        Paragraph(_escape(part.more.replace("{shown}", str(min(rows, len(part.rows))))), small),
                    ]
            else:
                block = [*section(part.heading)]
                if part.items:
                    block += [Paragraph(_escape(item), bullet, bulletText="•") for item in part.items]
                elif part.empty:
                    block.append(Paragraph(_escape(part.empty), body))
                    block += [Paragraph(_escape(box), box_style, bulletText="☐") for box in part.boxes]
                story.append(KeepTogether(block))
        return story

    footer_style = ParagraphStyle("footer", parent=small, fontSize=8, leading=10)
    pages: list[int] = []

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor(RULE_COLOUR))
        canvas.line(margin, 1.55 * cm, width - margin, 1.55 * cm)
        note = Paragraph(_escape(report.footer), footer_style)
        _, h = note.wrap(usable - 2.2 * cm, 2 * cm)
        note.drawOn(canvas, margin, 1.4 * cm - h)
        label = report.page.format(page=doc.page, pages=pages[0] if pages else "")
        canvas.setFont(regular, 8)
        canvas.setFillColor(grey)
        canvas.drawRightString(width - margin, 1.4 * cm - 8, label)
        canvas.restoreState()

    def build(out: io.BytesIO, rows: int) -> int:
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=1.6 * cm,
            bottomMargin=2.4 * cm,
            title=report.title,
            author=report.meta.get("author", ""),
            subject=report.meta.get("subject", ""),
            creator=report.meta.get("author", ""),
            lang=report.language,
        )
        doc.build(make_story(rows), onFirstPage=on_page, onLaterPages=on_page)
        return int(doc.page)

    # A pass to count the pages ("Page 1 of 2"), and to find how many rows fit (~0.05 s a page).
    rows = max((len(p.rows) for p in report.parts if isinstance(p, TablePart)), default=0)
    while True:
        pages[:] = [build(io.BytesIO(), rows)]
        if pages[0] <= max_pages or rows == 0:
            break
        rows -= min(rows, 5)
    out = io.BytesIO()
    build(out, rows)
    return out.getvalue()
