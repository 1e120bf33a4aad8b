"""The command line: every service without a display. `photoarchive --help` lists commands.

Errors the user can fix are one line on stderr and exit status 2; `--json` output is for
scripts and stays stable. This module imports only `services` (and leaf modules); the
services that need Pillow, exiv2 or Jinja2 are imported by the commands that use them, so
`list`, `edit` and the like start in a fraction of a second.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from photoarchive import __version__, cli_export, cli_writeback
from photoarchive.cli_output import (
    TerminalProgress,
    format_history,
    format_photo,
    format_table,
    nothing_matches,
)
from photoarchive.errors import CatalogDamaged, PhotoarchiveError, UsageError
from photoarchive.paths import default_catalog_path
from photoarchive.services import backup, catalog_summary, collections, photos
from photoarchive.services.archive import Archive, catalog_exists, open_archive
from photoarchive.services.editing import EditRequest, apply_edits, parse_assignment
from photoarchive.services.fields import FIELDS
from photoarchive.services.history import photo_history
from photoarchive.services.tasks import CancelToken

EXIT_USAGE = 2
#: Skipped files listed by `import` (all are in `--json`).
SKIPPED_SHOWN = 20
#: Commands that may create a catalog that does not exist yet.
CREATING_COMMANDS = ("import", "restore")
#: A stray `edit` argument that looks like FIELD=VALUE (a forgotten --set).
_ASSIGNMENT = re.compile(r"[A-Za-z_]+=")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (the full usage is one `--help` away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _ids(values: Sequence[str]) -> list[int]:
    out = []
    for value in values:
        try:
            out.append(int(value))
        except ValueError:
            raise UsageError(f"'{value}' is not a photo id (ids are whole numbers).") from None
    return out


# -- commands ---------------------------------------------------------------------------------
def cmd_import(archive: Archive, args: argparse.Namespace) -> int:
    from photoarchive.services.importer import Importer  # Pillow, exiv2: only when needed

    cancel = CancelToken()
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.cancel())
    progress = TerminalProgress(sys.stderr) if sys.stderr.isatty() and not args.json else None
    try:
        report = Importer(archive, workers=args.workers, progress=progress,
                          cancel=cancel).run(args.paths)
    finally:
        signal.signal(signal.SIGINT, previous)
    if args.json:
        _json(report.to_dict())
    else:
        print(f"Imported in {report.seconds:.1f} s: {report.added} added, {report.updated} "
              f"updated, {report.relinked} relinked, {report.unchanged} unchanged, "
              f"{len(report.failed)} failed, {len(report.skipped)} skipped.")
        for path, error in report.failed:
            print(f"  failed: {path}: {error}")
        for path, reason in report.skipped[:SKIPPED_SHOWN]:
            print(f"  skipped: {path}: {reason}")
        if len(report.skipped) > SKIPPED_SHOWN:
            print(f"  … and {len(report.skipped) - SKIPPED_SHOWN} more skipped (see --json)")
        for path, note in report.notes[:SKIPPED_SHOWN]:
            print(f"  note: {path}: {note}")
        if len(report.notes) > SKIPPED_SHOWN:
            print(f"  … and {len(report.notes) - SKIPPED_SHOWN} more notes (see --json)")
        if report.cancelled:
            print("Stopped early (Ctrl+C); run the same import again to finish it.")
    return 130 if report.cancelled else 0


def cmd_list(archive: Archive, args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    records = photos.list_photos(archive, query, sort=args.sort, limit=args.limit)
    if args.json:
        _json([r.to_dict() for r in records])
    elif records:
        print(format_table(records))
    else:
        print(nothing_matches(query))
    return 0


def cmd_show(archive: Archive, args: argparse.Namespace) -> int:
    record = photos.get_photo(archive, _ids([args.id])[0])
    if args.json:
        _json(record.to_dict())
    else:
        print(format_photo(record))
    return 0


def cmd_history(archive: Archive, args: argparse.Namespace) -> int:
    photo_id = _ids([args.id])[0]
    changes = photo_history(archive, photo_id)
    if args.json:
        _json([c.to_dict() for c in changes])
    else:
        print(format_history(photo_id, changes))
    return 0


def cmd_edit(archive: Archive, args: argparse.Namespace) -> int:
    stray = next((a for a in args.ids if _ASSIGNMENT.match(a)), None)
    values = dict(parse_assignment(a) for a in args.set or [])
    request = EditRequest(set_values=values, add_keywords=args.add_keyword or [],
                          remove_keywords=args.remove_keyword or [],
                          add_people=args.add_person or [],
                          remove_people=args.remove_person or [])
    if stray is not None:
        hint = f"did you mean --set {shlex.quote(stray)}?"
        raise UsageError(f"'{stray}' is not a photo id; {hint}" if values or request.add_keywords
                         or request.remove_keywords or request.add_people
                         or request.remove_people else f"Nothing to change: {hint}")
    if not (values or request.add_keywords or request.remove_keywords or request.add_people
            or request.remove_people):
        raise UsageError("Nothing to change: use --set FIELD=VALUE or a keyword/person option.")
    changes = apply_edits(archive, _ids(args.ids), request, origin="cli")
    if args.json:
        _json({"photo_ids": sorted(changes.photo_ids), "fields": sorted(changes.fields)})
    elif changes:
        print(f"Changed {', '.join(sorted(changes.fields))} on "
              f"{len(changes.photo_ids)} photo(s).")
    else:
        print("Nothing changed (the values were already set).")
    return 0


def cmd_collection(archive: Archive, args: argparse.Namespace) -> int:
    action = args.action
    if action == "list":
        items = collections.list_collections(archive)
        if args.json:
            _json([c.to_dict() for c in items])
        else:
            for c in items:
                print(f"{c.name}  ({c.count} photos)" + (f" — {c.description}"
                                                         if c.description else ""))
            if not items:
                print("No collections yet: 'photoarchive collection create NAME'.")
        return 0
    if action == "delete":
        collections.delete(archive, args.name)
        print(f"Deleted the collection '{args.name}' (its photos stay in the catalog).")
        return 0
    handlers: dict[str, Callable[[], collections.CollectionInfo]] = {
        "create": lambda: collections.create(archive, args.name, args.description),
        "rename": lambda: collections.rename(archive, args.name, args.new_name),
        "describe": lambda: collections.describe(archive, args.name, args.description),
        "add": lambda: collections.add(archive, args.name, _ids(args.ids)),
        "remove": lambda: collections.remove(archive, args.name, _ids(args.ids)),
        "move": lambda: collections.move(archive, args.name, _ids([args.id])[0], args.position),
        "show": lambda: collections.show(archive, args.name),
    }
    info = handlers[action]()
    if getattr(args, "json", False):
        data = info.to_dict()
        if action == "show":
            data["photos"] = [r.to_dict() for r in photos.get_photos(archive, info.photo_ids)]
        _json(data)
    elif action == "show":
        print(f"{info.name} ({info.count} photos)")
        if info.description:
            print(info.description)
        records = photos.get_photos(archive, info.photo_ids)
        if records:
            print(format_table(records, numbered=True))
    elif action == "move":
        photo_id = _ids([args.id])[0]
        position = info.photo_ids.index(photo_id) + 1 if photo_id in info.photo_ids else None
        where = (f"at position {position} of {info.count}" if position == args.position
                 else f"last, at position {position} (there is no position {args.position})")
        print(f"{info.name}: photo {photo_id} is now {where}.")
    else:
        print(f"{info.name}: {info.count} photo(s).")
    return 0


def cmd_remove(archive: Archive, args: argparse.Namespace) -> int:
    from photoarchive.services.removal import remove_photos

    ids = list(dict.fromkeys(_ids(args.ids)))
    known = {r.id for r in photos.get_photos(archive, ids)}
    unknown = [i for i in ids if i not in known]
    if unknown:  # before the backup: a typo changes nothing
        raise UsageError(f"There is no photo with id {', '.join(map(str, unknown[:10]))}; "
                         "nothing was removed.")
    # The window can undo a removal; here the way back is this backup.
    safety = backup.backup_now(archive, reason="before_remove")
    removed = remove_photos(archive, ids, origin="cli")
    if args.json:
        _json({**removed.to_dict(), "backup": str(safety)})
        return 0
    for photo_id in removed.ids:
        print(f"  {photo_id:>6}  {removed.paths.get(photo_id, '')}")
    print(f"Removed {len(removed.ids)} photo(s) from the catalog; their files are untouched. "
          f"The catalog as it was is backed up in {safety} ('photoarchive restore' puts it "
          "back).")
    return 0


def cmd_check(archive: Archive, args: argparse.Namespace) -> int:
    from photoarchive.services.check import check

    report = check(archive)
    if args.json:
        _json(report.to_dict())
    else:
        print(f"Checked {report.photos} photos in {archive.path}.")
        for problem in report.integrity:
            print(f"  catalog damaged: {problem}")
        if report.index_out_of_step:
            print("  the search index is out of step with the catalog")
        for photo_id, path in report.missing_files:
            print(f"  missing file: photo {photo_id}: {path}")
        for photo_id, path in report.missing_thumbnails:
            print(f"  missing thumbnail: photo {photo_id}: {path}")
        for path in report.removed_leftovers:
            print(f"  removed {path} (a temporary file left by an interrupted write)")
        for path in report.earlier_leftovers:
            print(f"  not removed: {path} looks like a temporary file an earlier version left "
                  "(delete it if you did not make it)")
        print("No problems found." if report.ok else
              f"{len(report.integrity)} catalog problem(s), {len(report.missing_files)} missing "
              f"file(s), {len(report.missing_thumbnails)} missing thumbnail(s).")
    return 0 if report.ok else 1


def cmd_backup(archive: Archive, args: argparse.Namespace) -> int:
    keep = backup.DEFAULT_KEEP if args.keep is None else args.keep
    target = backup.backup_now(archive, args.dest, keep=keep)
    if args.json:
        _json({"path": str(target)})
    else:
        print(f"Backed up {archive.path} to {target} (verified).")
    return 0


def cmd_backups(archive: Archive, args: argparse.Namespace) -> int:
    found = backup.list_backups(archive.path)
    if args.json:
        _json([b.to_dict() for b in found])
    for b in found if not args.json else []:
        print(f"{b.created:%Y-%m-%d %H:%M:%S}  {b.reason:<22} {b.size / 1e6:7.1f} MB  {b.path}")
    if not found and not args.json:
        print(f"No backups yet for {archive.path}.")
    return 0


def cmd_restore(catalog_path: Path, args: argparse.Namespace) -> int:
    safety = backup.restore(catalog_path, args.backup)
    print(f"Restored {catalog_path} from {args.backup}. The file it replaced is kept as "
          f"{safety}.")
    return 0


def cmd_relink(archive: Archive, args: argparse.Namespace) -> int:
    from photoarchive.services.relink import relink

    report = relink(archive, args.folder, dry_run=args.dry_run)
    if args.json:
        _json(report.to_dict())
        return 0
    verb = "Would relink" if args.dry_run else "Relinked"
    for photo_id, old, new in report.relinked:
        print(f"  photo {photo_id}: {old} → {new}")
    print(f"{verb} {len(report.relinked)} photo(s); {len(report.still_missing)} still missing.")
    return 0


def cmd_summary(archive: Archive, parser: argparse.ArgumentParser) -> int:
    print(catalog_summary(archive))
    print()
    parser.print_help()
    return 0


# -- parser -----------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="photoarchive",
                     description="A photo archive for historic photographs: import, caption, "
                                 "search and publish.",
                     epilog="Fields: " + ", ".join(f.name for f in FIELDS))
    parser.add_argument("--catalog", type=Path, metavar="PATH",
                        help="catalog file (default: $PHOTOARCHIVE_CATALOG or the user data "
                             "folder's catalog.sqlite)")
    parser.add_argument("--version", action="version", version=f"photoarchive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    # Listed for --help only: photoarchive.launcher opens the window before this parser runs.
    sub.add_parser("gui", help="open the window (the default with no command; 'gui --help')")

    p = sub.add_parser("import", help="import files and folders (recursively)")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: cores)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")

    for name, helptext in (("list", "list photos, optionally matching a query"),
                           ("search", "same as list: photos matching a query")):
        p = sub.add_parser(name, help=helptext)
        # "*" for search too: words after options are added later (see `_parse`).
        p.add_argument("query", nargs="*", metavar="QUERY")
        p.add_argument("--sort", choices=photos.SORT_KEYS, default="date")
        p.add_argument("--limit", type=int, default=None)
        p.add_argument("--json", action="store_true")

    p = sub.add_parser("show", help="show one photo")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("history", help="every change to one photo, newest first")
    p.add_argument("id")
    p.add_argument("--json", action="store_true", help="complete values, times in UTC")

    p = sub.add_parser("edit", help="change fields of one or more photos (one transaction)")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--set", nargs="+", action="extend", metavar="FIELD=VALUE")
    p.add_argument("--add-keyword", action="append", metavar="K")
    p.add_argument("--remove-keyword", action="append", metavar="K")
    p.add_argument("--add-person", action="append", metavar="P")
    p.add_argument("--remove-person", action="append", metavar="P")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("collection", help="create and arrange collections")
    csub = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    c = csub.add_parser("create", help="a new collection")
    c.add_argument("name")
    c.add_argument("--description")
    c = csub.add_parser("rename", help="rename a collection")
    c.add_argument("name")
    c.add_argument("new_name")
    c = csub.add_parser("describe", help="set a collection's description")
    c.add_argument("name")
    c.add_argument("description")
    csub.add_parser("delete", help="delete a collection (not its photos)").add_argument("name")
    for action in ("add", "remove"):
        c = csub.add_parser(action, help=f"{action} photos")
        c.add_argument("name")
        c.add_argument("ids", nargs="+", metavar="ID")
    c = csub.add_parser("move", help="move a photo to a position (1 is first)")
    c.add_argument("name")
    c.add_argument("id")
    c.add_argument("position", type=int)
    csub.add_parser("list", help="all collections").add_argument("--json", action="store_true")
    c = csub.add_parser("show", help="a collection's photos in order")
    c.add_argument("name")
    c.add_argument("--json", action="store_true")

    p = sub.add_parser("remove", help="take photos out of the catalog (their files untouched; "
                                      "a backup first)")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("check", help="check the catalog, files and thumbnails (exit 1: problems)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("relink", help="find missing photos again under FOLDER (by content)")
    p.add_argument("folder", type=Path)
    p.add_argument("--dry-run", action="store_true", help="show what would change")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("backup", help="back the catalog up now (verified)")
    p.add_argument("dest", nargs="?", metavar="DEST",
                   help="a folder (a dated backup is written inside it) or a file ending in "
                        ".sqlite (default: the backup folder)")
    p.add_argument("--keep", type=_at_least_one, default=None, metavar="N",
                   help=f"backups of this catalog to keep in the folder (default: "
                        f"{backup.DEFAULT_KEEP})")
    p.add_argument("--json", action="store_true")
    sub.add_parser("backups", help="list the catalog's backups").add_argument(
        "--json", action="store_true")
    p = sub.add_parser("restore", help="replace the catalog with a backup (the current file "
                                       "is kept first)")
    p.add_argument("backup", type=Path)
    cli_export.add_parsers(sub)
    COMMANDS.update(cli_writeback.add_parsers(sub))
    _remember_parsers(parser)
    return parser


def _at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more (how many backups to keep), "
                                         f"not {value}")
    return value


def _remember_parsers(parser: argparse.ArgumentParser) -> None:
    """Each (sub)command's parser sets `args._parser` to itself, so an error after parsing
    names that command's own help."""
    parser.set_defaults(_parser=parser)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _remember_parsers(sub)


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line; query words may come before, between or after options.

    argparse gives a `nargs="*"` positional only the words before the first option (and
    `parse_intermixed_args` does not work with subcommands), so the words it leaves over
    go to the query of commands that take one. Unknown `--options` are still refused.
    """
    args, extra = parser.parse_known_args(argv)
    command_parser: argparse.ArgumentParser = args._parser
    del args._parser
    takes_query = isinstance(getattr(args, "query", None), list)
    words, unknown, after_dashes = [], [], False
    for word in extra:
        if word == "--" and not after_dashes:
            after_dashes = True
        elif takes_query and (after_dashes or not word.startswith("--")):
            words.append(word)  # "-word" is the query's "without the word"
        else:
            unknown.append(word)
    if unknown:
        command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if takes_query:
        args.query = [*args.query, *words]
        if args.command == "search" and not args.query:
            command_parser.error("the following arguments are required: QUERY")
    return args


def _check_arguments(args: argparse.Namespace) -> None:
    """Usage errors that need no catalog, found before it is opened (so a mistake creates
    nothing)."""
    if args.command == "import":
        missing = [p for p in args.paths if not p.exists()]
        if missing:
            first = missing[0]
            what = "is a dangling symbolic link" if first.is_symlink() else "does not exist"
            more = f" (and {len(missing) - 1} more given paths)" if len(missing) > 1 else ""
            raise UsageError(f"{first} {what}{more}; nothing was imported.")
    elif args.command == "relink":
        from photoarchive.services.relink import check_folder

        check_folder(args.folder)
    elif args.command == "backup" and args.dest is not None and args.keep is not None \
            and not backup.is_folder_destination(args.dest):
        raise UsageError(f"--keep applies to a folder of backups, and {args.dest} names one "
                         "file; give a folder, or leave out --keep.")


def _missing_catalog(args: argparse.Namespace, catalog_path: Path,
                     parser: argparse.ArgumentParser) -> int | None:
    """What to do when there is no catalog yet; None: open (and create) it.

    Only `import` (and `restore`) create a catalog that was named explicitly; a mistyped
    --catalog must not become a new empty one. For the default catalog `list`, `search`
    and `status` say it is empty; with no command the summary says there is none yet.
    An empty file (a creation killed before it committed) counts as no catalog.
    """
    if args.command in CREATING_COMMANDS or catalog_exists(catalog_path):
        return None
    explicit = args.catalog is not None or bool(os.environ.get("PHOTOARCHIVE_CATALOG"))
    if not explicit and args.command in ("list", "search", "status"):
        if args.json:
            _json([])
        else:
            print("The catalog is empty.")
        return 0
    where = f"--catalog {shlex.quote(str(catalog_path))} " if args.catalog is not None else ""
    if args.command is None:  # the summary (`make run` without a display) of no catalog yet
        print(f"Catalog: {catalog_path} (not created yet)\n0 photos. Start with: "
              f"photoarchive {where}import FOLDER\n")
        parser.print_help()
        return 0
    empty = (" (the file is there but empty: no catalog was created in it)"
             if catalog_path.exists() else "")
    raise UsageError(f"There is no catalog at {catalog_path}{empty}. Import photos to create "
                     f"one: photoarchive {where}import FOLDER")


COMMANDS: dict[str, Callable[[Archive, argparse.Namespace], int]] = {
    "import": cmd_import, "list": cmd_list, "search": cmd_list, "show": cmd_show,
    "history": cmd_history,
    "edit": cmd_edit, "collection": cmd_collection, "remove": cmd_remove, "check": cmd_check,
    "backup": cmd_backup, "backups": cmd_backups, "relink": cmd_relink,
}
COMMANDS.update(cli_export.COMMANDS)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `photoarchive` command."""
    for stream in (sys.stdout, sys.stderr):
        # File names are bytes: print ones that are not UTF-8 as they are, not a traceback.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="surrogateescape")
    parser = build_parser()
    args = _parse(parser, argv)
    archive: Archive | None = None
    catalog_path = (args.catalog or default_catalog_path()).expanduser()
    try:
        _check_arguments(args)
        missing = _missing_catalog(args, catalog_path, parser)
        if missing is not None:
            return missing
        if args.command == "restore":
            return cmd_restore(catalog_path, args)
        archive = open_archive(catalog_path)
        if args.command not in ("backup", "backups"):
            try:
                backup.auto_backup(archive)
            except PhotoarchiveError as exc:  # a missed daily backup must not stop the work
                print(f"photoarchive: warning: the daily backup failed: {exc}", file=sys.stderr)
        if args.command is None:
            return cmd_summary(archive, parser)
        return COMMANDS[args.command](archive, args)
    except CatalogDamaged as exc:
        good = backup.newest_good_backup(Path(catalog_path))
        offer = (f" The newest good backup is {good}: photoarchive --catalog {catalog_path} "
                 f"restore {good}" if good else " No good backup was found.")
        print(f"photoarchive: error: {exc} The catalog is damaged and was not changed.{offer}",
              file=sys.stderr)
        return EXIT_USAGE
    except PhotoarchiveError as exc:
        print(f"photoarchive: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("photoarchive: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - any bug: one line, not a traceback
        if os.environ.get("PHOTOARCHIVE_DEBUG"):
            traceback.print_exc()
        print(f"photoarchive: internal error: {exc.__class__.__name__}: {exc} "
              "(set PHOTOARCHIVE_DEBUG=1 for details)", file=sys.stderr)
        return 3
    finally:
        if archive is not None:
            archive.close()


if __name__ == "__main__":
    sys.exit(main())
