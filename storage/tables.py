"""A table a feature owns, declared as data: its named migrations, and what /mydata and
/delete_my_data do with a user's rows in it.

The wiring collects every feature's tables (bot/app.py): the migrations Database.open runs, the
export /mydata shows and the erase /delete_my_data and user retention run all come from this one
declaration, so a new table is one `Table(...)` in its feature and nothing else.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Migration = tuple[str, str]  # (name, SQL): named "NNNN_what", applied in name order
Rows = list[dict[str, object]]


def _no_rows(conn: sqlite3.Connection, user_id: int) -> Rows:
    return []


def _nothing(conn: sqlite3.Connection, user_id: int) -> int:
    return 0


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    migrations: tuple[Migration, ...] = ()
    # The user's rows as plain dicts for /mydata (leave out what is ours, not theirs: tokens).
    export: Callable[[sqlite3.Connection, int], Rows] = _no_rows
    # Delete the user's rows; runs before the users row goes (/delete_my_data, retention).
    erase: Callable[[sqlite3.Connection, int], int] = _nothing


def user_rows(table: str) -> Callable[[sqlite3.Connection, int], Rows]:
    """The plain export of a table keyed by user_id: every column of the user's rows."""

    def export(conn: sqlite3.Connection, user_id: int) -> Rows:
        rows = conn.execute(f"SELECT * FROM {table} WHERE user_id = ?", (user_id,)).fetchall()  # noqa: S608
        return [dict(r) for r in rows]

    return export


def delete_user_rows(table: str) -> Callable[[sqlite3.Connection, int], int]:
    def erase(conn: sqlite3.Connection, user_id: int) -> int:
        return conn.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,)).rowcount  # noqa: S608

    return erase


def schema(*groups: Iterable[Migration]) -> tuple[Migration, ...]:
    """Every migration, in name order: a database's schema version counts the ones applied, so
    the order must not depend on which feature declared a migration or on FEATURES' order.
    A new migration takes the next free number."""
    migrations = sorted((m for group in groups for m in group), key=lambda m: m[0])
    names = [name for name, _ in migrations]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise ValueError(f"migrations declared twice: {', '.join(duplicated)}")
    return tuple(migrations)
