"""Metadata in and out of spreadsheets: CSV export, and CSV import with a preview.

Export writes one row per photo: `id`, `path`, then every field of METADATA.md by its
catalog name; lists are joined with "; ". A cell a spreadsheet would run as a formula
(starting with =, +, -, @, tab or carriage return) gets a leading apostrophe, which
import takes off again, so a round trip changes nothing.

Import is two steps so the window can show the diff first: `plan_import` reads the file,
matches each row to a photo (by `id`, else `identifier`, else `path`), validates every
value and lists per-field changes and per-row problems; `apply_plan` applies all changes
in one transaction through the editing service (edit log origin "csv"), or nothing at
all when any row has a problem. Dates a spreadsheet program seems to have rewritten
("April 1936" saved back as "04/01/1936", see csv_dates.py) are listed as warnings, and
`apply_plan` refuses the file while there are any unless told to accept them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from photoarchive.catalog.models import Photo
from photoarchive.errors import InvalidDate, NotFound, UsageError
from photoarchive.media.dates import parse_date
from photoarchive.services.archive import Archive
from photoarchive.services.csv_dates import HINT, reformatted_date
from photoarchive.services.editing import ChangeSet, Value, apply_values, parse_value
from photoarchive.services.fields import FIELD_NAMES, FIELDS_BY_NAME
from photoarchive.services.photos import PhotoRecord, get_photos, query_ids

COLUMNS: tuple[str, ...] = ("id", "path", *FIELD_NAMES)
LIST_SEPARATOR = "; "
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NUMBER = re.compile(r"-?\d+(\.\d+)?", re.ASCII)  # what a spreadsheet reads as a number


class CsvRejected(UsageError):
    """A CSV file with problems: nothing was applied. `plan` has the per-row report."""

    def __init__(self, message: str, plan: ImportPlan) -> None:
        super().__init__(message)
        self.plan = plan


# -- export ----------------------------------------------------------------------------------
def neutralise(cell: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would evaluate (plain numbers stay)."""
    if _FORMULA.match(cell) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """Undo `neutralise`: one leading apostrophe before a formula character goes."""
    if cell.startswith("'") and _FORMULA.match(cell[1:]):
        return cell[1:]
    return cell


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return str(value)


def row_of(record: PhotoRecord) -> list[str]:
    """One photo as CSV cells in COLUMNS order, neutralised."""
    data = record.to_dict()
    return [neutralise(_cell(data.get(name))) for name in COLUMNS]


def export_csv(archive: Archive, out: Path | str, query: str = "", bom: bool = False,
               photo_ids: list[int] | None = None) -> int:
    """Write the photos matching `query` (or `photo_ids`) to `out`; returns the row count."""
    ids = photo_ids if photo_ids is not None else query_ids(archive, query, sort="path")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    count = 0
    for start in range(0, len(ids), 500):
        for record in get_photos(archive, ids[start:start + 500]):
            writer.writerow(row_of(record))
            count += 1
    data = buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")
    try:
        Path(out).write_bytes(data)
    except OSError as exc:
        raise UsageError(f"Cannot write {out}: {exc.strerror or exc}.") from exc
    return count


# -- import: the plan --------------------------------------------------------------------------
@dataclass
class FieldChange:
    """One field of one photo that the file changes."""

    row: int
    photo_id: int
    field: str
    old: Value
    new: Value

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "id": self.photo_id, "field": self.field, "old": self.old,
                "new": self.new}


@dataclass
class RowProblem:
    """Something wrong in one row (row 1 is the header, as a spreadsheet numbers them)."""

    row: int
    message: str
    column: str | None = None

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportPlan:
    """What importing a CSV file would do, and what stops it."""

    path: str
    rows: int = 0
    matched: int = 0
    changes: list[FieldChange] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    #: The warnings about dates a spreadsheet seems to have rewritten (also in `warnings`).
    reformatted_dates: list[RowProblem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def values(self) -> dict[int, dict[str, Value]]:
        """The changes as apply_values takes them: {photo id: {field: new value}}."""
        out: dict[int, dict[str, Value]] = {}
        for change in self.changes:
            out.setdefault(change.photo_id, {})[change.field] = change.new
        return out

    def old_values(self) -> dict[int, dict[str, Value]]:
        """The values the changes replace: what an undo restores."""
        out: dict[int, dict[str, Value]] = {}
        for change in self.changes:
            out.setdefault(change.photo_id, {})[change.field] = change.old
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "rows": self.rows, "matched": self.matched,
                "photos_changed": len({c.photo_id for c in self.changes}),
                "changes": [c.to_dict() for c in self.changes],
                "errors": [e.to_dict() for e in self.errors],
                "warnings": [w.to_dict() for w in self.warnings],
                "reformatted_dates": [w.to_dict() for w in self.reformatted_dates],
                "unknown_columns": self.unknown_columns, "applied": self.applied}


