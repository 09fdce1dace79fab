"""The workbook: sheets, names and tables, and the operations that edit them and keep every value up to date."""
from __future__ import annotations

from gdsheet import errors as E
from gdsheet.errors import ExcelError, GdsheetError
from gdsheet.refs import Area
from gdsheet.sheet.model import CalcSettings, DefinedName, Formula, Sheet, Table

CellId = tuple[str, int, int]  # (sheet name, row, col)


class Workbook:
    """Sheets, defined names, tables and calculation settings, with recalculation built in.

    Every edit (`set_value`, `set_formula`, `set_input`, `clear`, `set_values`) recalculates the cells that depend on
    what changed and returns the cells whose shown value changed, so a view can repaint just those.
    """

    def __init__(self) -> None:
        self.sheets: list[Sheet] = []
        self.names: dict[tuple[str | None, str], DefinedName] = {}  # (scope sheet or None, NAME upper)
        self.tables: dict[str, Table] = {}  # NAME upper -> table
        self.calc = CalcSettings()
        self.active: int = 0
        self.path: str | None = None
        self.load_warnings: list[str] = []  # what a reader could not keep (charts, pivots...), for the user
        self.styles = None  # the file's style table (gdsheet.sheet.styles.StyleTable); None for a new workbook
        # the package the workbook was read from (gdsheet.io.package.SourcePackage), which a save patches; None for
        # a workbook made in gdsheet, which is written afresh
        self.source = None
        from gdsheet.sheet.calc import Engine  # the engine needs the model, not the other way round

        self.engine = Engine(self)

    # ---- sheets ---------------------------------------------------------------------------------------------

    def add_sheet(self, name: str | None = None, index: int | None = None) -> Sheet:
        if name is None:
            n = len(self.sheets) + 1
            while self.has_sheet(f"Sheet{n}"):
                n += 1
            name = f"Sheet{n}"
        _check_sheet_name(name)
        if self.has_sheet(name):
            raise GdsheetError(f"a sheet named {name!r} already exists")
        sheet = Sheet(name)
        self.sheets.insert(len(self.sheets) if index is None else index, sheet)
        self.engine.invalidate()
        return sheet

    def has_sheet(self, name: str) -> bool:
        low = name.lower()
        return any(s.name.lower() == low for s in self.sheets)

    def sheet(self, name: str | None = None) -> Sheet:
        """The sheet by name (case-insensitive), or the active sheet for None."""
        if name is None:
            return self.sheets[self.active]
        for s in self.sheets:  # exact names first: the engine asks millions of times during a recalculation
            if s.name is name or s.name == name:
                return s
        low = name.lower()
        for s in self.sheets:
            if s.name.lower() == low:
                return s
        raise KeyError(f"no sheet named {name!r}")

    @property
    def active_sheet(self) -> Sheet:
        return self.sheets[self.active]

    def rename_sheet(self, old: str, new: str) -> None:
        """Rename a sheet, rewriting every formula, name and table that refers to it."""
        _check_sheet_name(new)
        sheet = self.sheet(old)
        if new.lower() != old.lower() and self.has_sheet(new):
            raise GdsheetError(f"a sheet named {new!r} already exists")
        self.engine.rename_sheet(sheet.name, new)
        sheet.name = new

    def remove_sheet(self, name: str) -> None:
        if len(self.sheets) == 1:
            raise GdsheetError("a workbook must keep at least one sheet")
        sheet = self.sheet(name)
        idx = self.sheets.index(sheet)
        self.sheets.remove(sheet)
        self.names = {k: v for k, v in self.names.items() if k[0] is None or k[0].lower() != name.lower()}
        self.tables = {k: t for k, t in self.tables.items() if t.sheet.lower() != name.lower()}
        self.active = min(self.active if self.active < idx else max(0, self.active - 1), len(self.sheets) - 1)
        self.engine.invalidate()
        self.recalculate()

    # ---- names and tables -----------------------------------------------------------------------------------

    def define_name(self, name: str, formula: str, scope: str | None = None, hidden: bool = False,
                    comment: str | None = None) -> DefinedName:
        dn = DefinedName(name, formula.lstrip("="), scope, hidden, comment)
        self.names[(scope, name.upper())] = dn
        self.engine.invalidate()
        return dn

    def get_name(self, name: str, scope: str | None = None) -> DefinedName | None:
        """A name as a formula on sheet `scope` sees it: the sheet's own name first, then the workbook's."""
        key = name.upper()
        if scope is not None:
            for (s, n), dn in self.names.items():
                if n == key and s is not None and s.lower() == scope.lower():
                    return dn
        return self.names.get((None, key))

    def remove_name(self, name: str, scope: str | None = None) -> None:
        self.names.pop((scope, name.upper()), None)
        self.engine.invalidate()

    def add_table(self, table: Table) -> None:
        self.tables[table.name.upper()] = table
        self.engine.invalidate()

    def table_at(self, sheet: str, row: int, col: int) -> Table | None:
        low = sheet.lower()
        for t in self.tables.values():
            if t.sheet.lower() == low and (row, col) in t.area:
                return t
        return None

    # ---- cells ----------------------------------------------------------------------------------------------

    def get(self, sheet: str, row: int, col: int):
        """The value shown in a cell: a number, text, bool, None for empty, or an ExcelError."""
        return self.sheet(sheet).cells.get((row, col))

    def formula(self, sheet: str, row: int, col: int) -> Formula | None:
        return self.sheet(sheet).formulas.get((row, col))

    def set_value(self, sheet: str, row: int, col: int, value) -> set[CellId]:
        """Put a constant in a cell (replacing any formula) and recalculate what depends on it."""
        return self.set_values([(sheet, row, col, value)])

    def set_values(self, updates) -> set[CellId]:
        """Put many constants at once, (sheet, row, col, value) each, with one recalculation."""
        return self.engine.set_constants([(self.sheet(s).name, r, c, v) for s, r, c, v in updates])

    def set_formula(self, sheet: str, row: int, col: int, text: str, array: Area | None = None,
                    dynamic: bool = False) -> set[CellId]:
        """Put a formula in a cell ('=' optional). A text that does not parse puts #NAME? in the cell, with the
        parser's message as the error's detail. `array` makes it a legacy array formula over that range;
        `dynamic` makes it spill its array result, as formulas typed into current Excel do."""
        return self.engine.set_formula(self.sheet(sheet).name, row, col, text, array, dynamic)

    def set_input(self, sheet: str, row: int, col: int, text: str) -> set[CellId]:
        """A cell edited as a user types it: '=...' a formula (dynamic, as in current Excel), '' clears, a number,
        TRUE/FALSE, an error literal, or text ('apostrophe forces text)."""
        if text.startswith("=") and len(text) > 1:
            return self.set_formula(sheet, row, col, text, dynamic=True)
        return self.set_value(sheet, row, col, parse_input(text))

    def clear(self, sheet: str, row: int, col: int) -> set[CellId]:
        return self.set_value(sheet, row, col, None)

    def values_are_cached(self) -> bool:
        """Whether every formula cell holds the value saved with the file, and the file does not ask for a full
        recalculation on open (Excel's fullCalcOnLoad): then its values can be shown, and solved from, as they
        are. A file written without cached values (openpyxl, scripts) needs a recalculation first."""
        if self.calc.full_calc_on_load:
            return False
        for s in self.sheets:
            if not all(key in s.cells for key in s.formulas.singles()):
                return False
            if not all(s.cells.held(b.col, b.r1, b.r2).all() for b in s.formulas.blocks()):
                return False
        return True

    def recalculate(self, progress=None) -> set[CellId]:
        """Recalculate every formula from scratch, in dependency order; `progress(done, total)` as the file
        readers take it, called between formulas."""
        return self.engine.recalculate_all(progress)

    def recalculate_volatile(self) -> set[CellId]:
        """Recalculate volatile formulas (RAND, NOW, OFFSET, INDIRECT...) and what depends on them (F9)."""
        return self.engine.recalculate_volatile()

    def evaluate(self, text: str, sheet: str | None = None, row: int = 1, col: int = 1):
        """Evaluate a formula text as if it sat in a cell, without storing it."""
        return self.engine.evaluate_text(text, self.sheet(sheet).name, row, col)

    # ---- the dependency graph -------------------------------------------------------------------------------

    def precedents(self, sheet: str, row: int, col: int, transitive: bool = False) -> set[CellId]:
        """Cells the formula in (sheet, row, col) reads: directly, or through other formulas too."""
        return self.engine.precedents((self.sheet(sheet).name, row, col), transitive)

    def dependents(self, sheet: str, row: int, col: int, transitive: bool = True) -> set[CellId]:
        """Formula cells whose value depends on (sheet, row, col)."""
        return self.engine.dependents((self.sheet(sheet).name, row, col), transitive)


def parse_input(text: str):
    """A typed cell entry that is not a formula -> its value."""
    from gdsheet.values import parse_number_text

    if text == "":
        return None
    if text.startswith("'"):
        return text[1:]
    up = text.strip().upper()
    if up in ("TRUE", "FALSE"):
        return up == "TRUE"
    if up in E.ERRORS_BY_CODE:
        return E.ERRORS_BY_CODE[up]
    n = parse_number_text(text)
    return text if n is None else n


def _check_sheet_name(name: str) -> None:
    bad = set("[]:*?/\\")
    if not name or len(name) > 31 or any(ch in bad for ch in name) or name[0] == "'" or name[-1] == "'":
        raise GdsheetError(f"{name!r} is not a valid sheet name (1-31 characters, none of [ ] : * ? / \\)")


__all__ = ["Workbook", "Sheet", "Formula", "DefinedName", "Table", "CalcSettings", "ExcelError", "Area", "CellId",
           "parse_input"]
