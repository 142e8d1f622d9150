"""The demo (`main.py demo`) walks the checklist as README's key presses say: the context screen,
the child path, each disposition and each check-in answer."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli import main_py

# README "Quick start": the checklist's key presses, one tap a minute (the demo, like the bot,
# refuses taps faster than a person makes them).
PRESSES = """
/check 1 1 1 2 2 9 2 1
/check 2 2 9 2 2 2
/check 1 2 9 2 1
/check 1 2 9 2 2 1 1 1
/check 1 2 9 2 2 1 1 2
/check 1 2 9 2 2 1 1 3
/check 1 2 9 2 2 2
:wait_1d 1 :wait_2d 2 :wait_4d 3 2
"""


def script() -> str:
    lines = []
    for token in PRESSES.split():
        lines.append(token.replace("_", " "))
        if not token.startswith(":"):
            lines.append(":wait 1m")
    return "\n".join([*lines, ":quit"]) + "\n"


def test_the_demo_shows_every_disposition_the_child_path_and_each_check_in(tmp_path: Path) -> None:
    done = main_py("demo", env={"BOT_DATABASE": str(tmp_path / "demo.sqlite3")}, stdin=script())
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for title in (
        "🚑 Call an ambulance now",
        "🏥 Go to A&E now",
        "⚠️ Get medical help today",
        "🩺 Book an appointment with your doctor",
        "🧘 Self-care for now",
    ):
        assert title in out, title
    assert "Does any of these apply? Tick all that do" in out and "✅ 🦴 A back problem" in out
    assert "Is any of these happening to the child now?" in out and "a child under 16" in out
    assert "I'm glad they are better" in out  # Better, after "book an appointment"
    assert "If you have not booked it yet" in out  # Same
    assert "run the checklist again now" in out  # Worse, then no time-critical sign
