"""The clinical review sheet: every text the bot can show, languages side by side, in one HTML page.

`python main.py content-review [--output FILE]` writes it, so a doctor can sign the content off
without Telegram or YAML: the checklist's decision table (which answers lead to which
disposition, every path), every question with its answers and reason phrases, every disposition
with its safety-netting, every page, and every message. Wording that is not from the source text
is marked as safety wording and shows the public page(s) it follows.

The page is self-contained (inline CSS, no scripts, no external resources), so it can be mailed
or archived with the content version it describes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence

from content.mermaid import triage_map
from content.model import MAIN_PAGE, Content, Reference
from content.triage import Source

_CSS = """
:root { --safety: #fff4e0; --safety-edge: #e6a23c; --source: #eef7ee; --source-edge: #67a867;
        --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --head: #f3f5f9; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1400px; padding: 24px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 40px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 16px; margin: 24px 0 6px; }
p.meta, p.note { color: var(--muted); margin: 4px 0; }
nav { margin: 12px 0 0; }
nav a { margin-right: 14px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 6px 8px; vertical-align: top; text-align: left; }
th { background: var(--head); font-weight: 600; }
td.lang { width: 42%; }
td.key, th.key { width: 16%; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px;
                 word-break: break-word; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; letter-spacing: .04em;
         text-transform: uppercase; border-radius: 4px; padding: 1px 6px; margin: 0 4px 4px 0; }
.badge.safety { background: var(--safety); border: 1px solid var(--safety-edge); color: #8a5a00; }
.badge.source { background: var(--source); border: 1px solid var(--source-edge); color: #2f6b2f; }
.badge.out { background: #e8eefc; border: 1px solid #7d98d8; color: #22418a; }
tr.safety > td, div.safety { background: var(--safety); }
.refs { font-size: 13px; margin: 4px 0 0; padding-left: 18px; }
.refs li { margin: 0; }
.passage { margin: 2px 0 6px; padding-left: 8px; border-left: 3px solid var(--safety-edge); font-style: italic; }
.ph { background: #e8eefc; border-radius: 3px; padding: 0 3px; font-family: ui-monospace, monospace;
      font-size: 12px; color: #22418a; }
.label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em;
         margin-top: 6px; }
.spoiler { background: #ccc; }
.url { color: var(--muted); font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11px;
       word-break: break-all; }
.paths td { text-align: center; font-size: 12px; padding: 3px 4px; }
.paths td.outcome { text-align: left; font-size: 13px; white-space: nowrap; }
.paths th { font-size: 11px; padding: 3px 4px; text-align: center; }
.a-yes { background: #fbe3e3; } .a-unsure { background: #fdf0d5; } .a-no { background: #eef5ee; }
.o-emergency, .o-poisoning { color: #a11; font-weight: 700; }
.o-urgent { color: #a55a00; font-weight: 700; }
.legend span { margin-right: 12px; }
@media print { body { padding: 0; max-width: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""

_TG_SPOILER = re.compile(r"<(/?)tg-spoiler>")


def _rich(text: str) -> str:
    """Telegram HTML (already validated by the loader) as browser HTML."""
    body = _TG_SPOILER.sub(lambda m: "</span>" if m.group(1) else '<span class="spoiler">', text)
    body = body.replace('<span class="tg-spoiler">', '<span class="spoiler">')
    return body.replace("\n", "<br>")


def _plain(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def _placeholders(text: str, fills: Mapping[str, str]) -> str:
    """{criteria} and friends filled in; any other {name} shown as a visible placeholder."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in fills:
            return fills[name]
        return f'<span class="ph">{{{html.escape(name)}}}</span>'

    return re.sub(r"\{([a-z_]+)\}", fill, text)


def _refs(references: Sequence[Reference]) -> str:
    if not references:
        return ""
    items = "".join(
        f'<li><a href="{html.escape(r.url)}">{html.escape(r.title)}</a> '
        f'<br><span class="url">{html.escape(r.url)}</span>'
        + (f'<blockquote class="passage">{html.escape(r.passage)}</blockquote>' if r.passage else "")
        + "</li>"
        for r in references
    )
    return f'<ul class="refs">{items}</ul>'


def _badge(safety: bool) -> str:
    if safety:
        return '<span class="badge safety">safety wording</span>'
    return '<span class="badge source">source text</span>'


def _labelled(label: str, value: str) -> str:
    return f'<div class="label">{html.escape(label)}</div><div>{value}</div>'


def _row(key: str, cells: Iterable[str], *, safety: bool = False, refs: Sequence[Reference] = ()) -> str:
    css = ' class="safety"' if safety else ""
    head = f"{key}{_refs(refs)}"
    return f'<tr{css}><td class="key">{head}</td>' + "".join(f'<td class="lang">{c}</td>' for c in cells) + "</tr>"


def _lang_header(content: Content, first: str = "") -> str:
    names = "".join(
        f"<th>{html.escape(content.text(lang, f'language.name.{lang}'))}</th>" for lang in content.languages
    )
    return f'<tr><th class="key">{first}</th>{names}</tr>'


class _Sheet:
    def __init__(self, content: Content) -> None:
        self.c = content
        self.langs = content.languages
        self.triage = content.triage

    # --- helpers -------------------------------------------------------------------------

    def criteria(self, lang: str) -> str:
        return f'<span title="source text: the four criteria">{_rich(self.triage.text[lang].criteria)}</span>'

    def fills(self, lang: str) -> dict[str, str]:
        return {"criteria": self.criteria(lang)}

    def title(self, level: str, lang: str | None = None) -> str:
        return _plain(self.triage.text[lang or self.c.default_language].outcomes[level].title)

    # --- the checklist's decision graph -------------------------------------------------------

    def graph(self) -> str:
        """Every screen in order, its level, and every sign on it with its 'Not sure' level, its
        words in each language and the reference passage it follows."""
        t = self.triage
        parts = [
            '<h2 id="decisions">The checklist: decision graph</h2>',
            '<p class="note">Screens in order. A "Yes" on a screen means its level; the result is the highest '
            "level reached (a child's floor is the audience's), and a screen that can no longer raise it is "
            "skipped. Levels, least urgent first: "
            + " · ".join(f"<b>{self.title(level)}</b>" for level in t.levels)
            + "</p>",
            f'<pre class="mermaid">{html.escape(triage_map(t, self.c.default_language))}</pre>',
        ]
        for spec in t.screens:
            level = f" → <b>{self.title(spec.level)}</b>" if spec.level else ""
            parts.append(f"<h3>{html.escape(spec.id)}{level}</h3><table>" + _lang_header(self.c, "sign"))
            parts.append(_row("<i>question</i>", [_rich(spec.text[lang]) for lang in self.langs]))
            if spec.kind == "audience":
                for a in t.audiences.values():
                    key = f"<code>{a.id}</code>" + (f"<br>floor: <b>{self.title(a.floor)}</b>" if a.floor else "")
                    cells = [
                        _plain(a.text[lang].button) + _labelled("reason", _plain(a.text[lang].label))
                        for lang in self.langs
                    ]
                    parts.append(_row(key + _sources(a.sources), cells, safety=bool(a.floor)))
            elif spec.kind == "context":
                for c in t.contexts.values():
                    key = f"<code>{c.id}</code><br>opens: {', '.join(c.opens)}"
                    if c.level:
                        key += f"<br>ticked: <b>{self.title(c.level)}</b>"
                    cells = [
                        _plain(c.text[lang].button)
                        + _labelled("reason", _plain(c.text[lang].label))
                        + (_labelled("advice", _rich(c.text[lang].advice)) if c.text[lang].advice else "")
                        for lang in self.langs
                    ]
                    parts.append(_row(key + _sources(c.sources), cells, safety=True))
            for item in (i for i in t.items.values() if i.screen == spec.id):
                key = (
                    f"<code>{item.id}</code>{_badge(True)}<br>Yes: <b>{self.title(item.level)}</b>"
                    f"<br>Not sure: <b>{self.title(item.unsure)}</b><br>for: {', '.join(item.audiences)}"
                    + (f"<br>after: {item.context}" if item.context else "")
                )
                cells = [
                    _rich(item.text[lang].text)
                    + _labelled("reason", _plain(item.text[lang].label))
                    + (_labelled("advice", _rich(item.text[lang].advice)) if item.text[lang].advice else "")
                    for lang in self.langs
                ]
                parts.append(_row(key + _sources(item.sources), cells, safety=True))
            parts.append("</table>")
        return "".join(parts)

    def dispositions(self) -> str:
        t = self.triage
        parts = [
            '<h2 id="dispositions">Dispositions and their safety-netting</h2>',
            "<table>" + _lang_header(self.c, "level"),
        ]
        for level in reversed(t.levels):
            for audience in t.audiences:
                cells = []
                for lang in self.langs:
                    o = t.text[lang].outcomes[level]
                    body = _placeholders(
                        _rich(o.text.replace("{reasons}", "").replace("{advice}", "")), self.fills(lang)
                    )
                    net = t.safety_net(level, audience, lang)
                    cells.append(
                        f"<b>{_plain(o.title)}</b><br>{body}"
                        + (f'<div class="safety">{_rich(net)}</div>' if net else "")
                    )
                parts.append(_row(f"<code>{level}</code><br>{audience}{_badge(True)}", cells, safety=True))
        parts.append("</table>")
        return "".join(parts)

    def pages(self) -> str:
        parts = ['<h2 id="pages">Pages</h2>', "<table>" + _lang_header(self.c, "page")]
        order = self._page_order()
        for page_id in order:
            page = self.c.pages[page_id]
            cells = []
            has_safety = any(page.text[lang].safety for lang in self.langs)
            for lang in self.langs:
                t = page.text[lang]
                cell = f"<b>{_plain(t.title)}</b>"
                if t.button != t.title:
                    cell += f' <span class="label">button: {_plain(t.button)}</span>'
                cell += f"<br>{_rich(t.body)}"
                if t.safety:
                    cell += f'<div class="safety" style="margin-top:8px">{_badge(True)}<br>{_rich(t.safety)}</div>'
                cells.append(cell)
            # A `safety: true` page is reviewed wording throughout (no source text in it to badge).
            key = f"<code>{page_id}</code><br>{_badge(page.safety)}"
            if has_safety and not page.safety:
                key += _badge(True)
            parts.append(_row(key, cells, safety=page.safety, refs=page.references))
        parts.append("</table>")
        return "".join(parts)

    def _page_order(self) -> list[str]:
        order: list[str] = []

        def visit(page_id: str) -> None:
            if page_id in order or page_id not in self.c.pages:
                return
            order.append(page_id)
            for child in self.c.pages[page_id].children:
                if not child.startswith("@"):
                    visit(child)

        visit(MAIN_PAGE)
        order += [p for p in self.c.pages if p not in order]
        return order

    def strings(self) -> str:
        base = self.c.strings[self.c.default_language]
        parts = [
            '<h2 id="messages">Messages and buttons</h2>',
            '<p class="note">Every other text the bot sends. <span class="ph">{name}</span> is filled in by the bot '
            "(a user's name, a date, a list).</p>",
            "<table>" + _lang_header(self.c, "key"),
        ]
        for key in sorted(base):
            cells = [_placeholders(_rich(self.c.strings[lang].get(key, "")), self.fills(lang)) for lang in self.langs]
            parts.append(_row(f"<code>{html.escape(key)}</code>", cells))
        parts.append("</table>")
        return "".join(parts)

    def render(self, generated: str) -> str:
        c = self.c
        title = "Spasm Guide — content for clinical review"
        safety_count = (
            len(self.triage.items)
            + len(self.triage.levels)  # every outcome has safety-netting
            + sum(1 for p in c.pages.values() if p.safety or any(t.safety for t in p.text.values()))
        )
        return (
            "<!DOCTYPE html>"
            '<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
            f"<style>{_CSS}</style></head><body>"
            f"<h1>{title}</h1>"
            f'<p class="meta">Content version <code>{html.escape(c.fingerprint)}</code> · languages: '
            f"{', '.join(c.languages)} · source: {html.escape(c.source)} · last review: {html.escape(c.reviewed)} · "
            f"generated {html.escape(generated)}</p>"
            f'<p class="meta legend">{_badge(False)} from the source text, faithfully · {_badge(True)} not from the '
            f"source text: conservative wording that follows the public page listed under it "
            f"({safety_count} items, each with its reference)</p>"
            '<nav><a href="#decisions">Decision graph</a><a href="#dispositions">Dispositions</a>'
            '<a href="#pages">Pages</a><a href="#messages">Messages</a></nav>'
            + self.graph()
            + self.dispositions()
            + self.pages()
            + self.strings()
            + "</body></html>\n"
        )


def review_html(content: Content, *, generated: str = "") -> str:
    """The whole review sheet as one self-contained HTML document."""
    return _Sheet(content).render(generated)


def _sources(sources: Sequence[Source]) -> str:
    """Each reference with the passage the item follows, so the reviewer reads both side by side."""
    if not sources:
        return ""
    items = "".join(
        f'<li><a href="{html.escape(r.url)}">{html.escape(r.title)}</a>'
        f'<br><q class="passage">{html.escape(r.passage)}</q></li>'
        for r in sources
    )
    return f'<ul class="refs">{items}</ul>'
