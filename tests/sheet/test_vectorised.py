"""Vectorised evaluation of a column of one relative formula against the engine, cell by cell.

Every formula is placed down a column of a Workbook with wb.set_formula (the engine computes each cell), and
evaluate_rows must give exactly the engine's number on every row it calls ok, and call ok every row whose cells are
all plain numbers and whose value is a number (formulas with IF/IFERROR only read some of their cells: there ok
must be a subset of the rows where the engine gives a number)."""
import math
import random
import sys
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdsheet import errors as E
from gdsheet.formula import ast as A
from gdsheet.formula import parse_cached, unparse
from gdsheet.functions import FUNCTIONS
from gdsheet.refs import MAX_ROW, Area
from gdsheet.functions.math import round_digits
from gdsheet.sheet import row_reductions as R
from gdsheet.sheet import vectorised
from gdsheet.sheet import vector_rounding as VR
from gdsheet.sheet.vector_kinds import expand_names
from gdsheet.sheet.model import Table
from gdsheet.sheet.vectorised import (ARRAY_GUARDS, BOOL, WorkbookSource, block_tree, cells_read, evaluate_rows,
                                      reads_own_rows, result_kind, vectorisable)
from gdsheet.sheet.workbook import Workbook
from gdsheet.values import round15

ROWS = 230  # rows 1..ROWS hold data; row 1 also the parameters $B$1:$K$1
COL = 20  # the formulas' column (T): right of the data, read by nothing
SPECIAL = [0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 1e9, -3e8, 2.0 ** 27, 1e-300, 1e300, -1e300, 0.1, 0.3]


def _value(rng: random.Random, clean: bool):
    roll = rng.random()
    if clean or roll < 0.8:
        if rng.random() < 0.12:
            return rng.choice(SPECIAL)
        return rng.choice([rng.uniform(-5, 5), rng.uniform(-1, 1), float(rng.randint(-3, 3))])
    return [None, "text", "3", True, False, E.NA, E.DIV0, 7][int((roll - 0.8) / 0.2 * 8)]  # 7: an int, a number


def make_book() -> Workbook:
    rng = random.Random(13)
    wb = Workbook()
    wb.add_sheet("S")
    wb.add_sheet("Other")
    updates = []
    for r in range(1, ROWS + 1):
        for c in range(1, 13):  # A..L; L and row 1 hold numbers only
            updates.append(("S", r, c, _value(rng, clean=c == 12 or r == 1)))
        for c in range(1, 4):
            updates.append(("Other", r, c, _value(rng, clean=False)))
    wb.set_values(updates)
    wb.define_name("Rate", "S!$B$1")
    wb.define_name("Weights", "S!$B$1:$K$1")
    wb.define_name("Half", "0.5")
    wb.define_name("Twice", "Rate*2")
    wb.define_name("Local", "$C$1", scope="S")  # S!$C$1
    wb.define_name("Elsewhere", "$C$1", scope="Other")  # not seen from S: #NAME? there
    wb.define_name("Next", "S!$A2")  # row relative to A1: column A, one row below the formula
    wb.define_name("Loop", "Loop+1")
    wb.define_name("Label", '"text"')
    return wb


@pytest.fixture(scope="module")
def book() -> Workbook:
    return make_book()


class ReadOnlySource(WorkbookSource):
    """Arrays the evaluator must not write to, as the column store's slices."""

    def numbers(self, sheet, col, r1, r2):
        v, m = super().numbers(sheet, col, r1, r2)
        v.flags.writeable = m.flags.writeable = False
        return v, m

    def area(self, area):
        v, m = super().area(area)
        v.flags.writeable = m.flags.writeable = False
        return v, m


