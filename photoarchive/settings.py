"""Typed user preferences, declared once, kept as JSON in the data folder between runs.

Leaf module (only `paths` and `errors`): the app loads one `Settings` at start-up and hands
it to whoever needs it; nothing reads preferences from a global. A damaged or unknown file
never stops the app: unreadable values fall back to their defaults. `version` and
`_UPGRADES` let a later release rename or reshape a preference without losing it.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from photoarchive import paths

SETTINGS_VERSION = 1
MAX_RECENT = 8
THUMBNAIL_MIN, THUMBNAIL_MAX = 96, 320
SORT_CHOICES = ("date", "title", "imported", "path")
BACKUPS_KEEP_MIN, BACKUPS_KEEP_MAX = 1, 100


@dataclass
class Settings:
    """Every preference of the window, with its default."""

    version: int = SETTINGS_VERSION
    window_geometry: str = ""  # base64 of QWidget.saveGeometry()
    window_state: str = ""  # base64 of QMainWindow.saveState() (docks, toolbars)
    thumbnail_size: int = 180
    sort: str = "date"
    show_titles: bool = True
    recent_catalogs: list[str] = field(default_factory=list)
    last_import_folder: str = ""
    backups_keep: int = 10  # "Backups to keep": the newest N automatic and manual backups

    # -- loading and saving --------------------------------------------------------------
    @classmethod
    def file(cls) -> Path:
        return paths.data_dir() / "settings.json"

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """The saved preferences, or the defaults when there are none (or they are damaged)."""
        path = path or cls.file()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        return cls.from_dict(_upgrade(data))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        settings = cls()
        for spec in fields(cls):
            if spec.name in data:
                value = _coerce(data[spec.name], getattr(settings, spec.name))
                if value is not None:
                    setattr(settings, spec.name, value)
        settings.version = SETTINGS_VERSION
        settings.thumbnail_size = min(max(settings.thumbnail_size, THUMBNAIL_MIN),
                                      THUMBNAIL_MAX)
        settings.backups_keep = min(max(settings.backups_keep, BACKUPS_KEEP_MIN),
                                    BACKUPS_KEEP_MAX)
        if settings.sort not in SORT_CHOICES:
            settings.sort = "date"
        settings.recent_catalogs = [str(p) for p in settings.recent_catalogs][:MAX_RECENT]
        return settings

    def save(self, path: Path | None = None) -> None:
        """Write atomically; a failure to save preferences is not worth a crash."""
        path = path or self.file()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(asdict(self), fh, ensure_ascii=False, indent=2)
            os.replace(tmp, path)
        except OSError:
            pass

    # -- helpers -----------------------------------------------------------------------
    def remember_catalog(self, catalog: Path | str) -> None:
        """Put `catalog` first in the recent list."""
        text = str(Path(catalog).expanduser().absolute())
        self.recent_catalogs = ([text] + [p for p in self.recent_catalogs if p != text])[
            :MAX_RECENT]


def _coerce(value: Any, default: Any) -> Any:
    """`value` if it has the default's type, else None (keep the default)."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else None
    if isinstance(default, int):
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(default, str):
        return value if isinstance(value, str) else None
    if isinstance(default, list):
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else None
    return None


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Bring preferences saved by an older release up to `SETTINGS_VERSION`."""
    version = data.get("version", 1)
    for step in _UPGRADES[version - 1 if isinstance(version, int) and version > 0 else 0:]:
        data = step(data)
    return data


# One function per version step (index 0 upgrades version 1 to 2, and so on).
_UPGRADES: list = []
