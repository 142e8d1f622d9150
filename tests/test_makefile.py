"""The first `make run` on a fresh clone: progress on a line, not pip's screen of notices.

pip is stood in for by a script that talks the way pip does on a machine with a few odd
settings (warnings on stderr, a line per package), so the test needs no network and no minutes."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

FAKE_PYTHON = r"""#!/bin/sh
# python -c ...: the version check. python -m venv DIR: a venv whose python is this script.
# python -m pip install ...: pip's chatter, and the exit status asked for.
case "$1 $2" in
  "-m venv") mkdir -p "$3/bin" && cp "$0" "$3/bin/python" && exit 0 ;;
  "-m pip")
    for i in 1 2 3; do echo "WARNING: Location 'file:///opt/simple/pkg$i/' is ignored: it is not a directory." >&2; done
    for p in telegram aiosqlite pyyaml; do echo "Collecting $p"; echo "  Using cached $p-1.0-py3-none-any.whl"; done
    echo "Installing collected packages: telegram, aiosqlite, pyyaml"
    echo "  DEPRECATION: a notice nobody asked for" >&2
    case "$*" in *" -e "*) exit "${FAKE_PIP_EXIT:-0}" ;; esac ;;
esac
exit 0
"""


def make(tmp_path: Path, pip_exit: int = 0) -> subprocess.CompletedProcess[str]:
    fake = tmp_path / "python3"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "FAKE_PIP_EXIT": str(pip_exit)}
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            f"PYTHON={fake}",
            f"VENV={tmp_path / 'venv'}",
            str(tmp_path / "venv" / ".installed"),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def test_the_first_run_shows_progress_not_pips_warnings(tmp_path: Path) -> None:
    run = make(tmp_path)
    assert run.returncode == 0, run.stderr
    shown = run.stdout + run.stderr
    assert "WARNING" not in shown and "DEPRECATION" not in shown and "Using cached" not in shown
    assert "Setting up .venv" in shown
    assert shown.splitlines()[-1].rstrip().endswith("3 packages, done")
    # Everything pip said is kept for whoever wants it.
    log = (tmp_path / "venv" / "install.log").read_text()
    assert "WARNING: Location" in log and "Collecting pyyaml" in log
    assert (tmp_path / "venv" / ".installed").exists()


def test_a_failed_install_shows_what_pip_said_and_stops(tmp_path: Path) -> None:
    run = make(tmp_path, pip_exit=1)
    assert run.returncode != 0
    shown = run.stdout + run.stderr
    assert "3 packages, failed" in shown and "install.log" in shown
    assert "DEPRECATION" in shown  # the log's last lines, so the cause is on screen
    assert not (tmp_path / "venv" / ".installed").exists()
