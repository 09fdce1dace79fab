"""Helpers shared by the function tests: blank workbooks, expected-value checks and IronCalc as an oracle."""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pytest

from gdsheet.errors import ExcelError
from gdsheet.sheet.workbook import Workbook

Cell = tuple[int, int, object]  # (row, col, value) on the first sheet


def new_workbook(cells: Iterable[Cell] = ()) -> Workbook:
    """A workbook with one sheet, Sheet1, holding `cells`."""
    book = Workbook()
    book.add_sheet("Sheet1")
    values = [("Sheet1", r, c, v) for r, c, v in cells]
    if values:
        book.set_values(values)
    return book


def check(wb: Workbook, formula: str, expected, rel: float = 1e-6, abs: float = 1e-9) -> None:
    """Assert `formula` gives `expected`: a float to a tolerance, an error by its code ("#NUM!"), else exactly."""
    got = wb.evaluate(formula)
    if isinstance(expected, float):
        assert isinstance(got, float) and math.isclose(got, expected, rel_tol=rel, abs_tol=abs), (formula, got)
    elif isinstance(expected, str) and expected.startswith("#"):
        assert isinstance(got, ExcelError) and got.code == expected, (formula, got)
    else:
        assert got == expected, (formula, got)


def same(got, expected, rel: float = 1e-12, abs: float | None = None, unwrap: bool = False) -> bool:
    """Whether `got` is `expected`: errors, text and booleans exactly (type too), numbers as floats to a tolerance.

    `abs=None` keeps pytest.approx's default absolute tolerance; `unwrap` accepts a 1x1 array for a scalar.
    """
    if isinstance(expected, (ExcelError, str, bool)):
        return type(got) is type(expected) and got == expected
    if unwrap and isinstance(got, np.ndarray) and got.shape == (1, 1):
        got = got[0, 0]
    return isinstance(got, float) and got == pytest.approx(expected, rel=rel, abs=abs)


def agree(ours, theirs, rel: float = 1e-9, abs: float = 1e-9, exact_types: bool = False) -> bool:
    """Whether gdsheet's value matches IronCalc's (errors as ExcelError): floats to a tolerance, the rest exactly.

    `exact_types` also rejects equal values of different types (True against 1.0).
    """
    if isinstance(ours, float) and isinstance(theirs, float):
        return math.isclose(ours, theirs, rel_tol=rel, abs_tol=abs)
    return (not exact_types or type(ours) is type(theirs)) and ours == theirs


def _input(v) -> str:
    """A value as typed into an IronCalc cell."""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    return repr(v) if isinstance(v, (int, float)) else v


def ironcalc_model(formulas: Mapping[tuple[int, int], str], cells: Iterable[Cell] = ()):
    """An evaluated IronCalc model with `cells` (blanks skipped) and `formulas` {(row, col): text} on its sheet."""
    import ironcalc  # only here: the tests that need no oracle must run without it

    model = ironcalc.create("oracle", "en", "UTC")
    for r, c, v in cells:
        if v is not None:
            model.set_user_input(0, r, c, _input(v))
    for (r, c), f in formulas.items():
        model.set_user_input(0, r, c, f)
    model.evaluate()
    return model


def ironcalc_cell(model, row: int, col: int):
    """IronCalc's value of a cell, its error values as ExcelError."""
    import ironcalc

    v = model.get_cell_value(0, row, col)
    return ExcelError(v) if model.get_cell_type(0, row, col) == ironcalc.CellType.ErrorValue else v


def ironcalc_values(formulas: Sequence[str], cells: Iterable[Cell] | None = None, col: int = 1) -> list:
    """IronCalc's value of each formula, formula i evaluated at row i + 1 of column `col` (a list: ROW() differs)."""
    model = ironcalc_model({(i + 1, col): f for i, f in enumerate(formulas)}, cells or ())
    return [ironcalc_cell(model, i + 1, col) for i in range(len(formulas))]
