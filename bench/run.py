"""Benchmark Sitrep, vanilla Pelican and Hugo on one generated corpus and print one table.

The corpus comes from the shared generator (`gen_corpus.py OUT --reports N`, same seed = same
files); its path is SITREP_CORPUS_GENERATOR or ../shared/bench/gen_corpus.py beside this checkout.
Sitrep builds the generated folder (reports and entity registry); Pelican and Hugo each build their
own copy of its reports. Each builds four times: cold (no output yet), warm (after appending a
line to the same report in its copy; the line brings new words), re-edit (after appending the same
line again, so no new word: the steady state of an author's edit-and-build loop) and with no
change. A tool that is not installed gets a row saying how to install it; the others still run
(`--tools` picks a subset). Benchmarks are never timed tests: the smoke test only checks the
table's shape.

What each tool builds (defaults otherwise; see bench/vanilla/pelicanconf.py and bench/hugo/):
- sitrep: `invoke build`, the real site: report pages, entity pages and timelines for actors,
  locations, regions and categories, feeds, exports and the Pagefind index.
- vanilla Pelican + Python-Markdown + pelican-yaml-metadata, notmyidea theme: articles, actors as
  tags, categories, archives, an unpaginated index, Atom feeds for all articles and per category.
- Hugo with minimal layouts: report pages, home, the reports section, taxonomy and term pages for
  actors, locations, region and category, and Hugo's built-in RSS for each list page.
Neither comparison site resolves entity aliases, so their tag/term counts can exceed Sitrep's.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DEFAULT_GENERATOR = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
TOOLS = ("sitrep", "pelican", "hugo")
PELICAN_PACKAGES = ("markdown", "pelican-yaml-metadata")
PELICAN_HINT = "not installed: pip install -r requirements-bench.txt"
HUGO_HINT = "not installed: apt-get install hugo"
EDITS = ("\nEdited for the benchmark.\n", "\nEdited for the benchmark.\n")  # a new word, then none
COLUMNS = ("tool", "cold s", "warm s", "re-edit s", "no-change s", "pages", "peak MB", "pages/s")
WIDTHS = (48, 8, 8, 10, 12, 7, 8, 8)


class BuildFailed(Exception):
    """A build exited with a non-zero status."""


@dataclass
class Build:
    """One timed build: wall and CPU seconds, and the peak resident memory of its largest process."""

    seconds: float
    peak_mb: float
    cpu: float = 0.0
    kernel: float = 0.0  # of the CPU seconds, those in the kernel: mostly making files and folders


@dataclass
class Site:
    """A tool's site, ready to build: its command, output folder and the report to edit."""

    tool: str
    name: str
    command: list[str]
    cwd: Path
    output: Path
    edit: Path
    scratch: tuple[Path, ...] = ()  # what a build leaves besides its output (caches): removed for a cold build
    original: str = field(init=False)  # the edited report as generated, put back before each run

    def __post_init__(self) -> None:
        self.original = self.edit.read_text(encoding="utf-8")

    def reset(self) -> Site:
        """Put the site back as set up: no output or cache, the edited report unedited."""
        for folder in (self.output, *self.scratch):
            shutil.rmtree(folder, ignore_errors=True)
        self.edit.write_text(self.original, encoding="utf-8")
        return self


@dataclass
class Row:
    """One line of the table: four builds and what they wrote, or why there are none."""

    tool: str
    name: str
    builds: list[Build] = field(default_factory=list)
    pages: int = 0
    note: str = ""
    built: str = ""
    ranges: list[tuple[float, float]] = field(default_factory=list)  # each column's fastest and slowest run


