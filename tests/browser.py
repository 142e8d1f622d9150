"""Headless Chromium for the tests that check a page or an image as a person sees it.

Debian's chromium (`apt-get install -y chromium`; .ci/run installs it and sets REQUIRE_BROWSER,
so in CI these tests run and never skip). The flags keep it off this closed network: without the
background-networking ones it tries Google's hosts at every start.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
needs_browser = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("REQUIRE_BROWSER"),
    reason="needs Chromium: apt-get install -y chromium",
)


def chromium(*args: str, profile: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with its own empty profile directory."""
    assert CHROMIUM is not None, "chromium is required here (REQUIRE_BROWSER is set)"
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
