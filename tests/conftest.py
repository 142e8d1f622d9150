"""The test harness: the real Application, built by the production factory, talking to the
fake Telegram, on a temporary database and a clock that only moves when a test moves it."""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")  # before telegram is imported: see main.py

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import MIGRATIONS, build_application
from bot.fake_telegram import ChatClient, FakeMessage, FakeTelegram
from bot.features.reminders.delivery import ReminderDelivery
from bot.infra.clock import FakeClock
from bot.infra.services import Services, services_of
from bot.infra.settings import Settings
from bot.lifecycle import lifecycle_of, running
from content.loader import load_content
from content.model import Content
from storage.db import Database

ADMIN_ID = 777


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database=tmp_path / "bot.sqlite3", admin_ids=frozenset({ADMIN_ID}))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A freshly migrated database of its own, for the storage tests (no bot around it)."""
    database = await Database.open(tmp_path / "bot.sqlite3", MIGRATIONS)
    try:
        yield database
    finally:
        await database.close()


class Harness:
    """One running bot plus the people talking to it. `bot.send("/start")` speaks as Ada."""

    def __init__(self, settings: Settings, content: Content, clock: FakeClock, fake: FakeTelegram) -> None:
        self.settings = settings
        self.content = content
        self.clock = clock
        self.fake = fake
        self._stack: Any = None
        self.app: Any = None
        self.ada: ChatClient

    async def start(self, **options: Any) -> Harness:
        self.app = build_application(
            self.settings,
            content=self.content,
            clock=self.clock,
            request=self.fake,
            start_delivery=False,
            rate_limit=False,
            **options,
        )
        self._stack = running(self.app)
        await self._stack.__aenter__()
        self.ada = self.user(42, "Ada")
        return self

    async def stop(self) -> None:
        if self._stack is not None:
            await self._stack.__aexit__(None, None, None)
            self._stack = None

    async def restart(self, **options: Any) -> None:
        """A new process on the same database and the same Telegram chats."""
        await self.stop()
        await self.start(**options)

    @property
    def services(self) -> Services:
        return services_of(self.app)

    def user(self, user_id: int, first_name: str = "Ada", language_code: str = "en") -> ChatClient:
        return ChatClient(self.app, self.fake, user_id=user_id, first_name=first_name, language_code=language_code)

    @property
    def delivery(self) -> ReminderDelivery:
        delivery = lifecycle_of(self.app).delivery
        assert delivery is not None
        return delivery

    async def dispatch(self) -> int:
        """One pass of the reminder delivery worker, as its loop would run it now."""
        total = 0
        while sent := await self.delivery.run_once():
            total += sent
        return total

    async def rows(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        # What is on disk once the checklist answers queued so far are committed.
        await self.services.flush()  # and every other queued write
        return await self.services.db.read(lambda conn: [dict(r) for r in conn.execute(sql, params)])

    # Ada's chat, for tests that need only one user.
    async def send(self, text: str) -> None:
        await self.ada.send(text)

    async def tap(self, *labels: str) -> None:
        await self.ada.tap(*labels)

    def screen(self) -> FakeMessage:
        return self.ada.screen()

    def text(self) -> str:
        return self.ada.last_text()

    def buttons(self) -> list[str]:
        return self.ada.buttons()


@pytest.fixture
async def bot(settings: Settings, content: Content, clock: FakeClock) -> AsyncIterator[Harness]:
    # Inline mode on, as the README asks operators to set it: pages show their Share button.
    harness = Harness(settings, content, clock, FakeTelegram(clock=clock.now, inline_mode=True))
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
        assert not harness.fake.unanswered_callback_ids(), "every callback query must be answered"