def run(command: list[str], cwd: Path = ROOT) -> tuple[float, str]:
    """Run a command; return its wall time and output; fail loudly if it fails."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - started, done.stdout + done.stderr


def measure(command: list[str], cwd: Path, log: Path) -> Build:
    """Run one build; return its wall time and its own peak memory (wait4 rusage, KB on Linux)."""
    with log.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=user_environment())
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
        raise BuildFailed(f"{' '.join(command)} exited {process.returncode}: {' / '.join(tail)}")
    # ru_maxrss covers the child and its reaped descendants: the largest single process, not a sum.
    return Build(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, usage.ru_stime)


def user_environment() -> dict[str, str]:
    """Return this environment as a user's machine has it: Python keeps compiled modules.

    Some sandboxes set PYTHONDONTWRITEBYTECODE; every build then compiles Sitrep's plugin (not
    installed by pip, so never compiled ahead) anew, 0.1 s a process, which no user pays.
    """
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def count_pages(output: Path) -> int:
    """Count the HTML files under an output folder."""
    return sum(1 for _ in output.rglob("*.html"))


def describe_output(output: Path) -> str:
    """Summarise what a build wrote: HTML files per top-level folder, then feeds, then all files and folders."""
    folders: Counter[str] = Counter()
    for page in output.rglob("*.html"):
        parts = page.relative_to(output).parts
        folders[parts[0] + "/" if len(parts) > 1 else "top level"] += 1
    feeds = sum(1 for _ in output.rglob("*.xml"))
    walked = list(os.walk(output))  # making each file and folder costs the kernel time: counted to compare
    files = sum(len(names) for _, _, names in walked)
    return f"{summarise_counts(folders, feeds)}; {files:,} files in {len(walked):,} folders in all"


def summarise_counts(folders: Counter[str], feeds: int) -> str:
    """Format HTML counts per folder, largest first, and the number of XML files."""
    parts = [f"{count} {name}" for name, count in sorted(folders.items(), key=lambda item: (-item[1], item[0]))]
    return f"HTML: {', '.join(parts) or 'none'}; XML (feeds): {feeds}"


def append_edit(path: Path, line: str) -> None:
    """Append a line to a report, as an author's edit."""
    path.write_text(path.read_text(encoding="utf-8") + line, encoding="utf-8")


def time_site(site: Site, logs: Path) -> Row:
    """Build a site cold, after each of two edits of one report, and with no change; return its row."""
    row = Row(site.tool, site.name)
    log = logs / f"{site.tool}.log"
    row.builds.append(measure(site.command, site.cwd, log))
    row.pages = count_pages(site.output)
    row.built = describe_output(site.output)
    for line in EDITS:
        append_edit(site.edit, line)
        row.builds.append(measure(site.command, site.cwd, log))
    row.builds.append(measure(site.command, site.cwd, log))
    return row


def first_report(corpus: Path) -> Path:
    """Return the report every tool edits, relative to the corpus folder."""
    return sorted((corpus / "reports").rglob("*.md"))[0].relative_to(corpus)


def sitrep_site(corpus: Path, work: Path) -> Site:
    """Set up `invoke build` of the generated corpus as it is."""
    output = work / "sitrep-out"
    command = [sys.executable, "-m", "invoke", "build", "--content", str(corpus), "--output", str(output)]
    cache = output.with_name(f".{output.name}.cache")
    return Site("sitrep", "sitrep", command, ROOT, output, corpus / first_report(corpus), (cache,))


def actors_as_tags(text: str) -> str:
    """Rename the front matter's `actors:` field to Pelican's `tags:`, leaving the body alone."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return text
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            break
        if line.startswith("actors:"):
            lines[number] = "tags:" + line[len("actors:") :]
    return "\n".join(lines)


def copy_reports(corpus: Path, target: Path, convert: Callable[[str], str] | None = None) -> None:
    """Copy the corpus's reports folder to target/reports, converting each file if asked."""
    for source in sorted((corpus / "reports").rglob("*.md")):
        destination = target / source.relative_to(corpus)
        destination.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        destination.write_text(convert(text) if convert else text, encoding="utf-8")


def missing_packages(names: tuple[str, ...]) -> list[str]:
    """Return the names of the Python distributions that are not installed."""
    missing = []
    for name in names:
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
    return missing


def pelican_site(corpus: Path, work: Path) -> Site | str:
    """Set up vanilla Pelican on a copy of the reports, or say how to install what is missing."""
    if missing_packages(PELICAN_PACKAGES):
        return PELICAN_HINT
    site = work / "pelican-site"
    # The one conversion: vanilla Pelican's only list taxonomy is tags, so `actors:` becomes `tags:`.
    copy_reports(corpus, site, actors_as_tags)
    output = work / "pelican-out"
    settings = BENCH / "vanilla" / "pelicanconf.py"
    command = [sys.executable, "-m", "pelican", str(site), "-s", str(settings), "-o", str(output), "-q"]
    versions = f"pelican {metadata.version('pelican')} + Python-Markdown {metadata.version('markdown')}"
    return Site("pelican", f"vanilla {versions}", command, work, output, site / first_report(corpus))


def hugo_version(text: str) -> str:
    """Return the version number from `hugo version` output ('0.111.3'), or '?'."""
    found = re.search(r"\bv(\d+\.\d+\.\d+)", text)
    return found.group(1) if found else "?"


