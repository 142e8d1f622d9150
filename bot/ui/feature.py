"""The feature contract: what a feature hands the factory, declared as data.

Each feature module exposes one `FEATURE`; bot/app.py registers every feature's handlers from
one ordered tuple, stage by stage, so the order in which updates are offered is written in one
place instead of being spread over handler group numbers in five modules.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any

from telegram import Bot, Update
from telegram.ext import BaseHandler
from telegram.ext.filters import BaseFilter

from bot.infra.services import BotApp, BotContext, Services
from bot.ui.callbacks import Callback

# A button's handler: it gets the parsed callback and returns an alert text for the query's
# answer (None for a silent answer). The router answers every query, whatever happens.
Route = Callable[[Update, BotContext, Any], Awaitable[str | None]]
Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
# Periodic work between delivery passes (at least once a minute), e.g. closing idle checklists.
Chore = Callable[[Services, Bot], Awaitable[object]]
Stop = Callable[[BotApp], Awaitable[object]]


class Stage(Enum):
    """When a message handler is offered an update, relative to the other features'."""

    # After every feature's commands (same handler group): a command nobody claimed.
    UNCLAIMED_COMMAND = "unclaimed_command"
    # Free text while a feature holds a conversation (a checklist question is open): the handler
    # answers and raises ApplicationHandlerStop, or returns to let the next stage have it.
    CLAIM = "claim"
    # Whatever nobody claimed: search, stickers, commands in groups.
    FALLBACK = "fallback"


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    handler: Handler
    # Admin commands exist only for the ids in ADMIN_IDS; to anyone else they are unknown.
    admin_only: bool = False


@dataclass(frozen=True, slots=True)
class Message:
    filter: BaseFilter
    handler: Handler
    stage: Stage


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    commands: tuple[Command, ...] = ()
    messages: tuple[Message, ...] = ()
    callbacks: Mapping[type[Callback], Route] = field(default_factory=lambda: MappingProxyType({}))
    # Other update kinds (my_chat_member...), registered with the commands.
    updates: tuple[BaseHandler[Any, Any, Any], ...] = ()
    chores: tuple[Chore, ...] = ()
    # At shutdown, after updates stop and before the database closes (e.g. end a worker process).
    stops: tuple[Stop, ...] = ()


# Where the factory leaves every feature's callback routes, for enter().
ROUTES_KEY = "routes"


def routes_of(app: BotApp) -> Mapping[type[Callback], Route]:
    routes = app.bot_data.get(ROUTES_KEY, MappingProxyType({}))
    assert isinstance(routes, Mapping)
    return routes


async def enter(update: Update, ctx: BotContext, callback: Callback) -> bool:
    """Open what `callback`'s button opens, from a command or a deep link instead of a tap.

    This is how one feature reaches another's entry point (a deep link starting the checklist)
    without importing it: through the typed operation and the routes every feature declared.
    The route's alert text is for a callback query and is dropped. False if nothing routes it.
    """
    route = routes_of(ctx.application).get(type(callback))
    if route is None:
        return False
    await route(update, ctx, callback)
    return True
