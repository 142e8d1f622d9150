"""The clinical review sheet, opened in a real headless Chromium: what a doctor sees and does.

`python main.py content-review` writes the page; Chromium parses it (--dump-dom), prints it to PDF
on A4, and, driven over the DevTools protocol, has a reviewer tick decisions and press "Export
decisions": the file it downloads is what `content-signoff --decisions` reads. Needs Debian's
chromium (`apt-get install -y chromium`); without it these tests are skipped and say why, except
in CI (.ci/run sets REQUIRE_BROWSER). pdfinfo (poppler-utils) reads the PDF back.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from content.fingerprints import inventory
from content.loader import load_content
from content.model import Content
from tests.browser import CHROMIUM, FLAGS, chromium, needs_browser
from tests.test_content import copy_content, read, write

REPO = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, needs_browser]


class _Dom(HTMLParser):
    """The bits of the DOM the tests look at: item rows, text, links, what would load from outside."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.outside: list[str] = []
        self.items: list[str] = []
        self.changed: list[str] = []
        self.svg = 0
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "a" and attr.get("href"):
            self.links.append(str(attr["href"]))
        if tag == "tr" and attr.get("data-item"):
            self.items.append(str(attr["data-item"]))
            if "changed" in (attr.get("class") or ""):
                self.changed.append(str(attr["data-item"]))
        if tag == "svg":
            self.svg += 1
        if tag == "script":
            self.scripts += 1
        for name in ("src", "srcset", "data"):
            if attr.get(name):
                self.outside.append(f"{tag} {name}={attr[name]}")
        if tag in ("link", "iframe", "img", "object", "embed"):
            self.outside.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _sign(tree: Path) -> None:
    from main import main

    assert main(["content-signoff", "--content", str(tree), "--reviewer", "Dr Jane Doe", "--role", "gp",
                 "--registration", "GMC 1234567", "--date", "2026-12-03"]) == 0  # fmt: skip


