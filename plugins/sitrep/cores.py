"""Share one task between this process and a forked worker per other core."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
Task = Callable[[int, int], T]

_tasks: list[Task[object]] = []  # the task being shared: forked workers inherit it, so it is never pickled


def in_parallel(count: int, least: int) -> bool:
    """Return True when count items reach least, the fewest worth a fork, and there is another core."""
    return count >= least and (os.cpu_count() or 1) >= 2


def on_every_core(task: Task[T], count: int = 0, least: int = 0) -> list[T]:
    """Call task(share, shares) here (share 0) and in a forked worker per other core; return results by share.

    Only the results cross between processes. This process takes a share too: one fork fewer, less memory.
    Fewer than least items (count of them), or one core: this process does it all, task(0, 1).
    """
    workers = os.cpu_count() or 1
    if not in_parallel(count, least):
        return [task(0, 1)]
    _tasks.append(task)  # type: ignore[arg-type]
    try:
        with ProcessPoolExecutor(max_workers=workers - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            theirs = pool.map(_run_share, range(1, workers), [workers] * (workers - 1))
            return [task(0, workers), *theirs]
    finally:
        _tasks.pop()


def _run_share(share: int, shares: int) -> object:
    """Do one forked worker's share of the task being shared."""
    return _tasks[-1](share, shares)
