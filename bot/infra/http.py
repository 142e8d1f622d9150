"""The HTTP client for the Bot API: PTB's HTTPXRequest with a cap on requests in flight.

With Telegram tens of milliseconds away and hundreds of users tapping at once, hundreds of
requests are in flight, and httpcore's connection pool re-matches every waiting request with
every connection whenever any of them changes state (O(N^2 + N*M), encode/httpcore#1035, not
merged): the bot process sat at 100% CPU while the fake Telegram idled. Measured with Telegram
100 ms away and 500 users tapping at once (bench/concurrency.py): PTB's default pool of 256
gave 42 taps/s (p99 19 s); capped at 24 / 32 / 48 / 64 requests in flight, 115 / 148 / 105 /
44 taps/s (p99 3.6 s at 32, which is the cap itself: 32 requests per 100 ms). Requests beyond
the cap wait on a semaphore, which costs nothing per waiter.
"""

from __future__ import annotations

import asyncio
from typing import Any

from telegram.request import HTTPXRequest

IN_FLIGHT = 32


class BoundedHTTPXRequest(HTTPXRequest):
    def __init__(self, in_flight: int = IN_FLIGHT, **kwargs: Any) -> None:
        super().__init__(connection_pool_size=in_flight, **kwargs)
        self._gate = asyncio.Semaphore(in_flight)

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        async with self._gate:
            return await super().do_request(*args, **kwargs)
