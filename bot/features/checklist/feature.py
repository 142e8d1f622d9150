"""The checklist's FEATURE: /check, its buttons, typed answers, the idle expiry, its table."""

from __future__ import annotations

from bot.core.feature import Chore, Command, Feature, TextClaim, routes
from bot.features.checklist import callbacks as cb
from bot.features.checklist import handlers as h
from bot.ui.screens import NEW_TEXT
from storage import checklists, outcomes
from storage.tables import Table

IDLE_SECONDS = h.IDLE_SECONDS

FEATURE = Feature(
    name="checklist",
    commands=(Command("check", h.check_command, listed=3),),
    # Text while a question is open answers it ("yes", "no", "non so") or re-asks; never a search.
    claims=(TextClaim(20, NEW_TEXT, h.text_mid_checklist),),
    static_callbacks=cb.static_callbacks,
    callbacks=routes(h.on_start_button, h.on_step, h.on_tick, h.on_back, h.on_cancel, h.on_restart, h.on_summary),
    # Every minute: a run idle for IDLE_SECONDS (30 min) closes at most a minute late.
    chores=(Chore("checklist-expiry", 60.0, h.expire_idle), Chore("outcome-retention", 3600.0, h.purge_outcomes)),
    tables=(
        Table("checklist_sessions", checklists.MIGRATIONS),
        # Every finished checklist with the words that produced it (issue 21: traceability).
        Table(
            "checklist_outcomes",
            outcomes.MIGRATIONS,
            columns=outcomes.EXPORTED,
            order_by="finished_at",
            json_columns=("items",),
        ),
    ),
)
