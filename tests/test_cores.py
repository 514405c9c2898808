"""Sharing a task between this process and forked workers."""

import os

import sitrep.cores
from sitrep.cores import on_every_core


def test_each_share_runs_once_in_its_own_process_and_results_come_in_share_order(monkeypatch):
    monkeypatch.setattr(sitrep.cores.os, "cpu_count", lambda: 3)
    results = on_every_core(lambda share, shares: (share, shares, os.getpid()))
    assert [(share, shares) for share, shares, _ in results] == [(0, 3), (1, 3), (2, 3)]
    assert results[0][2] == os.getpid() and os.getpid() not in {pid for _, _, pid in results[1:]}


def test_one_core_runs_the_whole_task_here(monkeypatch):
    monkeypatch.setattr(sitrep.cores.os, "cpu_count", lambda: 1)
    assert on_every_core(lambda share, shares: (share, shares, os.getpid())) == [(0, 1, os.getpid())]


def test_too_few_items_for_a_fork_run_here(monkeypatch):
    monkeypatch.setattr(sitrep.cores.os, "cpu_count", lambda: 3)
    task = lambda share, shares: (share, shares, os.getpid())  # noqa: E731
    assert on_every_core(task, count=9, least=10) == [(0, 1, os.getpid())]
    assert [share for share, _, _ in on_every_core(task, count=10, least=10)] == [0, 1, 2]
