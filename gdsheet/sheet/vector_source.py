"""The source protocol of sheet/vectorised over a Workbook's cell dicts: for tests and small books (the engine's
column store serves the same calls with slices of its arrays)."""
from __future__ import annotations

import numpy as np

from gdsheet.errors import ExcelError
from gdsheet.formula import ast as A
from gdsheet.refs import Area
from gdsheet.sheet.model import column_numbers
from gdsheet.sheet.structured import structured_area


class WorkbookSource:
    """The source protocol over a Workbook's cell dicts (model.column_numbers): for tests and small books."""

    def __init__(self, workbook):
        self.workbook = workbook

    def numbers(self, sheet: str, col: int, r1: int, r2: int) -> tuple[np.ndarray, np.ndarray]:
        try:
            s = self.workbook.sheet(sheet)
        except KeyError:
            return np.zeros(r2 - r1 + 1), np.zeros(r2 - r1 + 1, dtype=bool)
        return column_numbers(s, col, r1, r2)

    def name(self, node: A.Name, sheet: str) -> tuple[A.Node, str | None] | None:
        """A defined name's tree as the engine reads it (Engine.name_tree) and the sheet it is scoped to."""
        dn = self.workbook.get_name(node.name, node.sheet or sheet)
        if dn is None:
            return None
        tree = self.workbook.engine.name_tree(dn)
        return None if isinstance(tree, ExcelError) else (tree, dn.scope)

    def texts(self, sheet: str, col: int, r1: int, r2: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows r1..r2 of a column's texts: an object array (None where the cell holds no text) and its mask."""
        values, mask = np.full(r2 - r1 + 1, None, dtype=object), np.zeros(r2 - r1 + 1, dtype=bool)
        try:
            get = self.workbook.sheet(sheet).cells.get
        except KeyError:
            return values, mask
        for i, r in enumerate(range(r1, r2 + 1)):
            v = get((r, col))
            if type(v) is str:
                values[i], mask[i] = v, True
        return values, mask

    def structured(self, node: A.StructRef, sheet: str, row: int, col: int) -> Area | None:
        """The range a structured reference means from a cell (sheet/structured.py, as the engine resolves it)."""
        return structured_area(node, self.workbook, sheet, row, col)

    def area(self, area: Area) -> tuple[np.ndarray, np.ndarray]:
        columns = [self.numbers(area.sheet, c, area.r1, area.r2) for c in range(area.c1, area.c2 + 1)]
        return np.stack([v for v, _ in columns], axis=1), np.stack([m for _, m in columns], axis=1)