def _cells_read(tree: A.Node, row: int, col: int):
    """(sheet, row, col) of every cell the tree names, placed at (row, col); None for one outside the grid."""
    out = []
    stack = [tree]
    while stack:
        n = stack.pop()
        if isinstance(n, A.CellRef):
            r, c = (n.row if n.row_abs else row + n.row), (n.col if n.col_abs else col + n.col)
            out.append((n.sheet or "S", r, c) if 1 <= r <= MAX_ROW else None)
        elif isinstance(n, A.AreaRef):
            r1, r2 = (n.r1 if n.r1_abs else row + n.r1), (n.r2 if n.r2_abs else row + n.r2)
            c1, c2 = (n.c1 if n.c1_abs else col + n.c1), (n.c2 if n.c2_abs else col + n.c2)
            if r1 < 1:
                out.append(None)
            out += [(n.sheet or "S", r, c) for r in range(max(r1, 1), r2 + 1) for c in range(c1, c2 + 1)]
        elif isinstance(n, A.Unary):
            stack.append(n.operand)
        elif isinstance(n, A.Binary):
            stack += [n.left, n.right]
        elif isinstance(n, A.Call):
            stack += list(n.args)
    return out


# IF and IFERROR read only some of their cells, COUNT any cells; decimal rounding leaves numbers outside about
# 1e-8..1e15 to the engine (test_decimal_rounding_computes_every_row_of_ordinary_numbers checks the rest)
PARTIAL = {"IF", "IFERROR", "COUNT", "ROUND", "ROUNDUP", "ROUNDDOWN", "TRUNC", "MOD", "QUOTIENT"}


def _partial(tree: A.Node) -> bool:
    return any(isinstance(n, A.Call) and n.name in PARTIAL for n in _walk(tree))


def _walk(n):
    yield n
    for child in (getattr(n, "args", None) or [getattr(n, k) for k in ("operand", "left", "right") if hasattr(n, k)]):
        yield from _walk(child)


def check(wb: Workbook, text: str, r1: int = 1, r2: int = ROWS, expect_ok: int = 1) -> np.ndarray:
    """Place `text` (as written in row 4) down column COL and compare; returns the ok mask."""
    tree = parse_cached(text, 4, COL)
    assert vectorisable(tree, names=WorkbookSource(wb).name, sheet="S"), text
    values, ok = evaluate_rows(tree, "S", COL, r1, r2, ReadOnlySource(wb))
    assert values.shape == ok.shape == (r2 - r1 + 1,) and values.dtype == float and ok.dtype == bool
    for r in range(r1, r2 + 1):
        wb.set_formula("S", r, COL, unparse(tree, r, COL))
    read = expand_names(tree, WorkbookSource(wb).name, "S")  # what the names in it read too
    partial = _partial(read)
    for i, r in enumerate(range(r1, r2 + 1)):
        engine = wb.get("S", r, COL)
        number = type(engine) in (float, int)  # =+A4 of a cell holding the int 7 is that int
        if ok[i]:
            assert number and engine == values[i], f"{text} in row {r}: engine {engine!r}, array {values[i]!r}"
        elif not partial and number:
            cells = _cells_read(read, r, COL)
            plain = all(c is not None and type(v := wb.get(*c)) in (float, int) for c in cells)
            assert not plain, f"{text} in row {r}: the engine gives {engine!r} from numbers, the array path gave up"
    assert ok.sum() >= expect_ok, f"{text}: only {ok.sum()} rows computed"
    return ok


