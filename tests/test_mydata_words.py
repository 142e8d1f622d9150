"""/mydata's words and file (bot/services/mydata.py) from what the tables export: grouped, no
epoch numbers or internal fields, split only between lines; the file complete and parseable."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from bot.services import mydata
from content.model import Content

NOW = 1_796_229_890.0  # 2026-12-02


def _data(entries: int = 2) -> dict[str, list[dict[str, object]]]:
    return {
        "users": [
            {
                "user_id": 42,
                "language": "it",
                "timezone": "Europe/Rome",
                "first_seen": 1796229890,
                "last_seen": 1796239890,
                "active": 1,
                "inactive_since": None,
            }
        ],
        "reminders": [
            {
                "id": 1,
                "user_id": 42,
                "chat_id": 42,
                "kind": "daily",
                "due_at": 1796240000,
                "status": "pending",
                "attempts": 0,
                "payload": '{"kind":"stretch","time":"21:00","lang":"it"}',
                "created_at": 1796229890,
                "claimed_at": 1796229999,
                "sent_at": None,
                "last_error": "NetworkError: boom",
            },
            {
                "id": 2,
                "user_id": 42,
                "chat_id": 42,
                "kind": "followup",
                "due_at": 1796000000,
                "status": "sent",
                "attempts": 1,
                "payload": "{}",
                "created_at": 1795229890,
                "claimed_at": None,
                "sent_at": 1796000000,
                "last_error": None,
            },
        ],
        "checklist_sessions": [
            {
                "user_id": 42,
                "session": "abc",
                "chat_id": 42,
                "message_id": 9,
                "language": "it",
                "answers": "[]",
                "outcome": "see_doctor",
                "started_at": 1796229000,
                "updated_at": 1796229890,
            }
        ],
        "diary_entries": [
            {
                "id": i,
                "day": (date(2026, 11, 10) - timedelta(days=i)).isoformat(),
                "at_when": "now",
                "duration": "m1_10",
                "severity": "severe",
                "location": "calf",
                "context": None,
                "logged_at": 1796229890,
            }
            for i in range(entries)
        ],
        "diary_free_days": [{"day": "2026-12-01", "recorded_at": 1796229890}],
    }


def test_words_are_grouped_in_the_users_language_without_numbers_or_internals(content: Content) -> None:
    text = "\n".join(mydata.words(content, "it", _data(), telegram_lang="it", now=NOW).messages)
    for heading in ("Profilo", "Promemoria", "Esiti della checklist", "Diario"):
        assert f"<b>{heading}</b>" in text
    assert "Italiano" in text and "Roma" in text
    assert "21:00" in text  # the daily reminder in words
    assert "Polpaccio" in text or "polpaccio" in text
    assert "nessuno spasmo" in text  # the spasm-free day
    assert content.checklist.outcomes["see_doctor"].text["it"].title in text
    assert not re.search(r"\d{9,}", text), "no epoch numbers"
    for internal in ("claimed_at", "last_error", "NetworkError", "payload", "session", "abc", "{"):
        assert internal not in text


def test_a_long_diary_is_counted_not_split_mid_word(content: Content) -> None:
    result = mydata.words(content, "en", _data(entries=300), telegram_lang="en", now=NOW)
    assert len(result.messages) == 1
    assert "and 291 more" in result.messages[0]
    assert all(len(m) <= mydata.MAX_MESSAGE for m in result.messages)


def test_the_file_is_complete_and_parses_back() -> None:
    raw = mydata.export_file(_data(), NOW)
    document = json.loads(raw.decode())
    tables = document["tables"]
    assert set(tables) == {"users", "reminders", "checklist_sessions", "diary_entries", "diary_free_days"}
    assert tables["users"][0]["first_seen"] == "2026-12-02T16:44:50Z"
    assert tables["reminders"][0]["payload"] == {"kind": "stretch", "time": "21:00", "lang": "it"}
    assert len(tables["diary_entries"]) == 2
    assert document["exported_at"].startswith("2026-12-02")
