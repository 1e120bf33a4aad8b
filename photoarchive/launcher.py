"""The `photoarchive` command: the window, or the command line.

`photoarchive` and `photoarchive gui [...]` open the window; any other first word is a
command-line subcommand (`photoarchive import …`, `list`, `--help`). Without a display
(Linux with neither DISPLAY nor WAYLAND_DISPLAY, and no QT_QPA_PLATFORM) the window cannot
open: we print the catalog summary and the command-line help instead, and exit 0.
This module imports Qt only when the window is really wanted.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence

CLI_FLAGS = {"-h", "--help", "--version"}


def _split(argv: Sequence[str]) -> tuple[str | None, list[str]]:
    """The first word that is not an option (or --catalog's value), if any, and the options
    before it that the bare `photoarchive` does not take (it takes only --catalog PATH and
    the CLI's own -h/--help/--version)."""
    unknown: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--catalog":
            skip = True
        elif not arg.startswith("-"):
            return arg, unknown
        elif arg not in CLI_FLAGS and not arg.startswith("--catalog="):
            unknown.append(arg)
    return None, unknown


def has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY",
                                                 "QT_QPA_PLATFORM"))


def _catalog_args(argv: Sequence[str]) -> list[str]:
    for n, arg in enumerate(argv):
        if arg == "--catalog" and n + 1 < len(argv):
            return ["--catalog", argv[n + 1]]
        if arg.startswith("--catalog="):
            return [arg]
    return []


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `photoarchive` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    command, unknown = _split(args)
    from photoarchive import cli

    if command not in (None, "gui") or (command is None and CLI_FLAGS & set(args)):
        return cli.main(args)
    if command is None and unknown:
        return cli.main(args)  # refuses them: one line on stderr, exit 2
    wants_help = command == "gui" and CLI_FLAGS & set(args)
    if not has_display() and not wants_help:
        if "--screenshot" in args:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot needs no screen
        else:
            code = cli.main(_catalog_args(args))
            with contextlib.suppress(BrokenPipeError):
                print("\nThe photoarchive window needs a display (no DISPLAY or "
                      "WAYLAND_DISPLAY is set). Use the commands above, or run it in a "
                      "desktop session.")
            return code
    from photoarchive.app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())
