"""Run the benchmarks: `python -m bench [--quick] [--only NAME ...]` (also `make bench`).

Each benchmark prints its table(s) and a PASS/MISS line per target; the results of every run
also go to bench/results/latest.json (git-ignored). The exit status is 0 even when a target is
missed (a benchmark reports, it does not gate); it is 1 only if a benchmark crashed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from bench import RESULTS_DIR

BENCHMARKS = ("taps", "concurrency", "dispatch", "storage", "startup", "backup", "diary", "search")
DESCRIPTIONS = {
    "taps": "1. menu tap and checklist step cost vs a bare PTB Application",
    "concurrency": "2. 500 users x 10 pages over HTTP (FakeTelegramServer)",
    "dispatch": "3. reminder dispatch under Telegram's limits, interactive taps meanwhile",
    "storage": "4. 1,000,000 pending reminders: claim query, memory, create",
    "startup": "5. process start to first getUpdates, content load",
    "backup": "6. backup while reminders are created and delivered; restore checked",
    "diary": "7. spasm diary: log tap vs menu tap, /diary with 1,000 entries, charts vs other taps",
    "search": "8. typed search (typos, synonyms, sentences) p99 vs a menu tap p99, same run",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="benchmarks:\n" + "\n".join(f"  {n:<12} {DESCRIPTIONS[n]}" for n in BENCHMARKS),
    )
    parser.add_argument("--quick", action="store_true", help="smaller workloads (about 3 minutes in all)")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this benchmark (repeatable, or comma-separated)",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name in BENCHMARKS:
            print(f"{name:<12} {DESCRIPTIONS[name]}")
        return 0
    only = [n.strip() for chunk in args.only for n in chunk.split(",") if n.strip()]
    unknown = [n for n in only if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {', '.join(BENCHMARKS)}")
    selected = [n for n in BENCHMARKS if not only or n in only]

    results: dict[str, Any] = {}
    summary: list[str] = []
    crashed = False
    started = time.perf_counter()
    for name in selected:
        print(f"\n--- {DESCRIPTIONS[name]} ---", file=sys.stderr, flush=True)
        module = importlib.import_module(f"bench.{name}")
        t0 = time.perf_counter()
        try:
            report = module.run(quick=args.quick)
        except Exception:  # one broken benchmark must not hide the others' results
            crashed = True
            text = traceback.format_exc()
            print(text, file=sys.stderr)
            results[name] = {"error": text}
            summary.append(f"ERROR {name}: crashed (see above)")
            continue
        report.seconds = time.perf_counter() - t0
        print()
        print(report.render(), flush=True)
        results[name] = report.to_json()
        summary.extend(f"[{name}] {t.line()}" for t in report.targets)

    total = time.perf_counter() - started
    print("\n== summary ==")
    for line in summary:
        print(line)
    print(f"({total:.0f} s{', --quick' if args.quick else ''})")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / "latest.json"
    previous: dict[str, Any] = {}
    if out.exists() and only:
        try:  # --only updates its benchmarks and keeps the others' last results
            previous = json.loads(out.read_text(encoding="utf-8")).get("benchmarks", {})
        except (ValueError, OSError):
            previous = {}
    document = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "python": platform.python_version(),
        "machine": {"platform": platform.platform(), "cpus": _cpus()},
        "seconds": round(total, 1),
        "benchmarks": {**previous, **results},
    }
    out.write_text(json.dumps(_clean(document), indent=2, allow_nan=False, default=str) + "\n", encoding="utf-8")
    print(f"results: {out.relative_to(RESULTS_DIR.parent.parent)}")
    return 1 if crashed else 0


def _cpus() -> int | None:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _clean(value: Any) -> Any:
    """JSON has no NaN or infinity: they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


if __name__ == "__main__":
    sys.exit(main())
