"""A table a feature owns, declared as data: its named migrations, and what /mydata and
/delete_my_data do with a user's rows in it.

The wiring collects every feature's tables (bot/app.py): the migrations Database.open runs, the
export /mydata shows and the erase /delete_my_data and user retention run all come from this one
declaration, so a new table is one `Table(...)` in its feature and nothing else.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass

Migration = tuple[str, str]  # (name, SQL): named "NNNN_what", applied in name order
Rows = list[dict[str, object]]


Export = Callable[[sqlite3.Connection, int], Rows]
Erase = Callable[[sqlite3.Connection, int], int]


@dataclass(frozen=True, slots=True)
class Table:
    """A table of rows keyed by `user_id`. By default /mydata shows every column of the user's
    rows and /delete_my_data (and user retention) deletes them; `columns`, `order_by` and
    `json_columns` narrow what is shown (leave out what is ours, not theirs: a draft token), and
    `export_with` / `erase_with` replace either for what one SELECT of its own rows cannot say
    (a join, rows kept in a second table)."""

    name: str
    migrations: tuple[Migration, ...] = ()
    columns: str = "*"
    order_by: str = "rowid"
    json_columns: tuple[str, ...] = ()  # stored as JSON text, shown as what it encodes
    export_with: Export | None = None
    erase_with: Erase | None = None

    def export(self, conn: sqlite3.Connection, user_id: int) -> Rows:
        """The user's rows as plain dicts, for /mydata."""
        if self.export_with is not None:
            return self.export_with(conn, user_id)
        rows = conn.execute(
            f"SELECT {self.columns} FROM {self.name} WHERE user_id = ? ORDER BY {self.order_by}",  # noqa: S608
            (user_id,),
        ).fetchall()
        return [{k: json.loads(r[k]) if k in self.json_columns else r[k] for k in r.keys()} for r in rows]  # noqa: SIM118

    def erase(self, conn: sqlite3.Connection, user_id: int) -> int:
        """Delete the user's rows; runs before the users row goes (/delete_my_data, retention)."""
        if self.erase_with is not None:
            return self.erase_with(conn, user_id)
        return conn.execute(f"DELETE FROM {self.name} WHERE user_id = ?", (user_id,)).rowcount  # noqa: S608


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
