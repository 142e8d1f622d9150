"""Admin-only commands. To anyone else they do not exist: the unknown-command reply, nothing more."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update

from bot.core.feature import Command, Feature
from bot.infra.services import BotApp, BotContext, Services
from bot.services.checked_content import load_checked_content
from bot.services.commands import register_commands
from bot.services.profile import register_profile
from bot.ui.keyboards import Screen
from bot.ui.replies import show
from bot.ui.screens import escape
from content.loader import summary
from content.problems import ContentError
from storage import stats

log = logging.getLogger(__name__)
MAX_ERRORS = 3000


async def stats_command(update: Update, ctx: BotContext) -> None:
    services = ctx.services
    lang = await services.user_language(update)
    snap = await services.db.read(stats.snapshot, services.now())
    counters: dict[str, int] = snap["counters"]  # type: ignore[assignment]
    reminders: dict[str, int] = snap["reminders"]  # type: ignore[assignment]
    lines = [
        f"users: {snap['users']}",
        f"active in the last 7 days: {snap['active_7d']}",
        f"checklists started: {counters.get('checklist_started', 0)}",
        f"checklists finished: {counters.get('checklist_finished', 0)}",
    ]
    lines += [f"outcome {k.removeprefix('outcome_')}: {v}" for k, v in counters.items() if k.startswith("outcome_")]
    lines += [f"check-ins {k.removeprefix('checkin_')}: {v}" for k, v in counters.items() if k.startswith("checkin_")]
    # Reach (bot/features/sharing.py): deep links opened by target, pages shared by page.
    opened = {k.removeprefix("deeplink_"): v for k, v in counters.items() if k.startswith("deeplink_")}
    shared = {k.removeprefix("share_"): v for k, v in counters.items() if k.startswith("share_")}
    lines.append(f"deep links opened: {sum(opened.values())}")
    lines += [f"deep link {target}: {n}" for target, n in opened.items()]
    lines.append(f"pages shared: {sum(shared.values())}")
    lines += [f"shared {page}: {n}" for page, n in shared.items()]
    for status in ("pending", "sending", "sent", "failed", "paused", "cancelled"):
        lines.append(f"reminders {status}: {reminders.get(status, 0)}")
    least = snap["least_helpful"]
    assert isinstance(least, list)
    for page, language, yes, no in least:
        lines.append(f"least helpful: {page} ({language}) {yes} 👍 / {no} 👎")
    text = services.content.text(lang, "admin.stats", stats=escape("\n".join(lines)))
    await show(update, ctx, Screen(text), new=True)


async def reload_content(services: Services, app: BotApp) -> tuple[bool, str]:
    """Load and validate the content again; keep serving the old content on any error."""
    try:
        # Reading and validating YAML is blocking work: keep it off the event loop.
        content = await asyncio.to_thread(load_checked_content, services.settings.content_dir)
    except ContentError as exc:
        log.error("content reload failed, keeping version %s:\n%s", services.content.fingerprint, exc)
        return False, str(exc)
    services.content = content
    await register_commands(app)
    await register_profile(app.bot, content)
    described = ", ".join(f"{k} {v}" for k, v in summary(content).items())
    log.info("content reloaded: version %s", content.fingerprint)
    return True, f"version {content.fingerprint}; {described}"


async def reload_command(update: Update, ctx: BotContext) -> None:
    services = ctx.services
    ok, detail = await reload_content(services, ctx.application)
    lang = await services.user_language(update)
    content = services.content
    if ok:
        text = content.text(lang, "admin.reloaded", summary=escape(detail))
    else:
        text = content.text(lang, "admin.reload_failed", errors=escape(detail[:MAX_ERRORS]))
    await show(update, ctx, Screen(text), new=True)


FEATURE = Feature(
    name="admin",
    commands=(
        Command("stats", stats_command, admin_only=True),
        Command("reload", reload_command, admin_only=True),
    ),
)