FORMULAS = [
    # the Titanic model's two columns, and relatives
    "=SUMPRODUCT(B4:K4,$B$1:$K$1)", "=(L4-A4)^2", "=SUMPRODUCT(B4:K4)", "=SUMPRODUCT(B3:C5,D3:E5)",
    "=SUMPRODUCT(L4,L5)", "=SUMPRODUCT($B$1:$K$1,B4:K4,B4:K4)",
    # operators
    "=A4+B4", "=A4-B4*C4", "=A4/B4", "=-A4", "=A4%", "=+A4", "=A4^B4", "=A4^2", "=A4^0.5", "=L4^3", "=(A4+B4)^2",
    "=2^A4", "=A4^-1", "=L4*1E300*1E10", "=A4+TRUE", "=-(A4>B4)", "=A4*(B4<=C4)", "=L5-L3",
    # references elsewhere: up, down, absolute, other sheet
    "=A1+A4", "=$B$1*A4", "=A$1*B4", "=$A4*2", "=Other!A4+A4", "=Other!$B$2*L4", "=A5-A3", "=L2+L6",
    # functions with kernels
    "=SQRT(A4)", "=EXP(-D4)/(1+EXP(-D4))", "=LN(B4)", "=LOG10(C4)", "=LOG(A4)", "=LOG(A4,B4)", "=ABS(A4)",
    "=SIGN(A4)", "=SIN(D4)", "=COS(A4)*TAN(B4)", "=COT(A4)", "=ATAN2(A4,B4)", "=POWER(A4,B4)", "=POWER(A4,2)",
    "=SINH(A4/10)", "=ATANH(A4)", "=ERF(A4)", "=ERF(A4,B4)", "=NORM.S.INV(A4)", "=STANDARDIZE(A4,B4,C4)",
    "=GAMMALN(A4)", "=PI()*A4", "=DEGREES(A4)+RADIANS(B4)", "=LOG(COUNT(A4:C4),B4+1)", "=LOG(L4^2,L5^2)",
    # decimal rounding
    "=ROUND(A4,2)", "=ROUND(A4*B4,0)", "=ROUND(A4,-1)", "=ROUNDUP(A4,1)", "=ROUNDDOWN(A4,3)", "=TRUNC(A4)",
    "=TRUNC(A4,1)", "=ROUND(A4,15)", "=ROUND(L4,2.7)", "=INT(A4)", "=MOD(A4,B4)", "=MOD(A4*10,3)",
    "=QUOTIENT(A4,B4)", "=ROUND(SUMPRODUCT(B4:K4,$B$1:$K$1),4)",
    # conditions
    "=IF(C4>0,C4*$B$1,0)", "=IF(A4,B4,C4)", "=IF(A4>=B4,SQRT(A4),LN(B4))", "=IF(AND(A4>0,B4<1),1,2)",
    "=IF(OR(A4=0,B4<>1),A4,B4)", "=IF(NOT(A4<0),A4,-A4)", "=IF(A4>0,TRUE,FALSE)+1", "=IF(A4=B4,1,0)",
    '=IF(A4>0,A4*2,"")', "=IF(A4>0,A4)", "=IF(A4>0,A4,FALSE)", "=IF(A4,,1)", "=IF(A4>0,B4,NA())",
    "=IFERROR(IF(A4>0,B4,NA()),-1)", "=IF(A4>0,#N/A,1)+1", '=IFERROR(IF(A4>0,B4,""),-1)', "=IF(A4>0,A4>1,2)",
    "=IFERROR(A4/B4,-1)", "=IFERROR(LN(A4),IFERROR(LN(-A4),0))", "=IFERROR(1/A4,1/B4)", "=IF(L4>0,1/L4,1/(L4-1))",
    # aggregates
    "=SUM(A4:C5)", "=SUM(A4,B4,5)", "=SUM(A4:K4)*2", "=AVERAGE(A4:K4)", "=AVERAGE(L3:L5,1)", "=MAX(A3:A5)-MIN(B4,C4)",
    "=COUNT(A4:L4)", "=COUNT(A3:A5,B4)", "=PRODUCT(A4:D4)", "=SUMSQ(A4:K4)", "=SUM(A4>0,B4)", "=SUM(L1:L3)/L4",
    "=SUM($L$1:$L$200)*L4", "=A4/SUM($A$4:$A$100)", "=L4/AVERAGE($L$1:$L$200)", "=MAX($L$1:$L$9,L4)",
    "=SUMPRODUCT($L$1:$L$5,$L$6:$L$10)+L4", "=COUNT($A$1:$K$9)+A4", "=SUM(Other!A4:C4)",
    # SUMPRODUCT of arrays computed element by element
    "=SUMPRODUCT((B4:K4-$B$1:$K$1)^2)", "=SUMPRODUCT(--(A4:C4>0))", "=SUMPRODUCT(A4:C4>0)",
    "=SUMPRODUCT(EXP(-B4:D4),$B$1:$D$1)", "=SUMPRODUCT(ABS(A3:B5-L4)*2,C3:D5)", "=SUMPRODUCT(A4:C4*L4)",
    "=SUMPRODUCT((A4:C4>B4)*A4:C4)", "=SUMPRODUCT(ROUND(A4:C4,1),$B$1:$D$1)", "=SUMPRODUCT(POWER(A4:B4,2))",
    "=SUMPRODUCT(A4*2)", "=SUMPRODUCT(1/A4:C4)", "=SUMPRODUCT(($L$1:$L$3-L4)^2)",
    # defined names
    "=A4*Rate", "=SUMPRODUCT(B4:K4,Weights)", "=L4*Half", "=Twice+L4", "=Local*A4", "=S!Local*A4", "=Next-A4",
    "=SUM(Weights)*L4",
    # a cell compared with a text
    '=IF(A4="text",1,2)', '=IF(A4<>"TEXT",B4,C4)', '=IF(Other!$A$5="x",1,0)+A4', '=(B4="3")+A4',
]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_agrees_with_the_engine(book, text):
    check(book, text, expect_ok=0 if "$A$4:$A$100" in text else 1)


