"""The diary's own operations (its entries, StartLog, OpenDiary and NoSpasmsToday, which other
features' messages carry, are in bot/ui/callbacks.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.ui.callbacks import Callback
from content.model import Content

# The log flow keeps its draft in the buttons, not in memory: each step's buttons carry the
# answers so far and a random draft id, which the final tap saves under (UNIQUE per user), so a
# double tap, a retried update or a restart in between still makes one entry. The saved entry is
# named by that draft id too (undo, where, what), so its buttons need not wait for its row id.

DRAFT = r"[a-z0-9]{8}"
CHOICE = r"[a-z0-9_]{1,12}"  # a diary choice id (content/diary.py refuses longer ones)


@dataclass(frozen=True, slots=True)
class LogWhen(Callback):
    """Change 'when' on the first step (it starts at 'now', so the common case is 3 taps)."""

    PREFIX = "gw"
    PATTERNS = (DRAFT, CHOICE)
    draft: str
    when: str


@dataclass(frozen=True, slots=True)
class LogDuration(Callback):
    PREFIX = "gd"
    PATTERNS = (DRAFT, CHOICE, CHOICE)
    draft: str
    when: str
    duration: str


@dataclass(frozen=True, slots=True)
class LogSeverity(Callback):
    """The last required answer: saves the entry."""

    PREFIX = "gs"
    PATTERNS = (DRAFT, CHOICE, CHOICE, CHOICE)
    draft: str
    when: str
    duration: str
    severity: str


@dataclass(frozen=True, slots=True)
class LogCancel(Callback):
    PREFIX = "gc"
    PATTERNS = (DRAFT,)
    draft: str


@dataclass(frozen=True, slots=True)
class AskWhere(Callback):
    PREFIX = "ga"
    PATTERNS = (DRAFT,)
    draft: str


@dataclass(frozen=True, slots=True)
class SetWhere(Callback):
    PREFIX = "gp"
    PATTERNS = (DRAFT, CHOICE)
    draft: str
    location: str


@dataclass(frozen=True, slots=True)
class AskWhat(Callback):
    PREFIX = "gq"
    PATTERNS = (DRAFT,)
    draft: str


@dataclass(frozen=True, slots=True)
class SetWhat(Callback):
    PREFIX = "gx"
    PATTERNS = (DRAFT, CHOICE)
    draft: str
    context: str


@dataclass(frozen=True, slots=True)
class ShowEntry(Callback):
    """Back to a saved entry's confirmation (the 'Done' of its optional questions)."""

    PREFIX = "gv"
    PATTERNS = (DRAFT,)
    draft: str


@dataclass(frozen=True, slots=True)
class UndoEntry(Callback):
    PREFIX = "gu"
    PATTERNS = (DRAFT,)
    draft: str


@dataclass(frozen=True, slots=True)
class ExportDiary(Callback):
    PREFIX = "ge"


def static_callbacks(content: Content) -> Iterator[Callback]:
    """The diary's buttons whose data depends on content, at their longest."""
    fields = content.diary.fields
    for when in fields["when"].choices:
        for duration in fields["duration"].choices:
            for severity in fields["severity"].choices:
                yield LogSeverity("x" * 8, when, duration, severity)
    for location in fields["location"].choices:
        yield SetWhere("x" * 8, location)
    for context in fields["context"].choices:
        yield SetWhat("x" * 8, context)
