"""Excel's database functions (DSUM, DAVERAGE, DGET, ...): a table with a header row, a field and a criteria table."""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.criteria import Predicate, criterion, matches
from gdsheet.functions.registry import excel
from gdsheet.values import is_number, parse_number_text, to_text

CAT = "Database"
_OPERATORS = ("<", ">", "=")
_LITERALS = {"TRUE", "FALSE", *E.ERRORS_BY_CODE}


# ---- the table, the field and the criteria -------------------------------------------------------------------

def _label(v) -> str | None:
    """A header cell as a case-folded label (numbers in General format); None for blanks and errors."""
    if v is None or isinstance(v, ExcelError):
        return None
    return to_text(v).lower()


def _field_column(db: np.ndarray, field) -> int | ExcelError:
    """The 0-based column a field names: a header label (case-insensitive) or a 1-based number (truncated)."""
    if isinstance(field, str):
        labels = [_label(v) for v in db[0]]
        if field.lower() in labels:
            return labels.index(field.lower())
        return E.VALUE.because(f"the database has no column labelled {field!r}")
    if is_number(field):
        col = math.trunc(float(field))
        if 1 <= col <= db.shape[1]:
            return col - 1
        return E.VALUE.because(f"field {col} is outside the database's {db.shape[1]} columns")
    return E.VALUE.because("field must be a column label or a column number")


def _condition(v) -> Predicate | None:
    """A criteria cell's predicate, or None for a blank cell (which matches every record)."""
    if v is None or v == "":
        return None
    if isinstance(v, str) and not v.startswith(_OPERATORS) and parse_number_text(v) is None \
            and v.strip().upper() not in _LITERALS:
        # bare text matches the records that begin with it ("App" finds "Applesauce"), as Advanced Filter does;
        # Microsoft's examples write ="=Apple" for an exact match
        v += "*"
    return criterion(v)


def _selected(db: np.ndarray, crit: np.ndarray) -> np.ndarray:
    """Which records (rows below the header) meet the criteria table: cells of a row ANDed, rows ORed."""
    labels = [_label(v) for v in db[0]]
    records = db[1:]
    columns = [labels.index(lab) if lab in labels else None for lab in (_label(v) for v in crit[0])]
    if crit.shape[0] == 1:  # a header with no condition rows places no condition
        return np.ones(records.shape[0], dtype=bool)
    chosen = np.zeros(records.shape[0], dtype=bool)
    for row in crit[1:]:
        keep = np.ones(records.shape[0], dtype=bool)
        for col, cell in zip(columns, row):
            pred = _condition(cell)
            # a label that names no column of the database places no condition (as IronCalc does)
            if col is not None and pred is not None:
                keep &= matches(pred, records[:, col])
        chosen |= keep
    return chosen


def _picked(db: np.ndarray, field, crit: np.ndarray) -> np.ndarray | ExcelError:
    """The field's cells of the records that meet the criteria, in table order."""
    col = _field_column(db, field)
    if isinstance(col, ExcelError):
        return col
    return db[1:, col][_selected(db, crit)]


def _numbers(cells: np.ndarray) -> list[float] | ExcelError:
    """The numbers among the chosen cells; text, booleans and blanks are skipped, an error is the result."""
    out = []
    for v in cells:
        if isinstance(v, ExcelError):
            return v
        if is_number(v):
            out.append(float(v))
    return out


# ---- the numeric functions: one reducer each over the chosen numbers -------------------------------------------

def _sum(xs: list[float]) -> float:
    return math.fsum(xs)


def _product(xs: list[float]) -> float:
    # no matching number gives 0, as PRODUCT of nothing does
    return float(math.prod(xs)) if xs else 0.0


def _average(xs: list[float]):
    return math.fsum(xs) / len(xs) if xs else E.DIV0.because("no record meets the criteria")


def _extreme(pick: Callable) -> Callable:
    # no matching number gives 0, as MAX and MIN of nothing do
    return lambda xs: float(pick(xs)) if xs else 0.0


