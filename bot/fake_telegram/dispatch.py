"""The request side of the fake: PTB's ``BaseRequest`` whose ``do_request`` finds the method's
handler and answers with Bot API JSON, the record of every call, the failures a test injects
(``fail_next``, ``raise_next``) and the optional flood limits (429 with ``retry_after``)."""

from __future__ import annotations

import asyncio
import json
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from bot.fake_telegram.checks import chat_id_of
from bot.fake_telegram.model import UPLOADS, ApiCall, ApiError, JSONDict, bad
from bot.fake_telegram.state import ChatState

__all__ = ["Dispatch"]


@dataclass
class _Fault:
    error_code: int
    description: str
    retry_after: int | None
    times: int
    chat_id: int | None


@dataclass
class _Raise:
    exc: Exception
    times: int


class Dispatch(ChatState, BaseRequest):
    """Answers PTB's requests from ``_handlers`` (Bot API method -> handler), which FakeTelegram
    fills; a handler returns the result or raises :class:`ApiError` to refuse."""

    RATE_LIMITED_METHODS: ClassVar[frozenset[str]] = frozenset({"sendMessage", "editMessageText"})

    overall_per_second: float | None
    per_chat_per_second: float | None
    latency: float
    _handlers: dict[str, Callable[[JSONDict], Any]]

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[ApiCall] = []
        self.rejected_429 = 0
        self.initialized = False
        self._faults: dict[str, list[_Fault]] = {}
        self._raises: dict[str, list[_Raise]] = {}
        self._window: deque[float] = deque()
        self._chat_last_send: dict[int, float] = {}

    # -- BaseRequest -----------------------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        self.initialized = True

    async def shutdown(self) -> None:
        self.initialized = False

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        params: JSONDict = dict(request_data.parameters) if request_data is not None else {}
        if request_data is not None and request_data.contains_files:
            params[UPLOADS] = request_data.multipart_data
        at = self.clock()
        chat_id = chat_id_of(params)
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        try:
            if isinstance(params.get("reply_markup"), str):
                try:
                    params["reply_markup"] = json.loads(params["reply_markup"])
                except ValueError as exc:
                    raise bad("can't parse reply keyboard markup JSON object") from exc
            raised = self._take_raise(api_method)
            if raised is not None:
                raise raised
            fault = self._take_fault(api_method, chat_id)
            if fault is not None:
                raise ApiError(fault.error_code, fault.description, fault.retry_after)
            handler = self._handlers.get(api_method)
            if handler is None:
                raise ApiError(404, "Not Found")
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as err:
            self._record(api_method, params, False, err.description, chat_id, at)
            if err.code == 429:
                self.rejected_429 += 1
            body: JSONDict = {"ok": False, "error_code": err.code, "description": err.description}
            if err.retry_after is not None:
                body["parameters"] = {"retry_after": err.retry_after}
            return err.code, json.dumps(body).encode()
        except Exception as exc:  # raise_next, or NotImplementedError for MarkdownV2
            self._record(api_method, params, False, repr(exc), chat_id, at)
            raise
        self._record(api_method, params, True, None, chat_id, at)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- recording and fault injection -------------------------------------------------------------

    def _record(
        self,
        method: str,
        params: JSONDict,
        ok: bool,
        error: str | None,
        chat: int | None,
        at: float,
    ) -> None:
        self.calls.append(ApiCall(method, params, ok, error, chat, at))

    def calls_of(self, method: str) -> list[ApiCall]:
        """All recorded calls of one API method, oldest first."""
        return [c for c in self.calls if c.method == method]

    def reset_calls(self) -> None:
        """Forget the recorded calls (the chats are kept)."""
        self.calls.clear()

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (in ``chat_id``, if given) fail with
        this Bot API error. ``retry_after`` adds ``parameters.retry_after`` (use with 429)."""
        self._faults.setdefault(method, []).append(_Fault(error_code, description, retry_after, times, chat_id))

    def raise_next(self, method: str, exc: Exception, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` raise ``exc`` inside the HTTP layer
        (e.g. ``telegram.error.TimedOut()``). The request does not reach the fake's state."""
        self._raises.setdefault(method, []).append(_Raise(exc, times))

    def _take_fault(self, method: str, chat_id: int | None) -> _Fault | None:
        faults = self._faults.get(method, [])
        for fault in faults:
            if fault.chat_id is None or fault.chat_id == chat_id:
                fault.times -= 1
                if fault.times <= 0:
                    faults.remove(fault)
                return fault
        return None

    def _take_raise(self, method: str) -> Exception | None:
        raises = self._raises.get(method, [])
        if not raises:
            return None
        entry = raises[0]
        entry.times -= 1
        if entry.times <= 0:
            raises.pop(0)
        return entry.exc

    def _sending_to(self, method: str, params: JSONDict) -> int:
        """The chat a sending or editing method names, refused if unknown, blocked or flooded."""
        chat_id = self._require_chat(params)
        self._check_blocked(chat_id)
        self._check_rate(method, chat_id)
        return chat_id

    # -- rate limits -------------------------------------------------------------------------------

    def _check_rate(self, method: str, chat_id: int) -> None:
        if method not in self.RATE_LIMITED_METHODS:
            return
        now = self.clock()
        if self.overall_per_second is not None:
            while self._window and self._window[0] <= now - 1.0:
                self._window.popleft()
            if len(self._window) >= self.overall_per_second:
                self._too_many(self._window[0] + 1.0 - now)
        if self.per_chat_per_second is not None:
            last = self._chat_last_send.get(chat_id)
            gap = 1.0 / self.per_chat_per_second
            if last is not None and now - last < gap:
                self._too_many(last + gap - now)

    def _note_rate(self, method: str, chat_id: int) -> None:
        if method not in self.RATE_LIMITED_METHODS:
            return
        now = self.clock()
        if self.overall_per_second is not None:
            self._window.append(now)
        if self.per_chat_per_second is not None:
            self._chat_last_send[chat_id] = now

    @staticmethod
    def _too_many(wait: float) -> None:
        retry_after = max(1, math.ceil(wait))
        raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
