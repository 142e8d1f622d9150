"""QR codes for print, read back as a phone would: decoded from the image, and module by module."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import segno
import zxingcpp
from telegram.error import InvalidToken

from bot import posters
from bot.fake_telegram.http import FakeTelegramServer
from content.model import Content
from tests.browser import chromium, needs_browser
from tests.images import Png, modules_from_png, read_png, svg_matrix

LINK = "https://t.me/spasm_guide_bot?start=therapy_selfcare-it"  # the longest page link in Italian


def decode(grey: bytes, width: int, height: int) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(memoryview(grey).cast("B", (height, width)))


def expected_matrix(link: str) -> list[list[bool]]:
    qr = segno.make_qr(link, error=posters.ERROR_CORRECTION)
    return [[bool(v) for v in row] for row in qr.matrix_iter(scale=1, border=posters.QUIET_ZONE)]


def test_png_scans_back_to_the_link_with_a_quiet_zone_at_print_resolution() -> None:
    image = posters.qr_image(LINK, "png")
    png = read_png(image.data)
    (code,) = decode(png.grey, png.width, png.height)
    assert code.text == LINK
    assert code.format == zxingcpp.BarcodeFormat.QRCode
    assert code.ec_level in ("Q", "H")  # at least Q: a poster survives a stain
    side = (image.modules + 2 * posters.QUIET_ZONE) * posters.PNG_MODULE_PX
    band = round(posters.CAPTION_MM * posters.PNG_DPI / 25.4)
    assert (png.width, png.height) == (side, side + band)  # the code, and the link's line under it
    assert png.dpi is not None and round(png.dpi) == posters.PNG_DPI
    assert 80 <= png.width / png.dpi * 25.4 <= 120  # millimetres across: readable from a metre away
    # The quiet zone: four modules of white on every side of the code.
    edge = posters.QUIET_ZONE * posters.PNG_MODULE_PX
    for y in range(side):
        for x in (*range(edge), *range(png.width - edge, png.width)):
            assert png.pixel(x, y) == 255 and png.pixel(y, x) == 255
    square = Png(side, side, png.grey[: side * side], png.dpi)
    assert modules_from_png(square, posters.PNG_MODULE_PX) == expected_matrix(LINK)


def test_the_png_prints_the_link_under_the_code_within_its_width() -> None:
    png = read_png(posters.qr_image(LINK, "png").data)
    side = png.width
    inked = [(x, y) for y in range(side, png.height) for x in range(png.width) if png.pixel(x, y) < 128]
    assert inked, "no caption under the code"
    xs = [x for x, _ in inked]
    ys = [y for _, y in inked]
    margin = posters.QUIET_ZONE * posters.PNG_MODULE_PX // 2
    assert margin <= min(xs) and max(xs) < png.width - margin  # the whole line, within the code's width
    assert abs((min(xs) + max(xs)) / 2 - png.width / 2) < 20  # centred under it
    height_mm = (max(ys) - min(ys)) / posters.PNG_DPI * 25.4
    assert 1.5 < height_mm < 4.5  # readable on paper, as tall as small print


def test_svg_draws_the_encoders_matrix_in_millimetres_on_white() -> None:
    image = posters.qr_image(LINK, "svg", title="Spasm Guide: Cramps")
    svg = image.data.decode()
    grid, attrs = svg_matrix(svg)
    assert grid == expected_matrix(LINK)
    side = (image.modules + 2 * posters.QUIET_ZONE) * posters.SVG_MODULE_MM
    assert attrs["width"] == f"{side}mm" and attrs["height"] == f"{side + posters.CAPTION_MM}mm"
    assert '<path fill="#fff"' in svg  # a white background, not the paper's colour
    assert "<title>Spasm Guide: Cramps</title>" in svg
    # The link, under the code, on white.
    assert f'<rect y="{side}" width="{side}" height="{posters.CAPTION_MM}" fill="#fff"/>' in svg
    assert re.search(rf'<text x="{side / 2:g}" y="[\d.]+"[^>]*text-anchor="middle"[^>]*>{re.escape(LINK)}</text>', svg)
    # And a reader finds the link in it, drawn at 10 px a module.
    scale = 10
    size = len(grid) * scale
    grey = bytes(
        0 if grid[y // scale][x // scale] else 255 for y in range(size) for x in range(size)
    )  # fmt: skip
    (code,) = decode(grey, size, size)
    assert code.text == LINK


@pytest.mark.parametrize(
    ("path", "requested", "expected"),
    [("poster.png", None, "png"), ("poster.SVG", None, "svg"), ("poster", "svg", "svg"), ("a.svg", "png", "png")],
)
def test_format_from_the_option_or_the_extension(path: str, requested: str | None, expected: str) -> None:
    assert posters.format_for(path, requested) == expected


@pytest.mark.parametrize(("path", "requested"), [("poster", None), ("poster.jpg", None), ("poster.png", "gif")])
def test_unknown_formats_are_refused(path: str, requested: str | None) -> None:
    with pytest.raises(ValueError, match="--format"):
        posters.format_for(path, requested)


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramServer]:
    server = FakeTelegramServer(token="123:" + "A" * 35)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def test_the_username_comes_from_get_me(telegram: FakeTelegramServer) -> None:
    assert await posters.fetch_username("123:" + "A" * 35, telegram.base_url) == "spasm_guide_bot"
    assert telegram.received["getMe"] == 1


async def test_a_wrong_token_is_invalid(telegram: FakeTelegramServer) -> None:
    with pytest.raises(InvalidToken):
        await posters.fetch_username("999:" + "B" * 35, telegram.base_url)


def test_links_are_checked_against_the_content(content: Content) -> None:
    assert posters.start_link(content, "cramps", None).parameter() == "cramps"
    assert posters.start_link(content, "cramps", "it").parameter() == "cramps-it"
    assert posters.start_link(content, "check", "it").parameter() == "check-it"
    with pytest.raises(posters.PosterError, match="unknown page 'crampz'"):
        posters.start_link(content, "crampz", None)
    with pytest.raises(posters.PosterError, match="unknown language 'de'"):
        posters.start_link(content, "cramps", "de")
    assert posters.start_link(content, "cramps-it", None).language == "it"  # a parameter as printed
    with pytest.raises(posters.PosterError, match="unknown page"):
        posters.start_link(content, "cramps-it", "en")
    assert (
        posters.title_for(content, posters.start_link(content, "cramps", "it"))
        == "Guida agli spasmi: Crampi e contratture"
    )


async def test_an_explicit_username_needs_no_network() -> None:
    assert await posters.username_for("@Spasm_Guide_Bot", "", None) == "Spasm_Guide_Bot"
    with pytest.raises(posters.PosterError, match="username"):
        await posters.username_for("no spaces", "", None)
    with pytest.raises(posters.PosterError, match="TELEGRAM_BOT_TOKEN"):
        await posters.username_for(None, "", None)


@needs_browser
def test_svg_as_a_browser_prints_it_scans_back(tmp_path: Path) -> None:
    """The SVG in a real browser at 96 px an inch (its 90 mm = 340 px), screenshotted and scanned."""
    (tmp_path / "qr.svg").write_bytes(posters.qr_image(LINK, "svg").data)
    (tmp_path / "page.html").write_text('<body style="margin:0;background:#ccc"><img src="qr.svg"></body>')
    shot = tmp_path / "shot.png"
    chromium("--window-size=400,400", f"--screenshot={shot}", (tmp_path / "page.html").as_uri(), profile=tmp_path / "p")
    png = read_png(shot.read_bytes())
    (code,) = decode(png.grey, png.width, png.height)
    assert code.text == LINK
    # The white square (quiet zone included) is 90 mm = 340 px wide on the grey page.
    white = [x for x in range(png.width) if png.pixel(x, 2) == 255]
    assert 336 <= len(white) <= 344
