"""A smoke run of the benchmark: it works end to end (timings are never asserted)."""

import subprocess
import sys

import pytest

from conftest import ROOT

GENERATOR = ROOT.parent / "shared" / "bench" / "gen_corpus.py"


@pytest.mark.skipif(not GENERATOR.is_file(), reason="the shared corpus generator is not beside this checkout")
def test_bench_smoke_run_prints_the_table():
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--reports", "20"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["build", "seconds", "pages", "pages/s"]
    assert [line.split("  ")[0] for line in lines[1:4]] == [
        "sitrep cold build",
        "sitrep after editing one report",
        "sitrep with no change",
    ]
    assert lines[-1].startswith("peak memory of any build: ")
