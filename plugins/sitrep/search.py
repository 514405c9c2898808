"""Full-text search: index the written site with Pagefind (the `pagefind[bin]` package)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .problems import Problem, error

BUNDLE = "pagefind"


def report_glob(report_save_as: str) -> str:
    """Turn REPORT_SAVE_AS into the glob of report pages: only they are indexed, so only they are read."""
    return re.sub(r"\{[^}]*\}", "*", report_save_as)


def index_command(site: Path, glob: str) -> list[str]:
    """Return the Pagefind command that indexes the report pages of site into site/pagefind."""
    return [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site),
        "--output-subdir",
        BUNDLE,
        "--glob",
        glob,
        "--silent",
    ]


def start_index(site: Path, glob: str) -> subprocess.Popen[str] | list[Problem]:
    """Start Pagefind in the background (it runs while other pages are written)."""
    try:
        return subprocess.Popen(index_command(site, glob), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as failure:
        return [error("search", 0, f"cannot run Pagefind: {failure}", "pip install 'pagefind[bin]'")]


def finish_index(started: subprocess.Popen[str] | list[Problem]) -> list[Problem]:
    """Wait for Pagefind; return a problem if it could not run or failed."""
    if isinstance(started, list):
        return started
    out, err = started.communicate()
    if started.returncode != 0:
        last = (err.strip() or out.strip() or "no output").splitlines()[-1]
        return [error("search", 0, f"Pagefind failed: {last}", "pip install -r requirements.txt")]
    return []
