"""Files the bot sends: sendPhoto and sendDocument with an upload, checked as Telegram checks
them (size, an image it can read and its proportions, the caption), kept whole for tests to open."""

from __future__ import annotations

from typing import Any

from bot.fake_telegram.checks import parse_markup
from bot.fake_telegram.dispatch import Dispatch
from bot.fake_telegram.model import UPLOADS, ApiError, JSONDict, Rendered, bad
from content import limits
from content.telegram_html import utf16_len

__all__ = ["Files"]


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or JPEG, or None when Telegram could not process it either."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker, length = data[i + 1], int.from_bytes(data[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                return int.from_bytes(data[i + 7 : i + 9], "big"), int.from_bytes(data[i + 5 : i + 7], "big")
            i += 2 + length
    return None


class Files(Dispatch):
    """sendPhoto / sendDocument."""

    def _send_file(self, kind: str, params: JSONDict) -> JSONDict:
        """sendPhoto / sendDocument with an uploaded file (multipart), as Telegram checks them."""
        chat_id = self._sending_to("sendPhoto" if kind == "photo" else "sendDocument", params)
        files = params.get(UPLOADS) or {}
        upload = files.get(kind)
        if upload is None:
            raise bad(f"there is no {kind} in the request")
        name, data = str(upload[0]), upload[1]
        mime = str(upload[2]) if len(upload) > 2 else None
        if not isinstance(data, bytes):
            data = bytes(data.read()) if hasattr(data, "read") else bytes(data)
        if not data:
            raise bad("file must be non-empty")
        width = height = 0
        if kind == "photo":
            if len(data) > limits.MAX_PHOTO_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            size = _image_size(data)
            if size is None:
                raise bad("IMAGE_PROCESS_FAILED")
            width, height = size
            if width + height > 10000 or max(width, height) > 20 * min(width, height):
                raise bad("PHOTO_INVALID_DIMENSIONS")
        elif len(data) > limits.MAX_DOCUMENT_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        caption: Rendered = ("", "", None, ())
        if params.get("caption"):
            caption = self._render({**params, "text": params["caption"]})
            if utf16_len(caption[1]) > limits.MAX_CAPTION:
                raise bad("message caption is too long")
        markup = parse_markup(params.get("reply_markup"), inline_only=False)
        file_fields: dict[str, Any] = {"file_name": name, "file_bytes": data, "mime_type": mime}
        msg = self._post(chat_id, caption, markup, kind=kind, **file_fields, width=width, height=height)
        return self._message_json(msg)
