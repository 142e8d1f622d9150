"""/stats (counters only, never who) and /reload (content checked before it replaces the running one)."""

from __future__ import annotations

import asyncio
import logging

from bot.core.turn import Turn
from bot.infra.services import BotApp, Services
from bot.services.checked_content import ContentChecks
from bot.services.commands import register_commands
from bot.services.profile import register_profile
from bot.ui.keyboards import Screen
from bot.ui.screens import escape
from content.loader import summary
from content.problems import ContentError
from storage import stats
from storage.stats import CHECKINS, Count, Family

log = logging.getLogger(__name__)


MAX_ERRORS = 3000


async def stats_command(turn: Turn) -> None:
    services = turn.services
    await services.flush()  # counters still queued (the checklist's ride with the next commit)
    snap = await services.db.read(stats.snapshot, services.now())
    content = turn.content

    def line(key: str, **values: object) -> str:
        return content.text(turn.lang, f"admin.stats_{key}", **values)

    counts, families = snap.counts, snap.families
    lines = [
        line("users", count=snap.users),
        line("active", count=snap.active_7d),
        line("started", count=counts[Count.CHECKLIST_STARTED]),
        line("finished", count=counts[Count.CHECKLIST_FINISHED]),
        line("notices", count=counts[Count.SAFETY_NOTICES_SENT]),  # how many, never to whom
    ]
    lines += [line("outcome", name=k, count=v) for k, v in families[Family.OUTCOME].items()]
    lines += [line("checkin", name=c.value.removeprefix("checkin_"), count=counts[c]) for c in CHECKINS if counts[c]]
    # Reach (bot/features/sharing/feature.py): deep links opened by target, pages shared by page.
    opened, shared = families[Family.DEEPLINK], families[Family.SHARE]
    lines.append(line("deeplinks", count=sum(opened.values())))
    lines += [line("deeplink", name=target, count=n) for target, n in opened.items()]
    lines.append(line("shares", count=sum(shared.values())))
    lines += [line("share", name=page, count=n) for page, n in shared.items()]
    for status in ("pending", "sending", "sent", "failed", "paused", "cancelled"):
        lines.append(line("reminders", status=status, count=snap.reminders.get(status, 0)))
    for page, language, yes, no in snap.least_helpful:
        lines.append(line("least_helpful", page=page, language=language, yes=yes, no=no))
    text = content.text(turn.lang, "admin.stats", stats=escape("\n".join(lines)))
    await turn.show(Screen(text), new=True)


async def reload_content(services: Services, app: BotApp) -> tuple[bool, str]:
    """Load and validate the content again; keep serving the old content on any error."""
    try:
        # Reading and validating YAML is blocking work: keep it off the event loop.
        # The checks the wiring collected from every feature (its buttons' data), as at start-up.
        content = await asyncio.to_thread(services.state(ContentChecks).load, services.settings.content_dir)
    except ContentError as exc:
        log.error("content reload failed, keeping version %s:\n%s", services.content.fingerprint, exc)
        return False, str(exc)
    services.content = content
    await register_commands(app)
    await register_profile(app.bot, content)
    described = ", ".join(f"{k} {v}" for k, v in summary(content).items())
    log.info("content reloaded: version %s", content.fingerprint)
    return True, f"version {content.fingerprint}; {described}"


async def reload_command(turn: Turn) -> None:
    services = turn.services
    ok, detail = await reload_content(services, turn.ctx.application)
    content = turn.content
    if ok:
        text = content.text(turn.lang, "admin.reloaded", summary=escape(detail))
    else:
        text = content.text(turn.lang, "admin.reload_failed", errors=escape(detail[:MAX_ERRORS]))
    await turn.show(Screen(text), new=True)
