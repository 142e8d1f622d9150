"""`main.py backup` and `main.py restore`: the operator's side of storage/backup.py.

backup FILE           one verified copy of the live database, taken while the bot runs
backup --dir DIR      a timestamped copy in DIR; only the newest BACKUP_KEEP are kept
backup --dir DIR --loop   the same every BACKUP_EVERY_HOURS (the compose file's backup service)
restore FILE          put a backup back, with the bot stopped
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from bot.infra.settings import Settings
from storage.backup import BackupError, BackupInfo, backup, backup_rotating, restore

log = logging.getLogger(__name__)


def _describe(info: BackupInfo) -> str:
    return (
        f"{info.path} ({info.size / 1e6:.1f} MB, schema {info.schema_version}, {info.users:,} users, "
        f"{info.reminders:,} reminders, {info.seconds:.2f} s)"
    )


def backup_command(settings: Settings, file: Path | None, directory: Path | None, *, loop: bool) -> int:
    if (file is None) == (directory is None):
        print("error: give either FILE or --dir DIR", file=sys.stderr)
        return 2
    if loop and directory is None:
        print("error: --loop needs --dir", file=sys.stderr)
        return 2
    migrations = _schema()
    while True:
        started = time.monotonic()
        try:
            if file is not None:
                info = backup(settings.database, file, migrations)
                removed: list[Path] = []
            else:
                assert directory is not None
                info, removed = backup_rotating(
                    settings.database, directory, settings.backup_keep, migrations=migrations
                )
        except BackupError as exc:
            print(f"error: {exc}", file=sys.stderr, flush=True)
            if not loop:
                return 1
        else:
            print(f"backup written and verified: {_describe(info)}", flush=True)
            for old in removed:
                print(f"removed old backup {old}", flush=True)
        if not loop:
            return 0
        # A failed round is not retried sooner: the next one comes on schedule and says so too.
        time.sleep(max(0.0, settings.backup_every_hours * 3600 - (time.monotonic() - started)))


def _schema() -> tuple[tuple[str, str], ...]:
    """The shipped bot's migrations (collected from its features): what a backup must match."""
    from bot.app import MIGRATIONS

    return MIGRATIONS


def restore_command(settings: Settings, file: Path) -> int:
    try:
        info = restore(file, settings.database, _schema())
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"restored {file} to {_describe(info)}")
    aside = settings.database.with_name(settings.database.name + ".before-restore")
    if aside.exists():
        print(f"the database it replaced is kept as {aside}: delete it once the bot runs well (it holds health data)")
    return 0
