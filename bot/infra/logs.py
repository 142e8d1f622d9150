"""Logging: one line per event, text or JSON, with the bot token scrubbed from everything.

httpx logs every request URL at INFO, and Telegram URLs contain the token
(https://api.telegram.org/bot<TOKEN>/getMe). The filter sits on the handler, so it sees records
from every logger, including ones that propagate from libraries.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import re
import sys
import time
from collections.abc import Mapping
from typing import Any

TOKEN_PATTERN = re.compile(r"\d{5,16}:[A-Za-z0-9_-]{30,64}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_TIME = "%Y-%m-%dT%H:%M:%S"
UPDATE_MESSAGE = "update %(update_id)s from %(user)s: %(handler)s in %(duration_ms)s ms"
UPDATE_FIELDS = ("update_id", "user", "handler", "duration_ms")
_SALT = b"spasm-guide"


@functools.lru_cache(maxsize=4096)  # a line per update: the same few users, hashed again and again
def hash_user(user_id: int) -> str:
    """A stable pseudonym for logs: correlates one user's events without naming them."""
    return hashlib.blake2s(str(user_id).encode(), key=_SALT, digest_size=6).hexdigest()


class RedactTokenFilter(logging.Filter):
    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<redacted>")
        return TOKEN_PATTERN.sub("<redacted>", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = self.redact(message)
        record.args = None
        for key in UPDATE_FIELDS:  # the JSON format writes these extras out as they are
            value = getattr(record, key, None)
            if isinstance(value, str):
                setattr(record, key, self.redact(value))
        if record.exc_info and record.exc_info[1] is not None:
            import traceback

            record.exc_text = self.redact("".join(traceback.format_exception(*record.exc_info)))
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, self.datefmt),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in UPDATE_FIELDS:
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class BotHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The one handler setup_logging installs: every record passes the token filter, and the line
    per update has a shortcut (log_update).

    Update lines are written in batches, at most FLUSH_AFTER seconds late, as nginx's buffered
    access_log does: a write and flush per line cost ~15 us of a checklist step (bench/taps.py).
    Every other record is written at once, after the lines waiting before it, so order holds;
    logging.shutdown flushes at exit. A crash can lose the last half second of update lines,
    never an error.
    """

    FLUSH_AFTER = 0.5
    MAX_WAITING = 256

    def __init__(self, stream: Any, fmt: str, secrets: tuple[str, ...]) -> None:
        super().__init__(stream)
        self.redactor = RedactTokenFilter(secrets)
        self.addFilter(self.redactor)
        self.json = fmt == "json"
        self._formatter = JsonFormatter(datefmt=JSON_TIME) if self.json else logging.Formatter(TEXT_FORMAT)
        self.setFormatter(self._formatter)
        self._second = -1
        self._asctime = ""
        self._waiting: list[str] = []
        self._flush_loop: asyncio.AbstractEventLoop | None = None  # where a flush is scheduled

    def update_line(self, name: str, fields: Mapping[str, Any]) -> None:
        """Exactly the line the formatter would make of log_update's record, made directly."""
        created = time.time()
        redact = self.redactor.redact
        fields = {key: redact(value) if isinstance(value, str) else value for key, value in fields.items()}
        message = UPDATE_MESSAGE % fields
        second = int(created)
        if second != self._second:  # strftime once a second, not once a line
            self._second = second
            self._asctime = self._formatter.formatTime(_at(second), self._formatter.datefmt)
        if self.json:
            entry = {"time": self._asctime, "level": "INFO", "logger": name, "message": message, **fields}
            line = json.dumps(entry, ensure_ascii=False)
        else:
            line = f"{self._asctime[:-3]}{int((created - second) * 1000):03d} INFO {name}: {message}"
        with self.lock:  # type: ignore[union-attr]  # created by Handler.__init__
            self._waiting.append(line + self.terminator)
            if len(self._waiting) >= self.MAX_WAITING:
                self.flush()
                return
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no event loop to come back later
                self.flush()
                return
            # Per loop: a timer left on a loop that has since closed would never fire.
            if self._flush_loop is not loop:
                loop.call_later(self.FLUSH_AFTER, self._scheduled_flush)
                self._flush_loop = loop

    def _scheduled_flush(self) -> None:
        self._flush_loop = None
        self.flush()

    def _write_waiting(self) -> None:
        if self._waiting:
            text = "".join(self._waiting)
            self._waiting.clear()
            try:
                self.stream.write(text)
            except Exception:
                self.handleError(logging.makeLogRecord({"msg": "could not write update lines"}))

    def emit(self, record: logging.LogRecord) -> None:
        with self.lock:  # type: ignore[union-attr]
            self._write_waiting()
            super().emit(record)

    def flush(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            self._write_waiting()
            super().flush()


def _at(second: int) -> logging.LogRecord:
    return logging.makeLogRecord({"created": float(second), "msecs": 0.0})


def log_update(logger: logging.Logger, fields: Mapping[str, Any]) -> None:
    """The line per update, as an INFO record of `logger` with the fields as extras.

    Through the logging machinery that line costs about 25 us inside a busy update path, a tenth
    of a menu tap (bench/taps.py). When setup_logging's handler is the only one the record would
    reach, the same line is made and written directly (tests/test_operations.py compares the two).
    Any other set-up, such as pytest's caplog or a handler of one's own, gets the real record.
    """
    if not logger.isEnabledFor(logging.INFO):
        return
    handler = _sole_bot_handler(logger)
    if handler is None:
        logger.info(UPDATE_MESSAGE, fields, extra=dict(fields))
    else:
        handler.update_line(logger.name, fields)


def _sole_bot_handler(logger: logging.Logger) -> BotHandler | None:
    found: list[logging.Handler] = []
    current: logging.Logger | None = logger
    while current is not None:
        if current.filters:
            return None
        found += current.handlers
        current = current.parent if current.propagate else None
    if len(found) != 1 or type(found[0]) is not BotHandler or found[0].level > logging.INFO:
        return None
    handler = found[0]
    # Only the token filter: anything added later sees records, not shortcuts.
    return handler if handler.filters == [handler.redactor] else None


def setup_logging(level: str = "INFO", fmt: str = "text", secrets: tuple[str, ...] = (), stream: Any = None) -> None:
    handler = BotHandler(stream or sys.stderr, fmt, secrets)
    # A line per update is part of every update's cost (bench/taps.py): skip collecting what no
    # format here prints. The stack walk for file and line is the largest part (the logging
    # HOWTO's "Optimization" section names these switches).
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None  # type: ignore[attr-defined]
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Per-request lines from the HTTP client are noise at INFO; they are still redacted at DEBUG.
    logging.getLogger("httpx").setLevel(logging.WARNING if level != "DEBUG" else logging.DEBUG)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
