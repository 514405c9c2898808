from __future__ import annotations

import logging
import re

import pytest

from conftest import ROOT, run_build
from sitrep import progress
from sitrep.progress import Progress, plural


def ticking(*times: float):
    """Return a clock that gives these times, one per call."""
    given = iter(times)
    return lambda: next(given)


def test_a_line_at_most_every_interval_and_none_at_the_end(caplog):
    caplog.set_level(logging.INFO, logger="sitrep.progress")
    work = Progress("read {done} of {total} report files", 12_000, clock=ticking(0, 1, 5, 6, 9, 11, 12))
    for _ in range(5):
        work.tick(2_000)
    work.tick(2_000)  # the last: the summary line that follows says it
    assert [r.getMessage() for r in caplog.records] == [
        "read 4,000 of 12,000 report files (5 s)",
        "read 10,000 of 12,000 report files (11 s)",
    ]


def test_a_share_stands_for_the_whole_work(caplog):
    caplog.set_level(logging.INFO, logger="sitrep.progress")
    work = Progress("rendered about {done} of {total} pages", 1_000, scale=2, clock=ticking(0, 6, 7))
    assert list(work.counted(["a", "b"])) == ["a", "b"]
    assert [r.getMessage() for r in caplog.records] == ["rendered about 2 of 1,000 pages (6 s)"]


def test_a_build_tells_how_far_it_is(tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "INTERVAL", 0)
    code, messages = run_build(ROOT / "content", tmp_path / "out")
    assert code == 0
    assert re.search(r"^  read 1 of 20 report files \(\d+ s\)$", messages, re.M)
    assert re.search(r"^  rendered about 1 of \d+ other pages and feeds \(\d+ s\)$", messages, re.M)


@pytest.mark.parametrize(
    ("count", "word", "said"),
    [(1, "report file", "1 report file"), (0, "file", "0 files"), (3000, "file", "3,000 files")],
)
def test_counts_are_said_in_words(count, word, said):
    assert plural(count, word) == said
