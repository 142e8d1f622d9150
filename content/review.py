"""The clinical review sheet: one HTML file a clinician reads, decides on, and signs.

`python main.py content-review [--output FILE]` writes it. Every reviewable item of the content
(content/fingerprints.py: questions, answers, dispositions, safety items, pages, check-in and diary
texts, messages; whatever the content declares) is one row: its words in every language side by
side, the passage it follows (the reference's, or the closest sentences of the source text), its
level, and Approve / Change / Reject with a comment. Items changed since the last sign-off are
marked and show the wording that was signed. Above them: the scope, the decision graph drawn as a
graph, the assembled check-in screens and the hazard log; below, the sign-off fields.

"Export decisions" writes a JSON file that `python main.py content-signoff --decisions FILE`
reads. The page needs no network: inline CSS, one inline script, an inline SVG. It prints on A4
(the buttons become tick boxes to fill in by hand).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from content.fingerprints import Item, inventory
from content.graph_svg import triage_svg
from content.hazards import RISK_WORDS, HazardLog
from content.model import Checklist, Content
from content.signoff import Changes, changes, roles

SOURCE_TEXT = Path(__file__).resolve().parent / "source" / "muscle-spasms.txt"
EXPORT_FORMAT = "spasm-guide-review-decisions/1"

_CSS = """
:root { --safety: #fff4e0; --safety-edge: #e6a23c; --source: #eef7ee; --source-edge: #67a867;
        --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --head: #f3f5f9; --changed: #fde8e8; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1500px; padding: 24px 32px 64px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 15px; margin: 20px 0 6px; }
p.meta, p.note { color: var(--muted); margin: 4px 0; }
.status { padding: 8px 12px; border-radius: 6px; margin: 10px 0; }
.status.ok { background: var(--source); } .status.pending { background: var(--changed); }
nav a { margin-right: 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; table-layout: fixed; }
th, td { border: 1px solid var(--line); padding: 5px 7px; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; }
th { background: var(--head); font-weight: 600; }
col.key { width: 20%; } col.lang { width: 31%; } col.decide { width: 18%; }
.id { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
.badge { display: inline-block; font-size: 10px; font-weight: 700; letter-spacing: .03em;
         text-transform: uppercase; border-radius: 4px; padding: 1px 5px; margin: 2px 3px 2px 0; }
.badge.safety { background: var(--safety); border: 1px solid var(--safety-edge); color: #8a5a00; }
.badge.source { background: var(--source); border: 1px solid var(--source-edge); color: #2f6b2f; }
.badge.level { background: #e8eefc; border: 1px solid #7d98d8; color: #22418a; }
.badge.changed { background: var(--changed); border: 1px solid #d77; color: #a11; }
tr.changed > td:first-child { border-left: 4px solid #d33; }
.field { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .03em; margin-top: 4px; }
.refs { font-size: 12px; margin: 4px 0 0; padding-left: 16px; }
.passage { font-size: 12px; font-style: italic; border-left: 3px solid var(--safety-edge); padding-left: 6px;
           margin: 2px 0 4px; }
.passage.seed { border-left-color: var(--source-edge); }
.url { color: var(--muted); font-family: ui-monospace, monospace; font-size: 10px; word-break: break-all; }
.attrs { font-size: 11px; color: var(--muted); font-family: ui-monospace, monospace; }
.was { background: var(--changed); font-size: 12px; padding: 4px 6px; margin-top: 6px; }
.ph { background: #e8eefc; border-radius: 3px; padding: 0 3px; font-family: ui-monospace, monospace;
      font-size: 11px; color: #22418a; }
.spoiler { background: #ccc; }
.decide label { display: block; font-size: 13px; white-space: nowrap; }
.decide textarea { width: 100%; min-height: 38px; font: inherit; font-size: 12px; }
.decide .fp { font-size: 10px; color: var(--muted); font-family: ui-monospace, monospace; }
.screen { border: 1px solid var(--line); border-radius: 10px; padding: 8px 10px; background: #f7fbff; }
.buttons span { display: inline-block; border: 1px solid #9ab; border-radius: 6px; padding: 0 6px;
                margin: 4px 4px 0 0; font-size: 12px; background: #fff; }
td.risk { overflow-wrap: normal; word-break: keep-all; }
.r1, .r2 { background: #e4f4e4; } .r3 { background: #fff1cc; } .r4, .r5 { background: #fbd5d5; }
.toolbar { position: sticky; top: 0; background: #fff; border-bottom: 1px solid var(--line);
           padding: 6px 0; z-index: 2; }
.toolbar button { font: inherit; margin-right: 8px; }
.signoff td { height: 34px; }
svg text { font-family: system-ui, sans-serif; }
.print-only { display: none; }
@page { size: A4; margin: 12mm 10mm; }
@media print {
  body { font-size: 9pt; padding: 0; max-width: none; }
  h2 { font-size: 13pt; break-after: avoid; margin-top: 14px; }
  .toolbar, nav, .screen-only { display: none !important; }
  .print-only { display: inline; }
  tr { break-inside: avoid; }
  col.key { width: 19%; } col.lang { width: 34%; } col.decide { width: 13%; }
  .decide input, .decide textarea { display: none; }
  .decide label { display: block; font-size: 7.5pt; line-height: 1.3; }
  .decide > .print-only { display: block; border-bottom: 1px solid #999; height: 14px; }
  .decide .fp { font-size: 6.5pt; }
  .field { font-size: 6.5pt; margin-top: 2px; }
  th, td { padding: 3px 4px; }
  .id { font-size: 7.5pt; }
  .refs, .passage { font-size: 7.5pt; }
  .screen { padding: 4px 6px; }
  figure.graph { break-inside: avoid; }
  thead { display: table-header-group; }  /* column heads again on every page */
  #hazards, #signoff { break-before: page; }
  svg { max-width: 100%; height: auto; }
}
"""

_SCRIPT = """
(function () {
  function rows() { return Array.prototype.slice.call(document.querySelectorAll('tr[data-item]')); }
  function decisionOf(row) {
    var picked = row.querySelector('input[type=radio]:checked');
    return picked ? picked.value : null;
  }
  function update() {
    var all = rows(), done = 0, bad = [];
    all.forEach(function (row) {
      var d = decisionOf(row);
      if (d) { done++; }
      if (d === 'change' || d === 'reject') { bad.push(row.dataset.item + ' (' + d + ')'); }
    });
    document.getElementById('progress').textContent =
      done + ' of ' + all.length + ' items decided' + (bad.length ? '; ' + bad.length + ' to change or reject' : '');
  }
  function field(id) { var el = document.getElementById(id); return el ? el.value.trim() : ''; }
  function exportDecisions() {
    var decisions = {};
    rows().forEach(function (row) {
      var d = decisionOf(row);
      if (!d) { return; }
      decisions[row.dataset.item] = {
        decision: d,
        comment: row.querySelector('textarea').value.trim(),
        fingerprint: row.dataset.fingerprint
      };
    });
    var doc = {
      format: document.body.dataset.format,
      version: document.body.dataset.version,
      reviewer: field('so-name'), role: field('so-role'), registration: field('so-registration'),
      date: field('so-date'), scope: field('so-scope'),
      decisions: decisions
    };
    var blob = new Blob([JSON.stringify(doc, null, 1)], {type: 'application/json'});
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'review-decisions-' + document.body.dataset.version + '.json';
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    return Object.keys(decisions).length;
  }
  function approveUndecided(onlyUnchanged) {
    rows().forEach(function (row) {
      if (decisionOf(row) || (onlyUnchanged && row.classList.contains('changed'))) { return; }
      row.querySelector('input[value=approve]').checked = true;
    });
    update();
  }
  document.addEventListener('change', update);
  document.getElementById('export').addEventListener('click', exportDecisions);
  document.getElementById('approve-unchanged').addEventListener('click', function () { approveUndecided(true); });
  window.reviewSheet = {exportDecisions: exportDecisions, approveUndecided: approveUndecided, update: update};
  update();
})();
"""

_TG_SPOILER = re.compile(r"<(/?)tg-spoiler>")


def _rich(text: str) -> str:
    """Telegram HTML (already validated by the loader) as browser HTML, placeholders visible."""
    body = _TG_SPOILER.sub(lambda m: "</span>" if m.group(1) else '<span class="spoiler">', text)
    body = body.replace('<span class="tg-spoiler">', '<span class="spoiler">').replace("\n", "<br>")
    return re.sub(r"\{([a-z_]+)\}", r'<span class="ph">{\1}</span>', body)


def _plain(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", re.sub(r"<[^>]+>", " ", text.casefold()))}


class _Sheet:
    def __init__(self, content: Content, hazards: HazardLog | None) -> None:
        self.c = content
        self.inv = inventory(content)
        self.changes: Changes = changes(self.inv, content.signoff)
        self.hazards = hazards
        self.langs = content.languages
        self.seed = _sentences(SOURCE_TEXT.read_text(encoding="utf-8")) if SOURCE_TEXT.exists() else []

    # --- one item --------------------------------------------------------------------------

    def label(self, item: Item) -> str:
        """Source text, or safety wording: anything with a reference or a safety field is the latter."""
        safety_attr = item.attributes.get("safety")
        has_safety_words = any(
            k.split(".")[-1] in ("safety", "safety_net") for fields in item.texts.values() for k in fields
        )
        if safety_attr == "true" or item.references or has_safety_words:
            if item.kind == "pages" and safety_attr != "true":  # a body from the source text, a safety block
                return '<span class="badge source">source text</span><span class="badge safety">+ safety advice</span>'
            # A disposition ("book an appointment in the next few days", "self-care for now")
            # gives timing and safety-netting the source text does not: never "source text".
            quotes = '<span class="badge level">quotes the source text</span>' if safety_attr == "false" else ""
            return f'<span class="badge safety">safety wording</span>{quotes}'
        if item.texts and any(item.texts.values()):
            return '<span class="badge source">source text</span>' if self.seed_passage(item) else ""
        return ""

    def levels(self, item: Item) -> str:
        out = []
        for key in ("level", "unsure", "outcome", "screen", "floor"):
            if key in item.attributes:
                out.append(f'<span class="badge level">{html.escape(key)}: {html.escape(item.attributes[key])}</span>')
        return "".join(out)

    def seed_passage(self, item: Item) -> list[str]:
        """The source text's sentences an item follows: those sharing most of their words with it."""
        if not self.seed or item.kind.startswith("strings") or item.attributes.get("safety") == "true":
            return []  # messages, and wording marked as not from the source text, quote none of it
        words = _words(" ".join(item.texts.get("en", {}).values()))
        scored = []
        for sentence in self.seed:
            own = _words(sentence)
            shared = len(own & words)
            # A third of the sentence's words, and at least three: the pages retell the source text
            # in shorter sentences, so a stricter match missed "Everyday causes" (4 of 12 words).
            if shared >= 3 and shared / len(own) >= 0.3:
                scored.append((shared, sentence))
        return [s for _, s in sorted(scored, key=lambda t: -t[0])[:3]]

    def references(self, item: Item) -> str:
        seed = self.seed_passage(item)
        quotes = "".join(f'<div class="passage seed">“{html.escape(s)}”</div>' for s in seed)
        from_seed = f'<div class="field">follows the source text</div>{quotes}' if seed else ""
        if not item.references:
            return from_seed
        parts = []
        for r in item.references:
            passage = r.passage
            quote = f'<div class="passage">“{html.escape(passage)}”</div>' if passage else ""
            parts.append(
                f'<li><a href="{html.escape(r.url)}">{html.escape(r.title)}</a><br>{quote}'
                f'<span class="url">{html.escape(r.url)}</span></li>'
            )
        return f'{from_seed}<div class="field">safety wording follows</div><ul class="refs">{"".join(parts)}</ul>'

    def attributes(self, item: Item) -> str:
        shown = {
            k: v for k, v in item.attributes.items() if k not in ("level", "unsure", "outcome", "screen", "safety")
        }
        if not shown:
            return ""
        lines = "<br>".join(f"{html.escape(k or 'value')}: {html.escape(v)}" for k, v in shown.items())
        return f'<div class="attrs">{lines}</div>'

    def cell(self, item: Item, lang: str) -> str:
        fields = item.texts.get(lang, {})
        parts = []
        for name, text in fields.items():
            if name:
                parts.append(f'<div class="field">{html.escape(name)}</div>')
            parts.append(f"<div>{_rich(text)}</div>")
        return "".join(parts)

    def was(self, item: Item, lang: str) -> str:
        signed = self.c.signoff.items.get(item.id) if self.c.signoff else None
        if signed is None or item.id not in self.changes.changed:
            return ""
        before = signed.texts.get(lang, {})
        now = item.texts.get(lang, {})
        diffs = [k for k in sorted(set(before) | set(now)) if before.get(k) != now.get(k)]
        if not diffs:
            return ""
        lines = "".join(
            f'<div class="field">{html.escape(k or "text")}, signed</div><div>{_rich(before.get(k, "—"))}</div>'
            for k in diffs
        )
        return f'<div class="was">{lines}</div>'

    def row(self, item: Item) -> str:
        changed = item.id in self.changes.changed
        added = self.c.signoff is not None and item.id in self.changes.added
        marks = ""
        if changed:
            marks = '<span class="badge changed">changed since sign-off</span>'
        elif added:
            marks = '<span class="badge changed">new since sign-off</span>'
        signed = self.c.signoff.items.get(item.id) if self.c.signoff else None
        if changed and signed is not None and item.attributes != signed.attributes:
            before = ", ".join(f"{k}: {v}" for k, v in signed.attributes.items() if item.attributes.get(k) != v)
            marks += f'<div class="was attrs">signed: {html.escape(before) or "—"}</div>'
        key = (
            f'<span class="id" id="item-{html.escape(item.id)}">{html.escape(item.id)}</span><br>'
            f"{self.label(item)}{self.levels(item)}{marks}{self.attributes(item)}{self.references(item)}"
        )
        cells = "".join(f"<td>{self.cell(item, lang)}{self.was(item, lang)}</td>" for lang in self.langs)
        iid = html.escape(item.id)
        decide = (
            '<td class="decide">'
            + "".join(
                f'<label><input type="radio" name="d-{iid}" value="{v}"> '
                f'<span class="print-only">☐ </span>{v.capitalize()}</label>'
                for v in ("approve", "change", "reject")
            )
            + f'<textarea aria-label="comment on {iid}" placeholder="comment"></textarea>'
            '<span class="print-only"></span>'
            f'<div class="fp">{item.fingerprint}</div></td>'
        )
        css = ' class="changed"' if changed or added else ""
        return f'<tr{css} data-item="{iid}" data-fingerprint="{item.fingerprint}"><td>{key}</td>{cells}{decide}</tr>'

    def table(self, items: Iterable[Item]) -> str:
        heads = "".join(f"<th>{html.escape(self.c.text(lang, f'language.name.{lang}'))}</th>" for lang in self.langs)
        cols = (
            '<colgroup><col class="key">' + '<col class="lang">' * len(self.langs) + '<col class="decide"></colgroup>'
        )
        body = "".join(self.row(i) for i in items)
        return f"<table>{cols}<thead><tr><th>item</th>{heads}<th>decision</th></tr></thead>{body}</table>"

    # --- sections --------------------------------------------------------------------------

    def status(self) -> str:
        s = self.c.signoff
        if s is None:
            return (
                f'<div class="status pending">Never signed. All {len(self.inv.items)} items await a first review.</div>'
            )
        sig = s.signature
        head = (
            f"Last signed: version <code>{html.escape(sig.version)}</code> by {html.escape(sig.reviewer)} "
            f"({html.escape(sig.role)}, {html.escape(sig.registration)}) on {sig.date.isoformat()}."
        )
        if not self.changes:
            return f'<div class="status ok">{head} Nothing changed since.</div>'
        ch = self.changes
        links = ", ".join(f'<a href="#item-{html.escape(i)}">{html.escape(i)}</a>' for i in ch.changed + ch.added)
        gone = f" Removed since: {html.escape(', '.join(ch.removed))}." if ch.removed else ""
        return (
            f'<div class="status pending">{head} Since then {len(ch.changed)} items changed and {len(ch.added)} are '
            f"new (marked in red, with the wording that was signed): {links}.{gone}</div>"
        )

    def scope(self) -> str:
        intended = self.hazards.intended_use if self.hazards else ""
        signed = self.c.signoff.scope if self.c.signoff else ""
        parts = ['<h2 id="scope">Scope</h2>']
        if intended:
            parts.append(f"<p><b>Intended use.</b> {html.escape(intended)}</p>")
        if signed and signed != intended:
            parts.append(f"<p><b>Scope of the last sign-off.</b> {html.escape(signed)}</p>")
        parts.append(
            '<p class="note">Everything the bot says is below: each item in every language, what it follows, and '
            'your decision. <span class="badge source">source text</span> is the patient information text given '
            'faithfully (its sentences quoted); <span class="badge safety">safety wording</span> is not from it and '
            "follows the public page and passage quoted under it.</p>"
        )
        return "".join(parts)

    def graph(self) -> str:
        graph = getattr(self.c, "triage", None)  # the decision graph of issue 20, once loaded
        svg = triage_svg(graph, self.c.default_language) if graph is not None else checklist_svg(self.c)
        return (
            '<h2 id="graph">The checklist as a graph</h2>'
            '<p class="note">Every question is asked in order while the answers are “No”; a “Yes” (or “Not sure”, '
            "which counts as yes) on a question follows its arrow to the disposition at once, or, for the source "
            "text's four criteria, at the end. Each path through the checklist is a walk along these arrows.</p>"
            f'<figure class="graph">{svg}</figure>'
        )

    def checkins(self) -> str:
        """The check-in screens as a user gets them, one per disposition that offers a follow-up."""
        c, cl = self.c, self.c.checklist
        parts = [
            '<h2 id="checkins">Check-in screens, assembled</h2>',
            '<p class="note">Days after the checklist the bot asks how the spasms are. Below, for each disposition '
            "that offers a follow-up, the message and what each answer shows; the words are the items further down "
            '(strings <span class="id">reminders.*</span> and the “Worse” check).</p>',
            f'<table><colgroup><col style="width:16%">{"<col>" * len(self.langs)}</colgroup>',
            "<tr><th>after</th>"
            + "".join(f"<th>{html.escape(c.text(lang, f'language.name.{lang}'))}</th>" for lang in self.langs)
            + "</tr>",
        ]
        graph = getattr(c, "triage", None)
        if graph is not None:  # issue 20's graph declares each level's check-in answers
            parts += [self.graph_checkin(graph, level) for level in reversed(graph.levels)]
            parts.append("</table>")
            return "".join(parts)
        for oid, outcome in cl.outcomes.items():
            if not outcome.followup:
                continue
            example = next((q for r in cl.rules if r.outcome == oid for q in cl.questions if q.id in r.when_any), None)
            cells = []
            for lang in self.langs:
                reasons = example.text[lang].reason_past if example else ""
                ask = c.text(lang, "reminders.checkin")
                if reasons:
                    ask += "\n" + c.text(lang, "reminders.checkin_context", ago="3 days ago", reasons=reasons)
                buttons = "".join(
                    f"<span>{_plain(c.text(lang, k))}</span>" for k in ("btn.better", "btn.same", "btn.worse")
                )
                same_key = f"reminders.same_{oid}" if f"reminders.same_{oid}" in c.strings[lang] else "reminders.same"
                same_key = {"urgent": "reminders.same_urgent"}.get(oid, same_key)
                worse = cl.worse_check.text[lang].text
                answers = (
                    f'<div class="field">Better</div><div>{_rich(c.text(lang, "reminders.better"))}</div>'
                    f'<div class="field">Same</div><div>{_rich(c.text(lang, same_key))}</div>'
                    f'<div class="field">Worse</div><div>{_rich(worse)}</div>'
                    f'<div class="field">Worse, then “No”</div><div>{_rich(c.text(lang, "reminders.worse_next"))}</div>'
                )
                cells.append(
                    f'<td><div class="screen">{_rich(ask)}<div class="buttons">{buttons}</div></div>{answers}</td>'
                )
            title = _rich(outcome.text[c.default_language].title)  # Telegram HTML already
            parts.append(f'<tr><td><span class="id">{html.escape(oid)}</span><br>{title}</td>{"".join(cells)}</tr>')
        parts.append("</table>")
        return "".join(parts)

    def graph_checkin(self, graph: Any, level: str) -> str:
        """One row: a check-in after this level, and what Better, Same and Worse answer."""
        c = self.c
        cells = []
        for lang in self.langs:
            words = graph.text[lang]
            checkin = words.checkins.get(level)
            if checkin is None:
                cells.append("<td>—</td>")
                continue
            ask = c.text(lang, "reminders.checkin")
            buttons = "".join(
                f"<span>{_plain(c.text(lang, k))}</span>" for k in ("btn.better", "btn.same", "btn.worse")
            )
            answers = "".join(
                f'<div class="field">{name}</div><div>{_rich(getattr(checkin, name))}</div>'
                for name in ("better", "same", "worse")
            )
            cells.append(
                f'<td><div class="screen">{_rich(ask)}<div class="buttons">{buttons}</div></div>{answers}</td>'
            )
        title = _rich(graph.text[c.default_language].outcomes[level].title)  # Telegram HTML already
        return f'<tr><td><span class="id">{html.escape(level)}</span><br>{title}</td>{"".join(cells)}</tr>'

    def hazard_log(self) -> str:
        if self.hazards is None:
            return '<h2 id="hazards">Hazard log</h2><p class="note">No hazard log (content/hazards.yaml).</p>'
        rows = []
        for h in self.hazards.hazards:
            items = ", ".join(_item_link(i) for i in h.items)
            nets = "; ".join(f"{_item_link(n.item)} says “{html.escape(n.mentions)}”" for n in h.safety_netting)
            tests = "<br>".join(f'<span class="id">{html.escape(t)}</span>' for t in h.tests)
            rows.append(
                f'<tr><td style="white-space:nowrap"><b>{h.id}</b></td><td><b>{html.escape(h.title)}</b>'
                f'<div class="field">cause</div>{html.escape(h.cause)}'
                f'<div class="field">effect</div>{html.escape(h.effect)}</td>'
                f"{_risk_cell(h.before.severity, h.before.likelihood, h.before.rating)}"
                f"{_risk_cell(h.after.severity, h.after.likelihood, h.after.rating)}"
                f'<td><div class="field">content items</div>{items}'
                + (f'<div class="field">safety-netting</div>{nets}' if nets else "")
                + f'<div class="field">tests</div>{tests}'
                + (
                    f'<div class="field">residual risk accepted because</div>{html.escape(h.justification)}'
                    if h.justification
                    else ""
                )
                + "</td></tr>"
            )
        legend = "; ".join(f"{k} {v}" for k, v in RISK_WORDS.items())
        return (
            '<h2 id="hazards">Hazard log</h2>'
            '<p class="note">DCB0129 risk matrix: severity × likelihood → risk 1–5 ('
            + html.escape(legend)
            + "). Each mitigation names the content items (linked to their rows below) and the tests that fail "
            'if it goes; <span class="id">check-content</span> refuses a name that does not exist.</p>'
            '<table><colgroup><col style="width:6%"><col style="width:34%"><col style="width:13%">'
            '<col style="width:13%"><col style="width:34%"></colgroup>'
            "<thead><tr><th>id</th><th>hazard</th><th>before</th><th>after</th><th>mitigations</th></tr></thead>"
            + "".join(rows)
            + "</table>"
        )

    def signoff_fields(self) -> str:
        base = self.c.default_language
        options = "".join(
            f'<option value="{html.escape(r)}">{html.escape(self.c.text(base, f"governance.roles.{r}"))}</option>'
            for r in roles(self.c.strings[base])
        )
        scope = self.c.signoff.scope if self.c.signoff else (self.hazards.intended_use if self.hazards else "")
        return (
            '<h2 id="signoff">Sign-off</h2>'
            '<p class="note">Decide every item, fill these in, then <b>Export decisions</b> and send the file to the '
            'operator, who records it with <span class="id">python main.py content-signoff --decisions FILE</span> '
            "(it refuses while any item is to change or rejected). On paper: tick each item, sign below.</p>"
            '<table class="signoff"><colgroup><col style="width:25%"><col></colgroup>'
            f'<tr><th>Reviewer (name)</th><td><input id="so-name" class="screen-only" size="40"></td></tr>'
            f'<tr><th>Role</th><td><select id="so-role" class="screen-only">{options}</select></td></tr>'
            '<tr><th>Registration (e.g. GMC 1234567)</th><td><input id="so-registration" class="screen-only" size="30">'
            "</td></tr>"
            '<tr><th>Date</th><td><input id="so-date" class="screen-only" type="date"></td></tr>'
            f'<tr><th>Scope of this review</th><td><textarea id="so-scope" class="screen-only" rows="3" '
            f'style="width:100%">{html.escape(scope)}</textarea><span class="print-only">{html.escape(scope)}</span>'
            "</td></tr>"
            f'<tr><th>Content version</th><td class="id">{self.inv.version}</td></tr>'
            '<tr><th>Signature</th><td style="height:56px"></td></tr></table>'
        )

    def items(self) -> str:
        groups: dict[str, list[Item]] = {}
        for item in self.inv.items.values():
            groups.setdefault(_section(item), []).append(item)
        parts = []
        for title, anchor in _SECTIONS:
            members = groups.pop(title, [])
            if members:
                parts.append(f'<h2 id="{anchor}">{html.escape(title)}</h2>' + self.table(members))
        for title, members in groups.items():  # a kind of item this sheet does not know yet: still shown
            parts.append(f"<h2>{html.escape(title)}</h2>" + self.table(members))
        return "".join(parts)

    def render(self, generated: str) -> str:
        title = "Spasm Guide — clinical review and sign-off"
        toolbar = (
            '<div class="toolbar screen-only"><button id="approve-unchanged" type="button">Approve every undecided '
            'item not marked changed</button><button id="export" type="button">Export decisions</button>'
            '<span id="progress"></span></div>'
        )
        nav = "".join(
            f'<a href="#{a}">{t}</a>'
            for t, a in (
                ("Scope", "scope"),
                ("Graph", "graph"),
                ("Check-ins", "checkins"),
                ("Hazards", "hazards"),
                *_SECTIONS,
                ("Sign-off", "signoff"),
            )
        )
        return (
            "<!DOCTYPE html>"
            '<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
            f"<style>{_CSS}</style></head>"
            f'<body data-version="{self.inv.version}" data-format="{EXPORT_FORMAT}">'
            f"{toolbar}<h1>{title}</h1>"
            f'<p class="meta">Content version <span class="id">{self.inv.version}</span> · {len(self.inv.items)} '
            f"items · languages: {', '.join(self.langs)} · source: {html.escape(self.c.source)} · generated "
            f"{html.escape(generated)}</p>"
            f"{self.status()}<nav>{nav}</nav>"
            + self.scope()
            + self.graph()
            + self.checkins()
            + self.hazard_log()
            + self.items()
            + self.signoff_fields()
            + f"<script>{_SCRIPT}</script></body></html>\n"
        )


# Where each kind of item goes, in reading order: the checklist first, then what the bot says later.
_SECTIONS: tuple[tuple[str, str], ...] = (
    ("Checklist: questions and answers", "questions"),
    ("Checklist: dispositions", "dispositions"),
    ("Checklist: structure", "structure"),
    ("Pages", "pages"),
    ("Check-ins and reminders", "reminders"),
    ("Diary", "diary"),
    ("Messages and buttons", "messages"),
)


def _section(item: Item) -> str:
    head = item.id.split(".")[0]
    if head in ("checklist", "triage"):
        if any(w in item.id for w in ("outcome", "disposition", "levels.")):
            return "Checklist: dispositions"
        if item.texts and any(item.texts.values()):
            return "Checklist: questions and answers"
        return "Checklist: structure"
    if head == "pages":
        return "Pages"
    if head == "diary":
        return "Diary"
    if head == "strings":
        return "Check-ins and reminders" if item.id.startswith("strings.reminders") else "Messages and buttons"
    return item.kind


def _item_link(item_id: str) -> str:
    return f'<a class="id" href="#item-{html.escape(item_id)}">{html.escape(item_id)}</a>'


def _risk_cell(severity: str, likelihood: str, rating: int) -> str:
    return (
        f'<td class="risk r{rating}">{html.escape(severity)}<br>{html.escape(likelihood.replace("_", " "))}'
        f"<br><b>risk {rating}</b></td>"
    )


def _sentences(text: str) -> list[str]:
    flat = " ".join(text.replace("•", "\n").split())
    sentences = (s.strip() for s in re.split(r"(?<=[.?!])\s+", flat))
    return [s for s in sentences if len(s.split()) >= 3 and not s.endswith("?")]  # headings are questions


def checklist_svg(content: Content) -> str:
    """The checklist's questions and where a "Yes" sends each, as an inline SVG (drawn here, offline)."""
    cl: Checklist = content.checklist
    lang = content.default_language
    row_h, box_w, gap = 30, 330, 150
    out_x = 20 + box_w + gap
    outcomes = list(cl.outcomes)
    n = len(cl.questions)
    out_h = max(n * row_h + 60, len(outcomes) * 70)
    height = out_h + 20
    width = out_x + 240
    out_y = {oid: 30 + i * (out_h - 40) / max(len(outcomes) - 1, 1) for i, oid in enumerate(outcomes)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'role="img" aria-label="checklist decision graph">',
        '<defs><marker id="arr" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto">'
        '<path d="M0,0 L8,4 L0,8 z" fill="#555"/></marker></defs>',
    ]
    colours = {"emergency": "#fbd5d5", "poisoning": "#fbd5d5", "urgent": "#ffe2bf", "see_doctor": "#fff1cc"}
    for i, q in enumerate(cl.questions):
        y: float = 20 + i * row_h
        label = _short(re.sub(r"<[^>]+>", "", q.text[lang].reason), 52)
        parts.append(
            f'<rect x="20" y="{y}" width="{box_w}" height="{row_h - 8}" rx="5" fill="#f3f5f9" stroke="#889"/>'
            f'<text x="28" y="{y + 15}" font-size="11">Q{i + 1} {html.escape(label)}</text>'
        )
        if i + 1 < n:
            parts.append(
                f'<line x1="60" y1="{y + row_h - 8}" x2="60" y2="{y + row_h}" stroke="#555" marker-end="url(#arr)"/>'
            )
        rule = next((r for r in cl.rules if q.id in r.when_any), None)
        if rule is not None:
            ty = out_y[rule.outcome] + 14
            dash = "" if rule.immediate else ' stroke-dasharray="4 3"'
            parts.append(
                f'<line x1="{20 + box_w}" y1="{y + 11}" x2="{out_x}" y2="{ty}" stroke="#a44" stroke-width="1"{dash} '
                'marker-end="url(#arr)"/>'
            )
    last_y = 20 + (n - 1) * row_h + 11
    default = next((r.outcome for r in cl.rules if not r.when_any), None)
    if default:
        parts.append(
            f'<path d="M60,{last_y + 11} L60,{height - 8} L{out_x - 20},{height - 8} '
            f'L{out_x - 6},{out_y[default] + 20}" '
            'fill="none" stroke="#363" marker-end="url(#arr)"/>'
            f'<text x="70" y="{height - 12}" font-size="10" fill="#363">every answer “No”</text>'
        )
    for oid in outcomes:
        y = out_y[oid]
        title = _short(cl.outcomes[oid].text[lang].title, 34)
        fill = colours.get(oid, "#e4f4e4")
        parts.append(
            f'<rect x="{out_x}" y="{y}" width="230" height="28" rx="6" fill="{fill}" stroke="#555"/>'
            f'<text x="{out_x + 8}" y="{y + 18}" font-size="11" font-weight="bold">{html.escape(title)}</text>'
        )
    parts.append(
        f'<text x="{20 + box_w + 8}" y="14" font-size="10" fill="#a44">Yes / Not sure →  '
        "(dashed: at the end)</text></svg>"
    )
    return "".join(parts)


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def review_html(content: Content, *, generated: str = "", hazards: HazardLog | None = None) -> str:
    """The whole review sheet as one self-contained HTML document."""
    return _Sheet(content, hazards).render(generated)


def decisions_document(version: str, decisions: Mapping[str, tuple[str, str, str]]) -> str:
    """A decisions file as the sheet exports it (for tests and scripted reviews): id -> (decision, comment, fp)."""
    return json.dumps(
        {
            "format": EXPORT_FORMAT,
            "version": version,
            "decisions": {i: {"decision": d, "comment": c, "fingerprint": f} for i, (d, c, f) in decisions.items()},
        },
        indent=1,
    )


def item_ids(sheet_html: str) -> Sequence[str]:
    """The item ids a sheet offers for decision, in order (its rows' data-item)."""
    return re.findall(r'<tr[^>]* data-item="([^"]+)"', sheet_html)
