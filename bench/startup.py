"""5. Start-up: process start to first getUpdates, and content load + validation.

process   `python main.py run` as a subprocess (production settings from the environment:
          a real-looking token, TELEGRAM_BASE_URL = a FakeTelegramServer in this process, a
          temporary BOT_DATABASE), timed from just before the exec to the moment the server
          receives the first getUpdates (on one monotonic clock). One untimed start first
          creates the database (the migrations of a first deployment), so the timed starts
          are restarts, the common case. The process is stopped with SIGTERM after each.
content   content.loader.load_content (YAML parsing, model building, every validation) on
          the shipped tree and on a generated tree with 50x the pages in both languages (each
          page copied 49 times with its sub-tree, chained from the main menu by "more" pages).
yaml      the same trees' YAML parsed by yaml.load(CSafeLoader) and by yaml.safe_load (the
          pure-Python SafeLoader), and by the loader's own read_yaml (CSafeLoader plus the
          line-marking mapping constructor).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from bench import FAKE_TOKEN, ROOT, Report, median, quiet_logging

NAME = "startup"
TITLE = "process start to first getUpdates; content load and validation"
TARGET_START = 1.5
TARGET_LOAD = 0.2
TARGET_LOAD_50X = 2.0
SCALE = 50


# --- process start ---------------------------------------------------------------------------


async def _starts(runs: int) -> list[float]:
    from bot.fake_telegram.http import FakeTelegramServer

    server = FakeTelegramServer(token=FAKE_TOKEN)
    fake = server.fake
    first_poll: list[float] = []
    original = fake._handlers["getUpdates"]

    def on_get_updates(params: dict[str, Any]) -> Any:
        if not first_poll:
            first_poll.append(time.monotonic())
        return original(params)

    fake._handlers["getUpdates"] = on_get_updates
    await server.start(port=0)
    times: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ)
            env.update(
                TELEGRAM_BOT_TOKEN=FAKE_TOKEN,
                TELEGRAM_BASE_URL=server.base_url,
                BOT_DATABASE=str(Path(tmp) / "bot.sqlite3"),
                BOT_HEALTH_FILE=str(Path(tmp) / "bot.health"),
                BOT_MODE="polling",
                LOG_LEVEL="INFO",
            )
            for run in range(runs + 1):  # the first creates the database and is not counted
                first_poll.clear()
                start = time.monotonic()
                process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "main.py",
                    "run",
                    cwd=ROOT,
                    env=env,
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.PIPE,
                )
                try:
                    deadline = start + 30
                    while not first_poll and time.monotonic() < deadline and process.returncode is None:
                        await asyncio.sleep(0.001)
                    if not first_poll:
                        assert process.stderr is not None
                        if process.returncode is None:
                            process.kill()
                        err = (await process.stderr.read()).decode(errors="replace")
                        raise RuntimeError(f"the bot never polled; stderr:\n{err[-3000:]}")
                    if run > 0:
                        times.append(first_poll[0] - start)
                finally:
                    if process.returncode is None:
                        process.send_signal(signal.SIGTERM)
                        try:
                            await asyncio.wait_for(process.communicate(), 20)
                        except TimeoutError:
                            process.kill()
                            await process.wait()
    finally:
        await server.stop()
    return times


async def _import_breakdown() -> dict[str, float]:
    """Where a start's time goes, each step in a fresh interpreter (cumulative seconds)."""
    steps = {
        "interpreter": "pass",
        "+ import telegram.ext": "import telegram.ext",
        "+ import bot.app": "import bot.app",
        "+ load_content()": "import bot.app; from content.loader import load_content; load_content()",
    }
    out = {}
    for label, code in steps.items():
        samples = []
        for _ in range(3):
            start = time.perf_counter()
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-c", f"import os; os.environ['PTB_TIMEDELTA'] = '1'; {code}", cwd=ROOT
            )
            await proc.wait()
            samples.append(time.perf_counter() - start)
        out[label] = median(samples)
    return out


# --- content ---------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Marked dicts (the loader's line-marking mapping) to plain dicts, for yaml.safe_dump."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def make_scaled_tree(source: Path, target: Path, scale: int) -> int:
    """Copy the content tree with every page (except main) copied scale - 1 times; the copies'
    top-level pages hang off a chain of "more_<k>" pages reachable from the main menu. Returns
    the number of pages."""
    from content.model import MAIN_PAGE
    from content.yaml_reader import read_yaml

    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.md"))
    structure = _plain(read_yaml(source / "pages.yaml", "pages.yaml"))
    pages: dict[str, Any] = structure["pages"]
    languages = _plain(read_yaml(source / "meta.yaml", "meta.yaml"))["languages"]
    texts = {lang: _plain(read_yaml(source / lang / "pages.yaml", f"{lang}/pages.yaml")) for lang in languages}
    originals = [p for p in pages if p != MAIN_PAGE]
    top = [c for c in pages[MAIN_PAGE].get("children", []) if not c.startswith("@")]

    def rename(target_id: str, k: int) -> str:
        return target_id if target_id.startswith("@") or target_id == MAIN_PAGE else f"{target_id}_{k}"

    new_pages: dict[str, Any] = dict(pages)
    new_pages[MAIN_PAGE] = dict(pages[MAIN_PAGE])
    new_pages[MAIN_PAGE]["children"] = [*pages[MAIN_PAGE]["children"], "more_1"]
    for k in range(1, scale):
        hub_children = [rename(t, k) for t in top]
        if k + 1 < scale:
            hub_children.append(f"more_{k + 1}")
        new_pages[f"more_{k}"] = {"children": hub_children}
        for page_id in originals:
            spec = dict(pages[page_id] or {})
            for key in ("children", "links"):
                if key in spec:
                    spec[key] = [rename(t, k) for t in spec[key]]
            new_pages[rename(page_id, k)] = spec
        for lang in languages:
            texts[lang][f"more_{k}"] = {"title": f"More topics {k}", "button": f"➕ More {k}", "body": f"Set {k}."}
            for page_id in originals:
                text = dict(texts[lang][page_id])
                text["title"] = f"{text['title']} {k}"
                if "button" in text:
                    text["button"] = f"{text['button'][:34]} {k}"
                texts[lang][rename(page_id, k)] = text
    structure["pages"] = new_pages

    def dump(data: Any) -> str:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)

    (target / "pages.yaml").write_text(dump(structure), encoding="utf-8")
    for lang in languages:
        (target / lang / "pages.yaml").write_text(dump(texts[lang]), encoding="utf-8")
    return len(new_pages)


