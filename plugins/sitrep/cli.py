"""`sitrep check`: the checker as a command, for pre-commit hooks and CI outside invoke."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from .build import CheckOptions, check


def parser() -> argparse.ArgumentParser:
    """Describe the command line."""
    cli = argparse.ArgumentParser(prog="sitrep", description="Check Sitrep reports.")
    commands = cli.add_subparsers(dest="command", required=True)
    checking = commands.add_parser("check", help="validate reports and the entity registry; write nothing")
    checking.add_argument("files", nargs="*", type=Path, help="only report problems in these files")
    checking.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    checking.add_argument("--settings", type=Path, default=Path("pelicanconf.py"), help="Pelican settings file")
    checking.add_argument("--changed", nargs="?", const="HEAD", metavar="BASE", help="only files changed since BASE")
    checking.add_argument("--format", choices=("text", "github", "json"), default="text")
    checking.add_argument("--strict", action="store_true", help="warnings fail too")
    return cli


def end_quietly_on_a_closed_pipe() -> None:
    """End as other command-line tools do when what reads the output stops (`| head`): no BrokenPipeError."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def in_utf8_mode() -> None:
    """Run again in Python's UTF-8 mode when the locale is not UTF-8, so file names read as UTF-8.

    Python decodes file names with the locale's encoding: under ISO-8859-1, a report named
    `zlitén.md` got the feed id `...zlitÃ©n.md`, and a build under a UTF-8 locale another one.
    """
    if sys.flags.utf8_mode or sys.getfilesystemencoding().replace("-", "").lower() == "utf8":
        return
    os.execv(sys.executable, [sys.executable, "-X", "utf8", *sys.orig_argv[1:]])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit code."""
    in_utf8_mode()
    end_quietly_on_a_closed_pipe()
    args = parser().parse_args(argv)
    options = CheckOptions(args.changed, tuple(args.files), args.format, args.strict)
    try:
        return check(args.content, args.settings, sys.stdout, options)
    except KeyboardInterrupt:  # Ctrl-C during a commit's hook: stop as invoke's commands do, not with a traceback
        print("interrupted", file=sys.stderr)
        return 130  # 128 + SIGINT, as shells report it
