"""The diary's own operations (its entries, StartLog, OpenDiary and NoSpasmsToday, which other
features' messages carry, are in bot/ui/callbacks.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from bot.ui.callbacks import Callback, Wire
from content.model import Content

# The log flow keeps its draft in the buttons, not in memory: each step's buttons carry the
# answers so far and a random draft id, which the final tap saves under (UNIQUE per user), so a
# double tap, a retried update or a restart in between still makes one entry. The saved entry is
# named by that draft id too (undo, where, what), so its buttons need not wait for its row id.

Draft = Annotated[str, Wire(r"[a-z0-9]{8}")]
Choice = Annotated[str, Wire(r"[a-z0-9_]{1,12}")]  # a diary choice id (content/diary.py refuses longer ones)


class _OfDraft(Callback):
    draft: Draft


class _When(_OfDraft):
    when: Choice


class _Duration(_When):
    duration: Choice


class LogWhen(_OfDraft, prefix="gw"):
    """Change 'when' on the first step (it starts at 'now', so the common case is 3 taps)."""

    when: Choice


class LogDuration(_When, prefix="gd"):
    """The second step's answer: the severity question next."""

    duration: Choice


class LogSeverity(_Duration, prefix="gs"):
    """The last required answer: saves the entry."""

    severity: Choice


class LogCancel(_OfDraft, prefix="gc"):
    """Stop logging: nothing is saved."""


class AskWhere(_OfDraft, prefix="ga"):
    """The saved entry's optional "where" question."""


class SetWhere(_OfDraft, prefix="gp"):
    location: Choice


class AskWhat(_OfDraft, prefix="gq"):
    """The saved entry's optional "what were you doing" question."""


class SetWhat(_OfDraft, prefix="gx"):
    context: Choice


class ShowEntry(_OfDraft, prefix="gv"):
    """Back to a saved entry's confirmation (the 'Done' of its optional questions)."""


class UndoEntry(_OfDraft, prefix="gu"):
    """Undo a saved entry (it is deleted)."""


class ExportDiary(Callback, prefix="ge"):
    """The diary as a CSV file."""


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
