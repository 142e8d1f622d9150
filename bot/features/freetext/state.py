"""The free-text feature's per-application state: each user's last search, for Back to results."""

from __future__ import annotations


class LastSearch:
    """The last query each user searched for, so "‹ Back to results" can show the results again.

    In memory: after a restart the button says the results are gone and shows the menu.
    Bounded: past MAX_USERS the users who searched longest ago are forgotten."""

    MAX_USERS = 20_000

    def __init__(self) -> None:
        self._queries: dict[int, str] = {}

    def remember(self, user_id: int, query: str) -> None:
        self._queries.pop(user_id, None)
        self._queries[user_id] = query
        if len(self._queries) > self.MAX_USERS:
            del self._queries[next(iter(self._queries))]

    def query(self, user_id: int) -> str | None:
        return self._queries.get(user_id)