def test_an_absolute_range_with_a_non_number_leaves_every_row_to_the_engine(book):
    assert not check(book, "=A4/SUM($A$4:$A$100)", expect_ok=0).any()  # column A has text and errors


def test_references_above_the_first_row_are_left_to_the_engine(book):
    ok = check(book, "=L4-L1", r1=1, r2=10)  # rows 1..3 read L0, L-1, L-2: #REF!
    assert not ok[:3].any() and ok[3:].all()


def test_a_column_of_numbers_is_computed_wherever_the_engine_gives_a_number(book):
    ok = check(book, "=(L4-L3)^2", r1=2)
    assert ok.tolist() == [type(book.get("S", r, COL)) is float for r in range(2, ROWS + 1)]


def test_a_block_can_start_and_end_anywhere(book):
    for r1, r2 in [(1, 1), (5, 5), (7, 40), (ROWS - 3, ROWS)]:
        check(book, "=SUMPRODUCT(B4:K4,$B$1:$K$1)+L5", r1, r2, expect_ok=0)


BOOLEAN = ['=A4="Text"', "=A4>0", "=(L4>0.5)=(A4>0)", "=AND(A4>0,B4<=C4)", "=NOT(A4)", "=IF(A4>1,B4>0,C4>0)",
           "=OR(L4,A4<0)", "=IFERROR(1/A4>1,FALSE)", "=A4*2<>B4", "=TRUE"]


@pytest.mark.parametrize("text", BOOLEAN)
def test_a_formula_giving_true_or_false_is_computed_as_booleans(book, text):
    tree = parse_cached(text, 4, COL)
    assert not vectorisable(tree) and result_kind(tree) == BOOL
    values, ok = evaluate_rows(tree, "S", COL, 1, ROWS, ReadOnlySource(book))
    assert ok.sum() > 0
    for i, r in enumerate(range(1, ROWS + 1)):
        book.set_formula("S", r, COL, unparse(tree, r, COL))
        engine = book.get("S", r, COL)
        assert not ok[i] or (type(engine) is bool and engine == (values[i] == 1.0)), (text, r, engine, values[i])


NOT_VECTORISABLE = ['="a"&A4', '=A4>"x"', "=A4>TRUE", '=IF(A4,"a","b")', "=IF(A4,NA(),#DIV/0!)", "=IF(A4)", "=SUM(A:A)",
                    "=SUM(A$4:A4)", "=INDIRECT(\"A4\")", "=RAND()*A4", "=VLOOKUP(A4,$A$1:$B$9,2)", "=A4:A5",
                    "=Sheet1:Sheet2!A4", "=MYNAME*2", "=ROUND(A4,B4)", "=ROUND(A4,30)",
                    "=SUMPRODUCT(B4:K4,$B$1:$B$10)", "=AND(A4:B4)", "=SUMPRODUCT(A4:C4*A4:B4)",
                    "=SUMPRODUCT(IF(A4:C4>0,1,0))", "=SUM(A4:C4*2)", "=SUMPRODUCT(A4:C4&\"x\")", "=SUM(A4:ZZ20)",
                    "=OFFSET(A4,1,1)", "=@A4", "={1,2}"]


@pytest.mark.parametrize("text", NOT_VECTORISABLE)
def test_what_has_no_array_form_is_refused(text):
    tree = parse_cached(text, 4, COL)
    assert not vectorisable(tree) and result_kind(tree) is None
    with pytest.raises(ValueError):
        evaluate_rows(tree, "S", COL, 1, 5, WorkbookSource(Workbook()))


