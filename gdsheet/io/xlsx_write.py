"""Write a Workbook to .xlsx with openpyxl, atomically (gdsheet.io.atomic: a temporary sibling, fsync, replace)."""
from __future__ import annotations

import io
from itertools import groupby
from pathlib import Path

import openpyxl
from openpyxl.workbook.defined_name import DefinedName as XlName
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import Table as XlTable
from openpyxl.worksheet.table import TableColumn, TableStyleInfo

from gdsheet.errors import ExcelError, FormulaSyntaxError, WorkbookWriteError
from gdsheet.formula import ast as A
from gdsheet.formula import parse_cached
from gdsheet.formula.unparse import unparse
from gdsheet.io.atomic import atomic_write
from gdsheet.io.sheet_patch import formula_file_text
from gdsheet.io.xlsx_patch import cached_value, patch_package
from gdsheet.io.xlsx_save import NeedsFresh, save_patched
from gdsheet.io.xlsx_write_styles import write_formatting
from gdsheet.refs import Area, col_letter
from gdsheet.sheet.model import Formula, Sheet
from gdsheet.sheet.styles import sync_number_formats
from gdsheet.sheet.workbook import Workbook


def write_xlsx(wb: Workbook, path: str | Path) -> list[str]:
    """Save `wb` to `path`; returns what the user should be told about this save (macros left out, a package that
    had to be written afresh). On any failure the file at `path`, if any, is left as it was.

    A workbook read from a file is saved by patching that package (gdsheet.io.xlsx_save): every part no edit
    touched is copied byte for byte. A workbook made in gdsheet, or one whose sheets were added, removed or
    renamed, is written afresh with openpyxl, as follows.

    Formula cells carry gdsheet's current values as their cached results (every cell of an array or spill range
    too), so any reader shows them before recalculating; docProps/app.xml names gdsheet as their author, and
    calcPr fullCalcOnLoad still asks Excel to recalculate on open. A dynamic-array formula is written as an
    array formula over its spill range whose cell carries Excel's dynamic-array metadata (cm="1",
    xl/metadata.xml), so Excel 365 reopens it as a spill; older readers see a legacy array formula there.
    """
    if not str(path).strip():
        raise WorkbookWriteError("could not save: no file name was given")
    path = Path(path)
    check_target(path)
    warnings: list[str] = []
    try:
        sync_number_formats(wb)
        if wb.source is not None:
            try:
                return save_patched(wb, path, lambda write: atomic_write(path, write))
            except NeedsFresh as e:
                warnings.append(f"{Path(wb.source.path).name} could not be patched ({e}), so the workbook was "
                                "written afresh: charts, drawings, pivot tables, macros and the other parts gdsheet "
                                "does not show were left out")
        book = to_openpyxl(wb)
    except WorkbookWriteError:
        raise
    except (ValueError, TypeError, KeyError) as e:
        raise WorkbookWriteError(f"could not save {path.name}: {e}") from e
    atomic_save(book, wb, path)
    return warnings


def check_target(path: str | Path) -> None:
    """Refuse, before any work, a name gdsheet cannot write: an Excel template, or no name at all."""
    path = Path(path)
    if not path.name.strip():
        raise WorkbookWriteError("could not save: no file name was given")
    if path.suffix.lower() in (".xltm", ".xltx"):
        raise WorkbookWriteError(f"could not save {path.name}: gdsheet does not write Excel templates; choose a "
                                 "name ending in .xlsx or .xlsm")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise WorkbookWriteError(f"could not save {path.name}: choose a name ending in .xlsx (or .xlsm for a "
                                 "workbook with macros)")


