"""Benchmark `invoke build` on a synthetic corpus and print a table.

The corpus comes from the shared generator (`gen_corpus.py OUT --reports N`, same seed = same
files); its path is SITREP_CORPUS_GENERATOR or ../shared/bench/gen_corpus.py beside this checkout.
Vanilla Pelican and Hugo are measured when they are installed (`hugo` on PATH; `pelican` with the
`markdown` package), otherwise their rows say so. Benchmarks are never timed tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GENERATOR = ROOT.parent / "shared" / "bench" / "gen_corpus.py"


def run(command: list[str], cwd: Path = ROOT) -> tuple[float, str]:
    """Run a command; return its wall time and output; fail loudly if it fails."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - started, done.stdout + done.stderr


def peak_mb() -> float:
    """Return the peak resident memory of any child so far, in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def sitrep_rows(content: Path, work: Path) -> list[tuple[str, str, str, str]]:
    """Time a cold build, a rebuild after editing one report, and a rebuild with no change."""
    output = work / "sitrep-out"
    build = [sys.executable, "-m", "invoke", "build", "--content", str(content), "--output", str(output)]
    cold, _ = run(build)
    pages = sum(1 for _ in output.rglob("*.html"))
    one = sorted((content / "reports").rglob("*.md"))[0]
    one.write_text(one.read_text(encoding="utf-8") + "\nEdited for the benchmark.\n", encoding="utf-8")
    edited, _ = run(build)
    unchanged, _ = run(build)
    rate = f"{pages / cold:.0f}"
    return [
        ("sitrep cold build", f"{cold:.2f}", str(pages), rate),
        ("sitrep after editing one report", f"{edited:.2f}", str(pages), ""),
        ("sitrep with no change", f"{unchanged:.2f}", str(pages), ""),
    ]


def hugo_row(content: Path, work: Path) -> tuple[str, str, str, str]:
    """Hugo, when installed (a taxonomy site over the same files is future work)."""
    if shutil.which("hugo") is None:
        return ("hugo", "not installed", "", "")
    return ("hugo", "installed; comparison site not set up yet", "", "")


def pelican_row() -> tuple[str, str, str, str]:
    """Vanilla Pelican with Python-Markdown, when installed."""
    try:
        import markdown  # noqa: F401
    except ImportError:
        return ("vanilla pelican + Python-Markdown", "not installed (pip install markdown)", "", "")
    return ("vanilla pelican + Python-Markdown", "installed; comparison site not set up yet", "", "")


def main() -> None:
    """Generate the corpus, time the builds, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument(
        "--generator", type=Path, default=Path(os.environ.get("SITREP_CORPUS_GENERATOR", DEFAULT_GENERATOR))
    )
    args = parser.parse_args()
    if not args.generator.is_file():
        sys.exit(f"corpus generator not found at {args.generator} (set SITREP_CORPUS_GENERATOR)")
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-") as tmp:
        work = Path(tmp)
        content = work / "content"
        print(f"generating {args.reports} reports with {args.generator} ...", file=sys.stderr)
        run([sys.executable, str(args.generator), str(content), "--reports", str(args.reports)])
        rows = [*sitrep_rows(content, work), pelican_row(), hugo_row(content, work)]
    print(f"{'build':38} {'seconds':>10} {'pages':>7} {'pages/s':>8}")
    for name, seconds, pages, rate in rows:
        print(f"{name:38} {seconds:>10} {pages:>7} {rate:>8}")
    print(f"peak memory of any build: {peak_mb():.0f} MB; cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
