"""The feature contract: everything a feature owns, declared as data in its `feature.py`.

The wiring (bot/app.py) collects these from FEATURES: the callback routes, the command list, the
free-text claims (asked in precedence order by one dispatcher), each feature's per-application
state (bot/infra/services.py), the chores (one scheduler in bot/lifecycle.py), and the tables
whose migrations, /mydata export and /delete_my_data erase the core runs. A new feature is one
package and one line in FEATURES; nothing else learns its name.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, Protocol, TypeVar

from telegram import Bot
from telegram.ext import BaseHandler
from telegram.ext.filters import BaseFilter

from bot.core.turn import Turn
from bot.infra.services import BotApp, Services
from bot.ui.callbacks import Callback
from content.model import Content
from storage.tables import Table

C = TypeVar("C", bound=Callback)
C_contra = TypeVar("C_contra", bound=Callback, contravariant=True)


class Route(Protocol[C_contra]):
    """A button's handler: it gets the parsed callback and returns an alert text for the query's
    answer (None for a silent answer). The router answers every query, whatever happens."""

    def __call__(self, turn: Turn, callback: C_contra, /) -> Awaitable[str | None]: ...


@dataclass(frozen=True, slots=True)
class On(Generic[C]):
    """One operation and its handler: mypy checks the handler takes exactly this callback."""

    kind: type[C]
    route: Route[C]


def routes(*handlers: Route[Any]) -> tuple[On[Any], ...]:
    """Each handler routed for the operation its signature names (`async def on_when(turn: Turn,
    cb: LogWhen)` takes LogWhen): the route is read from the type it already declares, so the two
    cannot disagree, and the codec refuses a class routed twice when the wiring collects them."""
    routed: list[On[Any]] = []
    for handler in handlers:
        hints = typing.get_type_hints(handler)
        names = [n for n in inspect.signature(handler).parameters]
        kind = hints.get(names[1]) if len(names) == 2 else None
        if not (isinstance(kind, type) and issubclass(kind, Callback)):
            raise TypeError(f"{getattr(handler, '__qualname__', handler)} is not (turn, callback) with a Callback type")
        routed.append(On(kind, handler))
    return tuple(routed)


# A command's, a message's or a text claim's handler: the update's Turn, built by the wiring.
Handler = Callable[[Turn], Coroutine[Any, Any, None]]
Stop = Callable[[BotApp], Awaitable[object]]


class Stage(Enum):
    """When a message handler is offered an update, relative to the other features'."""

    # After every feature's commands (same handler group): a command nobody claimed.
    UNCLAIMED_COMMAND = "unclaimed_command"
    # Whatever no claim took: search, stickers, commands in groups.
    FALLBACK = "fallback"


@dataclass(frozen=True, slots=True)
class Command:
    """`/name`. With `opens`, the command runs the route of that callback (its button twin),
    so `/privacy` and the Privacy button are one body; otherwise `handler` runs."""

    name: str
    handler: Handler | None = None
    opens: Callback | None = None
    # Where Telegram's command list shows it (lowest first); None: not listed.
    listed: int | None = None
    # Admin commands exist only for the ids in ADMIN_IDS; to anyone else they are unknown.
    admin_only: bool = False

    def __post_init__(self) -> None:
        if (self.handler is None) == (self.opens is None):
            raise ValueError(f"/{self.name} needs exactly one of handler= and opens=")


@dataclass(frozen=True, slots=True)
class TextClaim:
    """Free text (or a location) a feature may take while it holds a conversation: a checklist
    question or a log question is open, a city prompt is waiting. One dispatcher asks every
    claim whose filter matches, lowest `precedence` first; `handle` takes the update by raising
    ApplicationHandlerStop, or returns to let the next claim (and then search) have it."""

    precedence: int
    filter: BaseFilter
    handle: Handler


@dataclass(frozen=True, slots=True)
class Message:
    filter: BaseFilter
    handler: Handler
    stage: Stage


@dataclass(frozen=True, slots=True)
class Chore:
    """Periodic work on the injected clock (closing idle checklists, retention): run by the
    lifecycle's one scheduler whether or not this process delivers reminders."""

    name: str
    every: float  # seconds
    run: Callable[[Services, Bot], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    commands: tuple[Command, ...] = ()
    messages: tuple[Message, ...] = ()
    claims: tuple[TextClaim, ...] = ()
    callbacks: tuple[On[Any], ...] = ()
    # The buttons of the classes it routes whose data depends on content (a page id, a daily
    # kind, a diary choice), at their longest: checked against the codec and Telegram's 64 bytes
    # when content loads and on /reload (bot/services/checked_content.py).
    static_callbacks: Callable[[Content], Iterable[Callback]] | None = None
    # Other update kinds (my_chat_member...), registered with the commands.
    updates: tuple[BaseHandler[Any, Any, Any], ...] = ()
    # Per-application state: called once per Application, found again by its type with
    # `services.state(TheClass)`.
    state: Callable[[], object] | None = None
    tables: tuple[Table, ...] = ()
    chores: tuple[Chore, ...] = ()
    # At shutdown, after updates stop and before the database closes (e.g. end a worker process).
    stops: tuple[Stop, ...] = ()


@dataclass(frozen=True, slots=True)
class Routes:
    """Every feature's routes by callback type: per-application state of the core (enter())."""

    by_kind: dict[type[Callback], Route[Any]]


async def enter(turn: Turn, callback: Callback) -> bool:
    """Open what `callback`'s button opens, from a command or a deep link instead of a tap.

    This is how one feature reaches another's entry point (a deep link starting the checklist)
    without importing it: through the typed operation and the routes every feature declared.
    The route's alert text is for a callback query and is dropped. False if nothing routes it.
    """
    route = turn.services.state(Routes).by_kind.get(type(callback))
    if route is None:
        return False
    await route(turn, callback)
    return True
