"""The clinical review sheet, opened in a real headless Chromium: what a doctor sees.

`python main.py content-review` writes the page; Chromium parses it (--dump-dom gives the DOM it
built) and renders it (--screenshot). Needs Debian's chromium (`apt-get install -y chromium`);
without it these tests are skipped and say why, except in CI (.ci/run sets REQUIRE_BROWSER).
"""

from __future__ import annotations

import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from content.model import Content
from content.telegram_html import parse_html
from tests.browser import chromium, needs_browser

REPO = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, needs_browser]


class _Dom(HTMLParser):
    """The bits of the DOM the tests look at: path rows, text, links, external resources."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.resources: list[str] = []
        self.path_rows = 0
        self._in_paths = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "table" and attr.get("class") == "paths":
            self._in_paths = True
        if tag == "tr" and self._in_paths:
            self.path_rows += 1
        if tag == "a" and attr.get("href"):
            self.links.append(str(attr["href"]))
        if tag in ("script", "link", "img", "iframe") or (tag == "style" and attr.get("src")):
            self.resources.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_paths = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("review") / "content-review.html"
    done = subprocess.run(
        [sys.executable, "main.py", "content-review", "--output", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "wrote" in done.stdout
    return out


def test_the_sheet_shows_every_path_question_disposition_page_and_reference(
    sheet: Path, content: Content, tmp_path: Path
) -> None:
    dom = _Dom()
    dom.feed(chromium("--dump-dom", sheet.as_uri(), profile=tmp_path / "profile").stdout)
    text = " ".join(" ".join(dom.text).split())
    triage = content.triage

    # The decision graph: every screen and every sign, with the levels "Yes" and "Not sure" reach,
    # in both languages, and each reference's passage next to the sign it backs.
    for spec in triage.screens:
        assert spec.id in text
    for item in triage.items.values():
        assert item.id in text
        for lang in content.languages:
            assert item.text[lang].label in text
        for source in item.sources:
            assert source.passage in text
    for level in triage.levels:
        for lang in content.languages:
            assert parse_html(triage.text[lang].outcomes[level].title).split()[-1] in text
    # Every safety item shows the public page it follows, as a link.
    refs = {r.url for i in triage.items.values() for r in i.sources}
    refs |= {r.url for p in content.pages.values() for r in p.references}
    assert refs and refs <= set(dom.links)
    # Every page and every message, both languages.
    for page in content.pages.values():
        for lang in content.languages:
            assert page.text[lang].title in text
    assert "Centro Antiveleni" in text and "02 6610 1029" in text
    # Self-contained: nothing loaded from anywhere.
    assert dom.resources == []


def test_the_sheet_renders_in_chromium(sheet: Path, tmp_path: Path) -> None:
    png = tmp_path / "review.png"
    chromium(
        "--hide-scrollbars",
        "--window-size=1400,2400",
        f"--screenshot={png}",
        sheet.as_uri(),
        profile=tmp_path / "profile",
    )
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1400, 2400)
    assert len(data) > 50_000  # a rendered page of tables and text, not a blank one
