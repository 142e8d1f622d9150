"""The diary's per-application state (DiaryState: chart worker, open drafts, exports running) and
the draft bookkeeping its text claim reads, on the injected clock."""

from __future__ import annotations

import asyncio

from bot.infra.services import BotApp, BotContext, Services, services_of
from bot.services.charts import ChartDrawer
from bot.services.update_counter import UpdateCounter

DRAFT_IDLE = 30 * 60  # free text within this long of a log question is answered as a stray reply


# --- per-application state -------------------------------------------------------------------


class DiaryState:
    """What the diary keeps per running bot: the chart worker, open drafts, exports running."""

    def __init__(self) -> None:
        self.drawer = ChartDrawer()
        self.exporting: set[int] = set()
        self.charting: set[int] = set()  # users whose chart is being drawn or sent
        self.tasks: set[asyncio.Task[None]] = set()
        # user -> (when (injected clock) their last log question was shown, the turn that showed
        # it): the diary's text claim takes only the text right after a log question.
        self.drafts: dict[int, tuple[float, int]] = {}

    async def settled(self) -> None:
        """Wait for the charts in flight (tests, the demo, benchmarks, shutdown)."""
        while self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)


def state_of(app: BotApp) -> DiaryState:
    return services_of(app).state(DiaryState)


async def stop(app: BotApp) -> None:
    """Shutdown: end the chart worker process, if one was started."""
    state = state_of(app)
    await state.settled()
    await state.drawer.close()


def in_log(services: Services, user_id: int) -> bool:
    """A log question is waiting for this message: shown by the user's previous update (after a
    command, a tap elsewhere or another message, text is a search again: bot/services/update_counter.py)."""
    opened, turn = services.state(DiaryState).drafts.get(user_id, (None, 0))
    return (
        opened is not None
        and services.clock.now() - opened <= DRAFT_IDLE
        and services.state(UpdateCounter).follows(user_id, turn)
    )


def mark_open(ctx: BotContext, user_id: int) -> None:
    drafts = ctx.services.state(DiaryState).drafts
    now = ctx.services.clock.now()
    drafts[user_id] = (now, ctx.services.state(UpdateCounter).now(user_id))
    if len(drafts) > 10_000:  # forget abandoned drafts rather than grow
        for uid in [u for u, (t, _) in drafts.items() if now - t > DRAFT_IDLE]:
            del drafts[uid]


def mark_closed(ctx: BotContext, user_id: int) -> None:
    ctx.services.state(DiaryState).drafts.pop(user_id, None)
