"""The priority rate limiter on a virtual clock: pacing, priority, RetryAfter."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from telegram.error import RetryAfter

from bot.infra.ratelimit import BULK, PriorityRateLimiter


class VirtualTime:
    """sleep() advances the clock instead of waiting."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def limiter(time: VirtualTime) -> PriorityRateLimiter:
    return PriorityRateLimiter(clock=time.clock, sleep=time.sleep)


async def send(rl: PriorityRateLimiter, time: VirtualTime, sent: list[float], chat: int, bulk: bool) -> None:
    async def call() -> bool:
        sent.append(time.now)
        return True

    await rl.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, BULK if bulk else None)


async def test_bulk_is_paced_under_the_window():
    time = VirtualTime()
    rl = limiter(time)
    sent: list[float] = []
    for chat in range(100):
        await send(rl, time, sent, chat, bulk=True)
    for i, t in enumerate(sent):
        in_window = [u for u in sent[: i + 1] if u > t - 1.0 + 1e-9]
        assert len(in_window) <= 29
    assert sent[-1] == pytest.approx(99 / 29, rel=0.02)  # evenly spaced, ~29 per second


async def test_bulk_keeps_one_per_second_per_chat():
    time = VirtualTime()
    rl = limiter(time)
    sent: list[float] = []
    for _ in range(3):
        await send(rl, time, sent, 7, bulk=True)
    assert sent[1] - sent[0] >= 1.0 and sent[2] - sent[1] >= 1.0


async def test_interactive_is_not_queued_behind_a_full_window():
    time = VirtualTime()
    rl = limiter(time)
    sent: list[float] = []
    for chat in range(29):
        rl._record(0.0, True, chat)  # a full window of bulk sends
    await send(rl, time, sent, 1000, bulk=False)
    assert sent == [0.0]
    bulk_sent: list[float] = []
    await send(rl, time, bulk_sent, 2000, bulk=True)
    assert bulk_sent[0] >= 1.0  # bulk waits for the window, which counts the interactive reply


async def test_retry_after_pauses_and_retries_without_loss():
    time = VirtualTime()
    rl = limiter(time)
    attempts: list[float] = []

    async def flaky() -> bool:
        attempts.append(time.now)
        if len(attempts) == 1:
            raise RetryAfter(timedelta(seconds=5))
        return True

    assert await rl.process_request(flaky, (), {}, "sendMessage", {"chat_id": 1}, BULK) is True
    assert attempts[1] - attempts[0] >= 5.0
    # A bulk 429 pauses all bulk sending, in every chat.
    sent: list[float] = []
    await send(rl, time, sent, 2, bulk=True)
    assert sent[0] >= attempts[1]


async def test_interactive_retry_after_pauses_only_that_chat():
    time = VirtualTime()
    rl = limiter(time)
    calls = 0

    async def flaky() -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RetryAfter(timedelta(seconds=3))
        return True

    await rl.process_request(flaky, (), {}, "editMessageText", {"chat_id": 1}, None)
    assert time.now >= 3.0
    other: list[float] = []
    start = time.now
    await send(rl, time, other, 2, bulk=False)
    assert other == [start]


async def test_unlimited_endpoints_pass_straight_through():
    time = VirtualTime()
    rl = limiter(time)

    async def call() -> bool:
        return True

    for _ in range(100):
        assert await rl.process_request(call, (), {}, "answerCallbackQuery", {}, None)
    assert time.now == 0.0


async def test_gives_up_after_max_retries():
    time = VirtualTime()
    rl = limiter(time)

    async def always() -> bool:
        raise RetryAfter(timedelta(seconds=1))

    with pytest.raises(RetryAfter):
        await rl.process_request(always, (), {}, "sendMessage", {"chat_id": 1}, BULK)
    assert rl.retries == rl.max_retries + 1
