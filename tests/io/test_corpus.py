"""Excel-saved workbooks load, and what gdsheet reads agrees with openpyxl's own reading of the same file.

openpyxl is the oracle for the fast sheet pass: formula texts (shared formulas expanded), constants, and the cached
values of formula cells (openpyxl's data_only load). Skipped when ../shared is absent (a user's clone).
"""
from __future__ import annotations

import datetime
import math
import warnings
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.formula import ArrayFormula

from gdsheet.errors import ExcelError
from gdsheet.io import load_workbook
from gdsheet.io.xlsx_sheet import display_text

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "excel"
BOOKS = sorted(CORPUS.rglob("*.xlsx")) if CORPUS.is_dir() else []


def _plain(v):
    """openpyxl's reading of a value, in gdsheet's terms."""
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return float(to_excel(v))
    if isinstance(v, datetime.timedelta):
        return v.total_seconds() / 86400
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    return v


def _same(mine, theirs) -> bool:
    if isinstance(mine, ExcelError):
        mine = mine.code
    if isinstance(mine, float) and isinstance(theirs, float):
        return math.isclose(mine, theirs, rel_tol=1e-12, abs_tol=1e-9)
    return type(mine) is type(theirs) and mine == theirs


@pytest.mark.skipif(not BOOKS, reason="../shared/corpus is not present")
@pytest.mark.parametrize("book", BOOKS, ids=[f"{b.parent.name}/{b.name}" for b in BOOKS])
def test_loads_like_openpyxl(book):
    wb = load_workbook(book)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops
        formulas, values = openpyxl.load_workbook(book), openpyxl.load_workbook(book, data_only=True)
    assert [s.name for s in wb.sheets] == formulas.sheetnames
    mismatches = []
    for sheet in wb.sheets:
        for row in formulas[sheet.name].iter_rows():
            for cell in row:
                key, v = (cell.row, cell.column), cell.value
                if isinstance(v, ArrayFormula):
                    v = v.text
                if cell.data_type == "f":
                    f = sheet.formulas.get(key)
                    if v != "=" and (f is None or f.text != display_text(v)):  # an empty <f/> is no formula
                        mismatches.append((sheet.name, cell.coordinate, v, f and f.text))
                    v = values[sheet.name].cell(*key).value
                if not _same(sheet.cells.get(key), _plain(v)):
                    mismatches.append((sheet.name, cell.coordinate, v, sheet.cells.get(key)))
    assert mismatches == []
