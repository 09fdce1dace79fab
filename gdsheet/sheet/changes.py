"""What a recalculation changed: cells one by one, and whole runs of a column as areas.

An edit that moves a parameter read by a million-row column changes a million cells; listing each would cost more
than computing them. Such a run is reported as one Area in `areas`; the cells that changed one at a time are the
set's elements. Views repaint both.
"""
from __future__ import annotations

from gdsheet.refs import Area

CellId = tuple[str, int, int]


class Changes(set):
    """A set of changed cells (sheet, row, col), plus `areas` whose cells changed in bulk. Unions keep both."""

    def __init__(self, cells=(), areas=()) -> None:
        super().__init__(cells)
        self.areas: list[Area] = list(areas)

    def __or__(self, other):
        return Changes(set.__or__(self, other), self.areas + list(getattr(other, "areas", ())))

    __ror__ = __or__

    def __ior__(self, other):
        set.__ior__(self, other)
        self.areas.extend(getattr(other, "areas", ()))
        return self

    def __bool__(self) -> bool:
        return bool(len(self) or self.areas)

    def touches(self, sheet: str, row: int, col: int) -> bool:
        """Whether the cell changed, one by one or in bulk."""
        return (sheet, row, col) in self or any(a.sheet == sheet and (row, col) in a for a in self.areas)

    def __repr__(self) -> str:
        return f"Changes({set(self)!r}, areas={self.areas!r})"
