"""Links and QR codes for print: `python main.py link PAGE` and `python main.py qr PAGE --output FILE`.

A clinic's poster or a pharmacy leaflet carries a QR code of ``https://t.me/<bot>?start=<page>``;
scanning it opens the bot at that page (see bot/services/deeplinks.py). The bot's username comes from
``getMe`` with the operator's token, or from ``--username`` with no network at all.

QR codes are made by segno (pure Python, no dependencies, maintained; writes PNG and SVG itself,
where `qrcode` needs Pillow or pypng for PNG). It is imported only here, so the bot's start-up
never pays for it (36-44 ms measured, most of it urllib.request pulled in by segno.writers).
"""

from __future__ import annotations

import asyncio
import io
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Final, Literal

from bot.services import deeplinks
from content.model import MAIN_PAGE, Content
from content.start_parameters import CHECKLIST, DIARY_LOG, LANGUAGE_SEPARATOR

if TYPE_CHECKING:
    import segno

Format = Literal["png", "svg"]
FORMATS: Final[tuple[Format, ...]] = ("png", "svg")

# Error correction Q restores up to 25% of damaged modules: a poster gets folded, stained and
# scratched, and a t.me link of ~45 characters still fits version 5 (37x37 modules) at Q.
ERROR_CORRECTION: Final = "q"
# ISO/IEC 18004 asks for a quiet zone of at least 4 modules all round; scanners fail without it.
QUIET_ZONE: Final = 4
# Print sizes. A phone reads a code from about ten times its width: 8-10 cm across is read from
# a metre away, a waiting room's distance. SVG: 2 mm a module (45 modules with the quiet zone =
# 9 cm). PNG: 24 px a module at 300 dpi (2.03 mm), 1080 px = 9.1 cm for version 5.
SVG_MODULE_MM: Final = 2
PNG_MODULE_PX: Final = 24
PNG_DPI: Final = 300
# The link is printed under the code, for whoever cannot scan it: a caption band of 2.5 quiet
# zones' height (5 mm on paper), the text at most 3.5 mm tall and always within the code's width.
CAPTION_MM: Final = 10


@dataclass(frozen=True, slots=True)
class QrImage:
    data: bytes
    format: Format
    modules: int  # the symbol's width in modules, quiet zone excluded
    version: int


def make_qr(link: str) -> segno.QRCode:
    import segno

    # boost_error (segno's default) raises the level further when it costs no extra size.
    return segno.make_qr(link, error=ERROR_CORRECTION, boost_error=True)


def qr_image(link: str, fmt: Format, *, title: str | None = None) -> QrImage:
    """The QR code of ``link`` as a PNG or SVG file's bytes, sized for print."""
    qr = make_qr(link)
    out = io.BytesIO()
    if fmt == "png":
        qr.save(out, kind="png", scale=PNG_MODULE_PX, border=QUIET_ZONE, dpi=PNG_DPI)
        data = _png_with_caption(out.getvalue(), link)
    elif fmt == "svg":
        qr.save(
            out,
            kind="svg",
            scale=SVG_MODULE_MM,
            unit="mm",
            border=QUIET_ZONE,
            title=title or link,
            dark="#000",
            light="#fff",  # an explicit white background: a transparent one prints as the paper's colour
        )
        data = _svg_with_caption(out.getvalue().decode(), link).encode()
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    width, _ = qr.symbol_size(scale=1, border=0)
    version = qr.version
    assert isinstance(version, int)  # a QR code, never a Micro QR code: make_qr
    return QrImage(data, fmt, int(width), version)


def _caption_size(link: str, width: float, max_size: float) -> float:
    """A font size (in the image's units) at which the link fits `width`: DejaVu Sans averages
    ~0.6 em a character for a URL's letters, digits and punctuation."""
    return min(max_size, width / (0.6 * max(len(link), 1)))


def _svg_with_caption(svg: str, link: str) -> str:
    """segno's SVG (a square in millimetres) made taller by a white band with the link."""
    import re
    from xml.sax.saxutils import escape

    side = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))  # type: ignore[union-attr]
    height = side + CAPTION_MM
    svg = svg.replace(f'height="{side:g}mm"', f'height="{height:g}mm"', 1)
    svg = svg.replace(f'viewBox="0 0 {side:g} {side:g}"', f'viewBox="0 0 {side:g} {height:g}"', 1)
    margin = QUIET_ZONE * SVG_MODULE_MM / 2
    size = _caption_size(link, side - 2 * margin, 3.5)
    caption = (
        f'<rect y="{side:g}" width="{side:g}" height="{CAPTION_MM}" fill="#fff"/>'
        f'<text x="{side / 2:g}" y="{side + CAPTION_MM / 2 - 1:g}" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="{size:.2f}" text-anchor="middle" fill="#000">{escape(link)}</text>'
    )
    return svg.replace("</svg>", caption + "</svg>", 1)


def _png_with_caption(png: bytes, link: str) -> bytes:
    """segno's PNG with a white band below it and the link in DejaVu Sans (Pillow, which
    matplotlib brings; imported here only, for `main.py qr`)."""
    from PIL import Image, ImageDraw, ImageFont

    from bot.infra.fonts import dejavu

    code = Image.open(io.BytesIO(png)).convert("L")
    px_per_mm = PNG_DPI / 25.4
    band = round(CAPTION_MM * px_per_mm)
    image = Image.new("L", (code.width, code.height + band), 255)
    image.paste(code, (0, 0))
    margin = QUIET_ZONE * PNG_MODULE_PX // 2
    size = _caption_size(link, code.width - 2 * margin, 3.5 * px_per_mm)
    font_path = dejavu()
    font = ImageFont.truetype(str(font_path), round(size)) if font_path else ImageFont.load_default(round(size))
    draw = ImageDraw.Draw(image)
    draw.text((code.width / 2, code.height + band / 2 - px_per_mm), link, fill=0, font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(PNG_DPI, PNG_DPI), optimize=True)
    return out.getvalue()


