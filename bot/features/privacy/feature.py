"""/privacy, /mydata and /delete_my_data: what we keep, shown and erased on request."""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram import Bot, Update

from bot.core.feature import Chore, Command, Feature, On
from bot.infra import timezones
from bot.infra.services import BotContext, Services
from bot.services import diary as diary_facts
from bot.ui.callbacks import ConfirmDelete, KeepData, OpenPrivacy
from bot.ui.dates import day
from bot.ui.keyboards import Screen, button, main_menu_button, markup
from bot.ui.labels import reminder_label
from bot.ui.replies import show
from bot.ui.screens import escape, main_screen, text_screen
from content.model import Content
from storage import reminders as outbox
from storage import users
from storage.reminders import Reminder

log = logging.getLogger(__name__)

MAX_EXPORT = 3500  # leaves room for the heading inside Telegram's 4096 characters
MAX_MESSAGES = 5  # a longer record (a long spasm diary) is sent as one JSON file


def privacy_text(services: Services, lang: str) -> str:
    """What is stored, and how long an erased record may survive in the operator's backups: the
    same schedule the backup service keeps (BACKUP_EVERY_HOURS x BACKUP_KEEP)."""
    content = services.content
    days = services.settings.backup_retention_days
    # The diary's line says how long its entries are kept (DIARY_RETENTION_DAYS).
    kept = content.diary.words(lang).privacy["kept"].replace("{days}", str(services.settings.diary_retention_days))
    # The backups bullet among the others, before the closing sentences (it came after them).
    backups = content.text(lang, "privacy.backups", days=days)
    return content.text(lang, "privacy.text", diary=kept, backups=backups).rstrip("\n")


async def on_privacy_button(update: Update, ctx: BotContext, _: OpenPrivacy) -> str | None:
    lang = await ctx.services.user_language(update)
    await show(
        update,
        ctx,
        text_screen(ctx.services.content, lang, privacy_text(ctx.services, lang)),
    )
    return None


async def mydata_command(update: Update, ctx: BotContext) -> None:
    services = ctx.services
    assert update.effective_user is not None and update.effective_chat is not None
    lang = await services.user_language(update)
    await services.flush()  # checklist answers and diary entries still queued are stored data too
    user_id = update.effective_user.id
    # One read for both: the record and the summary describe the same moment.
    data, active = await services.db.read(
        lambda conn: (users.export(conn, user_id, services.tables), outbox.list_active(conn, user_id))
    )
    content = services.content
    if not any(data.values()):
        await show(
            update,
            ctx,
            text_screen(content, lang, content.text(lang, "privacy.mydata_empty")),
            new=True,
        )
        return
    # First in words a person can check at a glance, then everything, field by field.
    language = update.effective_user.language_code
    summary = summary_text(content, lang, data, active, language, ctx.services.now())
    await show(update, ctx, Screen(summary), new=True)
    dump = json.dumps(data, ensure_ascii=False, indent=1, default=str)
    if len(dump) > MAX_EXPORT * MAX_MESSAGES:
        # A long diary is hundreds of messages of JSON: the whole record as one file instead,
        # everything still, readable in any text editor.
        await ctx.bot.send_document(
            update.effective_chat.id,
            dump.encode(),
            filename="spasm-guide-my-data.json",
            caption=content.text(lang, "privacy.mydata_file"),
            reply_markup=markup([[main_menu_button(content, lang)]]),
        )
        return
    # Long histories are sent in several messages rather than cut: the user asked for everything.
    chunks = [dump[i : i + MAX_EXPORT] for i in range(0, len(dump), MAX_EXPORT)]
    for index, chunk in enumerate(chunks):
        text = content.text(lang, "privacy.mydata", data=f"<pre>{escape(chunk)}</pre>")
        markup_ = markup([[main_menu_button(content, lang)]]) if index == len(chunks) - 1 else None
        await show(update, ctx, Screen(text, markup_), new=True)


