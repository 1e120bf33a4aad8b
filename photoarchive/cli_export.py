"""Command line for publishing and exchange: `export gallery|csv|dublin-core`, `import-csv`.

`cli.py` calls `add_parsers(sub)` and merges `COMMANDS`; like the rest of the CLI this
module imports only services (and leaf modules), each command its own when it runs.
"""

from __future__ import annotations

import argparse
import json
import shlex
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photoarchive.cli_output import TerminalProgress
from photoarchive.errors import UsageError
from photoarchive.services.archive import Archive
from photoarchive.services.tasks import CancelToken

if TYPE_CHECKING:
    from photoarchive.services.gallery_settings import GallerySettings


def _json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _read_intro(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"Cannot read the introduction {path}: "
                         f"{getattr(exc, 'strerror', None) or exc}.") from exc


def _gallery_settings(archive: Archive, args: argparse.Namespace, title: str,
                      intro: str) -> tuple[GallerySettings, str]:
    """The export's settings: the options given, else those remembered (a collection's last
    export, or the gallery already in OUT_DIR), else the defaults; and where they came from
    ("remembered", "folder" or "defaults")."""
    from photoarchive.services.export_gallery import folder_start
    from photoarchive.services.gallery_settings import (
        GallerySettings,
        GalleryStart,
        gallery_start,
    )

    if args.collection:
        start = gallery_start(archive, args.collection)
        origin = "remembered" if start.remembered else "defaults"
    else:
        found = folder_start(args.out_dir)
        start = found or GalleryStart(GallerySettings(title=title, intro=intro))
        origin = "folder" if found else "defaults"
    base = start.settings
    image_size = args.image_size if args.image_size is not None else base.image_size
    thumb_size = args.thumb_size if args.thumb_size is not None else min(base.thumb_size,
                                                                         image_size)
    settings = GallerySettings(
        title=args.title if args.title is not None else base.title,
        intro=_read_intro(args.intro) if args.intro is not None else base.intro,
        theme=args.theme if args.theme is not None else base.theme,
        image_size=image_size, thumb_size=thumb_size)
    return settings, origin


def _list_command(args: argparse.Namespace) -> str:
    """`photoarchive list`, with the --catalog this command was given."""
    where = f" --catalog {shlex.quote(str(args.catalog))}" if args.catalog is not None else ""
    return f"photoarchive{where} list"


def cmd_export_gallery(archive: Archive, args: argparse.Namespace) -> int:
    from photoarchive.services.export_gallery import export_gallery, select_photos

    query = " ".join(args.query)
    ids, title, intro = select_photos(archive, args.collection, query)
    if not ids:
        raise UsageError("Nothing to publish: " + (f"the collection '{args.collection}' is "
                                                    "empty." if args.collection else
                                                    "no photos match the query."))
    settings, origin = _gallery_settings(archive, args, title, intro)
    cancel = CancelToken()
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.cancel())
    progress = TerminalProgress(sys.stderr) if sys.stderr.isatty() and not args.json else None
    try:
        report = export_gallery(archive, ids, args.out_dir, settings,
                                collection=args.collection, query=query or None,
                                workers=args.workers, progress=progress, cancel=cancel)
    finally:
        signal.signal(signal.SIGINT, previous)
    if args.json:
        _json({**report.to_dict(), "settings_from": origin, "title": settings.title})
    else:
        kept = f", {len(report.kept)} kept as last published," if report.kept else ""
        print(f"Exported {report.photos - len(report.failed) - len(report.kept)} photo(s) to "
              f"{Path(report.out_dir) / 'index.html'}{kept} in {report.seconds:.1f} s: "
              f"{report.images_made} image(s) made, {report.images_retagged} re-captioned, "
              f"{report.images_kept} unchanged; {len(report.pages_written)} page(s) written, "
              f"{report.pages_kept} unchanged.")
        if origin != "defaults" and (args.title is None or args.intro is None):
            where = ("the collection's last export" if origin == "remembered"
                     else "the gallery already in that folder")
            print(f"Title “{settings.title}” and introduction as in {where}; "
                  "--title and --intro change them.")
        for line in report.gaps.lines(_list_command(args)) if report.gaps else []:
            print(f"  {line}")
        for photo_id, error in report.kept:
            print(f"  kept as last published: photo {photo_id}: {error} (its page stays, with "
                  "the image of the last export)")
        for photo_id, error in report.failed:
            print(f"  left out: photo {photo_id}: {error}")
        if report.cancelled:
            print("Stopped early (Ctrl+C); run the same export again to finish it.")
    if report.cancelled:
        return 130
    return 1 if report.failed or report.kept else 0


def cmd_export_csv(archive: Archive, args: argparse.Namespace) -> int:
    from photoarchive.services.export_csv import export_csv as write_csv

    count = write_csv(archive, args.out, " ".join(args.query), bom=args.bom)
    print(f"Wrote {count} photo(s) to {args.out}.")
    return 0


