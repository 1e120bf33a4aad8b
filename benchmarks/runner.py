"""Runs the figures, prints the table, writes last-run.json and the README's table."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import Figure, machine, not_measured

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "last-run.json"
README = HERE / "README.md"
TABLE_START = "<!-- last-run:start -->"
TABLE_END = "<!-- last-run:end -->"

# What each group reports if it fails outright (names, units, targets).
PLACEHOLDERS: dict[str, list[tuple[str, str, str]]] = {
    "1-2": [("1. import throughput / decode floor", "× floor", ">= 0.85"),
            ("2. import scaling: 2 workers vs 1", "×", ">= 1.8")],
    "3": [("3. re-import of an unchanged tree / walk+stat", "× walk", "<= 3")],
    "4": [("4. search a word, top 200 with grid fields, p50", "ms", "<= 5"),
          ("4. search a word, top 200 with grid fields, p95", "ms", "<= 20"),
          ("4. missing:caption (ids + first page)", "ms", "<= 20"),
          ("4. date:1956-10..1956-11 (ids + first page)", "ms", "<= 20"),
          ("4. all photos sorted by approximate date, first page", "ms", "<= 50")],
    "5": [("5. window: catalog open → first painted grid", "ms", "<= 500"),
          ("5. scroll to the end + repaint", "ms", "<= 16"),
          ("5. a screenful of 48 cached thumbnails shown", "ms", "<= 50"),
          ("5. memory growth over an empty catalog", "MB", "<= 100")],
    "6": [("6. caption committed on 1,000 selected photos (apply_edits)", "ms", "<= 100"),
          ("6. its undo (restore_values)", "ms", "<= 100")],
    "7": [("7. gallery export per image / floor", "× floor", "<= 1.1"),
          ("7. gallery export vs sigal", "× sigal", "<= 1.0"),
          ("7. re-export after one caption change / first export", "%", "<= 2")],
}


def _groups(work: Path, quick: bool) -> list[tuple[str, Callable[[], list[Figure]]]]:
    from benchmarks import (
        fig_editing,
        fig_gallery,
        fig_import,
        fig_reimport,
        fig_search,
        fig_window,
    )
    from benchmarks.catalog_gen import synthetic_catalog

    size = 5_000 if quick else 100_000
    big: dict = {}

    def catalog(tag: str) -> tuple[Path, dict]:
        if "facts" not in big:
            big["path"], big["facts"] = synthetic_catalog(size, work / "big")
        target = work / f"big-{tag}.sqlite"
        shutil.copy2(big["path"], target)
        return target, big["facts"]

    return [
        ("1-2", lambda: fig_import.run(work, quick)),
        ("3", lambda: fig_reimport.run(work, quick)),
        ("4", lambda: fig_search.run(*catalog("search"), quick)),
        ("5", lambda: fig_window.run(*catalog("window"), work, quick)),
        ("6", lambda: fig_editing.run(*catalog("editing"), quick)),
        ("7", lambda: fig_gallery.run(work, quick)),
    ]


def format_value(figure: Figure) -> str:
    if isinstance(figure.value, (int, float)):
        v = figure.value
        return f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"
    return "—"


def table(figures: list[Figure], details: bool = True) -> str:
    width = max(len(f.name) for f in figures)
    lines = [f"{'figure':<{width}}  {'value':>8}  {'unit':<8} {'target':<8} meets",
             "-" * (width + 38)]
    for f in figures:
        lines.append(f"{f.name:<{width}}  {format_value(f):>8}  {f.unit:<8} {f.target:<8} "
                     f"{'yes' if f.meets else 'NO'}")
        note = f.details if isinstance(f.value, (int, float)) else str(f.value)
        if details and note:
            lines.append(f"{'':<{width}}    {note}")
    return "\n".join(lines)


def markdown_table(figures: list[Figure], info: dict, seconds: float) -> str:
    rows = ["| figure | last value | target | meets |", "| --- | --- | --- | --- |"]
    for f in figures:
        value = f"{format_value(f)} {f.unit}" if isinstance(f.value, (int, float)) \
            else str(f.value)
        rows.append(f"| {f.name} | {value} | {f.target} {f.unit} | "
                    f"{'yes' if f.meets else '**no**'} |")
    where = (f"Measured {info['date']} on {info['cpu']}, {info['cores']} cores, "
             f"{info['memory_gib']} GiB, {info['os']}; Python {info['python']}, "
             f"Pillow {info['pillow']}, SQLite {info['sqlite']}, commit {info['commit']}; "
             f"load average at start {info['load_average']}; the run took "
             f"{seconds / 60:.0f} min.")
    return "\n".join([TABLE_START, where, "", *rows, TABLE_END])


def update_readme(figures: list[Figure], info: dict, seconds: float) -> None:
    if not README.exists():
        return
    text = README.read_text(encoding="utf-8")
    block = markdown_table(figures, info, seconds)
    pattern = re.compile(re.escape(TABLE_START) + ".*?" + re.escape(TABLE_END), re.DOTALL)
    if pattern.search(text):
        README.write_text(pattern.sub(lambda _m: block, text), encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description="The performance figures of issue 6.")
    parser.add_argument("--quick", action="store_true",
                        help="small inputs, under a minute: keeps the suite working in CI")
    parser.add_argument("--only", default="",
                        help="comma-separated groups to run: 1-2,3,4,5,6,7 (default: all)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"where to write the JSON (default: {DEFAULT_OUTPUT})")
    parser.add_argument("--no-readme", action="store_true",
                        help="do not update the table in benchmarks/README.md")
    args = parser.parse_args(argv)
    wanted = {g.strip() for g in args.only.split(",") if g.strip()}
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    info = machine(args.quick)
    print(f"photoarchive benchmarks ({info['mode']}): {info['cpu']}, {info['cores']} cores, "
          f"load {info['load_average']}", flush=True)
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="photoarchive-bench-"))
    os.environ.setdefault("PHOTOARCHIVE_HOME", str(work / "home"))
    figures: list[Figure] = []
    try:
        for group, run in _groups(work, args.quick):
            if wanted and group not in wanted:
                continue
            print(f"[{group}] …", flush=True)
            began = time.perf_counter()
            try:
                got = run()
            except Exception as exc:
                traceback.print_exc()
                reason = f"failed ({exc.__class__.__name__}: {str(exc)[:200]})"
                got = [not_measured(n, u, t, reason) for n, u, t in PLACEHOLDERS[group]]
            print(table(got), flush=True)
            print(f"  ({time.perf_counter() - began:.0f} s)", flush=True)
            figures.extend(got)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds = time.perf_counter() - started
    info["seconds"] = round(seconds, 1)
    info["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    result = {"machine": info, "figures": [f.as_json() for f in figures]}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n",
                           encoding="utf-8")
    print()
    print(table(figures, details=False))
    met = sum(f.meets for f in figures)
    print(f"\n{met} of {len(figures)} figures meet their targets; {seconds:.0f} s; "
          f"written to {args.output}")
    if not args.quick and not wanted and not args.no_readme:
        update_readme(figures, info, seconds)
    return 0
