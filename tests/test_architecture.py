"""The import direction of ARCHITECTURE.md, checked by walking every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "photoarchive"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(*parts: str) -> list[Path]:
    base = PACKAGE.joinpath(*parts)
    return sorted(base.rglob("*.py")) if base.is_dir() else [base]


def _offenders(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [f"{file.relative_to(PACKAGE.parent)} imports {name}"
            for file in files for name in _imports(file)
            if any(name == f or name.startswith(f + ".") for f in forbidden)]


@pytest.mark.parametrize("layer", ["services", "catalog", "media", "cli.py", "cli_output.py",
                                   "cli_export.py", "cli_writeback.py", "paths.py", "errors.py",
                                   "settings.py"])
def test_no_qt_below_the_ui(layer: str) -> None:
    files = [f for f in _modules(layer) if f.exists()]
    assert _offenders(files, ("PySide6", "photoarchive.ui", "photoarchive.app")) == []


def test_ui_and_cli_only_use_services() -> None:
    files = _modules("ui") + list(PACKAGE.glob("cli*.py")) + _modules("launcher.py")
    assert _offenders(files, ("photoarchive.catalog", "photoarchive.media", "sqlalchemy")) == []


def test_catalog_and_media_stay_apart() -> None:
    assert _offenders(_modules("catalog"), ("photoarchive.media", "photoarchive.services")) == []
    assert _offenders(_modules("media"), ("photoarchive.catalog", "photoarchive.services",
                                          "sqlalchemy")) == []


def test_leaf_modules_import_no_project_code() -> None:
    leaves = [PACKAGE / name for name in ("paths.py", "errors.py")]
    assert _offenders(leaves, ("photoarchive",)) == []
