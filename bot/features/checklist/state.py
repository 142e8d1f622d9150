"""The checklist's per-application state: outcome traces waiting for the database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class PendingTraces:
    """Outcome traces (storage/outcomes.py) that could not be written because another process held
    the database's write lock. The user's result is never held up by that: the trace is kept here
    and written by the next expiry chore (every minute), or at the next finished checklist."""

    writes: list[Callable[[Any], object]] = field(default_factory=list)
