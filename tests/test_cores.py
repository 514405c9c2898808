"""Sharing a task between this process and forked workers."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sitrep.cores
from conftest import ROOT
from sitrep.cores import on_every_core


def test_each_share_runs_once_in_its_own_process_and_results_come_in_share_order(monkeypatch):
    monkeypatch.setattr(sitrep.cores, "usable_cores", lambda: 3)
    results = on_every_core(lambda share, shares: (share, shares, os.getpid()))
    assert [(share, shares) for share, shares, _ in results] == [(0, 3), (1, 3), (2, 3)]
    assert results[0][2] == os.getpid() and os.getpid() not in {pid for _, _, pid in results[1:]}


def test_one_core_runs_the_whole_task_here(monkeypatch):
    monkeypatch.setattr(sitrep.cores, "usable_cores", lambda: 1)
    assert on_every_core(lambda share, shares: (share, shares, os.getpid())) == [(0, 1, os.getpid())]


def test_cores_this_process_may_not_run_on_are_not_counted(monkeypatch):
    monkeypatch.setattr(sitrep.cores.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(sitrep.cores.os, "sched_getaffinity", lambda pid: {0}, raising=False)  # taskset -c 0
    assert sitrep.cores.usable_cores() == 1
    assert on_every_core(lambda share, shares: (share, shares, os.getpid())) == [(0, 1, os.getpid())]


def test_too_few_items_for_a_fork_run_here(monkeypatch):
    monkeypatch.setattr(sitrep.cores, "usable_cores", lambda: 3)
    task = lambda share, shares: (share, shares, os.getpid())  # noqa: E731
    assert on_every_core(task, count=9, least=10) == [(0, 1, os.getpid())]
    assert [share for share, _, _ in on_every_core(task, count=10, least=10)] == [0, 1, 2]


def test_a_forked_worker_ends_with_its_parent(tmp_path):
    # A worker outliving a killed build (SIGKILL, the OOM killer) would hold its lock, and the next build would wait forever.
    script = f"""
import os, signal, sys, time
sys.path.insert(0, {str(ROOT / "plugins")!r})
import sitrep.cores
sitrep.cores.usable_cores = lambda: 2
def task(share, shares):
    if share == 1:
        open({str(tmp_path / "worker.tmp")!r}, "w").write(str(os.getpid()))
        os.replace({str(tmp_path / "worker.tmp")!r}, {str(tmp_path / "worker")!r})  # seen whole, or not at all
        time.sleep(60)
    else:
        while not os.path.exists({str(tmp_path / "worker")!r}):
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGKILL)
sitrep.cores.on_every_core(task)
"""
    done = subprocess.run([sys.executable, "-c", script], timeout=60)
    assert done.returncode == -signal.SIGKILL
    worker = int((tmp_path / "worker").read_text())
    for _ in range(100):
        if not alive(worker):
            break
        time.sleep(0.1)
    assert not alive(worker)


def alive(pid: int) -> bool:
    """Say whether a process runs (a zombie, dead but not yet reaped by init, counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"
