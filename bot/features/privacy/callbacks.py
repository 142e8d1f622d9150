"""The privacy screen's own operations (its entry, OpenPrivacy, is in bot/ui/callbacks.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.callbacks import Callback


@dataclass(frozen=True, slots=True)
class ConfirmDelete(Callback):
    PREFIX = "dc"


@dataclass(frozen=True, slots=True)
class KeepData(Callback):
    PREFIX = "dk"
