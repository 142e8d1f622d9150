"""The toy's one operation: its own callback class, collected into the codec by the wiring."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.callbacks import Callback


@dataclass(frozen=True, slots=True)
class ToyAgain(Callback):
    PREFIX = "zz"
