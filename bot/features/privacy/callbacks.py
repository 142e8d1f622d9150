"""The privacy screen's own operations (its entry, OpenPrivacy, is in bot/ui/callbacks.py)."""

from __future__ import annotations

from bot.ui.callbacks import Callback


class ConfirmDelete(Callback, prefix="dc"):
    """ "Delete everything": the second tap of /delete_my_data, which erases the user's data."""


class KeepData(Callback, prefix="dk"):
    """ "Keep my data": the erasure is not made."""
