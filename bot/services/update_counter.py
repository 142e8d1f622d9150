"""Which update of a user's conversation this is: so a waiting prompt answers only the message
right after it ("Type your city" takes the next text, not one sent after a command, a menu tap
or a search). Any update in between ends the wait: modes do not stick.

The per-user processor (bot/processing.py) counts every update of a user, in order, inside the
user's lock; a feature that opens a prompt remembers `now(user)` and accepts text only when
`follows(user, remembered)`.
"""

from __future__ import annotations


class UpdateCounter:
    """Per-application state: user id -> how many of their updates have been processed."""

    MAX_USERS = 100_000

    def __init__(self) -> None:
        self._count: dict[int, int] = {}

    def advance(self, user_id: int) -> int:
        count = self._count.get(user_id, 0) + 1
        if count == 1 and len(self._count) >= self.MAX_USERS:
            self._count.clear()  # bounded; a reset only ends prompts that were waiting
        self._count[user_id] = count
        return count

    def now(self, user_id: int) -> int:
        """The number of the update being processed (0 before the first)."""
        return self._count.get(user_id, 0)

    def follows(self, user_id: int, turn: int) -> bool:
        """Is the update being processed the one right after update `turn`?"""
        return turn > 0 and self.now(user_id) == turn + 1
