"""Rules for the tests themselves: a test waits for a signal or a condition, never for a
fixed time, and asserts nothing about how long something took (timings are measured in
benchmarks/, on purpose, not by chance in a test). A fixed sleep passes on an idle machine
and fails on a busy one; a timing assert fails on a slow one.

Wait with `qtbot.waitUntil` / `qtbot.waitSignal` in window tests, `waiting.wait_until` /
`poll_until` elsewhere (a deadline there only says when to call it a failure).
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent

#: Files allowed to sleep, and why. Nothing else may.
ALLOWED_SLEEPS = {
    "waiting.py": "poll_until: the pause between two looks at a condition",
}
SLEEPS = {"time.sleep", "sleep", "qtbot.wait", "QTest.qWait", "qWait", "asyncio.sleep"}
CLOCKS = {"monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns", "process_time",
          "time", "time_ns"}


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def _is_clock(call: ast.Call) -> bool:
    name = _dotted(call.func)
    return (name.startswith("time.") and name[5:] in CLOCKS) or name in (
        "monotonic", "perf_counter")


def problems(source: str, where: str) -> list[str]:
    """Fixed sleeps, timing asserts and Hypothesis deadlines in one test module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = f"{where}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name in SLEEPS:
                found.append(f"{line}: {name}(…) waits a fixed time; wait for a condition")
            if name.split(".")[-1] == "settings" and any(
                    k.arg == "deadline" and not (isinstance(k.value, ast.Constant)
                                                 and k.value.value is None)
                    for k in node.keywords):
                found.append(f"{line}: a Hypothesis deadline is a timing assert")
        elif isinstance(node, ast.ImportFrom) and node.module in ("time", "asyncio") and any(
                alias.name == "sleep" for alias in node.names):
            found.append(f"{line}: imports sleep")
        elif isinstance(node, ast.Assert) and any(
                isinstance(inner, ast.Call) and _is_clock(inner) for inner in ast.walk(node)):
            found.append(f"{line}: asserts a timing; measure it in benchmarks/")
    return found


def test_no_test_sleeps_or_asserts_a_timing() -> None:
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        relative = path.relative_to(TESTS).as_posix()
        if relative in ALLOWED_SLEEPS:
            continue
        found += problems(path.read_text(encoding="utf-8"), f"tests/{relative}")
    assert not found, "\n".join(found)


def test_the_rule_sees_what_it_forbids() -> None:
    source = """
import time
from time import sleep
def test_x(qtbot):
    started = time.monotonic()
    time.sleep(0.1)
    qtbot.wait(100)
    assert time.monotonic() - started < 0.3
    assert time.perf_counter() < 5
@settings(deadline=2000)
def test_y(): ...
@settings(deadline=None)
def test_z(): ...
"""
    lines = [p.split(":")[1] for p in problems(source, "x.py")]
    assert sorted(lines, key=int) == ["3", "6", "7", "8", "9", "10"]
