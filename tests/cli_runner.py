"""Run the command line in-process, as the CLI tests do."""

from __future__ import annotations

from photoarchive.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process: (exit code, stdout, stderr); argparse's own exits count as
    exit codes."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
