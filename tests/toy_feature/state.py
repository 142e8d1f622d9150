"""The toy's per-application state: how often its chore ran, and a signal for the test."""

from __future__ import annotations

import asyncio


class ToyState:
    def __init__(self) -> None:
        self.ticks = 0
        self.ticked = asyncio.Event()
