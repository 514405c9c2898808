"""The benchmark: a smoke run end to end (timings are never asserted) and its pure helpers."""

import os
import re
import subprocess
import sys
from collections import Counter

import pytest

from bench import run as bench
from conftest import ROOT

GENERATOR = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
HEADER = ["tool", "cold", "s", "warm", "s", "re-edit", "s", "no-change", "s", "pages", "peak", "MB", "pages/s"]


def run_bench(*args, env=None):
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--reports", "20", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def assert_timed(line, name):
    assert line.startswith(name)
    figures = line[bench.WIDTHS[0] :].split()
    assert len(figures) == 7, line
    cold, warm, again, unchanged, pages, peak, rate = figures
    assert float(cold) > 0 and float(warm) > 0 and float(again) > 0 and float(unchanged) > 0
    assert int(pages) > 0 and float(peak) > 0 and int(rate) >= 0


@pytest.mark.skipif(not GENERATOR.is_file(), reason="the shared corpus generator is not beside this checkout")
def test_bench_smoke_run_prints_one_table_with_a_row_per_tool():
    lines = run_bench()
    assert lines[0].split() == HEADER
    assert_timed(lines[1], "sitrep ")
    assert lines[2].startswith("vanilla pelican")
    assert lines[3].startswith("hugo")
    for line in lines[2:4]:
        if "not installed" not in line:
            assert_timed(line, line.split()[0])
    assert lines[4].startswith("corpus: 20 reports")
    assert re.match(r"sitrep serve: an edited report's page re-rendered in \d+ ms \(median of 3 edits\)$", lines[-2])
    assert lines[-1].startswith("cores: ")


