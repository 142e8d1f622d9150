"""/privacy, /mydata and /delete_my_data: what we keep, shown and erased on request."""

from __future__ import annotations

import json
from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.callbacks import Privacy
from bot.keyboards import Screen, button, main_menu_button, markup
from bot.menu import PRIVATE, main_screen, text_screen
from bot.reminders import format_when, item_label
from bot.replies import show
from bot.services import BotContext, escape
from content.model import Content
from storage import reminders as outbox
from storage import users
from storage.reminders import Reminder

MAX_EXPORT = 3500  # leaves room for the heading inside Telegram's 4096 characters


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_handler(CommandHandler("privacy", privacy_command, filters=PRIVATE))
    app.add_handler(CommandHandler("mydata", mydata_command, filters=PRIVATE))
    app.add_handler(CommandHandler("delete_my_data", delete_command, filters=PRIVATE))


def routes() -> dict[type, Any]:
    return {Privacy: on_privacy}


def actions() -> dict[str, Any]:
    return {"privacy": on_privacy_button}


async def privacy_command(update: Update, ctx: BotContext) -> None:
    lang = await ctx.services.user_language(update)
    await show(
        update,
        ctx,
        text_screen(ctx.services.content, lang, ctx.services.content.text(lang, "privacy.text")),
        new=True,
    )


async def on_privacy_button(update: Update, ctx: BotContext, _: object) -> str | None:
    lang = await ctx.services.user_language(update)
    await show(
        update,
        ctx,
        text_screen(ctx.services.content, lang, ctx.services.content.text(lang, "privacy.text")),
    )
    return None


async def mydata_command(update: Update, ctx: BotContext) -> None:
    services = ctx.services
    assert update.effective_user is not None and update.effective_chat is not None
    lang = await services.user_language(update)
    await services.checklists.flush()  # answers still queued are stored data too
    user_id = update.effective_user.id
    # One read for both: the record and the summary describe the same moment.
    data, active = await services.db.read(lambda conn: (users.export(conn, user_id), outbox.list_active(conn, user_id)))
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
    await show(update, ctx, Screen(summary_text(content, lang, data, active, language)), new=True)
    dump = json.dumps(data, ensure_ascii=False, indent=1, default=str)
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
        "\n".join([str(len(active)), *(item_label(content, lang, r, zone) for r in active)])
        if active
        else content.text(lang, "privacy.mydata_no_reminders")
    )
    return content.text(
        lang,
        "privacy.mydata_summary",
        language=language,
        timezone=escape(zone.replace("_", " ")) if zone else not_set,
        first_seen=format_when(user["first_seen"], zone) if user else not_set,
        last_seen=format_when(user["last_seen"], zone) if user else not_set,
        checklist=checklist,
        reminders=reminders,
    )


async def delete_command(update: Update, ctx: BotContext) -> None:
    content = ctx.services.content
    lang = await ctx.services.user_language(update)
    keyboard = markup(
        [
            [button(content.text(lang, "btn.confirm_delete"), Privacy("confirm"))],
            [button(content.text(lang, "btn.keep_data"), Privacy("keep"))],
        ]
    )
    await show(update, ctx, Screen(content.text(lang, "privacy.confirm_delete"), keyboard), new=True)


async def on_privacy(update: Update, ctx: BotContext, cb: Privacy) -> str | None:
    services = ctx.services
    content = services.content
    assert update.effective_user is not None
    lang = await services.user_language(update)
    if cb.op == "keep":
        await show(update, ctx, main_screen(content, lang, content.text(lang, "privacy.kept") + "\n\n"))
        return None
    user_id = update.effective_user.id
    services.checklists.forget(user_id)  # before the erase, so no queued answer outlives it
    await services.db.run(users.erase, user_id)
    # Fold the WAL into the main file so the erased rows' old pages leave the -wal file too.
    await services.db.checkpoint()
    services.forget(user_id)
    text = content.text(lang, "privacy.deleted")
    await show(update, ctx, Screen(text, markup([[main_menu_button(content, lang)]])))
    return None
