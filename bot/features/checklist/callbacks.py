"""The checklist's own operations (its entry, StartChecklist, is in bot/ui/callbacks.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.ui.callbacks import SESSION, TOKEN, Callback
from content.model import Content


@dataclass(frozen=True, slots=True)
class Answer(Callback):
    """A checklist answer; session ties it to one run so old buttons are recognised."""

    PREFIX = "c"
    PATTERNS = (SESSION, r"\d{1,2}", TOKEN)
    session: str
    step: int
    answer: str


@dataclass(frozen=True, slots=True)
class ChecklistBack(Callback):
    PREFIX = "kb"
    PATTERNS = (SESSION,)
    session: str


@dataclass(frozen=True, slots=True)
class ChecklistCancel(Callback):
    PREFIX = "kc"
    PATTERNS = (SESSION,)
    session: str


@dataclass(frozen=True, slots=True)
class ChecklistRestart(Callback):
    PREFIX = "kr"
    PATTERNS = (SESSION,)
    session: str


@dataclass(frozen=True, slots=True)
class ChecklistSummary(Callback):
    """Send the run's answers as plain text a user can forward to their doctor."""

    PREFIX = "ks"
    PATTERNS = (SESSION,)
    session: str


def static_callbacks(content: Content) -> Iterator[Callback]:
    """The checklist's buttons whose data depends on content, at their longest."""
    for answer in content.checklist.answers:
        yield Answer("x" * 12, 99, answer)
