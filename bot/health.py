"""Liveness for a supervisor: the bot writes a heartbeat file, `main.py health` judges it.

A heartbeat from a separate task proves the event loop turns; the file also carries the age of
the delivery worker's last loop and of the oldest update still being handled, so a stuck worker
or a hung handler makes the check fail even while the loop itself is fine.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from pathlib import Path

from bot.infra.services import Services
from bot.infra.settings import Settings

log = logging.getLogger(__name__)

BEAT_EVERY = 10.0
MAX_BEAT_AGE = 60.0
MAX_DELIVERY_AGE = 180.0  # the delivery loop turns at least once a minute
MAX_UPDATE_AGE = 120.0


def snapshot(services: Services) -> dict[str, float | int | None]:
    now = time.monotonic()
    health = services.health
    oldest = min(health.in_flight.values(), default=None)
    delivery_age = None
    if health.delivery_running:
        delivery_age = round(now - health.last_delivery_loop, 1)
    return {
        "written_at": time.time(),
        "pid": os.getpid(),
        "updates": health.updates,
        "delivery_age": delivery_age,
        "oldest_update_age": None if oldest is None else round(now - oldest, 1),
    }


def _write(path: Path, data: dict[str, float | int | None]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    tmp.replace(path)  # atomic: the checker never reads half a file


async def heartbeat(services: Services, path: Path) -> None:
    while True:
        try:
            # Off the event loop: a slow or full disk must not stall the updates being handled.
            await asyncio.to_thread(_write, path, snapshot(services))
        except OSError as exc:
            log.warning("cannot write health file %s: %s", path, exc)
        await asyncio.sleep(BEAT_EVERY)


def judge(data: dict[str, float | int | None], now: float) -> list[str]:
    problems = []
    written = data.get("written_at")
    if not isinstance(written, int | float) or now - written > MAX_BEAT_AGE:
        problems.append("no heartbeat for over a minute: the event loop is stuck or the bot is down")
    delivery_age = data.get("delivery_age")
    if isinstance(delivery_age, int | float) and delivery_age > MAX_DELIVERY_AGE:
        problems.append(f"the reminder delivery worker has not looped for {delivery_age:.0f} s")
    update_age = data.get("oldest_update_age")
    if isinstance(update_age, int | float) and update_age > MAX_UPDATE_AGE:
        problems.append(f"an update has been in progress for {update_age:.0f} s")
    return problems


def check(settings: Settings) -> int:
    path = settings.health_file
    assert path is not None
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        print(f"unhealthy: cannot read {path}: {exc}")
        return 1
    problems = judge(data, time.time())
    if problems:
        print("unhealthy: " + "; ".join(problems))
        return 1
    written = data.get("written_at")
    age = f", as of {time.time() - written:.0f} s ago" if isinstance(written, int | float) else ""
    print(f"healthy: {data.get('updates', 0)} updates handled{age}")
    return 0