def test_every_kernel_function_agrees_with_its_scalar_form(book):
    names = sorted(n for n, s in FUNCTIONS.items()
                   if (s.extra.get("kernel_is_impl") or s.extra.get("guard") in ARRAY_GUARDS) and n == s.name)
    assert len(names) > 40
    for name in names:
        spec = FUNCTIONS[name]
        args = ",".join(["A4", "B4", "C4"][:len(spec.params)])
        check(book, f"={name}({args})", expect_ok=0)


def test_array_guards_flag_what_the_scalar_guards_refuse():
    values = SPECIAL + [-2.0 ** 27, 2.0 ** 27 - 1, -5.0, 3.0, math.pi]
    for guard, array_guard in ARRAY_GUARDS.items():
        arity = guard.__code__.co_argcount
        grid = np.array(np.meshgrid(*[values] * arity)).reshape(arity, -1)
        flagged = array_guard(*grid)
        for k in range(grid.shape[1]):
            scalar = guard(*(np.float64(x) for x in grid[:, k])) is not None
            assert bool(flagged[k]) == scalar, (guard.__name__, grid[:, k])


def test_decimal_rounding_computes_every_row_of_ordinary_numbers():
    rng = random.Random(5)
    wb = Workbook()
    wb.add_sheet("S")
    values = [rng.uniform(-1000, 1000) for _ in range(150)] + [round(rng.uniform(-99, 99), 3) for _ in range(150)]
    values += [2.675, 1.005, -2.5, 0.5, 1234.5, -0.05, 0.30000000000000004, 1e-7, 123456789012345.0]
    wb.set_values([("S", r, 1, v) for r, v in enumerate(values, 1)]
                  + [("S", r, 2, rng.choice([3.0, -7.0, 0.25, 2.5])) for r in range(1, len(values) + 1)])
    for text in ("=ROUND(A4,2)", "=ROUND(A4,0)", "=ROUND(A4,-2)", "=ROUNDUP(A4,1)", "=ROUNDDOWN(A4,2)", "=TRUNC(A4)",
                 "=INT(A4)", "=MOD(A4,B4)", "=QUOTIENT(A4,B4)", "=ROUND(A4*B4,3)"):
        tree = parse_cached(text, 4, COL)
        values_, ok = evaluate_rows(tree, "S", COL, 1, len(values), WorkbookSource(wb))
        assert ok.all(), (text, [values[i] for i in np.flatnonzero(~ok)])
        for i, r in enumerate(range(1, len(values) + 1)):
            wb.set_formula("S", r, COL, unparse(tree, r, COL))
            assert wb.get("S", r, COL) == values_[i], (text, r)


@pytest.mark.parametrize("text", ["=Loop*A4", "=Nope*A4", "=Label&A4", "=Elsewhere*A4", "=A4*Label"])
def test_names_without_an_array_form_are_refused(book, text):
    tree = parse_cached(text, 4, COL)
    assert not vectorisable(tree, names=WorkbookSource(book).name, sheet="S")
    with pytest.raises(ValueError):
        evaluate_rows(tree, "S", COL, 1, 5, WorkbookSource(book))


@pytest.mark.parametrize("text", ["=SUMPRODUCT(B4:K4,$B$1:$K$1)", "=(L4-A4)^2", "=A1+A4+L6", "=SUM(A3:C5)*Rate",
                                  "=Other!A4+SUMPRODUCT((B4:D4-Weights)^2)", "=Next*2", "=IF(A4>0,B4,C$2)"])
def test_cells_read_are_the_union_of_the_cells_precedents(book, text):
    tree = parse_cached(text, 4, COL)
    names = WorkbookSource(book).name
    areas = cells_read(tree, "S", COL, 1, 40, names)
    block = {(a.sheet, r, c) for a in areas for r in range(a.r1, a.r2 + 1) for c in range(a.c1, a.c2 + 1)}
    cells = set()
    for r in range(1, 41):
        book.set_formula("S", r, COL, unparse(tree, r, COL))
        cells |= book.precedents("S", r, COL)
    assert block == cells


