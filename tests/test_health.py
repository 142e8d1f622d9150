"""The health check a supervisor runs: `python main.py health`."""

from __future__ import annotations

import json
import time

from bot import health
from bot.infra.settings import Settings


def test_fresh_heartbeat_is_healthy(tmp_path, capsys):
    path = tmp_path / "bot.health"
    path.write_text(json.dumps({"written_at": time.time(), "delivery_age": 3.0, "oldest_update_age": None}))
    assert health.check(Settings(database=tmp_path / "bot.sqlite3", health_file=path)) == 0
    assert "healthy" in capsys.readouterr().out


def test_stale_or_stuck_is_unhealthy(tmp_path, capsys):
    path = tmp_path / "bot.health"
    settings = Settings(database=tmp_path / "bot.sqlite3", health_file=path)
    assert health.check(settings) == 1  # no file: the bot never started
    path.write_text(json.dumps({"written_at": time.time() - 600}))
    assert health.check(settings) == 1
    path.write_text(json.dumps({"written_at": time.time(), "delivery_age": 900.0}))
    assert health.check(settings) == 1
    path.write_text(json.dumps({"written_at": time.time(), "oldest_update_age": 500.0}))
    assert health.check(settings) == 1
    assert "in progress for 500 s" in capsys.readouterr().out


async def test_snapshot_reports_in_flight_updates(bot):
    snap = health.snapshot(bot.services)
    assert snap["oldest_update_age"] is None and snap["delivery_age"] is None
    bot.services.health.in_flight[1] = time.monotonic() - 200
    assert health.judge(health.snapshot(bot.services), time.time())
    del bot.services.health.in_flight[1]