def cmd_export_dc(archive: Archive, args: argparse.Namespace) -> int:
    from photoarchive.services.export_dc import export_dublin_core

    count = export_dublin_core(archive, args.out, " ".join(args.query))
    print(f"Wrote {count} photo(s) as Dublin Core JSON-LD to {args.out}.")
    return 0


def _short(value: Any) -> str:
    if value is None or value == []:
        return "–"
    text = "; ".join(value) if isinstance(value, list) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"


def cmd_import_csv(archive: Archive, args: argparse.Namespace) -> int:
    from photoarchive.services.export_csv import CsvRejected, apply_plan, plan_import, summary

    plan = plan_import(archive, args.csv)
    try:
        if not args.dry_run:
            apply_plan(archive, plan, accept_dates=args.accept_dates)
    finally:
        if args.json:
            _json(plan.to_dict())
        else:
            for problem in plan.warnings:
                print(f"  warning: {problem}", file=sys.stderr)
            for problem in plan.errors:
                print(f"  {problem}", file=sys.stderr)
            if args.dry_run or plan.applied:
                for c in plan.changes:
                    print(f"  row {c.row}, photo {c.photo_id}, {c.field}: "
                          f"{_short(c.old)} → {_short(c.new)}")
    if plan.errors:  # a dry run of a file that would be refused says so, like applying it
        raise CsvRejected(summary(plan), plan)
    if not args.json:
        print(summary(plan) + (" (dry run: nothing was changed)" if args.dry_run
                               and plan.changes else ""))
        if args.dry_run and plan.reformatted_dates and not args.accept_dates:
            rows = len({p.row for p in plan.reformatted_dates})
            print(f"{rows} row(s) have dates a spreadsheet program seems to have "
                  "reformatted (the warnings above): importing refuses the file unless "
                  "--accept-dates is given.")
    return 0


def cmd_export(archive: Archive, args: argparse.Namespace) -> int:
    handlers = {"gallery": cmd_export_gallery, "csv": cmd_export_csv,
                "dublin-core": cmd_export_dc}
    return handlers[args.format](archive, args)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add `export` and `import-csv` to the top-level subparsers of cli.py."""
    p = sub.add_parser("export", help="publish a gallery, or export CSV or Dublin Core")
    esub = p.add_subparsers(dest="format", metavar="FORMAT", required=True,
                            parser_class=type(p))
    g = esub.add_parser("gallery", help="a static web gallery (works from disk, no network)")
    g.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    g.add_argument("query", nargs="*", metavar="QUERY",
                   help="photos to publish (by date), unless --collection is given")
    g.add_argument("--collection", metavar="NAME", help="publish a collection in its order")
    g.add_argument("--title", metavar="T",
                   help="the gallery's title (default: as in the collection's last export, "
                        "else its name)")
    g.add_argument("--intro", type=Path, metavar="FILE.md",
                   help="introduction in Markdown (default: as in the collection's last "
                        "export, else its description)")
    g.add_argument("--theme", metavar="NAME|PATH",
                   help="a theme folder whose templates override the default theme's "
                        "(default: as in the last export)")
    g.add_argument("--image-size", type=int, default=None, metavar="PX",
                   help="long edge of the large images (default: as in the last export, "
                        "else 1600)")
    g.add_argument("--thumb-size", type=int, default=None, metavar="PX",
                   help="long edge of the thumbnails (default: as in the last export, "
                        "else 400)")
    g.add_argument("--workers", type=int, default=None, help="worker processes (default: cores)")
    g.add_argument("--json", action="store_true", help="print the report as JSON")

    c = esub.add_parser("csv", help="one row per photo, a column per field")
    c.add_argument("out", type=Path, metavar="OUT.csv")
    c.add_argument("query", nargs="*", metavar="QUERY", help="photos to export (default: all)")
    c.add_argument("--bom", action="store_true",
                   help="start with a byte order mark (for spreadsheet programs)")

    d = esub.add_parser("dublin-core", help="JSON-LD with Dublin Core terms")
    d.add_argument("out", type=Path, metavar="OUT.json")
    d.add_argument("query", nargs="*", metavar="QUERY", help="photos to export (default: all)")

    i = sub.add_parser("import-csv", help="update fields from a CSV file (all or nothing)")
    i.add_argument("csv", type=Path, metavar="IN.csv")
    i.add_argument("--dry-run", action="store_true",
                   help="show the changes per field without applying them")
    i.add_argument("--accept-dates", action="store_true",
                   help="import dates that look reformatted by a spreadsheet program "
                        "(04/01/1936, Apr-36) as they are instead of refusing the file")
    i.add_argument("--json", action="store_true", help="print the plan as JSON")


COMMANDS: dict[str, Callable[[Archive, argparse.Namespace], int]] = {
    "export": cmd_export, "import-csv": cmd_import_csv,
}
