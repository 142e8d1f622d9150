"""The in-memory :class:`~bot.fake_telegram.FakeTelegram`, served over real HTTP on localhost.

The bot's production HTTP stack (PTB's ``HTTPXRequest``) or a whole bot process can talk to it
by pointing ``TELEGRAM_BASE_URL`` at :attr:`FakeTelegramServer.base_url`::

    server = FakeTelegramServer()
    await server.start()
    env["TELEGRAM_BASE_URL"] = server.base_url  # http://127.0.0.1:<port>/bot
    ...
    server.fake.push_update(server.fake.text_update(server.fake.make_user(42), "/start"))
    await server.stop()

Paths look like the real API's, ``/bot<TOKEN>/<method>``. Bodies are what PTB sends: form
fields (``application/x-www-form-urlencoded``; strings as is, everything else JSON-encoded, see
``telegram.request.RequestData.json_parameters``), ``multipart/form-data`` when files are
attached, or a JSON object. They are decoded back into the typed parameters
:meth:`FakeTelegram.do_request` expects. HTTP/1.1 with keep-alive, ``Content-Length`` or
chunked request bodies; stdlib asyncio only.

From the command line it serves until SIGTERM or SIGINT, for tests that need Telegram to
outlive a bot process they kill::

    python -m bot.fake_telegram.http --port 0 --latency 0.01 --record delivered.jsonl

The first line on stdout is ``listening on <base_url>``. With ``--record``, every successful
``sendMessage`` / ``editMessageText`` appends one JSON line ``{"method", "chat_id", "text",
"message_id"}`` to the file (flushed per line) *before* the HTTP response is written, exactly
as Telegram delivers a message the client may never hear back about.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email.parser
import email.policy
import json
import re
import signal
import sys
from collections import Counter
from collections.abc import Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final, TextIO
from urllib.parse import parse_qsl, urlsplit

from telegram.error import NetworkError
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.fake_telegram.api import FakeTelegram

__all__ = ["RECORDED_METHODS", "FakeTelegramServer", "decode_form_value", "main"]

JSONDict = dict[str, Any]

RECORDED_METHODS: Final = frozenset({"sendMessage", "editMessageText"})

# Bot API parameters whose type is String: a form value for them is never JSON-decoded, so a
# message text "123" or "true" stays text. Every other form value is JSON if it parses as JSON
# (PTB JSON-encodes ints, bools, lists and objects), else the string itself (chat_id "@name").
STRING_PARAMETERS: Final = frozenset(
    {
        "action",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "custom_emoji_id",
        "description",
        "emoji",
        "inline_message_id",
        "ip_address",
        "language_code",
        "message_effect_id",
        "name",
        "parse_mode",
        "query",
        "secret_token",
        "short_description",
        "text",
        "title",
        "url",
    }
)

_PATH: Final = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)/?$")
MAX_HEADER_LINES: Final = 100
MAX_BODY: Final = 64 * 1024 * 1024


class _BadHttpRequest(Exception):
    """The request cannot be parsed: answer 400 and close the connection."""


def decode_form_value(name: str, raw: str) -> object:
    """One form field as PTB encoded it, back to the value PTB had (see module docstring)."""
    if name in STRING_PARAMETERS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _parse_multipart(content_type: str, body: bytes) -> list[tuple[str, object]]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise _BadHttpRequest("malformed multipart body")
    fields: list[tuple[str, object]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            # FakeTelegram handles no uploads; keep a readable stand-in for the file.
            fields.append((name, f"<file {filename!r}, {len(data)} bytes>"))
        else:
            text = data.decode(part.get_content_charset() or "utf-8", errors="replace")
            fields.append((name, decode_form_value(name, text)))
    return fields


def parse_parameters(query: str, content_type: str, body: bytes) -> JSONDict:
    """The Bot API parameters of one request: query string, then the body (which wins)."""
    params: JSONDict = {
        name: decode_form_value(name, value) for name, value in parse_qsl(query, keep_blank_values=True)
    }
    if not body:
        return params
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime == "application/json":
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise _BadHttpRequest("body is not JSON") from exc
        if not isinstance(data, dict):
            raise _BadHttpRequest("JSON body is not an object")
        params.update(data)
    elif mime == "multipart/form-data":
        params.update(_parse_multipart(content_type, body))
    else:  # application/x-www-form-urlencoded, PTB's default
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _BadHttpRequest("form body is not UTF-8") from exc
        params.update((name, decode_form_value(name, value)) for name, value in parse_qsl(text, keep_blank_values=True))
    return params


def _request_data(params: JSONDict) -> RequestData:
    return RequestData([RequestParameter(name, value, None) for name, value in params.items()])


class FakeTelegramServer:
    """Serve :attr:`fake` over HTTP on ``host:port`` (port 0: any free port).

    ``token``: if given, requests with another token get Telegram's 401 ``Unauthorized``.
    ``record``: a file that gets one JSON line per successful sendMessage / editMessageText.
    """

    def __init__(
        self,
        fake: FakeTelegram | None = None,
        *,
        token: str | None = None,
        record: Path | str | None = None,
    ) -> None:
        self.fake = fake if fake is not None else FakeTelegram()
        self.token = token
        self.record_path = Path(record) if record is not None else None
        self.requests = 0
        # Bot API calls by method, counted on arrival (FakeTelegram.calls records them once
        # answered, so a long poll shows up there only when it returns).
        self.received: Counter[str] = Counter()
        self.tokens_seen: set[str] = set()
        self._server: asyncio.Server | None = None
        self._host = "127.0.0.1"
        self._port = 0
        self._record: TextIO | None = None
        self._connections: set[asyncio.Task[Any]] = set()

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._server is not None:
            raise RuntimeError("the server is already started")
        if self.record_path is not None:
            self._record = self.record_path.open("a", encoding="utf-8")
        try:
            self._server = await asyncio.start_server(self._serve_connection, host, port)
        except BaseException:
            self._close_record()
            raise
        await self.fake.initialize()
        self._host = host
        self._port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        # Long polls and idle keep-alive connections would otherwise keep the server open.
        tasks = list(self._connections)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()
        await self.fake.shutdown()
        self._close_record()

    async def __aenter__(self) -> FakeTelegramServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._server is None and not self._port:
            raise RuntimeError("the server is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """What the bot takes as its base URL (PTB appends the token and the method)."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}/bot"

    def _close_record(self) -> None:
        if self._record is not None:
            self._record.close()
            self._record = None

    # -- HTTP --------------------------------------------------------------------------------------

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        try:
            while await self._serve_one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the client went away or sent garbage
        except asyncio.CancelledError:
            pass  # stop(): closing below is all that is left to do
        finally:
            if task is not None:
                self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Read one request and answer it; False when the connection is to be closed."""
        request_line = await reader.readline()
        if not request_line:
            return False
        try:
            http_method, target, version = request_line.decode("latin-1").split()
        except ValueError:
            await self._respond(writer, 400, _error(400, "Bad Request"), keep_alive=False)
            return False
        headers: dict[str, str] = {}
        for _ in range(MAX_HEADER_LINES):
            line = await reader.readline()
            if not line:
                return False
            if line in (b"\r\n", b"\n"):
                break
            name, sep, value = line.decode("latin-1").partition(":")
            if not sep:
                continue
            headers[name.strip().lower()] = value.strip()
        else:
            await self._respond(writer, 431, None, keep_alive=False)
            return False

        connection = headers.get("connection", "").lower()
        keep_alive = "close" not in connection if version.upper() == "HTTP/1.1" else "keep-alive" in connection
        try:
            body = await self._read_body(reader, headers)
            status, payload, drop = await self._handle(
                http_method.upper(), target, headers.get("content-type", ""), body
            )
        except _BadHttpRequest as exc:
            await self._respond(writer, 400, _error(400, f"Bad Request: {exc}"), keep_alive=False)
            return False
        if drop:
            # A transport error, as the client sees one when the connection dies mid-request.
            writer.transport.abort()
            return False
        await self._respond(writer, status, payload, keep_alive=keep_alive)
        return keep_alive

    @staticmethod
    async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                size_line = await reader.readline()
                try:
                    size = int(size_line.split(b";", 1)[0].strip(), 16)
                except ValueError as exc:
                    raise _BadHttpRequest("bad chunk size") from exc
                if size == 0:
                    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    raise _BadHttpRequest("body too large")
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)  # CRLF after each chunk
        raw_length = headers.get("content-length", "0") or "0"
        try:
            length = int(raw_length)
        except ValueError as exc:
            raise _BadHttpRequest("bad Content-Length") from exc
        if length < 0 or length > MAX_BODY:
            raise _BadHttpRequest("bad Content-Length")
        return await reader.readexactly(length) if length else b""

    async def _handle(self, http_method: str, target: str, content_type: str, body: bytes) -> tuple[int, bytes, bool]:
        """(status, body, drop the connection instead of answering)."""
        self.requests += 1
        parts = urlsplit(target)
        match = _PATH.match(parts.path)
        if match is None or http_method not in ("GET", "POST"):
            return 404, _error(404, "Not Found"), False
        token, api_method = match["token"], match["method"]
        self.tokens_seen.add(token)
        self.received[api_method] += 1
        if self.token is not None and token != self.token:
            return 401, _error(401, "Unauthorized"), False
        params = parse_parameters(parts.query, content_type, body)
        try:
            status, payload = await self.fake.do_request(
                f"/bot{token}/{api_method}", http_method, _request_data(params)
            )
        except NetworkError:  # FakeTelegram.raise_next(..., TimedOut() / NetworkError(...))
            return 0, b"", True
        except Exception as exc:  # the HTTP answer is the report
            return 500, _error(500, f"Internal Server Error: {exc!r}"), False
        if status == 200 and api_method in RECORDED_METHODS:
            self._write_record(api_method, params, payload)
        return status, payload, False

    def _write_record(self, api_method: str, params: JSONDict, payload: bytes) -> None:
        if self._record is None:
            return
        result = json.loads(payload).get("result")
        entry = {
            "method": api_method,
            "chat_id": params.get("chat_id"),
            "text": params.get("text"),
            "message_id": result.get("message_id") if isinstance(result, dict) else None,
        }
        self._record.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._record.flush()

    @staticmethod
    async def _respond(writer: asyncio.StreamWriter, status: int, payload: bytes | None, *, keep_alive: bool) -> None:
        body = payload or b""
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        head = (
            f"HTTP/1.1 {status} {reason}\r\n"
            "Server: fake-telegram\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n"
            "\r\n"
        )
        writer.write(head.encode("latin-1") + body)
        await writer.drain()


def _error(code: int, description: str) -> bytes:
    return json.dumps({"ok": False, "error_code": code, "description": description}).encode()


# ------------------------------------------------------------------------------------------------
# Command line
# ------------------------------------------------------------------------------------------------


async def _serve_forever(args: argparse.Namespace) -> None:
    server = FakeTelegramServer(FakeTelegram(latency=args.latency), token=args.token, record=args.record)
    await server.start(args.host, args.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"listening on {server.base_url}", flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.fake_telegram.http",
        description="Serve the fake Telegram Bot API over HTTP until SIGTERM or SIGINT.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port (printed)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument("--record", type=Path, help="append delivered messages here (JSONL)")
    parser.add_argument("--token", help="accept only this bot token (default: any)")
    args = parser.parse_args(argv)
    asyncio.run(_serve_forever(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
