"""A Mermaid flowchart of the menus and the checklist, generated from the content."""

from __future__ import annotations

from content.model import MAIN_PAGE, Content


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

    checklist = content.checklist
    labels = checklist.answer_labels[lang]
    lines.append("  subgraph Checklist")
    questions = checklist.questions
    for i, question in enumerate(questions):
        lines.append(f"    q_{question.id}{{{_label(f'Q{i + 1}: ' + question.text[lang].reason)}}}")
    for oid, outcome in checklist.outcomes.items():
        lines.append(f"    o_{oid}[/{_label(outcome.text[lang].title)}/]")
    for i, question in enumerate(questions):
        immediate = [r for r in checklist.rules if r.immediate and question.id in r.when_any]
        for answer in checklist.answers:
            label = labels[answer]
            if immediate and checklist.counts_yes(answer):
                lines.append(f"    q_{question.id} -->|{label}| o_{immediate[0].outcome}")
            elif i + 1 < len(questions):
                lines.append(f"    q_{question.id} -->|{label}| q_{questions[i + 1].id}")
            else:
                lines.append(f'    q_{question.id} -->|{label}| rules{{{{"rules"}}}}')
    for rule in checklist.rules:
        if rule.immediate:
            continue
        cond = "any of " + ", ".join(rule.when_any) + " = yes" if rule.when_any else "otherwise"
        lines.append(f"    rules -->|{_label(cond)}| o_{rule.outcome}")
    lines.append("  end")
    lines.append(f"  action_checklist --> q_{questions[0].id}")
    lines.append(f"  page_{MAIN_PAGE}:::main")
    lines.append("  classDef main fill:#e8f0fe")
    lines.append("```")
    return "\n".join(lines) + "\n"
