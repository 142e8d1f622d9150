"""The reminders FEATURE: commands, callbacks, text claims (time zone prompts), state, table, chores."""

from __future__ import annotations

from telegram.ext import ChatMemberHandler, filters

from bot.core.feature import Chore, Command, Feature, On, TextClaim
from bot.features.reminders import callbacks as cb
from bot.features.reminders import handlers as h
from bot.features.reminders import timezone as tz
from bot.features.reminders.delivery import PRUNE_EVERY, prune_outbox
from bot.ui.callbacks import AddFollowup, OpenReminders, PickKind
from bot.ui.screens import NEW_TEXT, PRIVATE
from storage import places, safety_notices
from storage import reminders as outbox
from storage.tables import Table, delete_user_rows, user_rows

FEATURE = Feature(
    name="reminders",
    commands=(Command("reminders", opens=OpenReminders(), listed=6),),
    static_callbacks=cb.static_callbacks,
    callbacks=(
        On(OpenReminders, h.on_open),
        On(AddFollowup, h.on_add_followup),
        On(cb.PickDelay, h.on_delay),
        On(cb.AddDaily, h.on_add_daily),
        On(cb.SetZone, tz.on_set_zone),
        On(cb.SetCity, tz.on_set_city),
        On(cb.MoreZones, tz.on_more_zones),
        On(cb.AskLocalTime, tz.on_ask_local_time),
        On(cb.SetOffset, tz.on_set_offset),
        On(cb.KeepOffset, tz.on_keep_offset),
        On(cb.ChooseZone, tz.on_choose_zone),
        On(cb.ShareLocation, tz.on_share_location),
        On(cb.TypeCity, tz.on_type_city),
        On(cb.DismissZoneOffer, tz.on_dismiss_offer),
        On(PickKind, h.on_kind),
        On(cb.PickTime, h.on_time),
        On(cb.CancelReminder, h.on_cancel),
        On(cb.CheckinBetter, h.on_better),
        On(cb.CheckinSame, h.on_same),
        On(cb.CheckinWorse, h.on_worse),
        On(cb.WorseAnswer, h.on_worse_answer),
        On(cb.Snooze, h.on_snooze),
        On(cb.StopReminders, h.on_stop),
        On(cb.StopAllConfirmed, h.on_stop_all),
        On(cb.KeepReminders, h.on_keep),
        On(cb.StopDaily, h.on_stop_daily),
        On(cb.UndoDelete, h.on_undo_delete),
        On(cb.PickHour, h.on_hour),
        On(cb.ChangeDaily, h.on_change_daily),
    ),
    updates=(ChatMemberHandler(h.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),),
    # After the diary's and the checklist's claims: a city prompt left open does not take the
    # answer to a question asked since. A shared location is a time zone answer whenever it
    # comes; text only while the "type your city" prompt is open (otherwise it goes to search).
    claims=(
        TextClaim(30, PRIVATE & filters.UpdateType.MESSAGE & filters.LOCATION, tz.on_location),
        TextClaim(40, NEW_TEXT, tz.on_text),
    ),
    state=tz.ZonePrompts,
    tables=(
        Table("reminders", outbox.MIGRATIONS, export=user_rows("reminders"), erase=delete_user_rows("reminders")),
        # Safety notices go out through this outbox; who was sent which one is the user's data.
        Table("safety_notices", safety_notices.MIGRATIONS, export=safety_notices.export, erase=safety_notices.erase),
        # Where the user said they are (a city id or a country), shown instead of the zone's capital.
        Table(places.TABLE, (places.MIGRATION,), export=places.export, erase=places.erase),
    ),
    chores=(Chore("outbox-prune", PRUNE_EVERY, prune_outbox),),
)
