"""The callback_data codec: the only place that writes or reads button data.

Telegram gives a button 64 bytes of data and returns it verbatim, so anything a client sends
back may be stale (old message, older content) or forged. `parse` accepts exactly the shapes
`encode` produces and returns None for everything else; handlers never see raw strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from content.model import Content

_TOKEN = r"[a-z0-9_]{1,24}"  # noqa: S105 - an identifier pattern, not a secret
_SESSION = r"[a-z0-9]{6,12}"  # a checklist run id (bot.checklist makes 8 hex digits)


@dataclass(frozen=True, slots=True)
class Callback:
    PREFIX: ClassVar[str]
    PATTERNS: ClassVar[tuple[str, ...]]

    def encode(self) -> str:
        # __match_args__ is the dataclass's field names in order; dataclasses.fields() would
        # rebuild its tuple for every button, and a checklist step encodes five.
        names: tuple[str, ...] = self.__match_args__
        return ":".join([self.PREFIX, *(str(getattr(self, name)) for name in names)])


@dataclass(frozen=True, slots=True)
class Nav(Callback):
    """Show a content page."""

    PREFIX = "p"
    PATTERNS = (_TOKEN,)
    page: str


@dataclass(frozen=True, slots=True)
class Act(Callback):
    """A feature button from the menus (@checklist, @reminders, …)."""

    PREFIX = "a"
    PATTERNS = (_TOKEN,)
    name: str


@dataclass(frozen=True, slots=True)
class SetLang(Callback):
    PREFIX = "l"
    PATTERNS = (r"[a-z]{2,3}",)
    lang: str


@dataclass(frozen=True, slots=True)
class Answer(Callback):
    """A checklist answer; session ties it to one run so old buttons are recognised."""

    PREFIX = "c"
    PATTERNS = (_SESSION, r"\d{1,2}", _TOKEN)
    session: str
    step: int
    answer: str


@dataclass(frozen=True, slots=True)
class CheckOp(Callback):
    PREFIX = "k"
    PATTERNS = (_SESSION, r"back|cancel|restart|summary|remind")
    session: str
    op: str


@dataclass(frozen=True, slots=True)
class Rem(Callback):
    """A reminders action; arg is an id or choice whose meaning depends on op."""

    PREFIX = "r"
    PATTERNS = (
        r"menu|add|daily|kind|time|tz|tzoff|tzlist|tztime|cancel|snooze|stop|checkin|delay",
        r"[A-Za-z0-9_+\-./]{0,40}",
    )
    op: str
    arg: str = ""


@dataclass(frozen=True, slots=True)
class Vote(Callback):
    """'Was this helpful?' on a page."""

    PREFIX = "h"
    PATTERNS = (_TOKEN, r"y|n")
    page: str
    vote: str


@dataclass(frozen=True, slots=True)
class Privacy(Callback):
    PREFIX = "d"
    PATTERNS = (r"confirm|keep",)
    op: str


_KINDS: dict[str, type[Callback]] = {
    cls.PREFIX: cls for cls in (Nav, Act, SetLang, Answer, CheckOp, Rem, Vote, Privacy)
}
_REGEX = {
    prefix: re.compile("^" + re.escape(prefix) + "".join(f":({p})" for p in cls.PATTERNS) + "$")
    for prefix, cls in _KINDS.items()
}
# Which fields are numbers, worked out once rather than from dataclasses.fields() per tap.
_INTS = {prefix: tuple(f.type in ("int", int) for f in fields(cls)) for prefix, cls in _KINDS.items()}


def parse(data: object) -> Callback | None:
    """The callback a button carried, or None when it is not one we could have made."""
    if not isinstance(data, str) or len(data) > 64 or ":" not in data:
        return None
    prefix = data[: data.index(":")]
    cls = _KINDS.get(prefix)
    match = _REGEX[prefix].match(data) if cls else None
    if cls is None or match is None:
        return None
    return cls(*[int(raw) if is_int else raw for is_int, raw in zip(_INTS[prefix], match.groups(), strict=True)])


def all_static_callbacks(content: Content) -> Iterator[str]:
    """Every callback whose value depends on content, for the 64-byte check at load."""
    for page_id in content.pages:
        yield Nav(page_id).encode()
        yield Vote(page_id, "y").encode()
    for lang in content.languages:
        yield SetLang(lang).encode()
    for answer in content.checklist.answers:
        yield Answer("x" * 12, 99, answer).encode()
    for tz in content.reminders.timezones:
        yield Rem("tz", tz).encode()
