"""The checklist's own operations (its entry, StartChecklist, is in bot/ui/callbacks.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.ui.callbacks import LONGEST_PATH, PATH, SESSION, Callback
from content.model import Content


@dataclass(frozen=True, slots=True)
class Step(Callback):
    """A checklist answer. `path`: the answers so far (content.triage.encode_path), so the step
    needs no stored state; `session` ties it to one run, so an ended run's buttons are known."""

    PREFIX = "cs"
    PATTERNS = (SESSION, PATH, r"[0-9a-fynu]{1,2}")
    session: str
    path: str
    choice: str  # an audience's index, y / n / u, or the ticked contexts as a hex bit mask


@dataclass(frozen=True, slots=True)
class ContextTick(Callback):
    """Tick or untick a context option: the same screen again, with the options now ticked."""

    PREFIX = "ct"
    PATTERNS = (SESSION, PATH, r"\d{1,3}")
    session: str
    path: str
    mask: int


@dataclass(frozen=True, slots=True)
class ChecklistBack(Callback):
    """Back to the screen the answers in `path` lead to (one answer fewer than the screen shown)."""

    PREFIX = "kb"
    PATTERNS = (SESSION, PATH)
    session: str
    path: str


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
    """Send the run's answers as plain text a user can forward to their doctor (`path`: the answers)."""

    PREFIX = "ks"
    PATTERNS = (SESSION, PATH)
    session: str
    path: str


def static_callbacks(content: Content) -> Iterator[Callback]:
    """The checklist's buttons whose data depends on content, at their longest."""
    for choice in ("ff", "y"):
        yield Step("x" * 12, LONGEST_PATH, choice)
    yield ContextTick("x" * 12, LONGEST_PATH, 255)
    yield ChecklistBack("x" * 12, LONGEST_PATH)
    yield ChecklistSummary("x" * 12, LONGEST_PATH)