@pytest.fixture(scope="module")
def signed_then_edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Content signed off, then one page edited in Italian: the sheet must mark that page."""
    tree = copy_content(tmp_path_factory.mktemp("content") / "content")
    _sign(tree)
    text = read(tree, "it/pages.yaml")
    write(tree, "it/pages.yaml", text.replace("title: Crampi e contratture", "title: Crampi e rigidità", 1))
    return tree


def _review(tree: Path, out: Path) -> Path:
    done = subprocess.run(
        [sys.executable, "main.py", "content-review", "--content", str(tree), "--output", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "wrote" in done.stdout
    return out


@pytest.fixture(scope="module")
def sheet(signed_then_edited: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _review(signed_then_edited, tmp_path_factory.mktemp("review") / "content-review.html")


def test_the_sheet_shows_every_item_side_by_side_with_what_it_follows(
    sheet: Path, signed_then_edited: Path, tmp_path: Path
) -> None:
    content = load_content(signed_then_edited)
    dom = _Dom()
    dom.feed(chromium("--dump-dom", sheet.as_uri(), profile=tmp_path / "profile").stdout)
    text = " ".join(" ".join(dom.text).split())

    # Every reviewable item is one row to decide on, once.
    assert sorted(dom.items) == sorted(inventory(content).items) and len(dom.items) == len(set(dom.items))
    # Changed since the sign-off: exactly the edited page, with the wording that was signed.
    assert dom.changed == ["pages.cramps"]
    assert "changed since sign-off" in text and "Crampi e contratture" in text and "Crampi e rigidità" in text
    assert "Dr Jane Doe" in text and "2026-12-03" in text
    # Both languages, reasons and "not sure" phrases too.
    for question in content.checklist.questions:
        for lang in content.languages:
            assert " ".join(question.text[lang].unsure_past.split()) in text
    # Safety items show the page they follow (a link); source-text pages quote the source text.
    refs = {r.url for q in content.checklist.questions for r in q.references}
    refs |= {r.url for p in content.pages.values() for r in p.references}
    assert refs and refs <= set(dom.links)
    assert "prolonged physical activity or dehydration and mineral deficiency" in text
    # Dispositions that carry safety-netting are not passed off as source text.
    page = sheet.read_text(encoding="utf-8")
    for outcome in ("self_care", "see_doctor"):
        row = page.split(f'data-item="checklist.outcomes.{outcome}"', 1)[1].split("</tr>", 1)[0]
        assert '<span class="badge safety">safety wording</span>' in row
        assert '<span class="badge source">source text</span>' not in row
    # The graph is drawn; the old 103-path table is gone; the hazard log and the scope are there.
    assert dom.svg == 1 and "Every path through the checklist" not in text
    assert "Hazard log" in text and "cauda equina" in text and "Intended use" in text
    assert "Export decisions" in text and "Registration" in text
    # Self-contained: one inline script, nothing loaded from anywhere.
    assert dom.scripts == 1 and dom.outside == []


def test_the_sheet_prints_on_a4(sheet: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "review.pdf"
    chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", sheet.as_uri(), profile=tmp_path / "profile")
    if shutil.which("pdfinfo") is None:
        pytest.skip("needs pdfinfo: apt-get install -y poppler-utils")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    print(f"review sheet: {pages} A4 pages")
    items = len(inventory(load_content(REPO / "content")).items)
    assert 10 <= pages <= items / 3  # compact: 282 items took 117 pages before the print styles, 46 after


# --- the Export button, driven over the DevTools protocol -------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def devtools(tmp_path: Path) -> Iterator[str]:
    """A headless Chromium listening for DevTools on loopback; yields the page's websocket URL."""
    assert CHROMIUM is not None
    port = _free_port()
    proc = subprocess.Popen(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--remote-debugging-port={port}",
         "--remote-allow-origins=*", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                    pages = [t for t in json.load(r) if t.get("type") == "page"]
                if pages:
                    yield str(pages[0]["webSocketDebuggerUrl"])
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


class _Page:
    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.n = 0

    async def call(self, method: str, **params: object) -> dict[str, Any]:
        self.n += 1
        await self.conn.write_message(json.dumps({"id": self.n, "method": method, "params": params}))
        while True:
            msg = json.loads(await asyncio.wait_for(self.conn.read_message(), 60))
            if msg.get("id") == self.n:
                assert "error" not in msg, msg
                return dict(msg.get("result", {}))

    async def js(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")


async def _export(ws_url: str, sheet: Path, downloads: Path, script: str) -> Path:
    """Open the sheet, run `script` (the reviewer's ticks), press Export; the downloaded file."""
    from tornado.websocket import websocket_connect

    conn = await websocket_connect(ws_url, max_message_size=64 * 1024 * 1024)
    try:
        page = _Page(conn)
        await page.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
        await page.call("Page.enable")
        await page.call("Page.navigate", url=sheet.as_uri())
        for _ in range(300):
            if await page.js("document.readyState") == "complete" and await page.js("!!window.reviewSheet"):
                break
            await asyncio.sleep(0.1)
        await page.js(script)
        await page.js("document.getElementById('so-name').value = 'Dr Jane Doe'")
        await page.js("document.getElementById('export').click()")  # the button, as a reviewer presses it
        for _ in range(300):
            done = [p for p in downloads.glob("*.json")]
            if done:
                return done[0]
            await asyncio.sleep(0.1)
        raise AssertionError("no file was downloaded")
    finally:
        conn.close()
        while await asyncio.wait_for(conn.read_message(), 10) is not None:  # until the close handshake ends
            pass
        conn.stream.close() if conn.stream is not None else None


def test_export_decisions_writes_a_file_the_signoff_command_reads(
    devtools: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from main import main

    tree = copy_content(tmp_path / "content")
    sheet = _review(tree, tmp_path / "sheet.html")
    content: Content = load_content(tree)

    # A reviewer approves everything but asks for one change, and exports.
    first = tmp_path / "first"
    first.mkdir()
    tick = (
        "window.reviewSheet.approveUndecided(false);"
        "var row = document.querySelector('tr[data-item=\"checklist.questions.cramp\"]');"
        "row.querySelector('input[value=change]').click();"
        "row.querySelector('textarea').value = 'say: not eased after 10 minutes of stretching';"
    )
    exported = asyncio.run(_export(devtools, sheet, first, tick))
    doc = json.loads(exported.read_text(encoding="utf-8"))
    assert exported.name == f"review-decisions-{content.fingerprint}.json"
    assert doc["version"] == content.fingerprint and doc["reviewer"] == "Dr Jane Doe"
    assert len(doc["decisions"]) == len(inventory(content).items)
    sign = ["content-signoff", "--content", str(tree), "--reviewer", "Dr Jane Doe", "--role", "gp",
            "--registration", "GMC 1234567", "--date", "2026-12-03"]  # fmt: skip
    assert main([*sign, "--decisions", str(exported)]) == 1
    err = capsys.readouterr().err
    assert "checklist.questions.cramp: needs a change: say: not eased after 10 minutes of stretching" in err
    assert err.count("checklist.") == 1

    # Everything approved, with a comment kept: the command signs.
    second = tmp_path / "second"
    second.mkdir()
    tick = (
        "window.reviewSheet.approveUndecided(false);"
        "document.querySelector('tr[data-item=\"pages.cramps\"] textarea').value = 'clear';"
    )
    exported = asyncio.run(_export(devtools, sheet, second, tick))
    assert main([*sign, "--decisions", str(exported)]) == 0
    signed = load_content(tree).signoff
    assert signed is not None and signed.items["pages.cramps"].comment == "clear"
