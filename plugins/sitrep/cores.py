"""Share one task between this process and a forked worker per other core."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
Task = Callable[[int, int], T]

PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>
_tasks: list[Task[object]] = []  # the task being shared: forked workers inherit it, so it is never pickled


def usable_cores() -> int:
    """Return how many cores this process may run on: its affinity, not the machine's count.

    Under `taskset -c 0` or a container's cpuset, os.cpu_count() still said 2: the build forked a
    worker to share the one core and said it wrote "on 2 cores".
    """
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # no affinity outside Linux: every core
        return os.cpu_count() or 1


def in_parallel(count: int, least: int) -> bool:
    """Return True when count items reach least, the fewest worth a fork, and there is another core."""
    return count >= least and usable_cores() >= 2


def on_every_core(task: Task[T], count: int = 0, least: int = 0) -> list[T]:
    """Call task(share, shares) here (share 0) and in a forked worker per other core; return results by share.

    Only the results cross between processes. This process takes a share too: one fork fewer, less memory.
    Fewer than least items (count of them), or one core: this process does it all, task(0, 1).
    """
    workers = usable_cores()
    if not in_parallel(count, least):
        return [task(0, 1)]
    _tasks.append(task)  # type: ignore[arg-type]
    try:
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers - 1, mp_context=fork, initializer=_die_with, initargs=(os.getpid(),)) as pool:
            theirs = pool.map(_run_share, range(1, workers), [workers] * (workers - 1))
            return [task(0, workers), *theirs]
    finally:
        _tasks.pop()


def _die_with(parent: int) -> None:
    """End this worker when its parent does (SIGKILL, the OOM killer): left behind, it would hold the build's lock."""
    with contextlib.suppress(AttributeError, OSError):  # Linux's prctl(PR_SET_PDEATHSIG); elsewhere, nothing
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _run_share(share: int, shares: int) -> object:
    """Do one forked worker's share of the task being shared."""
    return _tasks[-1](share, shares)
