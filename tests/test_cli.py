"""main.py as a person runs it: check-content, content-map, and `run` without a usable token."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from content.loader import DEFAULT_DIR, load_content
from content.mermaid import content_map

REPO = Path(__file__).resolve().parent.parent
MAP_START = "<!-- content-map:start -->"
MAP_END = "<!-- content-map:end -->"


def main_py(
    *args: str, env: dict[str, str] | None = None, cwd: Path = REPO, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "BOT_CONTENT_DIR", "PYTEST_CURRENT_TEST")
    }
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), *args],
        input=stdin,
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def broken(tmp_path: Path) -> tuple[Path, int]:
    """A copy of the content with an unknown page in a menu; returns (dir, line of the mistake)."""
    root = tmp_path / "content"
    root.mkdir()
    for path in DEFAULT_DIR.glob("*.yaml"):
        shutil.copy(path, root / path.name)
    for sub in DEFAULT_DIR.iterdir():
        if sub.is_dir() and any(sub.glob("*.yaml")):
            shutil.copytree(sub, root / sub.name)
    pages = root / "pages.yaml"
    text = pages.read_text(encoding="utf-8")
    old = "children: [therapy_selfcare, therapy_medical]"
    assert text.count(old) == 1
    pages.write_text(
        text.replace(old, "children: [therapy_selfcare, therapy_medical, surgery]"),
        encoding="utf-8",
    )
    line = next(i for i, t in enumerate(text.splitlines(), 1) if old in t)
    return root, line


def test_check_content_on_the_shipped_content() -> None:
    result = main_py("check-content")
    assert result.returncode == 0, result.stderr
    for label in ("pages:", "languages:", "longest message:"):
        assert re.search(rf"^\s*{label} \S", result.stdout, re.M), result.stdout
    assert "en" in result.stdout
    assert re.search(r"longest message: .* of 4096 characters", result.stdout)


def test_check_content_on_broken_content_names_file_and_line(broken: tuple[Path, int]) -> None:
    root, line = broken
    result = main_py("check-content", "--content", str(root))
    assert result.returncode == 1
    assert f"pages.yaml:{line}:" in result.stderr
    assert "surgery" in result.stderr
    assert "pages:" not in result.stdout


def test_check_content_reads_bot_content_dir(broken: tuple[Path, int]) -> None:
    root, line = broken
    result = main_py("check-content", env={"BOT_CONTENT_DIR": str(root)})
    assert result.returncode == 1
    assert f"pages.yaml:{line}:" in result.stderr


def test_content_map_lists_every_page_and_question() -> None:
    content = load_content()
    result = main_py("content-map")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("```mermaid\nflowchart")
    assert out.rstrip().endswith("```")
    for page_id in content.pages:
        assert re.search(rf"\bpage_{page_id}\b", out), page_id
    for question in content.checklist.questions:
        assert re.search(rf"\bq_{question.id}\b", out), question.id
    for outcome in content.checklist.outcomes:
        assert re.search(rf"\bo_{outcome}\b", out), outcome
    assert out == content_map(content)


def test_content_map_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "map.md"
    result = main_py("content-map", "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == content_map(load_content())


def test_content_map_on_broken_content(broken: tuple[Path, int]) -> None:
    root, line = broken
    result = main_py("content-map", "--content", str(root))
    assert result.returncode == 1
    assert f"pages.yaml:{line}:" in result.stderr


def test_readme_map_is_up_to_date() -> None:
    """The README shows the menus and the checklist; regenerate with `python main.py content-map`
    and paste the output between the markers when the content changes."""
    readme = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert readme.count(MAP_START) == 1, f"README.md needs one line {MAP_START}"
    assert readme.count(MAP_END) == 1, f"README.md needs one line {MAP_END}"
    start, end = readme.index(MAP_START), readme.index(MAP_END)
    assert start < end
    embedded = "\n".join(readme[start + 1 : end]).strip("\n") + "\n"
    assert embedded == content_map(load_content()), (
        "README.md's content map is out of date: run `python main.py content-map` and paste its "
        f"output between {MAP_START} and {MAP_END}"
    )


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_run_without_a_token(tmp_path: Path) -> None:
    line = _one_error_line(main_py("run", env={"BOT_DATABASE": str(tmp_path / "db.sqlite3")}))
    assert "TELEGRAM_BOT_TOKEN" in line
    assert "@BotFather" in line


def test_no_subcommand_means_run(tmp_path: Path) -> None:
    line = _one_error_line(main_py(env={"BOT_DATABASE": str(tmp_path / "db.sqlite3")}))
    assert "TELEGRAM_BOT_TOKEN" in line


@pytest.mark.parametrize("token", ["123:abc", "not a token", "'123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw'"])
def test_run_with_a_malformed_token(tmp_path: Path, token: str) -> None:
    env = {"TELEGRAM_BOT_TOKEN": token, "BOT_DATABASE": str(tmp_path / "db.sqlite3")}
    line = _one_error_line(main_py("run", env=env))
    assert "does not look like a bot token" in line
    assert "TELEGRAM_BOT_TOKEN" in line
    assert "@BotFather" in line
    assert token.strip("'") not in line, "the token itself is never printed"


# --- backup / restore -------------------------------------------------------------------------


def _seeded_database(path: Path, n: int) -> None:
    import asyncio

    from bot.app import MIGRATIONS
    from storage import reminders as outbox
    from storage import users
    from storage.db import Database

    async def seed() -> None:
        db = await Database.open(path, MIGRATIONS)
        try:

            def rows(conn) -> None:
                for user_id in range(1, n + 1):
                    users.touch(conn, user_id, 1000)
                    outbox.create(
                        conn,
                        user_id=user_id,
                        chat_id=user_id,
                        due_at=5000,
                        payload=outbox.FollowupPayload("en"),
                        now=1000,
                        max_active=10,
                    )

            await db.run(rows)
        finally:
            await db.close()

    asyncio.run(seed())


def test_backup_and_restore_from_the_command_line(tmp_path: Path) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    _seeded_database(database, 25)
    env = {"BOT_DATABASE": str(database)}
    copy = tmp_path / "copy.sqlite3"
    made = main_py("backup", str(copy), env=env)
    assert made.returncode == 0, made.stderr
    assert "backup written and verified" in made.stdout and "25 reminders" in made.stdout
    database.unlink()  # the volume is lost
    put_back = main_py("restore", str(copy), env=env)
    assert put_back.returncode == 0, put_back.stderr
    assert "25 reminders" in put_back.stdout
    import sqlite3

    conn = sqlite3.connect(database)
    try:
        assert conn.execute("SELECT COUNT(*) FROM reminders").fetchone()[0] == 25
    finally:
        conn.close()


def test_rotating_backups_from_the_command_line(tmp_path: Path) -> None:
    """Rotation itself is tested with an injected time in tests/test_backup.py."""
    database = tmp_path / "bot.sqlite3"
    _seeded_database(database, 1)
    directory = tmp_path / "backups"
    old = [directory / f"spasm-guide-2026010{i}T000000Z.sqlite3" for i in (1, 2)]
    directory.mkdir()
    for path in old:
        path.write_bytes(b"an older backup")
    done = main_py("backup", "--dir", str(directory), env={"BOT_DATABASE": str(database), "BACKUP_KEEP": "2"})
    assert done.returncode == 0, done.stderr
    assert f"removed old backup {old[0]}" in done.stdout
    assert sorted(directory.iterdir())[0] == old[1]
    assert len(list(directory.iterdir())) == 2


def test_restore_refuses_a_file_that_is_not_ours_in_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "notes.sqlite3"
    junk.write_bytes(b"hello" * 1000)
    done = main_py("restore", str(junk), env={"BOT_DATABASE": str(tmp_path / "bot.sqlite3")})
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and done.stderr.startswith("error: ")
    assert not (tmp_path / "bot.sqlite3").exists()


def test_backup_usage_errors() -> None:
    assert main_py("backup").returncode == 2
    assert main_py("backup", "x.sqlite3", "--loop").returncode == 2


def test_compose_schedules_backups_that_privacy_can_promise() -> None:
    import yaml

    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    service = compose["services"]["backup"]
    assert service["command"][:3] == ["python", "main.py", "backup"]
    assert "--loop" in service["command"] and "--dir" in service["command"]
    assert service["profiles"] == ["backup"]  # optional
    assert "spasm-data:/data" in service["volumes"]
    bot_env = compose["services"]["spasm-guide"]["environment"]
    # The bot reads the same schedule for /privacy's promise about old backups.
    for name in ("BACKUP_EVERY_HOURS", "BACKUP_KEEP"):
        assert bot_env[name] == service["environment"][name]


def test_demo_shows_the_location_keyboard_and_shares_a_location(tmp_path: Path) -> None:
    env = {"BOT_DATABASE": str(tmp_path / "demo.sqlite3")}
    done = main_py("demo", env=env, stdin="/reminders\n2\n1\n:location 41.9 12.5\n:quit\n")
    assert done.returncode == 0, done.stderr
    assert "keyboard: [📍 Share my location]   [✖️ Cancel]" in done.stdout
    assert "Time zone set: Rome, Italy. Your location was not kept." in done.stdout
