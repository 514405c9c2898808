"""Full-text search: index the written site with Pagefind (the `pagefind[bin]` package)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .problems import Problem, error

BUNDLE = "pagefind"


def index_command(site: Path) -> list[str]:
    """Return the Pagefind command that indexes site into site/pagefind."""
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", BUNDLE, "--silent"]


def index_site(site: Path) -> list[Problem]:
    """Index the built site; return a problem if Pagefind is missing or fails."""
    try:
        done = subprocess.run(index_command(site), capture_output=True, text=True, check=False)
    except OSError as failure:
        return [error("search", 0, f"cannot run Pagefind: {failure}", "pip install 'pagefind[bin]'")]
    if done.returncode != 0:
        last = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()[-1]
        return [error("search", 0, f"Pagefind failed: {last}", "pip install -r requirements.txt")]
    return []