def _variance(ddof: int, root: bool) -> Callable:
    def reduce(xs: list[float]):
        if len(xs) <= ddof or not xs:  # the sample forms need two numbers, the population forms one
            return E.DIV0.because(f"needs at least {ddof + 1} matching number(s)")
        mean = math.fsum(xs) / len(xs)
        var = math.fsum((x - mean) ** 2 for x in xs) / (len(xs) - ddof)
        return math.sqrt(var) if root else var

    return reduce


def _numeric(name: str, reduce: Callable, summary: str) -> None:
    @excel(name, "values", "scalar", "values", category=CAT, syntax=f"{name}(database, field, criteria)",
           summary=summary)
    def impl(db: np.ndarray, field, crit: np.ndarray):
        # only numbers in the field count (text that looks like a number, booleans and blanks do not), and an
        # error in a matching record's field is the result, as SUM over a range does
        cells = _picked(db, field, crit)
        if isinstance(cells, ExcelError):
            return cells
        xs = _numbers(cells)
        return xs if isinstance(xs, ExcelError) else reduce(xs)


_numeric("DSUM", _sum, "Adds the numbers in a field of the database records that meet the criteria.")
_numeric("DPRODUCT", _product, "Multiplies the numbers in a field of the database records that meet the criteria.")
_numeric("DAVERAGE", _average, "Averages the numbers in a field of the database records that meet the criteria.")
_numeric("DMAX", _extreme(max), "The largest number in a field of the database records that meet the criteria.")
_numeric("DMIN", _extreme(min), "The smallest number in a field of the database records that meet the criteria.")
_numeric("DVAR", _variance(1, False),
         "The sample variance of a field's numbers over the database records that meet the criteria.")
_numeric("DVARP", _variance(0, False),
         "The population variance of a field's numbers over the database records that meet the criteria.")
_numeric("DSTDEV", _variance(1, True),
         "The sample standard deviation of a field's numbers over the database records that meet the criteria.")
_numeric("DSTDEVP", _variance(0, True),
         "The population standard deviation of a field's numbers over the database records that meet the criteria.")


# ---- counting and fetching ------------------------------------------------------------------------------------

def _count(db: np.ndarray, field, crit: np.ndarray, counts: Callable[[object], bool]):
    if field is None:  # field omitted (DCOUNT(db,,criteria)): Microsoft counts the matching records themselves
        return float(_selected(db, crit).sum())
    cells = _picked(db, field, crit)
    return cells if isinstance(cells, ExcelError) else float(sum(counts(v) for v in cells))


@excel("DCOUNT", "values", "scalar", "values", category=CAT, syntax="DCOUNT(database, [field], criteria)",
       summary="Counts the numbers in a field of the database records that meet the criteria.")
def dcount(db: np.ndarray, field, crit: np.ndarray) -> float | ExcelError:
    # counts numbers only: errors, text and booleans in the field are not counted (and do not propagate)
    return _count(db, field, crit, is_number)


@excel("DCOUNTA", "values", "scalar", "values", category=CAT, syntax="DCOUNTA(database, [field], criteria)",
       summary="Counts the non-blank cells in a field of the database records that meet the criteria.")
def dcounta(db: np.ndarray, field, crit: np.ndarray) -> float | ExcelError:
    # counts every non-blank cell, errors included, as COUNTA does
    return _count(db, field, crit, lambda v: v is not None)


@excel("DGET", "values", "scalar", "values", category=CAT, syntax="DGET(database, field, criteria)",
       summary="The one value in a field of the single database record that meets the criteria.")
def dget(db: np.ndarray, field, crit: np.ndarray):
    # no matching record is #VALUE!, more than one is #NUM!; a blank field reads as 0, as a reference to it does
    cells = _picked(db, field, crit)
    if isinstance(cells, ExcelError):
        return cells
    if len(cells) == 0:
        return E.VALUE.because("no record meets the criteria")
    if len(cells) > 1:
        return E.NUM.because(f"{len(cells)} records meet the criteria; DGET needs exactly one")
    v = cells[0]
    return 0.0 if v is None else float(v) if is_number(v) else v
