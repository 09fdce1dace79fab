"""What the descent views draw from: every iteration of the run being shown, in growing numpy arrays."""
from __future__ import annotations

import numpy as np


class GrowingBuffer:
    """Rows appended in batches; capacity doubles, so appending n rows costs O(n) overall. `x` and `y` are the
    first two columns (iteration and loss)."""

    def __init__(self, capacity: int = 1024, columns: int = 2):
        self._data = np.empty((capacity, columns))
        self.n = 0

    @property
    def columns(self) -> int:
        return self._data.shape[1]

    def append(self, *cols: np.ndarray) -> None:
        k = len(cols[0])
        need = self.n + k
        if need > len(self._data):
            grown = np.empty((max(need, 2 * len(self._data)), self.columns))
            grown[:self.n] = self._data[:self.n]
            self._data = grown
        for j, col in enumerate(cols):
            self._data[self.n:need, j] = col
        self.n = need

    def clear(self, columns: int | None = None) -> None:
        self.n = 0
        if columns is not None and columns != self.columns:
            self._data = np.empty((len(self._data), columns))

    def column(self, j: int) -> np.ndarray:
        return self._data[:self.n, j]

    @property
    def x(self) -> np.ndarray:
        return self.column(0)

    @property
    def y(self) -> np.ndarray:
        return self.column(1)


class Trace:
    """Iteration, loss, multistart start and (when given) every variable's value, per iteration; `best_start` is
    set when the run ends (the start whose result was kept)."""

    def __init__(self) -> None:
        self.buffer = GrowingBuffer(columns=3)
        self.variables = 0
        self.best_start: int | None = None

    def clear(self) -> None:
        self.buffer.clear(3)
        self.variables = 0
        self.best_start = None

    @property
    def n(self) -> int:
        return self.buffer.n

    def append(self, iterations, losses, starts=None, values=None) -> None:
        iterations = np.asarray(iterations, dtype=float)
        if len(iterations) == 0:
            return
        starts = np.zeros(len(iterations)) if starts is None else np.asarray(starts, dtype=float)
        cols = [iterations, np.asarray(losses, dtype=float), starts]
        if values is not None and len(values):
            values = np.asarray(values, dtype=float).reshape(len(iterations), -1)
            if self.buffer.n == 0:
                self.variables = values.shape[1]
                self.buffer.clear(3 + self.variables)
            if values.shape[1] == self.variables:
                cols += list(values.T)
        if len(cols) != self.buffer.columns:  # values missing (or of another model): NaN keeps the columns aligned
            cols += [np.full(len(iterations), np.nan)] * (self.buffer.columns - len(cols))
        self.buffer.append(*cols)

    @property
    def iterations(self) -> np.ndarray:
        return self.buffer.column(0)

    @property
    def losses(self) -> np.ndarray:
        return self.buffer.column(1)

    @property
    def starts(self) -> np.ndarray:
        return self.buffer.column(2)

    def values(self, i: int) -> np.ndarray:
        """Variable i's value at every iteration (empty when values were not recorded)."""
        return self.buffer.column(3 + i) if i < self.variables else np.empty(0)

    def last_values(self) -> tuple[float, ...] | None:
        if self.n == 0 or self.variables == 0:
            return None
        row = self.buffer._data[self.n - 1, 3:3 + self.variables]
        return tuple(float(v) for v in row) if np.isfinite(row).all() else None

    def segments(self) -> list[tuple[int, int, int]]:
        """(start, first row, end row) of each multistart start, in order."""
        s = self.starts
        if len(s) == 0:
            return []
        cuts = np.flatnonzero(np.diff(s)) + 1
        bounds = [0, *cuts.tolist(), len(s)]
        return [(int(s[a]), a, b) for a, b in zip(bounds, bounds[1:])]
