"""The benchmark suite keeps working: `python -m benchmarks --quick` runs and writes its
JSON in the agreed shape. Timings are never asserted here (shared, noisy machines)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GROUPS = ("1.", "2.", "3.", "4.", "5.", "6.", "7.")


def test_quick_benchmarks_run_and_write_the_json(tmp_path: Path) -> None:
    output = tmp_path / "last-run.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PHOTOARCHIVE_HOME=str(tmp_path / "home"),
               PHOTOARCHIVE_BENCH_CACHE=os.environ.get("PHOTOARCHIVE_BENCH_CACHE", ""))
    if not env["PHOTOARCHIVE_BENCH_CACHE"]:
        del env["PHOTOARCHIVE_BENCH_CACHE"]  # the suite's own cache in the system temp dir
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--output",
                           str(output)], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "figures meet their targets" in done.stdout

    data = json.loads(output.read_text(encoding="utf-8"))
    assert set(data) == {"machine", "figures"}
    assert isinstance(data["machine"], dict) and data["machine"]["mode"] == "quick"
    assert data["machine"]["cores"] and data["machine"]["pillow"]
    figures = data["figures"]
    assert len(figures) >= 17
    for figure in figures:
        assert set(figure) == {"name", "value", "unit", "target", "meets"}, figure
        assert isinstance(figure["name"], str) and figure["name"]
        assert isinstance(figure["unit"], str)
        assert figure["target"].split(" ")[0] in (">=", "<=")
        float(figure["target"].split(" ")[1])
        assert isinstance(figure["meets"], bool)
        value = figure["value"]
        # A number, or the reason it was not measured (sigal absent, say): never a crash.
        assert isinstance(value, (int, float)) or (
            isinstance(value, str) and value.startswith("not measured:")), figure
        if isinstance(value, str):
            assert figure["meets"] is False
            assert "failed (" not in value, f"a benchmark broke: {figure}"
    for prefix in GROUPS:
        assert any(f["name"].startswith(prefix) for f in figures), prefix
    measured = [f for f in figures if isinstance(f["value"], (int, float))]
    assert len(measured) >= len(figures) - 1  # only the sigal comparison may be missing