def format_for(path: str, requested: str | None) -> Format:
    """The format asked for, else the output file's extension; ValueError if neither is known."""
    choice = (requested or PurePath(path).suffix.removeprefix(".")).lower()
    for fmt in FORMATS:
        if fmt == choice:
            return fmt
    raise ValueError(f"cannot tell the image format of {path!r}: use --format png or --format svg")


async def fetch_username(token: str, base_url: str | None = None) -> str:
    """The bot's username, from Telegram's getMe (InvalidToken / NetworkError propagate)."""
    from telegram import Bot

    bot = Bot(token, base_url=base_url.rstrip("/")) if base_url else Bot(token)
    async with bot:  # initialize() is one getMe, and keeps its answer
        me = bot.bot
    if not me.username:
        raise ValueError("getMe returned no username")
    return me.username


class PosterError(Exception):
    """A mistake on the command line (unknown page, language, username, format): exit 2."""


def start_link(content: Content, target: str, language: str | None) -> deeplinks.StartLink:
    """The link for ``target`` (a page id, ``check`` or ``log``), checked against the content."""
    if language is not None and language not in content.languages:
        raise PosterError(f"unknown language {language!r}; the content has {', '.join(content.languages)}")
    parameter = target if language is None else f"{target}{LANGUAGE_SEPARATOR}{language}"
    link = deeplinks.parse(parameter, pages=content.pages.keys(), languages=content.languages)
    if link is None:
        known = ", ".join([*content.pages, CHECKLIST, DIARY_LOG])
        raise PosterError(f"unknown page {target!r}; choose one of: {known}")
    return link


async def username_for(explicit: str | None, token: str, base_url: str | None) -> str:
    """--username as given (no network), else getMe with the token; PosterError without either."""
    if explicit:
        try:
            return deeplinks.normalize_username(explicit)
        except ValueError as exc:
            raise PosterError(str(exc)) from None
    if not token:
        raise PosterError("set TELEGRAM_BOT_TOKEN to ask Telegram for the bot's username, or pass --username")
    return await fetch_username(token, base_url)


def title_for(content: Content, link: deeplinks.StartLink) -> str:
    lang = link.language or content.default_language
    match link.target:
        case deeplinks.OpenPage(page):
            name = content.pages[page].text[lang].title
        case deeplinks.OpenChecklist():
            name = content.text(lang, "actions.checklist")
        case deeplinks.OpenDiaryLog():
            name = link.parameter()  # metadata only: the SVG's <title>
    return f"{content.pages[MAIN_PAGE].text[lang].title}: {name}"


# --- the commands ----------------------------------------------------------------------------


def _resolve(
    content: Content, target: str, language: str | None, username: str | None, token: str, base_url: str | None
) -> str:
    """The t.me link for the command line; PosterError / InvalidToken / NetworkError propagate."""
    link = start_link(content, target, language)
    name = asyncio.run(username_for(username, token, base_url))
    return deeplinks.url(name, link)


def _failed(exc: Exception, token: str) -> int:
    from telegram.error import InvalidToken, NetworkError

    if isinstance(exc, PosterError):
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if isinstance(exc, InvalidToken):
        print(
            "error: Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather, or pass --username", file=sys.stderr
        )
        return 2
    if isinstance(exc, NetworkError):
        message = str(exc).replace(token, "<token>") if token else str(exc)
        print(f"error: cannot reach Telegram for the bot's username ({message}); pass --username", file=sys.stderr)
        return 1
    raise exc


def link_command(
    content: Content, target: str, *, language: str | None, username: str | None, token: str, base_url: str | None
) -> int:
    """`main.py link PAGE`: print the page's deep link."""
    try:
        url = _resolve(content, target, language, username, token, base_url)
    except Exception as exc:
        return _failed(exc, token)
    print(url)
    return 0


def qr_command(
    content: Content,
    target: str,
    *,
    output: Path,
    fmt: str | None,
    language: str | None,
    username: str | None,
    token: str,
    base_url: str | None,
) -> int:
    """`main.py qr PAGE --output FILE`: write the page's deep link as a QR code for print."""
    try:
        kind = format_for(str(output), fmt)
    except ValueError as exc:
        return _failed(PosterError(str(exc)), token)
    try:
        url = _resolve(content, target, language, username, token, base_url)
    except Exception as exc:
        return _failed(exc, token)
    image = qr_image(url, kind, title=title_for(content, start_link(content, target, language)))
    try:
        output.write_bytes(image.data)
    except OSError as exc:
        print(f"error: cannot write {output}: {exc.strerror}", file=sys.stderr)
        return 1
    side = image.modules + 2 * QUIET_ZONE
    size = f"{side * SVG_MODULE_MM} mm" if kind == "svg" else f"{side * PNG_MODULE_PX} px at {PNG_DPI} dpi"
    print(f"{url}\nwrote {output}: QR version {image.version}, {image.modules}x{image.modules} modules, {size}")
    return 0
