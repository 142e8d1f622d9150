"""The checklist's decision graph as an inline SVG, drawn here with no library and no network.

The review sheet is one offline HTML file that must print: a Mermaid source would need Mermaid's
JavaScript (a CDN, or 3 MB inlined) to become a picture. The layout is fixed and simple instead:
the screens in the order they are asked, top to bottom, each listing its signs; "No" goes down to
the next screen; "Yes" goes right to the screen's disposition, "Not sure" (dashed) to its own.
It reads the graph by its shape (screens with a kind and a level, items with a screen, a level,
"unsure" and audiences, contexts that open items), so it needs no import of the graph's model.
"""

from __future__ import annotations

import html
import itertools
import re
from typing import Any

_FILL = {0: "#e4f4e4", 1: "#fff1cc", 2: "#ffe2bf", 3: "#fbd5d5", 4: "#f6b8b8"}
_LINE = 15  # px per text line
_WIDTH = 560  # a screen's box
_GAP = 170  # between the screens and the dispositions


def _esc(text: str, limit: int) -> str:
    text = " ".join(re.sub(r"<[^>]+>", "", html.unescape(text)).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return html.escape(text)


def triage_svg(triage: Any, lang: str) -> str:
    levels: list[str] = list(triage.levels)
    rank = {level: i for i, level in enumerate(levels)}
    text = triage.text[lang]
    titles = {level: text.outcomes[level].title for level in levels}
    boxes: list[tuple[Any, list[tuple[str, str | None]]]] = []  # screen, lines (text, level colour)
    for spec in triage.screens:
        lines: list[tuple[str, str | None]] = []
        if spec.kind == "audience":
            for aud in triage.audiences.values():
                floor = f" (never below: {titles[aud.floor]})" if aud.floor else ""
                lines.append((f"{aud.text[lang].button}{floor}", None))
        elif spec.kind == "context":
            for ctx in triage.contexts.values():
                opens = ", ".join(ctx.opens)
                lines.append((f"{ctx.text[lang].button} → opens {opens}", ctx.level))
        else:
            for item in triage.items.values():
                if item.screen != spec.id:
                    continue
                who = "" if len(item.audiences) == len(triage.audiences) else f" [{'/'.join(item.audiences)}]"
                when = f" [if {item.context}]" if item.context else ""
                unsure = f"; not sure: {item.unsure}" if item.unsure != item.level else ""
                lines.append((f"{item.id}{who}{when}: {item.text[lang].label}{unsure}", item.level))
        boxes.append((spec, lines))

    parts: list[str] = []
    y = 30
    anchors: dict[str, tuple[int, int]] = {}  # screen id -> (top, bottom)
    for n, (spec, lines) in enumerate(boxes, 1):
        height = 24 + _LINE * len(lines)
        level = getattr(spec, "level", None)
        head = f"{n}. {spec.id}" + (f" · Yes = {_esc(titles[level], 40)}" if level else f" · {spec.kind}")
        fill = _FILL.get(rank[level], "#eee") if level else "#f3f5f9"
        parts.append(
            f'<rect x="20" y="{y}" width="{_WIDTH}" height="{height}" rx="6" fill="{fill}" stroke="#667"/>'
            f'<text x="30" y="{y + 16}" font-size="12" font-weight="bold">{head}</text>'
        )
        for i, (line, colour) in enumerate(lines):
            weight = ' font-weight="bold"' if colour and rank.get(colour, 0) >= 3 else ""
            parts.append(f'<text x="36" y="{y + 32 + i * _LINE}" font-size="10.5"{weight}>• {_esc(line, 92)}</text>')
        anchors[spec.id] = (y, y + height)
        y += height + 26

    total = y
    out_x = 20 + _WIDTH + _GAP
    out_y = {level: 40 + (len(levels) - 1 - rank[level]) * (total - 80) / max(len(levels) - 1, 1) for level in levels}
    for level in levels:
        parts.append(
            f'<rect x="{out_x}" y="{out_y[level]:.0f}" width="220" height="34" rx="8" '
            f'fill="{_FILL.get(rank[level], "#eee")}" stroke="#444"/>'
            f'<text x="{out_x + 8}" y="{out_y[level] + 21:.0f}" font-size="12" font-weight="bold">'
            f"{_esc(titles[level], 30)}</text>"
        )
    order = [spec for spec, _ in boxes]
    for here, there in itertools.pairwise(order):
        bottom, top = anchors[here.id][1], anchors[there.id][0]
        parts.append(
            f'<line x1="60" y1="{bottom}" x2="60" y2="{top}" stroke="#333" marker-end="url(#g-arrow)"/>'
            f'<text x="66" y="{bottom + 16}" font-size="10">{html.escape(text.answers.get("no", "No"))}</text>'
        )
    for spec, _ in boxes:
        top, bottom = anchors[spec.id]
        mid = (top + bottom) / 2
        targets: list[tuple[str, bool]] = []
        level = getattr(spec, "level", None)
        if level:
            targets.append((level, False))
            for item in triage.items.values():
                if item.screen == spec.id and item.unsure != level and (item.unsure, True) not in targets:
                    targets.append((item.unsure, True))
        elif spec.kind == "context":
            targets += [(c.level, True) for c in triage.contexts.values() if c.level]
        for target, dashed in targets:
            dash = ' stroke-dasharray="5 3"' if dashed else ""
            parts.append(
                f'<line x1="{20 + _WIDTH}" y1="{mid:.0f}" x2="{out_x}" y2="{out_y[target] + 17:.0f}" '
                f'stroke="#a33" stroke-width="1.2"{dash} marker-end="url(#g-arrow)"/>'
            )
    last = anchors[order[-1].id][1]
    floor = levels[0]
    parts.append(
        f'<path d="M60,{last} L60,{total - 6} L{out_x - 30},{total - 6} L{out_x + 20},{out_y[floor] + 34:.0f}" '
        'fill="none" stroke="#363" marker-end="url(#g-arrow)"/>'
        f'<text x="70" y="{total - 10}" font-size="10" fill="#363">{html.escape(text.answers.get("no", "No"))} '
        "everywhere</text>"
    )
    width = out_x + 240
    legend = (
        f'<text x="{20 + _WIDTH + 8}" y="18" font-size="10" fill="#a33">'
        f"{html.escape(text.answers.get('yes', 'Yes'))} → (dashed: "
        f"{html.escape(text.answers.get('unsure', 'Not sure'))}, or a context ticked alone)</text>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total}" width="{width}" height="{total}" '
        'role="img" aria-label="the checklist as a decision graph">'
        '<defs><marker id="g-arrow" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto">'
        '<path d="M0,0 L8,4 L0,8 z" fill="#444"/></marker></defs>' + legend + "".join(parts) + "</svg>"
    )
