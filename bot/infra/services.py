"""What handlers share: content, storage, clock, settings. One instance per Application."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.infra.clock import Clock
from bot.infra.settings import Settings
from content.model import Content
from storage import users
from storage.checklist_store import ChecklistStore
from storage.db import Database
from storage.tables import Table

log = logging.getLogger(__name__)

# Re-touch a known user at most this often: last_seen is a coarse activity measure, and a menu
# tap should cost no database round trip.
TOUCH_EVERY = 3600.0
CACHE_SIZE = 50_000


@dataclass(slots=True)
class CachedUser:
    language: str | None  # the user's explicit choice; None follows Telegram
    timezone: str | None
    touched_at: float


@dataclass
class Health:
    """Heartbeats the health check reads: is the bot taking updates, is the delivery worker alive."""

    started_at: float = field(default_factory=time.monotonic)
    delivery_running: bool = False
    last_delivery_loop: float = 0.0
    updates: int = 0
    in_flight: dict[int, float] = field(default_factory=dict)  # id -> monotonic start


S = TypeVar("S")


class WriteQueue(Protocol):
    """Writes committed behind the handlers (storage/group_commit.py): one per open database."""

    async def flush(self) -> None: ...

    async def close(self) -> None: ...


Q = TypeVar("Q", bound=WriteQueue)


class Services:
    """Everything a handler may use, given at construction; the database opens in post_init
    unless one is passed in (tests share one across restarts).

    The one home of per-application state: each feature's state object (`state`), the write
    queues over the open database (`queue`, reopened with it, flushed together by `flush`), and
    the tables the core exports and erases."""

    def __init__(
        self,
        settings: Settings,
        content: Content,
        clock: Clock,
        *,
        database: Database | None = None,
        tables: tuple[Table, ...] = (),
        states: Iterable[object] = (),
    ) -> None:
        self.settings = settings
        self.content = content  # replaced whole by /reload; handlers read it once per update
        self.clock = clock
        self.tables = tables  # every feature's, for /mydata, /delete_my_data and retention
        self._db = database
        self._checklists: ChecklistStore | None = None
        self._queues: dict[type[Any], WriteQueue] = {}
        self._states: dict[type[Any], object] = {}
        for state in states:
            self.add_state(state)
        # Set when the outbox has news (a new reminder, a user back from a block): the delivery
        # worker waits on it between passes. An Event binds to no loop until it is awaited.
        self.outbox_changed = asyncio.Event()
        self.health = Health()
        self._users: OrderedDict[int, CachedUser] = OrderedDict()

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("the database is opened in post_init; it is not open yet")
        return self._db

    @db.setter
    def db(self, value: Database | None) -> None:
        self._db = value

    @property
    def db_open(self) -> bool:
        return self._db is not None

    @property
    def checklists(self) -> ChecklistStore:
        """Checklist runs in memory, written behind (one store per open database)."""
        if self._checklists is None:
            self._checklists = ChecklistStore(self.db)
        return self._checklists

    def add_state(self, state: object) -> None:
        if type(state) in self._states:
            raise ValueError(f"two features declare state of type {type(state).__name__}")
        self._states[type(state)] = state

    def state(self, kind: type[S]) -> S:
        """The per-application state object of this type (declared by a feature's `state`)."""
        state = self._states[kind]
        assert isinstance(state, kind)
        return state

    def queue(self, kind: type[Q], factory: Callable[[Database], Q]) -> Q:
        """The write queue of this type over the open database, made on first use; closed with
        the database, so a reopened database gets a new one."""
        queue = self._queues.get(kind)
        if queue is None:
            queue = self._queues[kind] = factory(self.db)
        assert isinstance(queue, kind)
        return queue

    async def flush(self) -> None:
        """Every write queued so far, committed: before reading what users were shown as done
        (/mydata, exports, backups, tests)."""
        if self._checklists is not None:
            await self._checklists.flush()
        for queue in list(self._queues.values()):
            await queue.flush()

    async def close_db(self) -> None:
        queues, self._queues = list(self._queues.values()), {}
        for queue in queues:
            try:
                await queue.close()  # queued writes first: the database is closing
            except Exception:
                log.exception("writes queued at shutdown could not be saved")
        if self._checklists is not None:
            try:
                await self._checklists.close()  # queued answers first: the database is closing
            except Exception:
                log.exception("checklist answers queued at shutdown could not be saved")
            self._checklists = None
        if self._db is not None:
            await self._db.close()
            self._db = None

    def now(self) -> int:
        return int(self.clock.now())

    def wake_delivery(self) -> None:
        """New or resumed reminders: the delivery worker looks at the outbox now."""
        self.outbox_changed.set()

    async def mark_blocked(self, user_id: int) -> None:
        """The user blocked the bot: pause their reminders until they come back."""
        await self.db.run(users.deactivate, user_id, self.now())
        self.forget(user_id)

    # --- users ---------------------------------------------------------------------------

    async def user_language(self, update: Update) -> str:
        """The language to answer in, touching the user's row when it is due."""
        tg_user = update.effective_user
        if tg_user is None:
            return self.content.default_language
        cached = await self.cached_user(tg_user.id)
        chosen = cached.language if cached else None
        if chosen in self.content.languages:
            return chosen  # type: ignore[return-value]
        return self.content.language(tg_user.language_code)

    async def cached_user(self, user_id: int, *, force: bool = False) -> CachedUser:
        now = self.clock.now()
        cached = self._users.get(user_id)
        if cached is not None and not force and now - cached.touched_at < TOUCH_EVERY:
            self._users.move_to_end(user_id)
            return cached
        user = await self.db.run(users.touch, user_id, int(now), durable=False)
        if user.resumed:
            # Back after blocking the bot (/start or any message): their paused check-ins go out
            # now, not at the delivery worker's next idle pass (up to a minute later).
            self.wake_delivery()
        cached = CachedUser(user.language, user.timezone, now)
        self.remember(user_id, cached)
        return cached

    def remember(self, user_id: int, cached: CachedUser) -> None:
        self._users[user_id] = cached
        self._users.move_to_end(user_id)
        while len(self._users) > CACHE_SIZE:
            self._users.popitem(last=False)

    def forget(self, user_id: int) -> None:
        self._users.pop(user_id, None)

    def update_cached(self, user_id: int, **changes: Any) -> None:
        cached = self._users.get(user_id)
        if cached is not None:
            for key, value in changes.items():
                setattr(cached, key, value)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The handler context, with typed access to the shared services."""

    @property
    def services(self) -> Services:
        return services_of(self.application)


# The one spelling of our Application type (PTB's six type parameters; a handler's
# ctx.application does not carry our context type, so the parameters stay open).
BotApp = Application[Any, Any, Any, Any, Any, Any]


def services_of(app: BotApp) -> Services:
    services = app.bot_data["services"]
    assert isinstance(services, Services)
    return services
