"""A Mermaid flowchart of the menus and the checklist, generated from the content."""

from __future__ import annotations

import html
import itertools

from content.model import MAIN_PAGE, Content
from content.triage import Triage


def _label(text: str) -> str:
    return '"' + text.replace('"', "'").replace("\n", " ") + '"'


def content_map(content: Content, lang: str | None = None) -> str:
    lang = lang or content.default_language
    lines = ["```mermaid", "flowchart TD"]
    lines.append("  subgraph Menu")
    for page in content.pages.values():
        title = page.text[lang].title
        lines.append(f"    page_{page.id}[{_label(title)}]")
    for page in content.pages.values():
        for target in page.children:
            if target.startswith("@"):
                lines.append(
                    f"    page_{page.id} --> action_{target[1:]}(({_label(content.button_label(target, lang))}))"
                )
            else:
                lines.append(f"    page_{page.id} --> page_{target}")
        for target in page.links:
            node = f"action_{target[1:]}" if target.startswith("@") else f"page_{target}"
            lines.append(f"    page_{page.id} -.-> {node}")
    lines.append("  end")

    lines.append("  subgraph Checklist")
    graph = triage_map(content.triage, lang).splitlines()[1:]  # without its own "flowchart TD"
    lines += ["  " + line for line in graph]
    lines.append("  end")
    lines.append(f"  action_checklist --> s_{content.triage.screens[0].id}")
    lines.append(f"  page_{MAIN_PAGE}:::main")
    lines.append("  classDef main fill:#e8f0fe")
    lines.append("```")
    return "\n".join(lines) + "\n"


def triage_map(triage: Triage, lang: str) -> str:
    """The checklist's decision graph as a Mermaid flowchart: screens in order, what "Yes" and
    "Not sure" lead to, which context opens which follow-up, and every sign with its level."""
    text = triage.text[lang]
    titles = {level: html.unescape(text.outcomes[level].title) for level in triage.levels}
    lines = ["flowchart TD"]
    for level in triage.levels:
        lines.append(f"  o_{level}[/{_label(titles[level])}/]")
    signs = [s for s in triage.screens if s.kind == "signs"]
    order = [s.id for s in triage.screens]
    for spec in triage.screens:
        if spec.kind == "audience":
            options = ", ".join(a.text[lang].button for a in triage.audiences.values())
            lines.append(f"  s_{spec.id}{{{_label(spec.id + ': ' + options)}}}")
        elif spec.kind == "context":
            lines.append(f"  s_{spec.id}{{{{{_label(spec.id)}}}}}")
            for ctx in triage.contexts.values():
                lines.append(f"  c_{ctx.id}([{_label(ctx.text[lang].button)}])")
                lines.append(f"  s_{spec.id} -.- c_{ctx.id}")
                if ctx.level:
                    lines.append(f"  c_{ctx.id} -->|{_label('ticked')}| o_{ctx.level}")
        else:
            items = [i for i in triage.items.values() if i.screen == spec.id]
            body = "<br/>".join(
                f"{i.id}{' (' + ', '.join(i.audiences) + ')' if len(i.audiences) < len(triage.audiences) else ''}"
                f"{' [' + i.context + ']' if i.context else ''}"
                for i in items
            )
            lines.append(f"  s_{spec.id}[{_label(f'{spec.id} · {spec.level}<br/>{body}')}]")
            lines.append(f"  s_{spec.id} -->|{_label(text.answers['yes'])}| o_{spec.level}")
            unsure = sorted({i.unsure for i in items}, key=triage.rank)
            for level in unsure:
                lines.append(f"  s_{spec.id} -.->|{_label(text.answers['unsure'])}| o_{level}")
            for item in items:
                if item.context:
                    lines.append(f"  c_{item.context} -.-> s_{spec.id}")
    sign_ids = {s.id for s in signs}
    for here, there in itertools.pairwise(order):
        lines.append(f"  s_{here} -->|{_label(text.answers['no'] if here in sign_ids else '›')}| s_{there}")
    lines.append(f"  s_{order[-1]} -->|{_label(text.answers['no'])}| o_{triage.levels[0]}")
    floors = [a for a in triage.audiences.values() if a.floor]
    for audience in floors:
        lines.append(f"  s_{order[0]} -.->|{_label(audience.text[lang].button)}: floor| o_{audience.floor}")
    return "\n".join(dict.fromkeys(lines)) + "\n"
