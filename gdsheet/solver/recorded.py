"""run() and step() of run.Solve's interface for engines that produce their Progress records from one generator
(Simplex LP, Evolutionary): step() advances it by one record, run() yields the rest, and once the last record
(done=True) has been seen both give it again."""
from __future__ import annotations

import threading
from typing import Iterator

from gdsheet.solver.run import Progress


class RecordedSolve:
    """Subclasses set `self._records` (the generator) and `self._last = None` before use."""

    _records: Iterator[Progress]
    _last: Progress | None = None

    def run(self, stop: threading.Event | None = None) -> Iterator[Progress]:
        if self._last is not None and self._last.done:
            yield self._last
            return
        for record in self._records:
            self._last = record
            yield record

    def step(self) -> Progress:
        if self._last is None or not self._last.done:
            self._last = next(self._records)
        return self._last
