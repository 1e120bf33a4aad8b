"""Every folder and file location in one place, with environment overrides for tests.

Leaf module: no project imports. `PHOTOARCHIVE_HOME` moves all per-user data (handy for
tests and portable installs); `PHOTOARCHIVE_CATALOG` names the catalog file itself.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import platformdirs

APP_NAME = "photoarchive"


def data_dir() -> Path:
    """The per-user data folder (catalog, backups)."""
    home = os.environ.get("PHOTOARCHIVE_HOME")
    if home:
        return Path(home).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_catalog_path() -> Path:
    """The catalog used when none is given: `$PHOTOARCHIVE_CATALOG` or the data folder's."""
    env = os.environ.get("PHOTOARCHIVE_CATALOG")
    if env:
        return Path(env).expanduser()
    return data_dir() / "catalog.sqlite"


def thumbnail_dir(catalog_path: Path) -> Path:
    """Thumbnails are cached per catalog, in a folder beside the catalog file."""
    return catalog_path.with_name(catalog_path.name + ".thumbnails")


def backup_dir(catalog_path: Path) -> Path:
    """Backups of a catalog live in the user data folder (not on the catalog's own disk),
    one folder per catalog, named after it and a short digest of its full path."""
    full = str(Path(catalog_path).expanduser().absolute())
    digest = hashlib.sha1(full.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return data_dir() / "backups" / f"{Path(full).stem}-{digest}"


def resources_dir() -> Path:
    """The `resources/` folder of the source tree (icons, themes)."""
    return Path(__file__).resolve().parent.parent / "resources"
