"""Reading and writing on every core gives exactly the files one process gives."""

import re
from collections import Counter

import sitrep.cores
import sitrep.generator
import sitrep.site
from conftest import ROOT, run_build, tree
from sitrep.generator import SHARED_PARTIALS, SitrepGenerator


def test_parallel_and_serial_builds_are_identical(tmp_path, monkeypatch):
    monkeypatch.setattr(sitrep.site, "PARALLEL_FROM", 10**9)
    monkeypatch.setattr(sitrep.generator, "PARALLEL_FROM", 10**9)
    assert run_build(ROOT / "content", tmp_path / "serial")[0] == 0
    monkeypatch.setattr(sitrep.site, "PARALLEL_FROM", 1)
    monkeypatch.setattr(sitrep.generator, "PARALLEL_FROM", 1)
    monkeypatch.setattr(sitrep.cores, "usable_cores", lambda: 2)
    assert run_build(ROOT / "content", tmp_path / "parallel")[0] == 0
    serial, parallel = tree(tmp_path / "serial"), tree(tmp_path / "parallel")
    assert len(serial) > 300
    assert serial == parallel


def test_shared_partials_are_rendered_once_across_the_writers(tmp_path, monkeypatch):
    monkeypatch.setattr(sitrep.generator, "PARALLEL_FROM", 1)
    monkeypatch.setattr(sitrep.cores, "usable_cores", lambda: 2)
    log, render = tmp_path / "rendered.txt", SitrepGenerator.render_fragment

    def logged(self, name, report, entry=None):
        with log.open("a") as out:  # one line a render, from whichever process renders it
            out.write(f"{name} {report.source}\n")
        return render(self, name, report, entry)

    monkeypatch.setattr(SitrepGenerator, "render_fragment", logged)
    assert run_build(ROOT / "content", tmp_path / "out")[0] == 0
    renders = Counter(line for line in log.read_text().splitlines() if line.split()[0] in SHARED_PARTIALS)
    assert len(renders) == 2 * 19  # both partials of the sample's 19 reports
    assert set(renders.values()) == {1}


def test_the_build_says_how_many_cores_it_may_run_on(tmp_path, monkeypatch):
    monkeypatch.setattr(sitrep.generator, "usable_cores", lambda: 1)  # taskset -c 0 on a machine of 2
    code, messages = run_build(ROOT / "content", tmp_path / "out")
    assert code == 0 and re.search(r"^  writing [\d,]+ files on 1 core$", messages, re.MULTILINE)
