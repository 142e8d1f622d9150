"""Deep links: ``https://t.me/<bot>?start=<parameter>`` <-> what the bot should open.

The grammar (Telegram's limits, reserved words, the language suffix) is in
content/start_parameters.py, where check-content also uses it. Here it becomes typed: a
:class:`StartLink` is a target (a page, the checklist, the diary's log) and an optional language.
:func:`parse` returns None for anything it does not know, so ``/start <junk>`` is just ``/start``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

from content.start_parameters import (
    CHECKLIST,
    DIARY_LOG,
    LANGUAGE_SEPARATOR,
    is_start_parameter,
    page_id_problem,
)

# Telegram usernames: 5-32 characters of a-z 0-9 _, starting with a letter (bots end in "bot").
USERNAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")


@dataclass(frozen=True, slots=True)
class OpenPage:
    page: str


@dataclass(frozen=True, slots=True)
class OpenChecklist:
    pass


@dataclass(frozen=True, slots=True)
class OpenDiaryLog:
    pass


Target = OpenPage | OpenChecklist | OpenDiaryLog


@dataclass(frozen=True, slots=True)
class StartLink:
    target: Target
    language: str | None = None  # None: the user's own language

    def parameter(self) -> str:
        """The start parameter; ValueError if Telegram would refuse it (checked at load for pages)."""
        match self.target:
            case OpenPage(page):
                if page_id_problem(page, ()) is not None:
                    raise ValueError(f"{page!r} cannot be a start parameter")
                name = page
            case OpenChecklist():
                name = CHECKLIST
            case OpenDiaryLog():
                name = DIARY_LOG
        text = name if self.language is None else f"{name}{LANGUAGE_SEPARATOR}{self.language}"
        if not is_start_parameter(text):
            raise ValueError(f"{text!r} cannot be a start parameter")
        return text


def parse(parameter: str | None, *, pages: Collection[str], languages: Collection[str]) -> StartLink | None:
    """The link a ``/start`` parameter stands for; None if it is missing, malformed or unknown."""
    if not parameter or not is_start_parameter(parameter):
        return None
    name, separator, language = parameter.partition(LANGUAGE_SEPARATOR)
    if separator and language not in languages:
        return None
    lang = language if separator else None
    if name == CHECKLIST:
        return StartLink(OpenChecklist(), lang)
    if name == DIARY_LOG:
        return StartLink(OpenDiaryLog(), lang)
    if name in pages:
        return StartLink(OpenPage(name), lang)
    return None


def normalize_username(username: str) -> str:
    """``@Spasm_Guide_Bot`` -> ``Spasm_Guide_Bot``; ValueError if it cannot be a Telegram username."""
    name = username.strip().removeprefix("@")
    if not USERNAME.fullmatch(name):
        raise ValueError(f"{username!r} is not a Telegram username (5-32 characters: letters, digits, _)")
    return name


def url(username: str, link: StartLink | None = None) -> str:
    """The t.me link that opens the bot (at ``link``, if given)."""
    base = f"https://t.me/{normalize_username(username)}"
    if link is None:
        return base
    return f"{base}?start={quote(link.parameter(), safe='')}"
