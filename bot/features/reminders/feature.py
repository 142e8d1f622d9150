"""The reminders FEATURE: commands, callbacks, text claims (time zone prompts), state, table, chores."""

from __future__ import annotations

from telegram.ext import ChatMemberHandler, filters

from bot.core.feature import Chore, Command, Feature, TextClaim, routes
from bot.features.reminders import callbacks as cb
from bot.features.reminders import checkins
from bot.features.reminders import handlers as h
from bot.features.reminders import timezone as tz
from bot.features.reminders.delivery import PRUNE_EVERY, prune_outbox
from bot.ui.callbacks import OpenReminders
from bot.ui.screens import NEW_TEXT, PRIVATE
from storage import places, safety_notices
from storage import reminders as outbox
from storage.tables import Table

FEATURE = Feature(
    name="reminders",
    commands=(Command("reminders", opens=OpenReminders(), listed=6),),
    static_callbacks=cb.static_callbacks,
    callbacks=routes(
        h.on_open,
        h.on_add_followup,
        h.on_delay,
        h.on_add_daily,
        tz.on_set_zone,
        tz.on_set_city,
        tz.on_more_zones,
        tz.on_ask_local_time,
        tz.on_set_offset,
        tz.on_keep_offset,
        tz.on_choose_zone,
        tz.on_share_location,
        tz.on_type_city,
        tz.on_dismiss_offer,
        h.on_kind,
        h.on_time,
        h.on_cancel,
        checkins.on_better,
        checkins.on_same,
        checkins.on_worse,
        checkins.on_worse_answer,
        checkins.on_snooze,
        h.on_stop,
        h.on_stop_all,
        h.on_keep,
        h.on_stop_daily,
        h.on_undo_delete,
        h.on_hour,
        h.on_change_daily,
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
        Table("reminders", outbox.MIGRATIONS),
        # Safety notices go out through this outbox; who was sent which one is the user's data.
        Table(
            "safety_notices",
            safety_notices.MIGRATIONS,
            export_with=safety_notices.export,
            erase_with=safety_notices.erase,
        ),
        # Where the user said they are (a city id or a country), shown instead of the zone's capital.
        Table(places.TABLE, (places.MIGRATION,), export_with=places.export),
    ),
    chores=(Chore("outbox-prune", PRUNE_EVERY, prune_outbox),),
)
