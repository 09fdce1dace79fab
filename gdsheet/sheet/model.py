"""Plain data of a workbook: sheets and their cells, formulas, defined names, tables, calculation settings."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from gdsheet.errors import ExcelError
from gdsheet.formula.ast import Node
from gdsheet.refs import Area

if TYPE_CHECKING:
    from gdsheet.sheet.cellstore import CellStore
    from gdsheet.sheet.formulastore import FormulaStore

CellKey = tuple[int, int]  # (row, col), 1-based


@dataclass(slots=True)
class Formula:
    """A cell's formula. `ast` is None when the text does not parse; `error` then holds the #NAME? value whose
    detail is the parser's message. `array` is the range of a legacy (Ctrl+Shift+Enter) array formula, held by its
    top-left cell; `dynamic` marks a dynamic-array formula that spills from its cell. `source` is the text the
    file had for this cell ('_xlfn.' prefixes and the author's parentheses kept), set by the reader only: a save
    writes it back as long as `text` still says the same (an edit makes a new Formula without it)."""

    text: str  # as written, starting with '='
    ast: Node | None
    error: ExcelError | None = None
    array: Area | None = None
    dynamic: bool = False
    source: str | None = None


@dataclass(slots=True)
class DefinedName:
    """A defined name: `formula` is its definition without '=' ('Sheet1!$A$1', '0.5', '{1,2}', 'OFFSET(...)');
    `scope` is a sheet name for sheet-scoped names (Excel's Solver keeps its model in such hidden names)."""

    name: str
    formula: str
    scope: str | None = None
    hidden: bool = False
    comment: str | None = None


@dataclass(slots=True)
class Table:
    """An Excel Table (ListObject): its whole range including header and totals rows."""

    name: str
    sheet: str
    area: Area
    columns: list[str]
    header_rows: int = 1
    totals_rows: int = 0
    style: str | None = None  # table style name, e.g. 'TableStyleMedium2'
    display_name: str | None = None

    @property
    def data_area(self) -> Area:
        a = self.area
        return Area(self.sheet, a.r1 + self.header_rows, a.c1, a.r2 - self.totals_rows, a.c2)

    def column_index(self, name: str) -> int | None:
        """0-based position of a column by its (case-insensitive) name."""
        low = name.strip().lower()
        for i, c in enumerate(self.columns):
            if c.lower() == low:
                return i
        return None


@dataclass(slots=True)
class CalcSettings:
    """Excel's calcPr: iterative calculation for circular references, and its limits."""

    iterate: bool = False
    iterate_count: int = 100
    iterate_delta: float = 0.001
    full_calc_on_load: bool = False


def _cell_store():
    from gdsheet.sheet.cellstore import CellStore  # the stores build on this module's classes

    return CellStore()


def _formula_store():
    from gdsheet.sheet.formulastore import FormulaStore

    return FormulaStore()


@dataclass(slots=True)
class Sheet:
    """One worksheet. `cells` holds every value shown: constants and the results of formulas (spilled cells too);
    `formulas` holds the formulas by cell. Both are mappings keyed by (row, col): a CellStore keeps the numbers of a
    column in one array (8 bytes a cell), a FormulaStore keeps a formula filled down a column as one block."""

    name: str
    cells: "CellStore" = field(default_factory=_cell_store)
    formulas: "FormulaStore" = field(default_factory=_formula_store)
    number_formats: dict[CellKey, str] = field(default_factory=dict)
    col_widths: dict[int, float] = field(default_factory=dict)  # in Excel's character units
    row_heights: dict[int, float] = field(default_factory=dict)  # in points
    spills: dict[CellKey, Area] = field(default_factory=dict)  # anchor -> range its result occupies
    spilled_from: dict[CellKey, CellKey] = field(default_factory=dict)  # spilled cell -> its anchor
    hidden: bool = False
    # Formatting and layout as the file has them: read by io/, shown and edited by gui/, written back by io/.
    style_ids: dict[CellKey, int] = field(default_factory=dict)  # cellXfs index ('s') of styled cells; 0 not stored
    merged: list[Area] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    freeze: CellKey | None = None  # first scrolling cell (the pane's topLeftCell): rows above and columns left frozen
    zoom: int = 100  # percent, as sheetView zoomScale
    source_part: str | None = None  # the worksheet part it was read from: a patched save finds it after a rename
    _bounds: tuple[int, int] | None = field(default=None, repr=False, compare=False)

    def value(self, row: int, col: int):
        return self.cells.get((row, col))

    @property
    def used_bounds(self) -> tuple[int, int]:
        """(max_row, max_col) over cells with a value or formula; (0, 0) for an empty sheet. Cached: code that
        adds cells outside the engine calls `grow` (or `forget_bounds`); a bound too large only costs reads."""
        if self._bounds is None:
            (r1, c1), (r2, c2) = self.cells.bounds(), self.formulas.bounds()
            self._bounds = (max(r1, r2), max(c1, c2))
        return self._bounds

    def grow(self, row: int, col: int) -> None:
        if self._bounds is not None and (row > self._bounds[0] or col > self._bounds[1]):
            self._bounds = (max(row, self._bounds[0]), max(col, self._bounds[1]))

    def forget_bounds(self) -> None:
        self._bounds = None


def column_numbers(sheet: Sheet, col: int, r1: int, r2: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows r1..r2 of one column in bulk: float64 values (0 where there is no number) and a mask of the cells that
    hold a number (a bool, text, error or empty cell is False). What vectorised code reads instead of cell by cell."""
    return sheet.cells.numbers(col, r1, r2)
