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

from content.model import MAIN_PAGE, Content, Question, QuestionText, Reference

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
        self.checklist = content.checklist
        self.number = {q.id: i + 1 for i, q in enumerate(self.checklist.questions)}

    # --- helpers -------------------------------------------------------------------------

    def criteria(self, lang: str) -> str:
        return f'<span title="source text: the four criteria">{_rich(self.checklist.criteria[lang])}</span>'

    def fills(self, lang: str) -> dict[str, str]:
        return {"criteria": self.criteria(lang)}

    def outcome_title(self, oid: str, lang: str) -> str:
        title = _plain(self.checklist.outcomes[oid].text[lang].title)
        return f'<span class="o-{html.escape(oid)}">{title}</span>'

    def answer(self, answer: str, lang: str | None = None) -> str:
        lang = lang or self.c.default_language
        return html.escape(self.checklist.answer_labels[lang][answer])

    def qref(self, qid: str) -> str:
        return f'<a href="#q-{qid}">Q{self.number[qid]}</a>'

    # --- sections ------------------------------------------------------------------------

    def decision_table(self) -> str:
        cl = self.checklist
        yes_like = [a for a in cl.answers if cl.counts_yes(a)]
        yes_words = " or ".join(f"“{self.answer(a)}”" for a in yes_like)
        rows = []
        for i, rule in enumerate(cl.rules, 1):
            if rule.when_any:
                asked = ", ".join(
                    f"{self.qref(q)} <code>{q}</code>" for q in sorted(rule.when_any, key=self.number.__getitem__)
                )
                when = f"any of {asked} answered {yes_words}"
                when += (
                    " — <b>ends the checklist at once</b>" if rule.immediate else " — once every question is answered"
                )
            else:
                when = "otherwise (every answer above was “" + self.answer("no") + "”)"
            titles = "<br>".join(self.outcome_title(rule.outcome, lang) for lang in self.langs)
            rows.append(f"<tr><td>{i}</td><td>{when}</td><td><code>{rule.outcome}</code><br>{titles}</td></tr>")
        counts = ", ".join(
            f"“{self.answer(a)}” counts as “{self.answer(b)}”" for a, b in cl.counts_as.items() if a != b
        )
        return (
            '<h2 id="decisions">Checklist decision table</h2>'
            f'<p class="note">Questions are asked in order (Q1 first). Rules are tried in order; the first that '
            f"matches decides. {counts}: the checklist errs on the side of caution, and the outcome then says "
            f"that the user was not sure.</p>"
            "<table><tr><th>#</th><th>when</th><th>disposition</th></tr>" + "".join(rows) + "</table>" + self.paths()
        )

    def paths(self) -> str:
        cl = self.checklist
        head = "".join(f'<th title="{q.id}">{self.qref(q.id)}</th>' for q in cl.questions)
        rows = []
        # Each question's ending answers next to each other (Q1 "Yes", Q1 "Not sure", then Q1 "No"
        # and what follows), rather than the walk's depth-first order.
        rank = {a: (a == "no", i) for i, a in enumerate(cl.answers)}
        every = sorted(cl.walk(), key=lambda path: [rank[path[0].get(q.id, "no")] for q in cl.questions])
        for n, (answers, outcome) in enumerate(every, 1):
            cells = []
            for q in cl.questions:
                a = answers.get(q.id)
                if a is None:
                    cells.append("<td></td>")
                else:
                    cells.append(f'<td class="a-{a}">{self.answer(a)}</td>')
            title = self.outcome_title(outcome, self.c.default_language)
            rows.append(f"<tr><td>{n}</td>{''.join(cells)}<td class='outcome'>{title}</td></tr>")
        by_outcome: dict[str, int] = {}
        for _, outcome in every:
            by_outcome[outcome] = by_outcome.get(outcome, 0) + 1
        tally = "; ".join(f"{self.outcome_title(o, self.c.default_language)}: {k}" for o, k in by_outcome.items())
        return (
            '<h3 id="paths">Every path through the checklist</h3>'
            f'<p class="note">{len(every)} paths, every answer sequence the checklist allows, with the disposition it '
            f"reaches. An empty cell: the question is not asked on that path. {tally}.</p>"
            f'<table class="paths"><tr><th>#</th>{head}<th>disposition</th></tr>' + "".join(rows) + "</table>"
        )

    def questions(self) -> str:
        cl = self.checklist
        parts = ['<h2 id="questions">Checklist questions</h2>']
        parts.append(
            '<p class="note">Answers: '
            + "; ".join(" / ".join(html.escape(cl.answer_labels[lang][a]) for lang in self.langs) for a in cl.answers)
            + ". Reasons are how the outcome explains itself right after the checklist; “past” versions are used "
            "days later in the follow-up check-in; “not sure” versions when the answer was “Not sure”.</p>"
        )
        parts.append("<table>" + _lang_header(self.c, "question"))
        for q in cl.questions:
            parts.append(self.question_row(q))
        parts.append("</table>")
        return "".join(parts)

    def leads_to(self, q: Question) -> str:
        cl = self.checklist
        immediate = [r for r in cl.rules if r.immediate and q.id in r.when_any]
        later = [r for r in cl.rules if not r.immediate and q.id in r.when_any]
        yes_like = self.yes_like()
        if immediate:
            return f"{yes_like} → <code>{immediate[0].outcome}</code> at once"
        if later:
            return f"{yes_like} → <code>{later[0].outcome}</code> at the end"
        return ""

    def yes_like(self) -> str:
        """The answers that count as "yes" ("Yes / Not sure"), as the sheet names them."""
        cl = self.checklist
        return " / ".join(self.answer(a) for a in cl.answers if cl.counts_yes(a))

    def question_row(self, q: Question) -> str:
        cells = [_question_cell(q.text[lang]) for lang in self.langs]
        key = (
            f'<span id="q-{q.id}"><b>Q{self.number[q.id]}</b> <code>{q.id}</code></span><br>{_badge(q.safety)}'
            f'<br><span class="badge out">{self.leads_to(q)}</span>'
        )
        return _row(key, cells, safety=q.safety, refs=q.references)

    def dispositions(self) -> str:
        cl = self.checklist
        parts = ['<h2 id="dispositions">Dispositions (checklist outcomes)</h2>']
        parts.append(
            '<p class="note">Each outcome: what to do, how soon and why (<span class="ph">{reasons}</span> is the list '
            "of answers that led there), then the safety-netting. The criteria sentence is the source text's.</p>"
        )
        parts.append("<table>" + _lang_header(self.c, "disposition"))
        for oid, outcome in cl.outcomes.items():
            cells = []
            for lang in self.langs:
                t = outcome.text[lang]
                cells.append(
                    f"<b>{_plain(t.title)}</b><br><br>{_placeholders(_rich(t.text), self.fills(lang))}"
                    f'<div class="safety" style="margin-top:8px">{_badge(True)}<br>{_rich(t.safety_net)}</div>'
                )
            flags = _badge(outcome.safety) + (
                '<br><span class="badge out">offers a follow-up</span>' if outcome.followup else ""
            )
            parts.append(_row(f"<code>{oid}</code><br>{flags}", cells, safety=outcome.safety, refs=outcome.references))
        wc = cl.worse_check
        cells = [_question_cell(wc.text[lang]) for lang in self.langs]
        key = (
            "<b>“Worse” at a check-in</b><br>asked first; "
            f"{self.yes_like()} → <code>{wc.outcome}</code>, "
            f"{self.answer('no')} → the checklist again and a sooner check-in<br>{_badge(True)}"
        )
        parts.append(_row(key, cells, safety=True, refs=wc.references))
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
            sum(q.safety for q in self.checklist.questions)
            + sum(1 for o in self.checklist.outcomes.values())  # every outcome has safety-netting
            + 1  # the "Worse" check-in question
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
            '<nav><a href="#decisions">Decision table</a><a href="#paths">Every path</a>'
            '<a href="#questions">Questions</a><a href="#dispositions">Dispositions</a>'
            '<a href="#pages">Pages</a><a href="#messages">Messages</a></nav>'
            + self.decision_table()
            + self.questions()
            + self.dispositions()
            + self.pages()
            + self.strings()
            + "</body></html>\n"
        )


def review_html(content: Content, *, generated: str = "") -> str:
    """The whole review sheet as one self-contained HTML document."""
    return _Sheet(content).render(generated)


def _question_cell(t: QuestionText) -> str:
    """A question in one language with every phrase a reason can take, now and days later."""
    return (
        _rich(t.text)
        + _labelled("reason", _plain(t.reason))
        + _labelled("reason, past", _plain(t.reason_past))
        + _labelled("not sure", _plain(t.unsure))
        + _labelled("not sure, past", _plain(t.unsure_past))
    )
