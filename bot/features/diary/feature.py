"""The diary's FEATURE: commands, the CLAIM-stage text handler, button routes, chores, stops."""

from __future__ import annotations

from types import MappingProxyType

from bot.features.diary import handlers as h
from bot.ui import callbacks as cb
from bot.ui.feature import Command, Feature, Message, Stage

FEATURE = Feature(
    name="diary",
    commands=(Command("log", h.log_command), Command("diary", h.diary_command)),
    messages=(Message(h.IN_LOG, h.text_mid_log, Stage.CLAIM),),
    callbacks=MappingProxyType(
        {
            cb.StartLog: h.on_start,
            cb.LogWhen: h.on_when,
            cb.LogDuration: h.on_duration,
            cb.LogSeverity: h.on_severity,
            cb.LogCancel: h.on_cancel,
            cb.ShowEntry: h.on_show_entry,
            cb.AskWhere: h.on_ask_where,
            cb.SetWhere: h.on_set_where,
            cb.AskWhat: h.on_ask_what,
            cb.SetWhat: h.on_set_what,
            cb.UndoEntry: h.on_undo,
            cb.OpenDiary: h.on_open_diary,
            cb.ExportDiary: h.on_export,
            cb.NoSpasmsToday: h.on_no_spasms,
        }
    ),
    chores=(h.purge_old,),
    stops=(h.stop,),
)
