"""Command line for write-back: `write-metadata`, `status` and `reread`.

`cli.py` merges what `add_parsers(sub)` returns into its `COMMANDS`; like the rest of the
CLI this module imports only services (and leaf modules). Exit status 1 means some photos
were not written (failed or skipped); usage errors are one line and exit 2 as everywhere.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

from photoarchive.cli_output import TerminalProgress, nothing_matches
from photoarchive.services.archive import Archive
from photoarchive.services.photos import query_ids
from photoarchive.services.tasks import CancelToken

Command = Callable[[Archive, argparse.Namespace], int]


def _json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _selected(archive: Archive, args: argparse.Namespace) -> tuple[str, list[int]]:
    query = " ".join(args.query)
    return query, query_ids(archive, query, sort="path")


def _nothing(query: str) -> int:
    print(nothing_matches(query))
    return 0


def _show(value: Any) -> str:
    if value in (None, "", []):
        return "(none)"
    if isinstance(value, list):
        return "; ".join(value)
    text = str(value).replace("\n", " / ")
    return repr(text) if isinstance(value, str) else text


def _summary(report: Any, mode: str, total: int, dry_run: bool) -> str:
    """The last line of `write-metadata`: how many photos got what, and how many did not.

    In embed mode a photo whose file cannot take metadata (read-only, HEIC) gets a sidecar
    instead; those are counted apart, not as written into the files.
    """
    counts = Counter(p.outcome for p in report.photos)
    done = [p for p in report.photos if p.outcome in ("written", "would write")]
    verb = "Would write" if dry_run else "Wrote"
    if mode == "sidecar":
        text = f"{verb} sidecars for {len(done)} of {total} photo(s)"
    else:
        fallback = sum(1 for p in done if p.mode == "sidecar")
        text = f"{verb} metadata into the files for {len(done) - fallback} of {total} photo(s)"
        if fallback:
            text += f", and sidecars instead for {fallback} (their files cannot be written)"
    text += f"; {counts['skipped']} skipped, {counts['failed']} failed."
    return text + (" Nothing was changed (--dry-run)." if dry_run else "")


def cmd_write_metadata(archive: Archive, args: argparse.Namespace) -> int:
    from photoarchive.services import writeback  # exiv2: only when needed

    query, ids = _selected(archive, args)
    if not ids:
        return _nothing(query)
    mode = "embed" if args.embed else "sidecar"
    cancel = CancelToken()
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.cancel())
    progress = TerminalProgress(sys.stderr) if sys.stderr.isatty() and not args.json else None
    try:
        report = writeback.write_metadata(archive, ids, mode, args.dry_run, force=args.force,
                                          progress=progress, cancel=cancel)
    finally:
        signal.signal(signal.SIGINT, previous)
    if args.json:
        _json(report.to_dict())
    else:
        for item in report.photos:
            if item.outcome == "would write":
                print(f"  {item.id:>6}  would write {', '.join(item.files)}")
            elif item.outcome != "written" or item.messages:
                print(f"  {item.id:>6}  {item.outcome}: {item.path}")
            for message in item.messages:
                print(f"          {message}")
        print(_summary(report, mode, len(ids), args.dry_run))
        if cancel.cancelled:
            print("Stopped early (Ctrl+C); run the same command again to finish.")
    if cancel.cancelled:
        return 130
    return 1 if report.count("failed") or report.count("skipped") else 0


def cmd_status(archive: Archive, args: argparse.Namespace) -> int:
    from photoarchive.services import writeback  # exiv2: only when needed

    query, ids = _selected(archive, args)
    if not ids:
        return _nothing(query)
    states = writeback.status(archive, ids)
    if args.json:
        _json([s.to_dict() for s in states])
        return 0
    for item in states:
        if item.state != writeback.IN_SYNC:
            detail = f"  ({item.detail})" if item.detail else ""
            print(f"  {item.id:>6}  {item.state:<13}  {item.path}{detail}")
    counts = Counter(s.state for s in states)
    print(", ".join(f"{counts[s]} {s}" for s in writeback.STATES if counts[s]) + ".")
    return 0


def cmd_reread(archive: Archive, args: argparse.Namespace) -> int:
    from photoarchive.services import writeback  # exiv2: only when needed

    query, ids = _selected(archive, args)
    if not ids:
        return _nothing(query)
    report = writeback.reread(archive, ids, dry_run=args.dry_run)
    if args.json:
        _json(report.to_dict())
        return 0
    for item in report.photos:
        if item.error:
            print(f"  {item.id:>6}  failed: {item.path}: {item.error}")
        if item.changes:
            print(f"Photo {item.id}: {item.path}")
            for change in item.changes:
                print(f"  {change.field}: {_show(change.catalog)} → {_show(change.file)}")
        for note in item.notes:
            print(f"  note: {item.path}: {note}")
    changes = sum(len(p.changes) for p in report.photos)
    photos = len(report.changed)
    if not changes:
        print(f"The catalog already holds what the files say ({len(report.photos)} photo(s)).")
    elif args.dry_run:
        print(f"{changes} difference(s) in {photos} photo(s); nothing applied (--dry-run).")
    else:
        print(f"Applied {changes} change(s) to {photos} photo(s) in one transaction.")
    return 1 if any(p.error for p in report.photos) else 0


def add_parsers(sub: argparse._SubParsersAction) -> dict[str, Command]:
    """Add `write-metadata`, `status` and `reread` to cli.py's subparsers; returns their
    handlers by command name (the same as `COMMANDS`)."""
    p = sub.add_parser("write-metadata",
                       help="write catalog fields to XMP sidecars (default) or into the files")
    p.add_argument("query", nargs="*", metavar="QUERY", help="photos to write (default: all)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--sidecar", action="store_true",
                       help="update each photo's sidecars (name.ext.xmp, Lightroom's "
                            "name.xmp), or write name.ext.xmp when it has none (the default)")
    where.add_argument("--embed", action="store_true",
                       help="write XMP, Exif and IPTC into the files (never re-encoding "
                            "pixels); formats that cannot be written get a sidecar")
    p.add_argument("--dry-run", action="store_true", help="show what would be written")
    p.add_argument("--force", action="store_true",
                   help="also write photos whose files changed outside photoarchive")
    p.add_argument("--json", action="store_true", help="print the report as JSON")

    p = sub.add_parser("status", help="which photos' files differ from the catalog")
    p.add_argument("query", nargs="*", metavar="QUERY", help="photos to check (default: all)")
    p.add_argument("--json", action="store_true", help="print every photo's state as JSON")

    p = sub.add_parser("reread", help="read fields from the files again (diff, then apply)")
    p.add_argument("query", nargs="*", metavar="QUERY", help="photos to re-read (default: all)")
    p.add_argument("--dry-run", action="store_true",
                   help="show the differences per field without applying them")
    p.add_argument("--json", action="store_true", help="print the differences as JSON")
    return dict(COMMANDS)


COMMANDS: dict[str, Command] = {
    "write-metadata": cmd_write_metadata, "status": cmd_status, "reread": cmd_reread,
}
