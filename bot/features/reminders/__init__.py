"""Reminders: the user's side (handlers), the schedule maths, and the delivery worker."""

from __future__ import annotations

from types import MappingProxyType

from telegram.ext import ChatMemberHandler, filters

from bot.features.reminders import handlers as h
from bot.features.reminders import timezone as tz
from bot.ui import callbacks as cb
from bot.ui.feature import Command, Feature, Message, Stage
from bot.ui.screens import NEW_TEXT, PRIVATE

FEATURE = Feature(
    name="reminders",
    commands=(Command("reminders", h.reminders_command),),
    callbacks=MappingProxyType(
        {
            cb.OpenReminders: h.on_open,
            cb.AddFollowup: h.on_add_followup,
            cb.PickDelay: h.on_delay,
            cb.AddDaily: h.on_add_daily,
            cb.SetZone: tz.on_set_zone,
            cb.AskLocalTime: tz.on_ask_local_time,
            cb.SetOffset: tz.on_set_offset,
            cb.KeepOffset: tz.on_keep_offset,
            cb.ChooseZone: tz.on_choose_zone,
            cb.ShareLocation: tz.on_share_location,
            cb.TypeCity: tz.on_type_city,
            cb.DismissZoneOffer: tz.on_dismiss_offer,
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
    messages=(
        # A shared location is a time zone answer whenever it comes; text only while the
        # "type your city" prompt is open (otherwise it goes on to search).
        Message(PRIVATE & filters.UpdateType.MESSAGE & filters.LOCATION, tz.on_location, Stage.CLAIM),
        Message(NEW_TEXT, tz.on_text, Stage.CLAIM),
    ),
)
