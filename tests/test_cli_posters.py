"""`main.py link` and `main.py qr` as an operator runs them: offline, against Telegram, and failing."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import zxingcpp

from bot.fake_telegram.http import FakeTelegramServer
from tests.images import read_png, svg_matrix

REPO = Path(__file__).resolve().parent.parent
TOKEN = "123456:" + "A" * 35


def env(**extra: str) -> dict[str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "BOT_", "PYTEST_")) and k.lower() not in ("http_proxy", "https_proxy")
    }
    return {**clean, **extra}


async def main_py(*args: str, **extra: str) -> tuple[int, str, str]:
    """Run main.py while this test's event loop keeps serving the fake Telegram."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "main.py"),
        *args,
        cwd=REPO,
        env=env(**extra),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramServer]:
    server = FakeTelegramServer(token=TOKEN)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_link_offline_with_username() -> None:
    code, out, err = await main_py("link", "cramps", "--username", "@spasm_guide_bot")
    assert (code, out, err) == (0, "https://t.me/spasm_guide_bot?start=cramps\n", "")
    code, out, _ = await main_py("link", "causes_neuro", "--lang", "it", "--username", "spasm_guide_bot")
    assert out == "https://t.me/spasm_guide_bot?start=causes_neuro-it\n"


async def test_link_asks_telegram_for_the_username(telegram: FakeTelegramServer) -> None:
    code, out, err = await main_py("link", "check", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=telegram.base_url)
    assert (code, out) == (0, "https://t.me/spasm_guide_bot?start=check\n"), err
    assert telegram.received["getMe"] == 1
    assert TOKEN not in out + err


async def test_a_wrong_token_or_no_network_is_said_plainly(telegram: FakeTelegramServer) -> None:
    wrong = "999:" + "B" * 35
    code, out, err = await main_py("link", "cramps", TELEGRAM_BOT_TOKEN=wrong, TELEGRAM_BASE_URL=telegram.base_url)
    assert code == 2 and out == ""
    assert "rejected TELEGRAM_BOT_TOKEN" in err and wrong not in err
    offline = f"http://127.0.0.1:{closed_port()}/bot"
    code, out, err = await main_py("link", "cramps", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=offline)
    assert code == 1 and out == ""
    assert "cannot reach Telegram" in err and "--username" in err and TOKEN not in err
    code, _, err = await main_py("link", "cramps")
    assert code == 2 and "TELEGRAM_BOT_TOKEN" in err and "--username" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("link", "crampz", "--username", "spasm_guide_bot"), ("unknown page 'crampz'", "cramps", "check", "log")),
        (("link", "cramps", "--lang", "de", "--username", "spasm_guide_bot"), ("unknown language 'de'",)),
        (("link", "cramps", "--username", "no way"), ("not a Telegram username",)),
        (("qr", "cramps", "--username", "spasm_guide_bot", "--output", "x.gif"), ("--format png",)),
    ],
)
async def test_mistakes_exit_2_naming_the_problem(args: tuple[str, ...], words: tuple[str, ...]) -> None:
    code, out, err = await main_py(*args)
    assert code == 2 and out == ""
    assert all(w in err for w in words), err


async def test_qr_png_and_svg_scan_back(tmp_path: Path, telegram: FakeTelegramServer) -> None:
    png_file = tmp_path / "cramps-poster.png"
    code, out, err = await main_py(
        "qr",
        "cramps",
        "--lang",
        "it",
        "--output",
        str(png_file),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=telegram.base_url,
    )
    assert code == 0, err
    link = "https://t.me/spasm_guide_bot?start=cramps-it"
    assert out.splitlines()[0] == link and "300 dpi" in out
    png = read_png(png_file.read_bytes())
    (found,) = zxingcpp.read_barcodes(memoryview(png.grey).cast("B", (png.height, png.width)))
    assert found.text == link

    svg_file = tmp_path / "poster"
    code, out, err = await main_py(
        "qr", "check", "--format", "svg", "--output", str(svg_file), "--username", "SpasmBot"
    )
    assert code == 0, err
    svg = svg_file.read_text()
    grid, attrs = svg_matrix(svg)
    assert attrs["width"].endswith("mm")
    assert "<title>Spasm Guide: 📋 Should I see a doctor?</title>" in svg
    scale = 8
    size = len(grid) * scale
    grey = bytes(0 if grid[y // scale][x // scale] else 255 for y in range(size) for x in range(size))
    (found,) = zxingcpp.read_barcodes(memoryview(grey).cast("B", (size, size)))
    assert found.text == "https://t.me/SpasmBot?start=check"


async def test_qr_into_a_missing_directory_fails_cleanly(tmp_path: Path) -> None:
    code, out, err = await main_py(
        "qr", "cramps", "--username", "spasm_guide_bot", "--output", str(tmp_path / "no" / "such.png")
    )
    assert code == 1 and out == "" and "cannot write" in err
