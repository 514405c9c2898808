"""Reading and writing on every core gives exactly the files one process gives."""

from test_build import stable

import sitrep.generator
import sitrep.site
from conftest import ROOT, run_build, tree


def test_parallel_and_serial_builds_are_identical(tmp_path, monkeypatch):
    monkeypatch.setattr(sitrep.site, "PARALLEL_FROM", 10**9)
    monkeypatch.setattr(sitrep.generator, "PARALLEL_FROM", 10**9)
    assert run_build(ROOT / "content", tmp_path / "serial")[0] == 0
    monkeypatch.setattr(sitrep.site, "PARALLEL_FROM", 1)
    monkeypatch.setattr(sitrep.generator, "PARALLEL_FROM", 1)
    monkeypatch.setattr(sitrep.site.os, "cpu_count", lambda: 2)
    assert run_build(ROOT / "content", tmp_path / "parallel")[0] == 0
    serial, parallel = tree(tmp_path / "serial"), tree(tmp_path / "parallel")
    assert len(serial) > 300
    assert stable(serial) == stable(parallel)