@pytest.mark.skipif(not GENERATOR.is_file(), reason="the shared corpus generator is not beside this checkout")
def test_bench_without_hugo_on_path_says_how_to_install_it(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # the bench runs sys.executable by its full path
    lines = run_bench("--tools", "hugo", env=env)
    assert lines[1].split() == ["hugo", "not", "installed:", "apt-get", "install", "hugo"]


def test_missing_comparison_tools_get_an_install_hint(tmp_path, monkeypatch):
    monkeypatch.setattr(bench.shutil, "which", lambda name: None)
    monkeypatch.setattr(bench, "PELICAN_PACKAGES", ("no-such-distribution-for-sitrep-bench",))
    assert bench.hugo_site(tmp_path, tmp_path) == bench.HUGO_HINT
    assert bench.pelican_site(tmp_path, tmp_path) == bench.PELICAN_HINT
    row = bench.Row("hugo", bench._name("hugo", bench.HUGO_HINT), note=bench.HUGO_HINT)
    assert bench.format_table([row]).splitlines()[1].split() == [
        "hugo",
        "not",
        "installed:",
        "apt-get",
        "install",
        "hugo",
    ]


def test_actors_become_tags_in_the_front_matter_only():
    text = "---\ntitle: T\nactors: [A, B]\nlocations: [X]\n---\n\nactors: stays in the body\n"
    assert (
        bench.actors_as_tags(text) == "---\ntitle: T\ntags: [A, B]\nlocations: [X]\n---\n\nactors: stays in the body\n"
    )
    assert bench.actors_as_tags("no front matter\nactors: x\n") == "no front matter\nactors: x\n"


def test_hugo_version_is_read_from_its_banner():
    assert bench.hugo_version("hugo v0.111.3+extended linux/amd64 BuildDate=2023-03-16") == "0.111.3"
    assert bench.hugo_version("hugo v0.168.0-abc+extended linux/amd64") == "0.168.0"
    assert bench.hugo_version("something else") == "?"


def test_rows_are_formatted_in_fixed_columns():
    builds = [bench.Build(2.0, 100.4), bench.Build(1.5, 120.6), bench.Build(1.4, 80), bench.Build(1.25, 90)]
    timed = bench.Row("hugo", "hugo 0.111.3", builds)
    timed.pages = 1000
    table = bench.format_table([timed, bench.Row("pelican", "vanilla pelican", note=bench.PELICAN_HINT)])
    header, first, second = table.splitlines()
    assert header.split() == HEADER
    assert first.split() == ["hugo", "0.111.3", "2.00", "1.50", "1.40", "1.25", "1000", "121", "500"]
    assert len(first) == len(header)
    assert second == f"{'vanilla pelican':{bench.WIDTHS[0]}} {bench.PELICAN_HINT}"


def test_the_footer_puts_sitreps_figures_beside_the_issues_targets():
    def row(tool, *seconds):
        return bench.Row(tool, tool, [bench.Build(s, 100) for s in seconds])

    rows = [row("sitrep", 8.0, 2.0, 1.6, 0.5), row("pelican", 10.0, 9, 9, 9), row("hugo", 2.0, 2, 2, 2)]
    assert bench.ratios(rows) == (
        "sitrep warm 0.25x cold, re-edit 0.20x (target 0.2x); cold 4.00x hugo (target 1.5x); "
        "cold 0.80x pelican (target 0.2x)"
    )
    assert bench.ratios([rows[0]]) == "sitrep warm 0.25x cold, re-edit 0.20x (target 0.2x)"
    assert bench.ratios(rows[1:]) == ""
    assert "issue 8 targets: sitrep warm 0.25x" in bench.footer(rows, 1000)


def test_output_summary_counts_html_per_folder_and_feeds(tmp_path):
    for name in ["index.html", "a.html", "tag/x.html", "tag/y.html", "category/z/index.html", "feeds/all.atom.xml"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert bench.count_pages(tmp_path) == 5
    assert bench.describe_output(tmp_path) == (
        "HTML: 2 tag/, 2 top level, 1 category/; XML (feeds): 1; 6 files in 5 folders in all"
    )
    assert bench.summarise_counts(Counter(), 0) == "HTML: none; XML (feeds): 0"


def test_measure_reports_a_failed_build(tmp_path):
    with pytest.raises(bench.BuildFailed, match="exited 3: boom"):
        bench.measure([sys.executable, "-c", "print('boom'); raise SystemExit(3)"], tmp_path, tmp_path / "log")
    build = bench.measure([sys.executable, "-c", "x = bytearray(50_000_000)"], tmp_path, tmp_path / "log")
    assert build.seconds > 0 and build.peak_mb >= 50


def test_runs_are_merged_column_by_column():
    runs = [
        bench.Row("sitrep", "sitrep", [bench.Build(s, p, c, c / 4) for s, p, c in builds], pages=9, built="HTML: 9")
        for builds in (
            [(6.0, 100, 10), (3.0, 90, 4), (2.0, 80, 2), (0.5, 50, 0.5)],
            [(8.0, 120, 12), (2.0, 95, 3), (1.5, 85, 2), (0.6, 55, 0.6)],
            [(7.0, 110, 11), (2.5, 99, 3.5), (1.8, 82, 2), (0.4, 52, 0.4)],
        )
    ]
    merged = bench.median_row(runs)
    assert [(b.seconds, b.peak_mb, b.cpu) for b in merged.builds] == [
        (7.0, 120, 11),
        (2.5, 99, 3.5),
        (1.8, 85, 2),
        (0.5, 55, 0.5),
    ]
    assert merged.ranges == [(6.0, 8.0), (2.0, 3.0), (1.5, 2.0), (0.4, 0.6)]
    assert (merged.pages, merged.built) == (9, "HTML: 9")
    footer = bench.footer([merged], 20, runs=3).splitlines()
    assert footer[0].startswith("corpus: 20 reports; wall seconds, the median of 3 runs, tools in turn;")
    assert (
        "fastest-slowest run (cold / warm / re-edit / no change): sitrep 6.00-8.00 / 2.00-3.00 / 1.50-2.00 / 0.40-0.60"
        in footer
    )
    assert "of a cold build's CPU, in the kernel (making files and folders; varies with the disk): sitrep 2.8" in footer


@pytest.mark.skipif(not GENERATOR.is_file(), reason="the shared corpus generator is not beside this checkout")
def test_bench_runs_each_tool_several_times_from_cold():
    lines = run_bench("--tools", "sitrep", "--runs", "2")
    assert_timed(lines[1], "sitrep ")
    assert lines[2].startswith("corpus: 20 reports; wall seconds, the median of 2 runs, tools in turn;")
    assert any(line.startswith("fastest-slowest run (cold / warm / re-edit / no change): sitrep ") for line in lines)


def test_tools_run_with_pythons_compiled_module_cache(monkeypatch):
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("SITREP_BENCH_PROBE", "kept")
    environment = bench.user_environment()
    assert "PYTHONDONTWRITEBYTECODE" not in environment
    assert environment["SITREP_BENCH_PROBE"] == "kept"
