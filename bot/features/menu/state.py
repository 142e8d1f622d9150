"""The menu's per-application state: who was already asked "Was this helpful?"."""

from __future__ import annotations


class FeedbackAsked:
    """Which pages each user was asked "Was this page helpful?" on: once per page per user.

    In memory, not stored: it is not worth keeping who read what; after a restart a page may ask
    once more. Bounded: past MAX_USERS the oldest users are forgotten (they may be asked again)."""

    MAX_USERS = 20_000

    def __init__(self) -> None:
        self._asked: dict[int, set[str]] = {}

    def first_time(self, user_id: int, page: str) -> bool:
        pages = self._asked.pop(user_id, set())
        self._asked[user_id] = pages  # most recent last
        if len(self._asked) > self.MAX_USERS:
            del self._asked[next(iter(self._asked))]
        if page in pages:
            return False
        pages.add(page)
        return True
