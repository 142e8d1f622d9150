"""The diary's FEATURE: commands, its text claim, button routes, state, table, chores, stops."""

from __future__ import annotations

from bot.core.feature import Chore, Command, Feature, TextClaim, routes
from bot.features.diary import callbacks as cb
from bot.features.diary import export_flow, overview, report_flow, retention, state
from bot.features.diary import handlers as h
from bot.ui.callbacks import OpenDiary, StartLog
from bot.ui.screens import NEW_TEXT
from storage import diary, spasm_free
from storage.tables import Table

FEATURE = Feature(
    name="diary",
    commands=(
        Command("log", opens=StartLog(new=True), listed=4),
        Command("diary", opens=OpenDiary(), listed=5),
    ),
    # First: a user with a log question open is answered about it, whatever else is open.
    claims=(TextClaim(10, NEW_TEXT, h.text_mid_log),),
    state=state.DiaryState,
    tables=(
        Table("diary_entries", diary.MIGRATIONS, columns=diary.EXPORTED, order_by="day, id"),
        # "No spasms today": a spasm-free day, told apart from a forgotten one.
        Table(spasm_free.TABLE, (spasm_free.MIGRATION,), export_with=spasm_free.export),
    ),
    static_callbacks=cb.static_callbacks,
    callbacks=routes(
        h.on_start,
        h.on_when,
        h.on_duration,
        h.on_severity,
        h.on_cancel,
        h.on_show_entry,
        h.on_ask_where,
        h.on_set_where,
        h.on_ask_what,
        h.on_set_what,
        h.on_undo,
        overview.on_open_diary,
        export_flow.on_export,
        report_flow.on_report,
        h.on_no_spasms,
    ),
    chores=(Chore("diary-retention", retention.PURGE_EVERY, retention.purge_old),),
    stops=(state.stop,),
)
