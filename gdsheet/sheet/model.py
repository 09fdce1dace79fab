"""Plain data of a workbook: sheets and their cells, formulas, defined names, tables, calculation settings."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gdsheet.errors import ExcelError
from gdsheet.formula.ast import Node
from gdsheet.refs import Area

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


@dataclass(slots=True)
class Sheet:
    """One worksheet. `cells` holds every value shown: constants and the results of formulas (spilled cells too);
    `formulas` holds the formulas by cell. Both are plain dicts keyed by (row, col): ~100 bytes a numeric cell."""

    name: str
    cells: dict[CellKey, object] = field(default_factory=dict)
    formulas: dict[CellKey, Formula] = field(default_factory=dict)
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
            keys = self.cells.keys() | self.formulas.keys()
            self._bounds = (max(r for r, _ in keys), max(c for _, c in keys)) if keys else (0, 0)
        return self._bounds

    def grow(self, row: int, col: int) -> None:
        if self._bounds is not None and (row > self._bounds[0] or col > self._bounds[1]):
            self._bounds = (max(row, self._bounds[0]), max(col, self._bounds[1]))

    def forget_bounds(self) -> None:
        self._bounds = None


def column_numbers(sheet: Sheet, col: int, r1: int, r2: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows r1..r2 of one column in bulk: float64 values (0 where there is no number) and a mask of the cells that
    hold a number (a bool, text, error or empty cell is False). What vectorised code reads instead of cell by cell."""
    n = r2 - r1 + 1
    values = np.zeros(n)
    mask = np.zeros(n, dtype=bool)
    get = sheet.cells.get
    for i, r in enumerate(range(r1, r2 + 1)):
        v = get((r, col))
        if type(v) is float or (type(v) is int):
            values[i] = v
            mask[i] = True
    return values, mask
