"""The checklist's FEATURE: /check, its buttons, typed answers, the idle expiry, its table."""

from __future__ import annotations

from bot.core.feature import Chore, Command, Feature, On, TextClaim
from bot.features.checklist import handlers as h
from bot.features.checklist.callbacks import (
    ChecklistBack,
    ChecklistCancel,
    ChecklistRestart,
    ChecklistSummary,
    ContextTick,
    Step,
    static_callbacks,
)
from bot.ui.callbacks import StartChecklist
from bot.ui.screens import NEW_TEXT
from storage import checklists, outcomes
from storage.tables import Table, delete_user_rows, user_rows

IDLE_SECONDS = h.IDLE_SECONDS

FEATURE = Feature(
    name="checklist",
    commands=(Command("check", h.check_command, listed=3),),
    # Text while a question is open answers it ("yes", "no", "non so") or re-asks; never a search.
    claims=(TextClaim(20, NEW_TEXT, h.text_mid_checklist),),
    static_callbacks=static_callbacks,
    callbacks=(
        On(StartChecklist, h.on_start_button),
        On(Step, h.on_step),
        On(ContextTick, h.on_tick),
        On(ChecklistBack, h.on_back),
        On(ChecklistCancel, h.on_cancel),
        On(ChecklistRestart, h.on_restart),
        On(ChecklistSummary, h.on_summary),
    ),
    # Every minute: a run idle for IDLE_SECONDS (30 min) closes at most a minute late.
    chores=(Chore("checklist-expiry", 60.0, h.expire_idle), Chore("outcome-retention", 3600.0, h.purge_outcomes)),
    tables=(
        Table(
            "checklist_sessions",
            checklists.MIGRATIONS,
            export=user_rows("checklist_sessions"),
            erase=delete_user_rows("checklist_sessions"),
        ),
        # Every finished checklist with the words that produced it (issue 21: traceability).
        Table("checklist_outcomes", outcomes.MIGRATIONS, export=outcomes.export, erase=outcomes.erase),
    ),
)
