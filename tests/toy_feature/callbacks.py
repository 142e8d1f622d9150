"""The toy's one operation: its own callback class, collected into the codec by the wiring."""

from __future__ import annotations

from bot.ui.callbacks import Callback


class ToyAgain(Callback, prefix="zz"):
    """ "Again": the toy counts one more."""