def hugo_site(corpus: Path, work: Path) -> Site | str:
    """Set up Hugo on a copy of the reports (read as they are), or say how to install it."""
    hugo = shutil.which("hugo")
    if hugo is None:
        return HUGO_HINT
    site = work / "hugo-site"
    shutil.copytree(BENCH / "hugo", site)
    copy_reports(corpus, site / "content")
    output = work / "hugo-out"
    version = hugo_version(subprocess.run([hugo, "version"], capture_output=True, text=True).stdout)
    command = [hugo, "--source", str(site), "--destination", str(output), "--cacheDir", str(work / "hugo-cache")]
    edit = site / "content" / first_report(corpus)
    return Site("hugo", f"hugo {version}", command, site, output, edit, (work / "hugo-cache",))


def median_row(runs: list[Row]) -> Row:
    """Merge the rows of several runs of one tool: each column's median time and CPU, the largest peak."""
    first = runs[0]
    columns = list(zip(*(run.builds for run in runs), strict=True))
    peaks = [max(build.peak_mb for build in column) for column in columns]
    builds = [
        Build(_median(c, "seconds"), peak, _median(c, "cpu"), _median(c, "kernel"))
        for c, peak in zip(columns, peaks, strict=True)
    ]
    ranges = [(min(b.seconds for b in column), max(b.seconds for b in column)) for column in columns]
    return Row(first.tool, first.name, builds, first.pages, first.note, first.built, ranges)


def _median(builds: tuple[Build, ...], name: str) -> float:
    """Return the median of one figure over builds."""
    return statistics.median(getattr(build, name) for build in builds)


def format_cells(row: Row) -> list[str]:
    """Return a row's cells: name, four timings, pages, peak MB and pages per cold second."""
    if not row.builds:
        return [row.name, row.note]
    cold = row.builds[0].seconds
    timings = [f"{build.seconds:.2f}" for build in row.builds]
    peak = max(build.peak_mb for build in row.builds)
    return [row.name, *timings, str(row.pages), f"{peak:.0f}", f"{row.pages / cold:.0f}"]


def format_line(cells: list[str] | tuple[str, ...]) -> str:
    """Lay out one line: the name left-aligned, the figures right-aligned in their columns."""
    name, *figures = cells
    aligned = [f"{cell:>{width}}" for cell, width in zip(figures, WIDTHS[1:], strict=True)]
    return " ".join([f"{name:{WIDTHS[0]}}", *aligned])


def format_table(rows: list[Row]) -> str:
    """Lay out the header and rows in fixed-width columns (a note fills the rest of its line)."""
    lines = [format_line(COLUMNS)]
    for row in rows:
        cells = format_cells(row)
        lines.append(f"{cells[0]:{WIDTHS[0]}} {cells[1]}" if len(cells) == 2 else format_line(cells))
    return "\n".join(lines)


def preview_ms(corpus: Path, work: Path) -> str:
    """Time `invoke serve` re-rendering an edited report (after the builds: it edits the corpus)."""
    _, out = run([sys.executable, str(BENCH / "preview.py"), str(corpus), str(work / "sitrep-out")])
    return out.strip().splitlines()[-1]


def ratios(rows: list[Row]) -> str:
    """Put Sitrep's figures beside the issue's targets: rebuilds against its cold build, cold against the others."""
    timed = {row.tool: [build.seconds for build in row.builds] for row in rows if len(row.builds) == 4}
    if "sitrep" not in timed:
        return ""
    cold, warm, again, _ = timed["sitrep"]
    found = [f"sitrep warm {warm / cold:.2f}x cold, re-edit {again / cold:.2f}x (target 0.2x)"]
    others = [(tool, target) for tool, target in (("hugo", "1.5x"), ("pelican", "0.2x")) if tool in timed]
    found += [f"cold {cold / timed[tool][0]:.2f}x {tool} (target {target})" for tool, target in others]
    return "; ".join(found)