def summary_text(
    content: Content,
    lang: str,
    data: dict[str, list[dict[str, Any]]],
    active: list[Reminder],
    telegram_lang: str | None,
    now: float,
) -> str:
    user = data["users"][0] if data["users"] else {}
    zone = user.get("timezone")
    chosen = user.get("language")
    if chosen in content.languages:
        language = content.text(lang, f"language.name.{chosen}")
    else:
        shown = content.text(lang, f"language.name.{content.language(telegram_lang)}")
        language = content.text(lang, "privacy.mydata_language_auto", language=shown)
    not_set = content.text(lang, "privacy.mydata_not_set")
    runs = data["checklist_sessions"]
    if not runs:
        checklist = content.text(lang, "privacy.mydata_no_checklist")
    elif runs[0]["outcome"]:
        checklist = content.text(lang, "privacy.mydata_checklist_done")
    else:
        answered = len(json.loads(runs[0]["answers"]))
        total = len(content.checklist.questions)
        checklist = content.text(lang, "privacy.mydata_checklist", answered=answered, total=total)
    reminders = (
        "\n".join([str(len(active)), *(reminder_label(content, lang, r, zone, now) for r in active)])
        if active
        else content.text(lang, "privacy.mydata_no_reminders")
    )
    return content.text(
        lang,
        "privacy.mydata_summary",
        language=language,
        timezone=escape(timezones.label(zone, lang)) if zone else not_set,
        first_seen=day(content, lang, user["first_seen"], zone) if user else not_set,
        last_seen=day(content, lang, user["last_seen"], zone) if user else not_set,
        checklist=checklist,
        reminders=reminders,
        diary=content.diary.words(lang).privacy["mydata"].replace("{count}", str(len(data["diary_entries"]))),
    )


async def delete_command(update: Update, ctx: BotContext) -> None:
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    keyboard = markup(
        [
            [button(content.text(lang, "btn.confirm_delete"), ConfirmDelete())],
            [button(content.text(lang, "btn.keep_data"), KeepData())],
        ]
    )
    await show(update, ctx, Screen(content.text(lang, "privacy.confirm_delete"), keyboard), new=True)


async def on_keep(update: Update, ctx: BotContext, _: KeepData) -> str | None:
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    await show(update, ctx, main_screen(content, lang, content.text(lang, "privacy.kept") + "\n\n"))
    return None


async def on_confirm_delete(update: Update, ctx: BotContext, _: ConfirmDelete) -> str | None:
    services = ctx.services
    content = services.content
    assert update.effective_user is not None
    lang = await services.user_language(update)
    user_id = update.effective_user.id
    services.checklists.forget(user_id)  # before the erase, so no queued answer outlives it
    await services.flush()  # queued writes land first, then go with the rest
    await services.db.run(users.erase, user_id, services.tables)
    diary_facts.changed(services, user_id)
    # Fold the WAL into the main file so the erased rows' old pages leave the -wal file too.
    await services.db.checkpoint()
    services.forget(user_id)
    text = content.text(lang, "privacy.deleted")
    await show(update, ctx, Screen(text, markup([[main_menu_button(content, lang)]])))
    return None


async def purge_inactive_users(services: Services, bot: Bot) -> int:
    """Chore: erase users who blocked the bot longer ago than RETENTION_DAYS, every table of
    every feature with them."""
    cutoff = int(services.clock.now()) - services.settings.retention_days * 86400
    purged = await services.db.run(users.purge_inactive, cutoff, services.tables)
    if purged:
        services.checklists.clear_cache()  # their runs went with them
        log.info("purged %d users inactive for over %d days", purged, services.settings.retention_days)
    return purged


FEATURE = Feature(
    name="privacy",
    commands=(
        Command("privacy", opens=OpenPrivacy(), listed=10),
        Command("mydata", mydata_command, listed=11),
        Command("delete_my_data", delete_command, listed=12),
    ),
    chores=(Chore("user-retention", 3600.0, purge_inactive_users),),
    callbacks=(On(OpenPrivacy, on_privacy_button), On(ConfirmDelete, on_confirm_delete), On(KeepData, on_keep)),
)