def to_openpyxl(wb: Workbook) -> openpyxl.Workbook:
    """An openpyxl workbook holding everything gdsheet keeps: cells, formulas, formats, names, tables, settings."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    prefixes = wb.source.function_prefixes if wb.source is not None else {}
    for sheet in wb.sheets:
        ws = book.create_sheet(sheet.name)
        ws.sheet_state = "hidden" if sheet.hidden else "visible"
        _write_cells(ws, sheet, prefixes)
        _write_dimensions(ws, sheet)
        write_formatting(ws, sheet, wb.styles)
    for (scope, _), dn in wb.names.items():
        xl = XlName(dn.name, attr_text=_name_text(dn.formula), hidden=dn.hidden or None, comment=dn.comment)
        if scope is None:
            book.defined_names[dn.name] = xl
        elif wb.has_sheet(scope):
            book[wb.sheet(scope).name].defined_names[dn.name] = xl
    for table in wb.tables.values():
        book[wb.sheet(table.sheet).name].add_table(_table(table))
    c = wb.calc
    book.calculation = CalcProperties(fullCalcOnLoad=True, iterate=c.iterate or None, iterateCount=c.iterate_count,
                                      iterateDelta=c.iterate_delta)
    book.active = min(wb.active, len(wb.sheets) - 1)
    return book


def _write_cells(ws, sheet: Sheet, prefixes: dict[str, str]) -> None:
    covered: set[tuple[int, int]] = set(sheet.spilled_from)  # cells an array or spill fills
    for (row, col), f in sheet.formulas.items():
        if f.array is not None and not f.dynamic:
            covered.update(f.array.cells())
        covered.discard((row, col))
    formats = sheet.number_formats
    for key, value in sheet.cells.items():
        if key in sheet.formulas or value is None:
            continue
        cell = ws.cell(key[0], key[1])
        if key in covered:  # as Excel writes them: the formula's results, cached, on cells without a formula
            _set_cached(cell, value)
        else:
            _set_constant(cell, value)
        if key in formats:
            cell.number_format = formats[key]
    for (row, col), f in sheet.formulas.items():  # their values are filled in by patch_package
        cell = ws.cell(row, col)
        cell.value = _formula_value(f, row, col, sheet.spills.get((row, col)), prefixes)
        if (row, col) in formats:
            cell.number_format = formats[(row, col)]
    for key, code in formats.items():  # formats on empty cells (a column prepared for input)
        if key not in sheet.cells and key not in sheet.formulas:
            ws.cell(key[0], key[1]).number_format = code


def _set_constant(cell, value) -> None:
    if type(value) is float:  # most cells; written in full, as openpyxl's own "%.16g" can lose the last bit
        _set_cached(cell, value)
    # Set the type explicitly: openpyxl would read text starting with '=' as a formula and '#N/A' as an error.
    elif isinstance(value, ExcelError):
        cell._value, cell.data_type = value.code, "e"
    elif isinstance(value, str):
        cell.value = value  # validates characters XML cannot hold
        cell.data_type = "s"
    elif isinstance(value, bool):
        cell.value = value
    else:
        _set_cached(cell, value)


def _set_cached(cell, value) -> None:
    t, text = cached_value(value)
    # openpyxl writes a str _value as it is, and data_type as t ("n" for a number, "str" for text)
    cell._value, cell.data_type = text, t or "n"


def _formula_value(f: Formula, row: int, col: int, spill: Area | None, prefixes: dict[str, str]):
    text = formula_file_text(f, row, col, prefixes)  # the file's own text while unedited
    if f.dynamic:
        # Excel stores a dynamic formula as an array formula over its spill range (one cell before it spills);
        # patch_package adds the cm metadata that tells it apart from a legacy one.
        area = spill or Area(None, row, col, row, col)
        return ArrayFormula(area.a1(with_sheet=False), text)
    if f.array is not None:
        return ArrayFormula(f.array.a1(with_sheet=False), text)
    return text


def _write_dimensions(ws, sheet: Sheet) -> None:
    cols = sorted(sheet.col_widths.items())
    # Consecutive columns of equal width become one <col min max> element, as Excel writes them.
    for _, run in groupby(enumerate(cols), key=lambda p: (p[1][0] - p[0], p[1][1])):
        run = [c for _, c in run]
        lo, hi, width = run[0][0], run[-1][0], run[0][1]
        ws.column_dimensions[col_letter(lo)] = ColumnDimension(ws, index=col_letter(lo), min=lo, max=hi,
                                                               width=width, customWidth=True)
    for row, height in sheet.row_heights.items():
        ws.row_dimensions[row].height = height


def _table(table) -> XlTable:
    xl = XlTable(displayName=table.name, ref=table.area.a1(with_sheet=False),
                 headerRowCount=table.header_rows, totalsRowCount=table.totals_rows or None)
    xl.tableColumns = [TableColumn(id=i + 1, name=name) for i, name in enumerate(table.columns)]
    if table.style:
        xl.tableStyleInfo = TableStyleInfo(name=table.style, showRowStripes=True)
    return xl


def atomic_save(book: openpyxl.Workbook, wb: Workbook, path: Path) -> None:
    """Write `book`, made from `wb`, to `path` atomically (see gdsheet.io.atomic).
    openpyxl cannot write cached values of formulas or cm: its package is finished by `patch_package`."""

    def write(fh) -> None:
        buffer = io.BytesIO()
        book.save(buffer)
        buffer.seek(0)
        patch_package(buffer, fh, wb, macro_enabled=path.suffix.lower() == ".xlsm")

    atomic_write(path, write)


def _name_text(formula: str) -> str:
    """A defined name's definition as a file must spell it: a name that calls functions Excel added after 2007
    (LAMBDA, LET, XLOOKUP...) needs their _xlfn. and _xlpm. prefixes, as cell formulas do; anything else (ranges,
    constants, text gdsheet cannot parse) is written as it is."""
    try:
        tree = parse_cached("=" + formula, 1, 1)
    except FormulaSyntaxError:
        return formula
    return unparse(tree, 1, 1, for_file=True)[1:] if isinstance(tree, A.Call) or "(" in formula else formula
