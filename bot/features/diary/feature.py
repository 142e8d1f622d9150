"""The diary's FEATURE: commands, its text claim, button routes, state, table, chores, stops."""

from __future__ import annotations

from bot.core.feature import Chore, Command, Feature, On, TextClaim
from bot.features.diary import callbacks as cb
from bot.features.diary import export_flow, overview, report_flow, retention, state
from bot.features.diary import handlers as h
from bot.ui.callbacks import DoctorReport, NoSpasmsToday, OpenDiary, StartLog
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
        Table("diary_entries", diary.MIGRATIONS, export=diary.export, erase=diary.erase),
        # "No spasms today": a spasm-free day, told apart from a forgotten one.
        Table(spasm_free.TABLE, (spasm_free.MIGRATION,), export=spasm_free.export, erase=spasm_free.erase),
    ),
    static_callbacks=cb.static_callbacks,
    callbacks=(
        On(StartLog, h.on_start),
        On(cb.LogWhen, h.on_when),
        On(cb.LogDuration, h.on_duration),
        On(cb.LogSeverity, h.on_severity),
        On(cb.LogCancel, h.on_cancel),
        On(cb.ShowEntry, h.on_show_entry),
        On(cb.AskWhere, h.on_ask_where),
        On(cb.SetWhere, h.on_set_where),
        On(cb.AskWhat, h.on_ask_what),
        On(cb.SetWhat, h.on_set_what),
        On(cb.UndoEntry, h.on_undo),
        On(OpenDiary, overview.on_open_diary),
        On(cb.ExportDiary, export_flow.on_export),
        On(DoctorReport, report_flow.on_report),
        On(NoSpasmsToday, h.on_no_spasms),
    ),
    chores=(Chore("diary-retention", retention.PURGE_EVERY, retention.purge_old),),
    stops=(state.stop,),
)
