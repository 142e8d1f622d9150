"""Telegram's rules for a deep link's start parameter, and the names our links reserve.

A link ``https://t.me/<bot>?start=<parameter>`` makes Telegram send ``/start <parameter>``.
Telegram allows 1-64 characters of ``A-Z a-z 0-9 _ -`` (core.telegram.org/bots/features,
"Deep linking"). Ours are ``<target>`` or ``<target>-<language>``:

- a page id (``cramps``) opens that page; ``check`` starts the checklist; ``log`` the diary's log;
- ``-<language>`` (``cramps-it``) opens it in that language whatever the user's Telegram says.

Page ids never contain ``-`` and may not be a reserved word, so the first ``-`` always separates
the language and no page id can be mistaken for another target. content/ checks every page id
with :func:`page_id_problem`, so a page that could not be linked to is refused at load.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from content.limits import MAX_START_PARAMETER

MAX_LENGTH: Final = MAX_START_PARAMETER
START_PARAMETER: Final = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_START_PARAMETER}}}")
LANGUAGE_SEPARATOR: Final = "-"
CHECKLIST: Final = "check"
DIARY_LOG: Final = "log"
RESERVED: Final = frozenset({CHECKLIST, DIARY_LOG})


def is_start_parameter(text: str) -> bool:
    """Whether Telegram accepts ``text`` as a start parameter."""
    return START_PARAMETER.fullmatch(text) is not None


def page_id_problem(page_id: str, languages: Iterable[str]) -> str | None:
    """Why ``page_id`` cannot be a deep link's target, in any of ``languages``; None if it can."""
    if page_id in RESERVED:
        return f"page id {page_id!r} is reserved for deep links (reserved: {', '.join(sorted(RESERVED))})"
    if LANGUAGE_SEPARATOR in page_id or not is_start_parameter(page_id):
        return f"page id {page_id!r} cannot be a deep link's start parameter (only A-Z a-z 0-9 _, at most {MAX_LENGTH})"
    for lang in languages:
        parameter = f"{page_id}{LANGUAGE_SEPARATOR}{lang}"
        if not is_start_parameter(parameter):
            return (
                f"page id {page_id!r} is too long for a deep link in {lang!r}: "
                f"{parameter!r} is {len(parameter)} characters (max {MAX_LENGTH})"
            )
    return None
