"""/mydata: everything stored about a user, in words a person can check, and as one file.

The input is what every table's export hook returned (table name -> rows), so a table a feature
adds is in the file without a change here; the words know the tables a person recognises
(profile, reminders, checklist outcomes, diary) and count any other one. The words never show
an epoch number or an internal field (claimed_at, last_error, tokens); the file keeps every
field, with times as ISO 8601 and stored JSON as JSON, and parses back.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.infra import timezones
from bot.ui.dates import calendar_day, day
from bot.ui.labels import reminder_label
from content.model import Content
from storage.reminders import ACTIVE, DailyPayload, FollowupPayload, Reminder

Rows = Sequence[Mapping[str, Any]]
MAX_MESSAGE = 3500  # a message's text, with room for Telegram's 4096 after markup
SHOWN_ENTRIES = 10  # diary entries listed in words; the rest are counted (all are in the file)
FILENAME = "spasm-guide-my-data.json"
# Integer fields holding unix seconds: written as ISO 8601 in the file, never shown as numbers.
_TIME_FIELDS = ("first_seen", "last_seen", "inactive_since")


@dataclass(frozen=True, slots=True)
class Words:
    messages: tuple[str, ...]  # each within MAX_MESSAGE, split between lines, never inside one


def _is_time(key: str) -> bool:
    return key.endswith("_at") or key in _TIME_FIELDS


def _iso(value: int) -> str:
    return datetime.fromtimestamp(value, UTC).isoformat().replace("+00:00", "Z")


def _portable(row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if _is_time(key) and isinstance(value, int) and not isinstance(value, bool):
            value = _iso(value)
        elif isinstance(value, str) and value[:1] in "[{":
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        out[key] = value
    return out


def export_file(data: Mapping[str, Rows], now: float) -> bytes:
    """The complete record as one JSON document (UTF-8): every table, every field."""
    document = {
        "exported_at": _iso(int(now)),
        "tables": {table: [_portable(r) for r in rows] for table, rows in sorted(data.items())},
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _reminder(row: Mapping[str, Any]) -> Reminder | None:
    try:
        payload_data = json.loads(row.get("payload") or "{}")
    except ValueError:
        payload_data = {}
    kind = row.get("kind")
    payload: DailyPayload | FollowupPayload
    if kind == "daily":
        payload = DailyPayload.from_dict(payload_data)
    elif kind == "followup":
        payload = FollowupPayload.from_dict(payload_data)
    else:
        return None
    return Reminder(
        int(row["id"]),
        int(row["user_id"]),
        int(row.get("chat_id") or 0),
        int(row["due_at"]),
        str(row["status"]),
        int(row.get("attempts") or 0),
        payload,
        int(row.get("created_at") or 0),
    )


def words(
    content: Content,
    lang: str,
    data: Mapping[str, Rows],
    *,
    telegram_lang: str | None,
    now: float,
    place: str | None = None,
) -> Words:
    """The record in words, grouped. `place`: how the user's time zone is shown (their city)."""

    none = content.text(lang, "userdata.mydata_none")
    users = data.get("users") or ()
    user = users[0] if users else {}
    zone = user.get("timezone")

    # Profile
    chosen = user.get("language")
    if chosen in content.languages:
        language = content.text(lang, f"language.name.{chosen}")
    else:
        shown = content.text(lang, f"language.name.{content.language(telegram_lang)}")
        language = content.text(lang, "privacy.mydata_language_auto", language=shown)
    profile = [
        content.text(lang, "userdata.mydata_profile"),
        content.text(lang, "userdata.mydata_language", language=language),
    ]
    profile.append(
        content.text(lang, "userdata.mydata_zone", zone=place or (timezones.label(zone, lang) if zone else none)),
    )
    if user:
        profile.append(
            content.text(
                lang,
                "userdata.mydata_since",
                first=day(content, lang, user["first_seen"], zone),
                last=day(content, lang, user["last_seen"], zone),
            )
        )

    # Reminders: the active ones, each in words
    reminders = [content.text(lang, "userdata.mydata_reminders")]
    active = [r for r in (_reminder(row) for row in data.get("reminders") or ()) if r and r.status in ACTIVE]
    active.sort(key=lambda r: r.due_at)
    reminders += [reminder_label(content, lang, r, zone, now) for r in active] or [none]

    # Checklist outcomes
    checklist = [content.text(lang, "userdata.mydata_checklist")]
    outcomes = content.checklist.outcomes
    for run in data.get("checklist_sessions") or ():
        outcome = str(run.get("outcome") or "")
        if outcome in outcomes:
            title = outcomes[outcome].text[lang].title
            checklist.append(f"• {day(content, lang, run['updated_at'], zone)}: {title}")
        else:
            answered = len(json.loads(run.get("answers") or "[]"))
            total = len(content.checklist.questions)
            checklist.append("• " + content.text(lang, "privacy.mydata_checklist", answered=answered, total=total))
    if len(checklist) == 1:
        checklist.append(none)

    # Diary: counts, range, the latest entries in words
    diary = [content.text(lang, "userdata.mydata_diary")]
    entries = list(data.get("diary_entries") or ())
    free = list(data.get("diary_free_days") or ())
    diary.append(content.text(lang, "userdata.mydata_diary_counts", spasms=len(entries), free=len(free)))
    days = sorted({str(e["day"]) for e in entries} | {str(f["day"]) for f in free})
    if days:
        first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
        diary.append(
            content.text(
                lang,
                "userdata.mydata_diary_range",
                first=calendar_day(content, lang, first),
                last=calendar_day(content, lang, last),
            )
        )
    text = content.diary.words(lang)
    lines: list[tuple[str, str]] = []
    for entry in entries:
        parts = [text.label("duration", entry["duration"]), text.label("severity", entry["severity"])]
        for optional in ("location", "context"):
            if entry.get(optional):
                parts.append(text.label(optional, entry[optional]))
        when = calendar_day(content, lang, date.fromisoformat(entry["day"]), year=False)
        lines.append((str(entry["day"]), f"• {when}: {', '.join(parts)}"))
    for row in free:
        when = calendar_day(content, lang, date.fromisoformat(row["day"]), year=False)
        lines.append((str(row["day"]), "• " + content.text(lang, "userdata.spasm_free_line", day=when)))
    lines.sort(key=lambda pair: pair[0], reverse=True)  # newest first
    diary += [line for _, line in lines[:SHOWN_ENTRIES]]
    if len(lines) > SHOWN_ENTRIES:
        diary.append(content.text(lang, "userdata.mydata_more", n=len(lines) - SHOWN_ENTRIES))

    # Anything else a feature stores: counted, never dumped
    known = {"users", "reminders", "checklist_sessions", "diary_entries", "diary_free_days"}
    others = [f"• {table}: {len(rows)}" for table, rows in sorted(data.items()) if table not in known and rows]

    sections = [[content.text(lang, "userdata.mydata_title")], profile, reminders, checklist, diary]
    if others:
        sections.append(others)
    return Words(tuple(_split(["\n".join(s) for s in sections])))


def _split(sections: list[str]) -> list[str]:
    """Sections joined into as few messages as fit, split only between lines."""
    messages: list[str] = []
    current = ""
    for section in sections:
        for index, line in enumerate(section.split("\n")):
            glue = ("\n\n" if index == 0 else "\n") if current else ""
            if current and len(current) + len(glue) + len(line) > MAX_MESSAGE:
                messages.append(current)
                current, glue = "", ""
            current += glue + line[:MAX_MESSAGE]
    if current:
        messages.append(current)
    return messages
