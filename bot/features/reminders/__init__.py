"""Reminders: the user's side (handlers), the schedule maths, and the delivery worker."""

from __future__ import annotations

from types import MappingProxyType

from telegram.ext import ChatMemberHandler

from bot.features.reminders import handlers as h
from bot.ui import callbacks as cb
from bot.ui.feature import Command, Feature

FEATURE = Feature(
    name="reminders",
    commands=(Command("reminders", h.reminders_command),),
    callbacks=MappingProxyType(
        {
            cb.OpenReminders: h.on_open,
            cb.AddFollowup: h.on_add_followup,
            cb.PickDelay: h.on_delay,
            cb.AddDaily: h.on_add_daily,
            cb.SetZone: h.on_set_zone,
            cb.AskLocalTime: h.on_ask_local_time,
            cb.SetOffset: h.on_set_offset,
            cb.PickKind: h.on_kind,
            cb.PickTime: h.on_time,
            cb.CancelReminder: h.on_cancel,
            cb.CheckinBetter: h.on_better,
            cb.CheckinSame: h.on_same,
            cb.CheckinSameAfter: h.on_same_after,
            cb.CheckinWorse: h.on_worse,
            cb.WorseAnswer: h.on_worse_answer,
            cb.Snooze: h.on_snooze,
            cb.StopReminders: h.on_stop,
        }
    ),
    updates=(ChatMemberHandler(h.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),),
)
