"""The package and its tests pass ruff with the rules chosen in pyproject.toml.

ruff is pinned in the `test` extra, so this gives the same answer on every machine; a
ruff other than the pinned one (a venv made before the pin) is a skip, not a failure.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _pinned() -> str:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'"ruff==([0-9.]+)"', text)
    assert match, "ruff is pinned in pyproject.toml"
    return match.group(1)


def test_ruff_finds_nothing() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    command = str(ruff) if ruff.exists() else shutil.which("ruff")
    if command is None:
        pytest.skip("ruff is not installed (make install brings it)")
    version = subprocess.run([command, "--version"], capture_output=True, text=True,
                             check=True).stdout.split()[-1]
    if version != _pinned():
        pytest.skip(f"ruff {version} is not the pinned {_pinned()} (run make install)")
    done = subprocess.run([command, "check", "--no-cache", "photoarchive", "tests"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
