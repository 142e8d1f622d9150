"""Reading back the images the bot writes, with no imaging library: PNG pixels and QR SVG paths.

Enough of PNG (ISO/IEC 15948) for what segno writes: greyscale or palette, 1-8 bits, no interlace,
any of the five row filters. Enough of SVG for segno's one path of horizontal strokes.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    grey: bytes  # one byte a pixel, row by row: 0 black ... 255 white
    dpi: float | None

    def pixel(self, x: int, y: int) -> int:
        return self.grey[y * self.width + x]


def read_png(data: bytes) -> Png:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    pos = 8
    chunks: dict[bytes, list[bytes]] = {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        chunks.setdefault(kind, []).append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"][0])
    assert interlace == 0 and colour in (0, 2, 3, 6), f"colour type {colour}, interlace {interlace} not supported"
    assert colour in (0, 3) or depth == 8, "RGB(A) only at 8 bits"
    raw = zlib.decompress(b"".join(chunks[b"IDAT"]))
    channels = {0: 1, 2: 3, 3: 1, 6: 4}[colour]
    stride = (width * depth * channels + 7) // 8
    bpp = max(1, depth * channels // 8)
    rows: list[bytearray] = []
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    palette: list[int] | None = None
    if colour == 3:
        plte = chunks[b"PLTE"][0]
        palette = [(plte[i] * 299 + plte[i + 1] * 587 + plte[i + 2] * 114) // 1000 for i in range(0, len(plte), 3)]
    grey = bytearray()
    top = (1 << depth) - 1
    if colour in (2, 6):  # RGB(A), e.g. a browser's screenshot: luma, alpha ignored (opaque page)
        for line in rows:
            grey.extend(
                (line[i] * 299 + line[i + 1] * 587 + line[i + 2] * 114) // 1000 for i in range(0, width * bpp, bpp)
            )
        return Png(width, height, bytes(grey), _dpi(chunks))
    for line in rows:
        for x in range(width):
            bit = x * depth
            value = (line[bit // 8] >> (8 - depth - bit % 8)) & top
            grey.append(palette[value] if palette is not None else value * 255 // top)
    return Png(width, height, bytes(grey), _dpi(chunks))


def _dpi(chunks: dict[bytes, list[bytes]]) -> float | None:
    if b"pHYs" not in chunks:
        return None
    ppu_x, _, unit = struct.unpack(">IIB", chunks[b"pHYs"][0])
    return ppu_x * 0.0254 if unit == 1 else None


def svg_matrix(svg: str) -> tuple[list[list[bool]], dict[str, str]]:
    """The dark modules drawn by segno's SVG path (``M x y h n m dx dy ...``), quiet zone included,
    and the root element's attributes."""
    root = re.search(r"<svg\b([^>]*)>", svg)
    assert root is not None
    attrs = dict(re.findall(r'([\w:-]+)="([^"]*)"', root.group(1)))
    _, _, vw, vh = (float(v) for v in attrs["viewBox"].split())
    scaled = re.search(r'transform="scale\(([\d.]+)\)"', svg)
    path = re.search(r'<path\b[^>]*\bclass="qrline"[^>]*\bd="([^"]+)"', svg)
    assert scaled is not None and path is not None, "no scaled path of dark modules in the SVG"
    scale = float(scaled.group(1))
    size = round(vw / scale)
    assert round(vh / scale) >= size  # a caption may follow the code (bot/posters.py)
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, args in re.findall(r"([MmHhVv])([-\d.\s]+)", path.group(1)):
        nums = [float(n) for n in args.split()]
        if op == "M":
            x, y = nums
        elif op == "m":
            x, y = x + nums[0], y + nums[1]
        elif op == "h":
            row = int(y)  # strokes are drawn through the middle of a row: y = row + 0.5
            for col in range(int(x), int(x + nums[0])):
                grid[row][col] = True
            x += nums[0]
        else:
            raise AssertionError(f"unexpected path command {op!r}")
    return grid, attrs


def modules_from_png(png: Png, module: int) -> list[list[bool]]:
    """Sample the centre of each module: True where dark."""
    size = png.width // module
    half = module // 2
    return [[png.pixel(c * module + half, r * module + half) < 128 for c in range(size)] for r in range(size)]
