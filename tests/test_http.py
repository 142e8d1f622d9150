"""BoundedHTTPXRequest: no more than its cap of Bot API requests in flight at once."""

from __future__ import annotations

import asyncio
import json

import httpx

from bot.infra.http import BoundedHTTPXRequest


async def test_requests_beyond_the_cap_wait_their_turn():
    inside = 0
    most = 0
    release = asyncio.Event()

    async def telegram(request: httpx.Request) -> httpx.Response:
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await release.wait()
        inside -= 1
        return httpx.Response(200, content=json.dumps({"ok": True, "result": True}).encode())

    request = BoundedHTTPXRequest(in_flight=3, httpx_kwargs={"transport": httpx.MockTransport(telegram)})
    await request.initialize()
    try:
        calls = [
            asyncio.ensure_future(request.post(f"https://api.telegram.org/bot1:x/sendMessage?n={i}")) for i in range(10)
        ]
        for _ in range(50):  # loop passes, not time: enough for every call to get as far as it can
            await asyncio.sleep(0)
        assert inside == 3  # the first three reached Telegram; the rest wait at the gate
        release.set()
        assert await asyncio.gather(*calls) == [True] * 10
        assert most == 3
    finally:
        await request.shutdown()