def test_blocks_computed_in_chunks_join_up(book, monkeypatch):
    whole = {text: evaluate_rows(parse_cached(text, 4, COL), "S", COL, 1, ROWS, WorkbookSource(book))
             for text in ("=SUMPRODUCT(B3:C5,$B$1:$C$3)+L2-L6", "=A4/SUM($L$1:$L$200)", "=IF(A4>0,A1,L9)")}
    monkeypatch.setattr(vectorised, "MIN_CHUNK_ROWS", 7)
    monkeypatch.setattr(vectorised, "MAX_CHUNK_ROWS", 7)
    for text, (values, ok) in whole.items():
        chunked, chunked_ok = evaluate_rows(parse_cached(text, 4, COL), "S", COL, 1, ROWS, WorkbookSource(book))
        assert np.array_equal(chunked_ok, ok) and np.array_equal(chunked[ok], values[ok])
        check(book, text)


def test_a_row_of_hundreds_of_cells():
    rng = random.Random(9)
    wb = Workbook()
    wb.add_sheet("S")
    width = 300  # B..KO
    wb.set_values([("S", r, c, rng.uniform(-1, 1)) for r in range(1, 31) for c in range(2, 2 + width)])
    text = "=SUMPRODUCT(B4:KO4,$B$1:$KO$1)"
    tree = parse_cached(text, 4, 400)
    values, ok = evaluate_rows(tree, "S", 400, 1, 30, WorkbookSource(wb))
    assert ok.all()
    for i, r in enumerate(range(1, 31)):
        wb.set_formula("S", r, 400, unparse(tree, r, 400))
        assert wb.get("S", r, 400) == values[i]


def test_a_running_total_reads_its_own_block():
    for text, own in (("=T3+B4", True), ("=SUM(T$1:T3)", True), ("=T2*0+A4", True), ("=T30+A4", False),
                      ("=S!T3+A4", True), ("=Other!T3+A4", False), ("=A4+T$1", True), ("=$T$40+A4", False),
                      ("=SUM(T:T)", True), ("=SUM(3:3)", True), ("=SUM(A:A)", False)):
        assert reads_own_rows(parse_cached(text, 4, COL), "S", COL, 1, 20) == own, text


def test_structured_references_of_a_table_column():
    rng = random.Random(21)
    wb = Workbook()
    wb.add_sheet("T")
    names = ["Age", "Fare", "A", "B", "Calc", "Sex"]
    wb.set_values([("T", 1, c, name) for c, name in enumerate(names, 1)]
                  + [("T", r, 6, rng.choice(["male", "Female", "MALE", 3.0, None])) for r in range(2, 102)]
                  + [("T", r, c, rng.choice([rng.uniform(0, 80), rng.uniform(-2, 2)] + [None, "n/a"] * (c > 1)))
                     for r in range(2, 102) for c in range(1, 5)] + [("T", 1, 9, 0.5)])  # Age: numbers only
    wb.add_table(Table("Table1", "T", Area("T", 1, 1, 101, 6), names))
    source = WorkbookSource(wb)
    for col, text in ((5, "=[@Age]/MAX(Table1[Age])"), (5, "=Table1[[#This Row],[Fare]]*$I$1-[@A]"),
                      (5, "=SUM(Table1[[#This Row],[A]:[B]])"), (5, "=SUMPRODUCT(Table1[[#This Row],[Age]:[B]])"),
                      (7, "=Table1[[#This Row],[Fare]]^2+SUM(Table1[Age])"), (5, '=IF([@Sex]="male",1,0)')):
        tree = parse_cached(text, 2, col)
        plain = block_tree(tree, "T", col, 2, 101, source)
        assert vectorisable(plain), text
        values, ok = evaluate_rows(tree, "T", col, 2, 101, source)
        assert ok.sum() > 3, text
        for i, r in enumerate(range(2, 102)):
            wb.set_formula("T", r, col, unparse(tree, r, col))
            engine = wb.get("T", r, col)
            assert not ok[i] or (type(engine) is float and engine == values[i]), (text, r, engine, values[i])
    outside = parse_cached("=Table1[[#This Row],[Age]]*2", 2, 7)
    assert block_tree(outside, "T", 7, 2, 105, source) is None  # rows 102..105 are not the table's: #VALUE!
    with pytest.raises(ValueError):
        evaluate_rows(outside, "T", 7, 2, 105, source)


