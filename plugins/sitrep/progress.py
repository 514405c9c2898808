"""Progress of long work: a line every few seconds, so a large build never looks stuck."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

INTERVAL = 5.0  # seconds between lines: a build of 1,000 reports shows none, one of 10,000 about ten

log = logging.getLogger(__name__)
if hasattr(log, "disable_filter"):  # Pelican's logger class drops repeated messages process-wide
    log.disable_filter()

T = TypeVar("T")


@dataclass
class Progress:
    """Count work done and log how far it is, at most once every INTERVAL seconds."""

    what: str  # "read {done} of {total} report files", say
    total: int
    scale: int = 1  # this process does 1 part in scale of the work: its count stands for scale times as much
    clock: Callable[[], float] = time.perf_counter
    done: int = 0
    started: float = field(init=False)
    shown: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.shown = self.clock()

    def tick(self, count: int = 1) -> None:
        """Count work done; log a line if INTERVAL seconds have passed since the last one."""
        self.done += count
        now = self.clock()
        if now - self.shown >= INTERVAL and self.done * self.scale < self.total:
            self.shown = now
            done = f"{min(self.done * self.scale, self.total):,}"
            log.info("%s (%d s)", self.what.format(done=done, total=f"{self.total:,}"), now - self.started)

    def counted(self, items: Iterable[T]) -> Iterator[T]:
        """Yield the items, counting each one as it is reached."""
        for item in items:
            yield item
            self.tick()


def plural(count: int, word: str) -> str:
    """Return '1 report' or '3,000 reports'."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"
