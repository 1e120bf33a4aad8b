"""Shared pieces: figures, timing statistics, the machine description, caches, RSS."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DIR = Path(os.environ.get("PHOTOARCHIVE_SAMPLE") or REPO.parent / "shared" / "sample")
#: Bump when generated inputs change shape, so stale caches are not reused.
INPUTS_VERSION = 3


@dataclass
class Figure:
    """One line of the results. `value` is a number, or a string saying why it is not
    measured. `target` reads like ">= 0.85" or "<= 20". `details` are printed, not saved."""

    name: str
    value: float | str | None
    unit: str
    target: str
    details: str = ""
    meets: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.meets = meets(self.value, self.target)

    def as_json(self) -> dict:
        value = round(self.value, 4) if isinstance(self.value, float) else self.value
        return {"name": self.name, "value": value, "unit": self.unit, "target": self.target,
                "meets": self.meets}


def meets(value: float | str | None, target: str) -> bool:
    if not isinstance(value, (int, float)):
        return False
    op, _, bound = target.partition(" ")
    limit = float(bound)
    return value >= limit if op == ">=" else value <= limit


def not_measured(name: str, unit: str, target: str, reason: str) -> Figure:
    return Figure(name, f"not measured: {reason}", unit, target)


# -- statistics ------------------------------------------------------------------------------
def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def spread(values: list[float], scale: float = 1.0, digits: int = 2) -> str:
    """'a / b / c' (each run), for the details line."""
    return " / ".join(f"{v * scale:.{digits}f}" for v in values)


def cold_worker_start() -> None:
    """Stop multiprocessing's fork server if this process started one (the importer uses
    "forkserver" where available), so the next pool starts cold, as a new program would."""
    try:
        from multiprocessing import forkserver

        forkserver._forkserver._stop()
    except (ImportError, AttributeError, OSError):
        pass


# -- memory ----------------------------------------------------------------------------------
def rss_mb() -> float:
    """Resident set size of this process (VmRSS, /proc/self/status), in MiB."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# -- places ----------------------------------------------------------------------------------
def cache_root() -> Path:
    """Generated inputs kept between runs (system temp dir), keyed by their parameters."""
    root = Path(os.environ.get("PHOTOARCHIVE_BENCH_CACHE")
                or Path(tempfile.gettempdir()) / "photoarchive-bench-cache")
    root.mkdir(parents=True, exist_ok=True)
    return root


def cache_key(kind: str, **params: object) -> str:
    text = json.dumps({"v": INPUTS_VERSION, **params}, sort_keys=True, default=str)
    return f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def cache_path(kind: str, **params: object) -> Path:
    """Where `cached_dir(kind, **params)` publishes its folder."""
    return cache_root() / cache_key(kind, **params)


@contextmanager
def cached_dir(kind: str, **params: object) -> Iterator[tuple[Path, bool]]:
    """(folder, ready): when not ready, fill the folder inside the block; it is published
    (renamed into place) only if the block completes, so a killed run leaves no half cache.
    Use `cache_path` for the published location after the block."""
    final = cache_path(kind, **params)
    if final.is_dir():
        yield final, True
        return
    work = Path(tempfile.mkdtemp(prefix=final.name + ".part-", dir=cache_root()))
    try:
        yield work, False
        try:
            work.rename(final)
        except OSError:  # another run published it first
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


# -- the machine ----------------------------------------------------------------------------
def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10, check=False)
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def machine(quick: bool) -> dict:
    import PIL
    import sqlalchemy

    try:
        from PySide6 import __version__ as pyside
    except ImportError:
        pyside = None
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "pillow": PIL.__version__,
        "sqlalchemy": sqlalchemy.__version__,
        "sqlite": sqlite3.sqlite_version,
        "pyside6": pyside,
        "commit": _git_commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if quick else "full",
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def python() -> str:
    return sys.executable