def footer(rows: list[Row], reports: int, preview: str | None = None, runs: int = 1) -> str:
    """Explain the columns and list what each tool wrote."""
    each = "one run each" if runs == 1 else f"the median of {runs} runs, tools in turn"
    lines = [
        f"corpus: {reports} reports; wall seconds, {each}; warm = after appending a line to one report",
        "(new words), re-edit = after appending it again (no new word; Sitrep then updates the output before",
        "last: see docs/performance.md)",
        "peak MB: largest resident set of any one process of the tool's four builds (wait4 rusage)",
    ]
    lines += [f"{row.tool} wrote {row.built}" for row in rows if row.built]
    if runs > 1:
        spread = [
            f"{row.tool} {' / '.join(f'{low:.2f}-{high:.2f}' for low, high in row.ranges)}"
            for row in rows
            if row.ranges
        ]
        lines.append(f"fastest-slowest run (cold / warm / re-edit / no change): {'; '.join(spread)}")
    if targets := ratios(rows):
        lines.append(f"issue 8 targets: {targets}")
    cpu = [f"{row.tool} {' / '.join(f'{build.cpu:.1f}' for build in row.builds)}" for row in rows if row.builds]
    if cpu:
        lines.append(f"CPU seconds (user + sys, all processes; cold / warm / re-edit / no change): {'; '.join(cpu)}")
        kernel = [f"{row.tool} {row.builds[0].kernel:.1f}" for row in rows if row.builds]
        where = "in the kernel (making files and folders; varies with the disk)"
        lines.append(f"of a cold build's CPU, {where}: {'; '.join(kernel)}")
    if preview is not None:
        lines.append(f"sitrep serve: an edited report's page re-rendered in {preview} ms (median of 3 edits)")
    lines.append(f"cores: {os.cpu_count()}; load average (1 min) at the end: {os.getloadavg()[0]:.2f}")
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument(
        "--generator", type=Path, default=Path(os.environ.get("SITREP_CORPUS_GENERATOR", DEFAULT_GENERATOR))
    )
    parser.add_argument(
        "--tools", default=",".join(TOOLS), help="comma-separated subset of sitrep,pelican,hugo (default: all)"
    )
    parser.add_argument("--runs", type=int, default=1, help="time each tool this many times; report medians")
    return parser.parse_args()


def bench(corpus: Path, work: Path, tools: list[str], runs: int = 1) -> list[Row]:
    """Time every chosen tool on the corpus; Sitrep failing stops the bench, the others get a note.

    Runs take the tools in turn, so a slow spell of the machine falls on all of them.
    """
    logs = work / "logs"
    logs.mkdir()
    makers = {"sitrep": sitrep_site, "pelican": pelican_site, "hugo": hugo_site}
    setups = {tool: makers[tool](corpus, work) for tool in TOOLS if tool in tools}
    timed: dict[str, list[Row]] = {tool: [] for tool, setup in setups.items() if isinstance(setup, Site)}
    notes = {tool: setup for tool, setup in setups.items() if isinstance(setup, str)}
    for _ in range(runs):
        for tool in [tool for tool in timed if tool not in notes]:
            try:
                timed[tool].append(time_site(setups[tool].reset(), logs))  # type: ignore[union-attr]
            except BuildFailed as failure:
                if tool == "sitrep":
                    sys.exit(f"sitrep build failed: {failure}")
                notes[tool] = f"failed: {failure}"
    noted = {tool: Row(tool, _name(tool, setups[tool]), note=note) for tool, note in notes.items()}
    return [noted[tool] if tool in noted else median_row(timed[tool]) for tool in setups]


def _name(tool: str, setup: Site | str) -> str:
    """Return the name a tool's row shows: its versions when it was set up."""
    return setup.name if isinstance(setup, Site) else {"pelican": "vanilla pelican + Python-Markdown"}.get(tool, tool)


def main() -> None:
    """Generate the corpus, time the builds, print the table."""
    args = parse_args()
    tools = [tool.strip() for tool in args.tools.split(",") if tool.strip()]
    if unknown := sorted(set(tools) - set(TOOLS)):
        sys.exit(f"unknown tool(s) {', '.join(unknown)}; choose from {', '.join(TOOLS)}")
    if not args.generator.is_file():
        sys.exit(f"corpus generator not found at {args.generator} (set SITREP_CORPUS_GENERATOR)")
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-") as tmp:
        work = Path(tmp)
        corpus = work / "content"
        print(f"generating {args.reports} reports with {args.generator} ...", file=sys.stderr)
        run([sys.executable, str(args.generator), str(corpus), "--reports", str(args.reports)])
        rows = bench(corpus, work, tools, max(1, args.runs))
        preview = preview_ms(corpus, work) if "sitrep" in tools else None
    print(format_table(rows))
    print(footer(rows, args.reports, preview, max(1, args.runs)))


if __name__ == "__main__":
    main()