def _read_text(path: Path, plan: ImportPlan) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        plan.warnings.append(RowProblem(0, "the file is not UTF-8; read it as Windows-1252"))
        return raw.decode("cp1252", errors="replace")


def _dialect(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


class _Matcher:
    """Finds the photo a row is about: by id, else identifier, else path."""

    def __init__(self, archive: Archive) -> None:
        self.ids: set[int] = set()
        self.by_identifier: dict[str, list[int]] = {}
        self.by_path: dict[str, int] = {}
        with archive.reader() as session:  # three light columns, even for 100,000 photos
            for pid, identifier, path in session.execute(
                    select(Photo.id, Photo.identifier, Photo.path)):
                self.ids.add(pid)
                if identifier:
                    self.by_identifier.setdefault(identifier.casefold(), []).append(pid)
                self.by_path[path] = pid

    def match(self, cells: dict[str, str]) -> int:
        """The id of the photo of a row, or a UsageError saying why there is none."""
        if cells.get("id", "").strip():
            raw = cells["id"].strip()
            # isdecimal, what int() reads: "¹".isdigit() is true, and int("¹") raises.
            if not raw.isdecimal() or int(raw) not in self.ids:
                raise NotFound(f"there is no photo with id '{raw}'")
            return int(raw)
        identifier = cells.get("identifier", "").strip()
        if identifier:
            found = self.by_identifier.get(identifier.casefold(), [])
            if len(found) > 1:
                raise UsageError(f"{len(found)} photos have the identifier '{identifier}'; "
                                 "add an id column")
            if found:
                return found[0]
        path = cells.get("path", "").strip()
        if path:
            found_path = self.by_path.get(path) or self.by_path.get(
                str(Path(path).expanduser().absolute()))
            if found_path:
                return found_path
        if identifier or path:
            raise NotFound("no photo has this " + ("identifier" if identifier else "path"))
        raise UsageError("the row has no id, identifier or path to match a photo")


def _comparable(name: str, value: Value) -> Value:
    """A parsed value in the form the catalog stores (dates as EDTF, '' as None)."""
    if name == "date" and value:
        return parse_date(str(value)).edtf
    if value == "" or value == []:
        return [] if name in ("keywords", "people") else None
    return value


def _same(name: str, old: Value, new: Value) -> bool:
    if isinstance(old, list) and isinstance(new, list):  # the catalog keeps no list order
        return sorted(v.casefold() for v in old) == sorted(v.casefold() for v in new)
    return old == new


def _parse_cell(name: str, raw: str) -> Value:
    if FIELDS_BY_NAME[name].kind == "list":
        return parse_value(name, raw.split(";"))  # never split on commas: "Smith, John"
    return parse_value(name, raw)


def _names_another_date(display: Value, edtf: Value) -> bool:
    """True when a date_display text is itself a date other than `edtf` (a stale cell)."""
    if not display:
        return False
    try:
        return parse_date(str(display)).edtf != edtf
    except InvalidDate:
        return False  # free text such as "late autumn 1956": the curator's own wording


def _plan_row(plan: ImportPlan, number: int, cells: dict[str, str], record: PhotoRecord,
              columns: list[str]) -> list[FieldChange]:
    current = record.to_dict()
    changes: dict[str, FieldChange] = {}
    bad = False
    for name in columns:
        try:
            new = _comparable(name, _parse_cell(name, cells.get(name, "")))
        except (UsageError, InvalidDate) as exc:
            reason = reformatted_date(name, cells.get(name, ""), current.get("date"))
            plan.errors.append(RowProblem(number, f"{reason}; {HINT}" if reason and name
                                          == "date" else str(exc), name))
            bad = True
            continue
        old = _comparable(name, current.get(name))
        if not _same(name, old, new):
            changes[name] = FieldChange(number, record.id, name, old, new)
    if bad:
        return []
    date = changes["date"].new if "date" in changes else current.get("date")
    shown = changes.get("date_display")
    if shown is not None and _names_another_date(shown.new, date):
        del changes["date_display"]
        plan.warnings.append(RowProblem(number, f"'{shown.new}' names another date than "
                                        f"the date column; the date as shown follows the date",
                                        "date_display"))
    for name in ("date", "date_display"):
        reason = name in changes and name in cells and reformatted_date(
            name, cells[name], current.get("date"))
        if reason:
            problem = RowProblem(number, reason, name)
            plan.warnings.append(problem)
            plan.reformatted_dates.append(problem)
    if "date" in changes and "date_display" not in changes:
        # The display text follows the new date; show that in the diff too.
        display = parse_date(str(date)).display if date else None
        if display != current.get("date_display"):
            changes["date_display"] = FieldChange(number, record.id, "date_display",
                                                  current.get("date_display"), display)
    return list(changes.values())


def plan_import(archive: Archive, path: Path | str) -> ImportPlan:
    """Read a CSV file and work out, without changing anything, what importing it does."""
    path = Path(path)
    plan = ImportPlan(path=str(path))
    text = _read_text(path, plan)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise UsageError(f"{path.name} is empty: expected a header row.") from None
    if not {"id", "identifier", "path"} & set(header):
        raise UsageError(f"{path.name} has no id, identifier or path column to match photos "
                         f"by (its columns: {', '.join(h for h in header if h) or 'none'}).")
    known = set(COLUMNS)
    plan.unknown_columns = [h for h in header if h and h not in known]
    if plan.unknown_columns:
        plan.warnings.append(RowProblem(1, "ignored unknown column(s): "
                                        + ", ".join(plan.unknown_columns)))
    columns = [h for h in dict.fromkeys(header) if h in FIELDS_BY_NAME]
    matcher = _Matcher(archive)
    matched: list[tuple[int, dict[str, str], int]] = []
    seen: dict[int, int] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        plan.rows += 1
        if len(row) > len(header):
            plan.errors.append(RowProblem(number, f"{len(row)} cells but only {len(header)} "
                                          "columns (a missing quote?)"))
            continue
        cells = {h: restore(c) for h, c in zip(header, row, strict=False) if h}
        try:
            photo_id = matcher.match(cells)
        except UsageError as exc:
            plan.errors.append(RowProblem(number, str(exc)))
            continue
        if photo_id in seen:
            plan.errors.append(RowProblem(number, f"photo {photo_id} is also in row "
                                          f"{seen[photo_id]}"))
            continue
        seen[photo_id] = number
        matched.append((number, cells, photo_id))
    plan.matched = len(matched)
    records: dict[int, PhotoRecord] = {}
    for start in range(0, len(matched), 500):
        chunk = [pid for _, _, pid in matched[start:start + 500]]
        records.update((r.id, r) for r in get_photos(archive, chunk))
    for number, cells, photo_id in matched:
        plan.changes.extend(_plan_row(plan, number, cells, records[photo_id],
                                      [c for c in columns if c in cells]))
    plan.errors.sort(key=lambda p: p.row)
    plan.warnings.sort(key=lambda p: p.row)
    return plan


# -- import: applying ----------------------------------------------------------------------------
def summary(plan: ImportPlan) -> str:
    """One line on what the plan does or why it was refused."""
    photos = len({c.photo_id for c in plan.changes})
    if plan.errors:
        first = plan.errors[0]
        more = f" (and {len(plan.errors) - 1} more)" if len(plan.errors) > 1 else ""
        return (f"{Path(plan.path).name} was not applied: {len(plan.errors)} problem(s), "
                f"first {first}{more}. Nothing was changed.")
    if not plan.changes:
        return f"Nothing to change: {plan.matched} row(s) match the catalog already."
    verb = "Changed" if plan.applied else "Would change"
    return f"{verb} {len(plan.changes)} field(s) on {photos} photo(s) from {plan.rows} row(s)."


def dates_refusal(plan: ImportPlan, accept: str = "--accept-dates") -> str:
    """Why a plan with dates a spreadsheet rewrote is not applied, and the way out."""
    rows = sorted({p.row for p in plan.reformatted_dates})
    named = ", ".join(map(str, rows[:5])) + (f" and {len(rows) - 5} more" if rows[5:] else "")
    return (f"{Path(plan.path).name} was not applied: {len(rows)} row(s) have dates a "
            f"spreadsheet program seems to have reformatted (row{'s' if rows[1:] else ''} "
            f"{named}). Nothing was changed. Correct them ({HINT}), or use {accept} to "
            "import them as they are.")


def apply_plan(archive: Archive, plan: ImportPlan, accept_dates: bool = False) -> ChangeSet:
    """Apply every change of `plan` in one transaction, or raise CsvRejected and change
    nothing when any row has a problem, or has a date a spreadsheet seems to have
    rewritten (unless `accept_dates`)."""
    if plan.errors:
        raise CsvRejected(summary(plan), plan)
    if plan.reformatted_dates and not accept_dates:
        raise CsvRejected(dates_refusal(plan), plan)
    if not plan.changes:
        return ChangeSet()
    changes = apply_values(archive, plan.values(), origin="csv")
    plan.applied = True
    return changes


def import_csv(archive: Archive, path: Path | str, dry_run: bool = False,
               accept_dates: bool = False) -> ImportPlan:
    """Plan, and unless `dry_run`, apply a CSV file (all or nothing)."""
    plan = plan_import(archive, path)
    if not dry_run:
        apply_plan(archive, plan, accept_dates)
    return plan