def _column_blocks(sheet):
    """(col, tree, first row, last row) of each run of cells down a column sharing one formula tree."""
    blocks = []
    for (r, c), f in sorted(sheet.formulas.items(), key=lambda item: (item[0][1], item[0][0])):
        if f.ast is None or f.array is not None or f.dynamic:
            continue
        if blocks and blocks[-1][0] == c and blocks[-1][1] is f.ast and blocks[-1][3] == r - 1:
            blocks[-1][3] = r
        else:
            blocks.append([c, f.ast, r, r])
    return blocks


@pytest.mark.slow
@pytest.mark.parametrize("name", ["titanic.xlsx", "curve_fit.xlsx"])
def test_the_example_workbooks_blocks_agree_with_their_recalculation(name):
    from gdsheet.io import load_workbook

    wb = load_workbook(Path(__file__).resolve().parents[2] / "resources" / "examples" / name)
    wb.recalculate()
    source = WorkbookSource(wb)
    computed = formulas = 0
    for sheet in wb.sheets:
        for col, tree, r1, r2 in _column_blocks(sheet):
            formulas += r2 - r1 + 1
            plain = block_tree(tree, sheet.name, col, r1, r2, source)
            if plain is None or result_kind(plain) is None or reads_own_rows(plain, sheet.name, col, r1, r2):
                continue
            values, ok = evaluate_rows(plain, sheet.name, col, r1, r2, source)
            for i, r in enumerate(range(r1, r2 + 1)):
                engine = sheet.cells.get((r, col))
                if ok[i] and result_kind(plain) == BOOL:
                    assert type(engine) is bool and engine == (values[i] == 1.0), (sheet.name, r, col)
                elif ok[i]:
                    assert type(engine) in (float, int) and engine == values[i], (sheet.name, r, col)
            computed += int(ok.sum())
    assert computed == formulas  # every formula of these books (but array formulas), text comparisons included


def test_a_missing_sheet_reads_as_no_numbers(book):
    tree = parse_cached("=Nowhere!A4*2", 4, COL)
    values, ok = evaluate_rows(tree, "S", COL, 1, 20, WorkbookSource(book))
    assert not ok.any() and np.isnan(values).all()


# ---- the reductions against the functions they mirror ---------------------------------------------------------

@pytest.mark.parametrize("k", [1, 2, 3, 7, 8, 9, 10, 17, 64, 129, 300])
def test_row_reductions_are_bit_exact(k):
    rng = np.random.default_rng(k)
    m = rng.normal(0, 1, (200, k)) * 10.0 ** rng.integers(-9, 9, (200, k)).astype(float)
    m[rng.random((200, k)) < 0.1] = 0.0
    terms = [m[:, j] for j in range(k)]
    total, product, np_sum = R.python_sum(terms), R.python_prod(terms), R.numpy_sum(terms)
    mean, proven = R.fsum_mean(terms)
    assert proven.mean() > 0.9
    for i, row in enumerate(m.tolist()):
        assert total[i] == sum(row)
        assert product[i] == math.prod(row) or not math.isfinite(product[i])
        assert np_sum[i] == float(np.asarray([row]).sum())
        assert not proven[i] or mean[i] == math.fsum(row) / k


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                          st.integers(-10 ** 6, 10 ** 6).map(lambda i: i / 8),
                          st.decimals(-1000, 1000, places=4).map(float)), min_size=1, max_size=20),
       st.integers(-15, 22), st.sampled_from([VR.HALF_UP, VR.UP, VR.DOWN]))
def test_decimal_rounding_is_bit_exact(xs, digits, mode):
    x = np.array(xs)
    r15, sure15 = VR.round15(x)
    rounded, sure = VR.round_digits(x, digits, mode)
    decimal_mode = {VR.HALF_UP: ROUND_HALF_UP, VR.UP: ROUND_UP, VR.DOWN: ROUND_DOWN}[mode]
    for i, v in enumerate(xs):
        assert not sure15[i] or r15[i] == round15(v)
        expected = round_digits(v, digits, decimal_mode)
        assert not sure[i] or (rounded[i] == expected and math.copysign(1, rounded[i]) == math.copysign(1, expected))
        assert sure[i] or not 1e-8 <= abs(v) < 1e15  # only numbers out of that range are left to the engine


