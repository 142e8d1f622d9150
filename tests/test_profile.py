"""Profile texts: set in every language when they differ, left alone when they do not."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from types import MappingProxyType

import pytest
from telegram import Bot

from bot.fake_telegram import FakeTelegram
from bot.services import profile
from content.model import Content


@pytest.fixture
def fake() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
async def tg(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot("123:ABC", request=fake) as bot:
        yield bot


def sets(fake: FakeTelegram) -> list[tuple[str, str]]:
    return [
        (c.method, str(c.params.get("language_code") or ""))
        for c in fake.calls
        if c.method in ("setMyDescription", "setMyShortDescription") and c.ok
    ]


async def test_registered_in_every_language_then_not_again(tg: Bot, fake: FakeTelegram, content: Content) -> None:
    await profile.register_profile(tg, content)
    assert sorted(sets(fake)) == [
        ("setMyDescription", ""),
        ("setMyDescription", "it"),
        ("setMyShortDescription", ""),
        ("setMyShortDescription", "it"),
    ]
    assert fake.bot_text("description") == content.text("en", "profile.description")
    assert fake.bot_text("short_description", "it") == content.text("it", "profile.short_description")
    fake.reset_calls()
    assert await profile.register_profile(tg, content) == []
    assert sets(fake) == []
    assert {c.method for c in fake.calls} == {"getMyDescription", "getMyShortDescription"}


async def test_only_what_changed_is_set_again(tg: Bot, fake: FakeTelegram, content: Content) -> None:
    await profile.register_profile(tg, content)
    fake.reset_calls()
    strings = {lang: dict(texts) for lang, texts in content.strings.items()}
    strings["it"]["profile.short_description"] = "Un'altra descrizione breve."
    edited = dataclasses.replace(content, strings=MappingProxyType(strings), memo={})
    await profile.register_profile(tg, edited)
    assert sets(fake) == [("setMyShortDescription", "it")]
    assert fake.bot_text("short_description", "it") == "Un'altra descrizione breve."


async def test_a_text_changed_in_botfather_is_put_back(tg: Bot, fake: FakeTelegram, content: Content) -> None:
    await profile.register_profile(tg, content)
    await tg.set_my_description("Something else")
    fake.reset_calls()
    await profile.register_profile(tg, content)
    assert sets(fake) == [("setMyDescription", "")]


async def test_telegram_refusing_does_not_stop_the_bot(tg: Bot, fake: FakeTelegram, content: Content) -> None:
    fake.fail_next("setMyDescription", error_code=429, description="Too Many Requests: retry after 3600", times=2)
    updated = await profile.register_profile(tg, content)
    assert {(i.kind, i.language_code) for i in updated} == {("short_description", None), ("short_description", "it")}
    fake.fail_next("getMyDescription", error_code=500, description="Internal Server Error", times=2)
    assert await profile.register_profile(tg, content) == []  # unknown: not written blindly


def test_the_shipped_texts_fit(content: Content) -> None:
    for item in profile.wanted(content):
        assert 0 < len(item.text) <= profile.LIMITS[item.kind], item
