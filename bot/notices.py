"""`main.py safety-notice`: tell the users a corrected line advised, once each.

safety-notice --items ID[,ID...] --message-file FILE --dry-run   how many users it would reach
safety-notice --items ID[,ID...] --message-file FILE             queue it in the reminder outbox

The users are those whose stored checklist outcome (storage/outcomes.py) came from an older
content version and relied on one of the items in words other than today's. The running bot's
delivery worker sends the notice within a minute (its idle poll), with the reminders' rate
limits, retries and crash safety; a user who blocked the bot or erased their data gets nothing.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from bot.infra.settings import Settings
from content.fingerprints import inventory
from content.governance import read_notice, resolve_items
from content.model import Content
from storage import outcomes, safety_notices
from storage.db import Database, StorageError
from storage.safety_notices import Notice


def notice_command(settings: Settings, content: Content, items: str, message_file: Path, *, dry_run: bool) -> int:
    ids, problems = resolve_items(content, [i.strip() for i in items.split(",") if i.strip()])
    if problems or not ids:
        for problem in problems or ["--items names no item"]:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        messages = read_notice(message_file, content)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    notice = Notice(safety_notices.notice_id(ids, messages), tuple(sorted(ids)), messages)
    try:
        return asyncio.run(_run(settings, content, notice, dry_run=dry_run))
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


async def _run(settings: Settings, content: Content, notice: Notice, *, dry_run: bool) -> int:
    from bot.app import MIGRATIONS

    db = await Database.open(settings.database, MIGRATIONS)
    try:
        current = inventory(content).fingerprints()
        affected = await db.read(outcomes.affected, notice.items, current, content.fingerprint)
        about = ", ".join(notice.items)
        if dry_run:
            print(
                f"{len(affected)} users have an outcome from an older version that relied on {about} "
                f"(content version now {content.fingerprint}); nothing was queued (--dry-run)"
            )
            return 0
        recipients = [(a.user_id, a.language) for a in affected]
        queued = await db.run(safety_notices.queue, notice, recipients, int(time.time()))
        print(
            f"notice {notice.id} about {about}: queued for {queued} of {len(affected)} affected users "
            f"(the others had it already, or blocked the bot); the running bot sends it within a minute"
        )
        return 0
    finally:
        await db.close()
