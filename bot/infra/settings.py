"""Typed settings from the environment. The token is a secret: it never reaches a log or repr."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

TOKEN_FORMAT = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,64}$")
DEFAULT_DATABASE = "data/spasm-guide.sqlite3"


class SettingsError(Exception):
    """A configuration problem, explained in one line for the person starting the bot."""


class Secret:
    """Holds a secret string; str() and repr() never show it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    token: Secret = field(default_factory=lambda: Secret(""))
    base_url: str | None = None
    database: Path = Path(DEFAULT_DATABASE)
    content_dir: Path | None = None
    log_level: str = "INFO"
    log_format: str = "text"  # text | json
    mode: str = "polling"  # polling | webhook
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"  # noqa: S104 - the container's own interface
    webhook_port: int = 8443
    webhook_secret: Secret = field(default_factory=lambda: Secret(""))
    admin_ids: frozenset[int] = frozenset()
    retention_days: int = 180
    # Diary entries older than this many days are deleted; at least 60, so /diary can compare
    # the last 30 days with the 30 before.
    diary_retention_days: int = 365
    flood_rate: float = 5.0  # updates per second a user may send before being slowed
    flood_burst: int = 10
    health_file: Path | None = None
    # Scheduled backups (`main.py backup --dir DIR --loop`): one every backup_every_hours, the
    # newest backup_keep kept. /privacy tells users how long an erased record may survive in them.
    backup_every_hours: int = 24
    backup_keep: int = 14

    @property
    def backup_retention_days(self) -> int:
        """How long the oldest kept backup can hold a record erased just after it was taken."""
        return max(1, -(-self.backup_every_hours * self.backup_keep // 24))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, need_token: bool = True) -> Settings:
        env = os.environ if env is None else env
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if need_token:
            if not token:
                raise SettingsError(
                    "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram "
                    "(/newbot), then export TELEGRAM_BOT_TOKEN=<the token it gives you>. "
                    "To try the bot without a token, run: python main.py demo"
                )
            if not TOKEN_FORMAT.match(token):
                raise SettingsError(
                    "TELEGRAM_BOT_TOKEN does not look like a bot token (expected "
                    "<digits>:<35 letters, digits, - or _>, as @BotFather gives it); "
                    "check for quotes or spaces"
                )
        mode = env.get("BOT_MODE", "polling").strip().lower() or "polling"
        if mode not in ("polling", "webhook"):
            raise SettingsError(f"BOT_MODE must be 'polling' or 'webhook', not {mode!r}")
        level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
        log_format = env.get("LOG_FORMAT", "text").strip().lower() or "text"
        if log_format not in ("text", "json"):
            raise SettingsError(f"LOG_FORMAT must be 'text' or 'json', not {log_format!r}")
        base_url = env.get("TELEGRAM_BASE_URL", "").strip() or None
        if base_url and not re.match(r"^https?://", base_url):
            raise SettingsError("TELEGRAM_BASE_URL must start with http:// or https://")
        webhook_url = env.get("WEBHOOK_URL", "").strip() or None
        webhook_secret = env.get("WEBHOOK_SECRET", "").strip()
        if mode == "webhook":
            if not webhook_url or (not webhook_url.startswith("https://") and not base_url):
                raise SettingsError("BOT_MODE=webhook needs WEBHOOK_URL, the public https:// URL Telegram calls")
            if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", webhook_secret):
                raise SettingsError(
                    "BOT_MODE=webhook needs WEBHOOK_SECRET: 16 to 256 characters of A-Z, a-z, "
                    "0-9, _ and - (for example: python -c 'import secrets; "
                    "print(secrets.token_urlsafe(32))')"
                )
        content_dir = env.get("BOT_CONTENT_DIR", "").strip()
        health = env.get("BOT_HEALTH_FILE", "").strip()
        database = Path(env.get("BOT_DATABASE", "").strip() or DEFAULT_DATABASE)
        return cls(
            token=Secret(token),
            base_url=base_url,
            database=database,
            content_dir=Path(content_dir) if content_dir else None,
            log_level=level,
            log_format=log_format,
            mode=mode,
            webhook_url=webhook_url,
            webhook_listen=env.get("WEBHOOK_LISTEN", "0.0.0.0").strip() or "0.0.0.0",  # noqa: S104
            webhook_port=_int(env, "WEBHOOK_PORT", 8443, 1, 65535),
            webhook_secret=Secret(webhook_secret),
            admin_ids=_ids(env.get("ADMIN_IDS", "")),
            retention_days=_int(env, "RETENTION_DAYS", 180, 1, 3650),
            diary_retention_days=_int(env, "DIARY_RETENTION_DAYS", 365, 60, 3650),
            flood_rate=float(_int(env, "FLOOD_RATE", 5, 1, 1000)),
            flood_burst=_int(env, "FLOOD_BURST", 10, 1, 1000),
            health_file=Path(health) if health else database.with_suffix(".health"),
            backup_every_hours=_int(env, "BACKUP_EVERY_HOURS", 24, 1, 24 * 366),
            backup_keep=_int(env, "BACKUP_KEEP", 14, 1, 10_000),
        )


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise SettingsError(f"ADMIN_IDS must be comma-separated Telegram user ids, not {part!r}")
        ids.add(int(part))
    return frozenset(ids)
