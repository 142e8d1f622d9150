"""/privacy, /mydata (in words and as one JSON file), /delete_my_data with its confirmation, and user retention."""

from __future__ import annotations

import json
import logging

from telegram import Bot

from bot.core.turn import Turn
from bot.features.privacy.callbacks import ConfirmDelete, KeepData
from bot.features.privacy.screens import privacy_text
from bot.infra.services import Services
from bot.services import diary as diary_facts
from bot.services import mydata
from bot.ui.callbacks import OpenPrivacy
from bot.ui.keyboards import Screen, button, main_menu_button, markup
from bot.ui.screens import escape, main_screen, text_screen
from storage import places, users

log = logging.getLogger(__name__)


async def on_privacy_button(turn: Turn, _: OpenPrivacy) -> str | None:
    await turn.show(
        text_screen(turn.content, turn.lang, privacy_text(turn.services, turn.lang)),
    )
    return None


async def mydata_command(turn: Turn) -> None:
    services = turn.services
    assert turn.user is not None and turn.chat is not None
    lang = turn.lang
    await services.flush()  # checklist answers and diary entries still queued are stored data too
    user_id = turn.user_id
    # One read: every declared table's export (storage/tables.py), the same moment for both forms.
    data = await services.db.read(lambda conn: users.export(conn, user_id, services.tables))
    run = await services.checklists.get(user_id)
    if run is not None and not data.get("checklist_sessions"):
        # A checklist in progress is held in memory only (its answers are never written): held all the same.
        row = {"user_id": run.user_id, "session": run.session, "language": run.language}
        row |= {"answers": json.dumps(run.answers), "outcome": run.outcome, "updated_at": run.updated_at}
        data = {**data, "checklist_sessions": [row]}
    content = turn.content
    if not any(data.values()):
        await turn.show(
            text_screen(content, lang, content.text(lang, "privacy.mydata_empty")),
            new=True,
        )
        return
    place = await services.db.read(places.get, user_id)
    # In words a person can check at a glance, grouped; then everything, as one file.
    words = mydata.words(
        content,
        lang,
        data,
        telegram_lang=turn.user.language_code,
        now=services.now(),
        place=escape(place.label(lang) or "") or None if place is not None else None,
    )
    for text in words.messages:
        await turn.show(Screen(text), new=True)
    await turn.bot.send_document(
        turn.chat.id,
        mydata.export_file(data, services.now()),
        filename=mydata.FILENAME,
        caption=content.text(lang, "userdata.mydata_file"),
        reply_markup=markup([[main_menu_button(content, lang)]]),
    )


async def delete_command(turn: Turn) -> None:
    content = turn.content
    lang = turn.lang
    keyboard = markup(
        [
            [button(content.text(lang, "btn.confirm_delete"), ConfirmDelete())],
            [button(content.text(lang, "btn.keep_data"), KeepData())],
        ]
    )
    await turn.show(Screen(content.text(lang, "privacy.confirm_delete"), keyboard), new=True)


async def on_keep(turn: Turn, _: KeepData) -> str | None:
    content = turn.content
    await turn.show(main_screen(content, turn.lang, content.text(turn.lang, "privacy.kept") + "\n\n"))
    return None


async def on_confirm_delete(turn: Turn, _: ConfirmDelete) -> str | None:
    services = turn.services
    content = turn.content
    user_id = turn.user_id
    services.checklists.forget(user_id)  # before the erase, so no queued answer outlives it
    await services.flush()  # queued writes land first, then go with the rest
    await services.db.run(users.erase, user_id, services.tables)
    diary_facts.changed(services, user_id)
    # Fold the WAL into the main file so the erased rows' old pages leave the -wal file too.
    await services.db.checkpoint()
    services.forget(user_id)
    text = content.text(turn.lang, "privacy.deleted")
    await turn.show(Screen(text, markup([[main_menu_button(content, turn.lang)]])))
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
