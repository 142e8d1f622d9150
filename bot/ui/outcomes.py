"""A checklist disposition as the user reads it: what to do, how soon, why, and when to get help sooner.

Shared by the checklist (its result screen) and the reminders (the "Worse" check-in, which can end
with the emergency disposition), so both say exactly the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from content.model import Content, QuestionText, Role

# (the question's wording in every language, answered "Not sure"?)
Reason = tuple[Mapping[str, QuestionText], bool]


def reasons_of(content: Content, answers: Mapping[str, str]) -> list[Reason]:
    """The answers that led to an outcome; "Not sure" ones read as uncertainty."""
    checklist = content.checklist
    unsure = {q.id for q in checklist.unsure(answers)}
    return [(q.text, q.id in unsure) for q in checklist.reasons(answers)]


def reason_lines(content: Content, lang: str, reasons: Iterable[Reason], *, past: bool = False) -> str:
    return "\n".join(
        content.text(lang, "checklist.reason_item", reason=text[lang].phrase(unsure=unsure, past=past))
        for text, unsure in reasons
    )


def with_criteria(content: Content, lang: str, text: str) -> str:
    """{criteria}: the source text's four criteria, always all four, from one sentence."""
    return text.replace("{criteria}", content.checklist.criteria[lang])


def outcome_text(content: Content, lang: str, outcome_id: str, reasons: Iterable[Reason]) -> str:
    t = content.checklist.outcomes[outcome_id].text[lang]
    body = with_criteria(content, lang, t.text).replace("{reasons}", reason_lines(content, lang, reasons))
    return f"<b>{t.title}</b>\n\n{body}\n\n{t.safety_net}"


def safety_net(content: Content, lang: str, role: Role) -> str:
    """The safety-netting of the outcome with this role (checklist.yaml `role:`)."""
    return content.checklist.by_role(role).text[lang].safety_net
