"""The checklist's own operations (its entry, StartChecklist, is in bot/ui/callbacks.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from bot.ui.callbacks import LONGEST_PATH, Callback, Path, Session, Wire
from content.model import Content

Answer = Annotated[str, Wire(r"[0-9a-fynu]{1,2}")]  # an audience's index, y / n / u, or a hex bit mask
Mask = Annotated[int, Wire(r"\d{1,3}")]  # the ticked context options (8 at most: 255)


class _OfRun(Callback):
    """A button of one run: `session` ties it to that run, so an ended run's buttons are known."""

    session: Session


class _AtPath(_OfRun):
    """`path`: the answers so far (content.triage.encode_path), so a step needs no stored state."""

    path: Path


class Step(_AtPath, prefix="cs"):
    """A checklist answer."""

    choice: Answer


class ContextTick(_AtPath, prefix="ct"):
    """Tick or untick a context option: the same screen again, with the options now ticked."""

    mask: Mask


class ChecklistBack(_AtPath, prefix="kb"):
    """Back to the screen the answers in `path` lead to (one answer fewer than the screen shown)."""


class ChecklistSummary(_AtPath, prefix="ks"):
    """Send the run's answers as plain text a user can forward to their doctor."""


class ChecklistCancel(_OfRun, prefix="kc"):
    """Stop the run (its answers are not kept)."""


class ChecklistRestart(_OfRun, prefix="kr"):
    """Start again from the first screen, in a new message (the advice above stays on screen)."""


def static_callbacks(content: Content) -> Iterator[Callback]:
    """The checklist's buttons whose data depends on content, at their longest."""
    for choice in ("ff", "y"):
        yield Step("x" * 12, LONGEST_PATH, choice)
    yield ContextTick("x" * 12, LONGEST_PATH, 255)
    yield ChecklistBack("x" * 12, LONGEST_PATH)
    yield ChecklistSummary("x" * 12, LONGEST_PATH)