def _time_load(root: Path | None, runs: int) -> list[float]:
    from content.loader import load_content

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        load_content(root)
        times.append(time.perf_counter() - start)
    return times


def _time_yaml(root: Path, runs: int) -> dict[str, float]:
    from content.yaml_reader import read_yaml

    files = sorted(root.rglob("*.yaml"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    c_loader = getattr(yaml, "CSafeLoader", None)
    out: dict[str, float] = {}
    cases: dict[str, Any] = {
        "yaml.safe_load (Python)": lambda: [yaml.safe_load(t) for t in texts],
        "read_yaml (CSafeLoader + marks)": lambda: [read_yaml(f, f.name) for f in files],
    }
    if c_loader is not None:
        cases["yaml.load(CSafeLoader)"] = lambda: [yaml.load(t, Loader=c_loader) for t in texts]
    for label, fn in cases.items():
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
        out[label] = median(samples)
    return out


def run(quick: bool = False) -> Report:
    from content.loader import DEFAULT_DIR, load_content

    quiet_logging()
    report = Report(NAME, TITLE)
    start_runs = 5
    load_runs = 10
    big_runs = 5

    starts = asyncio.run(_starts(start_runs))
    breakdown = asyncio.run(_import_breakdown())
    report.add_table(
        f"python main.py run -> first getUpdates at the server, {start_runs} restarts",
        ["", "median s", "min s", "max s"],
        [["start to first getUpdates", median(starts), min(starts), max(starts)]],
    )
    report.add_table(
        "where it goes: a fresh interpreter doing only this much, median of 3 (cumulative)",
        ["step", "s"],
        [[label, value] for label, value in breakdown.items()],
    )

    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "content50"
        pages = make_scaled_tree(DEFAULT_DIR, big, SCALE)
        shipped = load_content()
        loaded_big = load_content(big)
        assert len(loaded_big.pages) == pages, (len(loaded_big.pages), pages)
        small_times = _time_load(None, load_runs)
        big_times = _time_load(big, big_runs)
        report.add_table(
            "content.loader.load_content (parse + build + validate)",
            ["tree", "pages", "runs", "median ms", "min ms"],
            [
                ["shipped", len(shipped.pages), load_runs, median(small_times) * 1e3, min(small_times) * 1e3],
                [f"{SCALE}x pages", pages, big_runs, median(big_times) * 1e3, min(big_times) * 1e3],
            ],
        )
        yaml_small = _time_yaml(DEFAULT_DIR, load_runs)
        yaml_big = _time_yaml(big, big_runs)
        report.add_table(
            "YAML parsing only, all files of the tree (median ms)",
            ["parser", "shipped", f"{SCALE}x", "vs CSafeLoader (50x)"],
            [
                [
                    label,
                    yaml_small[label] * 1e3,
                    yaml_big[label] * 1e3,
                    yaml_big[label] / yaml_big.get("yaml.load(CSafeLoader)", float("nan")),
                ]
                for label in yaml_big
            ],
        )
    report.notes.append(
        f"libyaml available: {hasattr(yaml, 'CSafeLoader')} (without it the loader falls back to the Python SafeLoader)"
    )
    report.data = {
        "start_seconds": starts,
        "start_breakdown": breakdown,
        "load_ms": {"shipped": [t * 1e3 for t in small_times], f"{SCALE}x": [t * 1e3 for t in big_times]},
        "yaml_ms": {
            "shipped": {k: v * 1e3 for k, v in yaml_small.items()},
            f"{SCALE}x": {k: v * 1e3 for k, v in yaml_big.items()},
        },
        "pages": {"shipped": len(shipped.pages), f"{SCALE}x": pages},
    }
    report.target("process start to first getUpdates", median(starts), TARGET_START, "s")
    report.target("load_content, shipped", median(small_times) * 1e3, TARGET_LOAD * 1e3, "ms")
    report.target(f"load_content, {SCALE}x pages", median(big_times) * 1e3, TARGET_LOAD_50X * 1e3, "ms")
    return report