def _cpython312_sum(xs: list[float]) -> float:
    """CPython 3.12's sum() of floats, transcribed from builtin_sum_impl (Neumaier's compensated summation)."""
    total, c = 0.0 + xs[0], 0.0
    for x in xs[1:]:
        t = total + x
        c += (total - t) + x if abs(total) >= abs(x) else (x - t) + total
        total = t
    return total + c if c and math.isfinite(c) else total


def test_the_sum_of_python_3_12_is_mirrored_too(monkeypatch):
    monkeypatch.setattr(R, "_NEUMAIER_SUM", True)
    rng = np.random.default_rng(12)
    for k in (1, 2, 5, 11, 40):
        m = rng.normal(0, 1, (300, k)) * 10.0 ** rng.integers(-12, 12, (300, k)).astype(float)
        got = np.broadcast_to(R.python_sum([m[:, j] for j in range(k)]), (300,))
        assert all(got[i] == _cpython312_sum(row) for i, row in enumerate(m.tolist()))
        if sys.version_info >= (3, 12):
            assert all(got[i] == sum(row) for i, row in enumerate(m.tolist()))


# ---- random formulas from a small grammar -------------------------------------------------------------------

_REFS = st.sampled_from(["A4", "B4", "C5", "D3", "L4", "L2", "K6", "$B$1", "$L$7", "E$2", "Other!B4", "$C4"])
_NUMBERS = st.sampled_from(["0", "1", "2", "0.5", "-3", "1E-300", "1E+300"])
_RANGES = st.sampled_from(["A4:C4", "B3:C5", "L2:L6", "$B$1:$D$1", "$L$1:$L$30", "Other!A4:C4"])


def _formulas():
    leaf = st.one_of(_REFS, _REFS, _NUMBERS)

    def grow(inner):
        cond = st.builds(lambda a, op, b: f"{a}{op}{b}", inner, st.sampled_from(["<", ">", "=", "<>", "<=", ">="]),
                         inner)
        return st.one_of(
            st.builds(lambda a, op, b: f"({a}{op}{b})", inner, st.sampled_from(["+", "-", "*", "/", "^"]), inner),
            st.builds(lambda a: f"-{a}", inner),
            st.builds(lambda a, c: f"({a}+({c}))", inner, st.one_of(cond, st.just("TRUE"))),  # TRUE+1 is 2
            st.builds(lambda a: f"{a}%", inner),
            st.builds(lambda f, a: f"{f}({a})", st.sampled_from(["ABS", "SQRT", "EXP", "LN", "LOG10", "SIGN",
                                                                  "SIN", "ATAN", "TANH", "ERF"]), inner),
            st.builds(lambda f, a, b: f"{f}({a},{b})", st.sampled_from(["POWER", "LOG", "ATAN2"]), inner, inner),
            st.builds(lambda c, a, b: f"IF({c},{a},{b})", cond, inner, inner),
            st.builds(lambda c, d, a, b: f"IF(AND({c},NOT({d})),{a},{b})", cond, cond, inner, inner),
            st.builds(lambda a, b: f"IFERROR({a},{b})", inner, inner),
            st.builds(lambda f, r, a: f"{f}({r},{a})", st.sampled_from(["SUM", "AVERAGE", "MAX", "MIN", "PRODUCT",
                                                                        "SUMSQ"]), _RANGES, inner),
            st.builds(lambda r: f"COUNT({r})", _RANGES),
            st.builds(lambda f, a, d: f"{f}({a},{d})", st.sampled_from(["ROUND", "ROUNDUP", "ROUNDDOWN", "TRUNC"]),
                      inner, st.integers(-3, 6)),
            st.builds(lambda f, a, b: f"{f}({a},{b})", st.sampled_from(["MOD", "QUOTIENT"]), inner, inner),
            st.builds(lambda a: f"INT({a})", inner),
            st.builds(lambda: "SUMPRODUCT(B4:D4,$B$1:$D$1)"),
            st.builds(lambda r, op, a: f"SUMPRODUCT(({r}{op}{a})*B3:D3)", st.sampled_from(["A4:C4", "$B$1:$D$1"]),
                      st.sampled_from(["+", "-", "*", "/", "^", ">"]), inner),
        )
    return st.recursive(leaf, grow, max_leaves=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(_formulas())
def test_random_formulas_agree_with_the_engine(book, body):
    check(book, "=" + body, expect_ok=0)
