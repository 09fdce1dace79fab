"""Differential test: text, lookup and dynamic-array formulas with random arguments, gdsheet against IronCalc.

Array results are compared cell by cell where they spill. Left out, with the reason: IronCalc cannot use a
reference returned by INDEX in a range (SUM(A1:INDEX(...))) nor an array inside LOOKUP (LOOKUP(2,1/(...),...)); it
reads no times in VALUE("12:30") and keeps spaces in NUMBERVALUE("1 234"), which Excel documents as ignored; its
TEXTJOIN keeps a direct "" argument that ignore_empty should drop; its FIXED rounds the binary value (1.005 -> 1.00)
where Excel rounds the decimal one; it lacks Excel's 1900-02-29 and TEXT's fraction and elapsed-time codes; its
TEXTBEFORE/TEXTAFTER miss a match at the very start when searching backwards and ignore match_end.
"""
from __future__ import annotations

import random

import numpy as np
import pytest

from gdsheet.sheet.workbook import Workbook

from oracle import agree, ironcalc_cell, ironcalc_model, ironcalc_values, new_workbook

pytest.importorskip("ironcalc")  # the oracle

N_ROWS = 12  # data in A1:E12; formulas are evaluated in column J
HOST_COL = 10


def _data(r: random.Random) -> list[list]:
    """A1:E12: A sorted numbers, B text keys, C mixed values, D descending numbers, E small integers."""
    a = sorted(r.sample(range(1, 200), N_ROWS))
    words = ["apple", "Banana", "cherry", "date", "fig", "grape", "kiwi", "lemon", "mango", "nut", "olive", "pear"]
    b = r.sample(words, N_ROWS)
    c = [r.choice([r.randint(-9, 9), r.choice(words), True, False, None]) for _ in range(N_ROWS)]
    d = sorted(r.sample(range(1, 200), N_ROWS), reverse=True)
    e = [r.randint(1, 4) for _ in range(N_ROWS)]
    return [[float(a[i]), b[i], c[i], float(d[i]), float(e[i])] for i in range(N_ROWS)]


def _text(r: random.Random, n: int = 12) -> str:
    return "".join(r.choice("aAbBcC  -,.xyz1") for _ in range(r.randint(0, n)))


def _q(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _num(r: random.Random, lo: float, hi: float) -> str:
    return repr(round(r.uniform(lo, hi), r.choice([0, 1, 2, 4])))


def _key(r: random.Random, col: str) -> str:
    if col == "A" or col == "D":
        return str(r.randint(0, 210))
    return _q(r.choice(["apple", "BANANA", "cher*", "?ate", "zzz", "fig", "k*", "nothing"]))


VALUE_TEXTS = ["12", " 3.5 ", "1,234", "$1,000.5", "50%", "1e3", "abc", "-7", "2024-01-31", ".5"]
NUMBER_FORMATS = ["0", "0.00", "#,##0", "#,##0.00", "0%", "0.0%", "0.00E+00", "$#,##0.00", "0;(0)", "General"]
SHEET_ARGS = ["", ',"Sheet1"', ',"My Sheet"']
DATE_FORMATS = ["yyyy-mm-dd", "d mmm yyyy", "hh:mm", "dddd", "mmmm yy", "m/d/yyyy h:mm"]

TEXT_GENERATORS = {
    "LEFT": lambda r: f"=LEFT({_q(_text(r))},{r.randint(0, 14)})",
    "RIGHT": lambda r: f"=RIGHT({_q(_text(r))},{r.randint(0, 14)})",
    "MID": lambda r: f"=MID({_q(_text(r))},{r.randint(1, 14)},{r.randint(0, 8)})",
    "LEN": lambda r: f"=LEN({_q(_text(r))})",
    "LOWER": lambda r: f"=LOWER({_q(_text(r))})",
    "UPPER": lambda r: f"=UPPER({_q(_text(r))})",
    "PROPER": lambda r: f"=PROPER({_q(_text(r))})",
    "TRIM": lambda r: f"=TRIM({_q(_text(r))})",
    "CLEAN": lambda r: f"=CLEAN({_q(_text(r))}&CHAR({r.randint(1, 40)})&{_q(_text(r))})",
    "SUBSTITUTE": lambda r: f"=SUBSTITUTE({_q(_text(r))},{_q(r.choice(['a', 'b', ' ', 'ab', 'x']))},"
                            f"{_q(r.choice(['', 'Z', '--']))}{r.choice(['', ',1', ',2', ',3'])})",
    "REPLACE": lambda r: f"=REPLACE({_q(_text(r))},{r.randint(1, 14)},{r.randint(0, 5)},{_q(_text(r, 3))})",
    "FIND": lambda r: f"=FIND({_q(r.choice(['a', 'b', 'A', ' ', 'ab', 'x']))},{_q(_text(r))},{r.randint(1, 5)})",
    "SEARCH": lambda r: f"=SEARCH({_q(r.choice(['a', 'B', 'a?', 'b*c', ' ', '~*', 'x']))},{_q(_text(r))},"
                        f"{r.randint(1, 5)})",
    "EXACT": lambda r: f"=EXACT({_q(r.choice(['ab', 'AB', 'aB']))},{_q(r.choice(['ab', 'AB', 'aB']))})",
    "REPT": lambda r: f"=REPT({_q(_text(r, 4))},{r.randint(0, 5)})",
    "VALUE": lambda r: f"=VALUE({_q(r.choice(VALUE_TEXTS))})",
    "NUMBERVALUE": lambda r: f"=NUMBERVALUE({_q(r.choice(['1.234,5', '12,5%', '3,5', '1.2.3', '7', '1.5,3']))},"
                             f"\",\",\".\")",
    # FIXED/DOLLAR on values away from exact halves: IronCalc rounds the binary value where Excel rounds decimally
    "FIXED": lambda r: f"=FIXED({_num(r, -1e6, 1e6)}3,{r.randint(-3, 4)},{r.choice(['TRUE', 'FALSE'])})",
    "DOLLAR": lambda r: f"=DOLLAR({_num(r, -1e6, 1e6)}3,{r.randint(-2, 4)})",
    "CHAR": lambda r: f"=CHAR({r.randint(1, 255)})",
    "CODE": lambda r: f"=CODE(CHAR({r.randint(1, 255)}))",
    "UNICHAR": lambda r: f"=UNICHAR({r.choice([r.randint(1, 0xD7FF), r.randint(0xE000, 0xFFFF)])})",
    "UNICODE": lambda r: f"=UNICODE(UNICHAR({r.randint(1, 0xD7FF)}))",
    "CONCAT": lambda r: f"=CONCAT({_q(_text(r))},{r.randint(0, 9)},A{r.randint(1, 12)}:C{r.randint(1, 12)})",
    "TEXTJOIN": lambda r: f"=TEXTJOIN({_q(r.choice([',', '', ' - ']))},{r.choice(['TRUE', 'FALSE'])},"
                          f"C1:C{r.randint(1, 12)},{_q('x' + _text(r, 3))})",
    "TEXT": lambda r: f"=TEXT({_num(r, -1e5, 1e5)},{_q(r.choice(NUMBER_FORMATS))})",
    "TEXT dates": lambda r: f"=TEXT({r.randint(367, 60000)}.{r.randint(0, 99)},{_q(r.choice(DATE_FORMATS))})",
    "TEXTBEFORE": lambda r: f"=TEXTBEFORE({_q('xy' + _text(r))},{_q(r.choice(['a', ' ', ',', 'b']))},"
                            f"{r.choice([1, 2, -1, -2])},{r.randint(0, 1)},0,\"nf\")",
    "TEXTAFTER": lambda r: f"=TEXTAFTER({_q('xy' + _text(r))},{_q(r.choice(['a', ' ', ',', 'b']))},"
                           f"{r.choice([1, 2, -1, -2])},{r.randint(0, 1)},0,\"nf\")",
}

LOOKUP_GENERATORS = {
    "MATCH exact": lambda r: (lambda c: f"=MATCH({_key(r, c)},{c}1:{c}12,0)")(r.choice("ABD")),
    "MATCH sorted": lambda r: f"=MATCH({r.randint(0, 210)},A1:A12,1)",
    "MATCH descending": lambda r: f"=MATCH({r.randint(0, 210)},D1:D12,-1)",
    "XMATCH": lambda r: f"=XMATCH({r.randint(0, 210)},A1:A12,{r.choice([0, -1, 1])},{r.choice([1, -1, 2])})",
    "VLOOKUP exact": lambda r: f"=VLOOKUP({_key(r, 'B')},B1:E12,{r.randint(1, 4)},FALSE)",
    "VLOOKUP sorted": lambda r: f"=VLOOKUP({r.randint(0, 210)},A1:E12,{r.randint(1, 5)},TRUE)",
    "HLOOKUP": lambda r: f"=HLOOKUP({r.randint(0, 210)},A{r.randint(1, 12)}:E12,{r.randint(1, 3)},FALSE)",
    "LOOKUP": lambda r: f"=LOOKUP({r.randint(0, 210)},A1:A12,B1:B12)",
    "XLOOKUP": lambda r: f"=XLOOKUP({r.randint(0, 210)},A1:A12,B1:B12,\"none\",{r.choice([0, -1, 1])})",
    "XLOOKUP text": lambda r: f"=XLOOKUP({_key(r, 'B')},B1:B12,A1:A12,\"none\",{r.choice([0, 2])})",
    "INDEX": lambda r: f"=INDEX(A1:E12,{r.randint(1, 13)},{r.randint(1, 5)})",
    "ROWS": lambda r: f"=ROWS(A{r.randint(1, 9)}:C{r.randint(10, 40)})+COLUMNS(B1:{r.choice('CDEFG')}3)",
    "ROW": lambda r: f"=ROW(C{r.randint(1, 99)})+COLUMN({r.choice('ABCDXY')}{r.randint(1, 9)})+ROW()",
    "ADDRESS": lambda r: f"=ADDRESS({r.randint(1, 999)},{r.randint(1, 800)},{r.randint(1, 4)},"
                         f"{r.choice(['TRUE', 'FALSE'])}{r.choice(SHEET_ARGS)})",
    "OFFSET": lambda r: f"=SUM(OFFSET(A1,{r.randint(0, 8)},{r.randint(0, 3)},{r.randint(1, 4)},"
                        f"{r.randint(1, 2)}))",
    "INDIRECT": lambda r: f"=SUM(INDIRECT(\"A{r.randint(1, 6)}:{r.choice('ADE')}{r.randint(6, 12)}\"))",
}

# Array results are compared cell by cell where they spill (IronCalc has no arrays inside other functions).
ARRAY_GENERATORS = {
    "SORT": lambda r: f"=SORT(A1:B12,{r.randint(1, 2)},{r.choice([1, -1])})",
    "SORTBY": lambda r: f"=SORTBY(B1:B12,E1:E12,{r.choice([1, -1])},A1:A12,{r.choice([1, -1])})",
    "UNIQUE": lambda r: f"=UNIQUE(E1:E{r.randint(2, 12)})",
    "FILTER": lambda r: f"=FILTER(B1:B12,E1:E12={r.randint(1, 5)},\"none\")",
    "SEQUENCE": lambda r: f"=SEQUENCE({r.randint(1, 4)},{r.randint(1, 4)},{r.randint(-5, 5)},"
                               f"{r.randint(-3, 3)})",
    "TAKE": lambda r: f"=TAKE(A1:C12,{r.choice([-3, -1, 2, 5])},{r.choice([-2, 1, 3])})",
    "DROP": lambda r: f"=DROP(A1:B12,{r.choice([-3, 1, 10])},{r.choice([0, 1, -1])})",
    "CHOOSECOLS": lambda r: f"=CHOOSECOLS(A1:E3,{r.choice([1, 2, -1, 5])},{r.choice([3, -2])})",
    "CHOOSEROWS": lambda r: f"=CHOOSEROWS(A1:B12,{r.choice([1, 4, -1, 12])},{r.choice([2, -3])})",
    "VSTACK": lambda r: f"=VSTACK(A1:B{r.randint(1, 3)},D1:E{r.randint(1, 3)})",
    "HSTACK": lambda r: f"=HSTACK(A1:A{r.randint(1, 3)},E1:E{r.randint(1, 3)})",
    "TOCOL": lambda r: f"=TOCOL(A1:B{r.randint(1, 5)},0,{r.choice(['TRUE', 'FALSE'])})",
    "WRAPROWS": lambda r: f"=WRAPROWS(A1:A{r.randint(1, 12)},{r.randint(1, 5)},0)",
    "EXPAND": lambda r: f"=EXPAND(A1:B2,{r.randint(2, 4)},{r.randint(2, 4)},\"-\")",
    "TEXTSPLIT": lambda r: f"=TEXTSPLIT({_q(_text(r, 16))},{_q(r.choice([',', ' ', 'a']))},"
                           f"{_q(r.choice(['-', '.']))},{r.choice(['TRUE', 'FALSE'])},0,\"\")",
    "ROW": lambda r: f"=ROW(A{r.randint(1, 5)}:B{r.randint(5, 9)})",
    "INDEX": lambda r: f"=INDEX(A1:E12,{r.randint(0, 4)},{r.randint(0, 2)})",
}

GENERATORS = {**TEXT_GENERATORS, **LOOKUP_GENERATORS}


def _cells(data: list[list]) -> list[tuple[int, int, object]]:
    return [(i + 1, j + 1, v) for i, row in enumerate(data) for j, v in enumerate(row)]


def _gdsheet(data: list[list]) -> Workbook:
    return new_workbook((r, c, float(v) if type(v) is int else v) for r, c, v in _cells(data))


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_agrees_with_ironcalc(name: str) -> None:
    rng = random.Random(name)
    data = _data(rng)
    formulas = [GENERATORS[name](rng) for _ in range(12)]
    wb = _gdsheet(data)
    ours = [wb.evaluate(f, "Sheet1", i + 1, HOST_COL) for i, f in enumerate(formulas)]
    theirs = ironcalc_values(formulas, _cells(data), col=HOST_COL)
    wrong = [f"{f}: gdsheet {o!r}, IronCalc {t!r}" for f, o, t in zip(formulas, ours, theirs) if not agree(o, t)]
    assert not wrong, "\n".join(wrong)


def _ironcalc_spills(data: list[list], formulas: list[str], gap: int = 20) -> list:
    """Each formula's spill as a grid (the cells until the first empty row and column), formula i at row gap*(i+1)."""
    model = ironcalc_model({(gap * (i + 1), HOST_COL): f for i, f in enumerate(formulas)}, _cells(data))
    out = []
    for i in range(len(formulas)):
        r0 = gap * (i + 1)
        width = next(w for w in range(1, 30) if model.get_cell_value(0, r0, HOST_COL + w) is None)
        height = next(h for h in range(1, gap) if model.get_cell_value(0, r0 + h, HOST_COL) is None)
        out.append([[ironcalc_cell(model, r0 + a, HOST_COL + b) for b in range(width)] for a in range(height)])
    return out


@pytest.mark.parametrize("name", sorted(ARRAY_GENERATORS))
def test_spills_agree_with_ironcalc(name: str) -> None:
    rng = random.Random(name)
    data = _data(rng)
    formulas = [ARRAY_GENERATORS[name](rng) for _ in range(12)]
    wb = _gdsheet(data)
    theirs = _ironcalc_spills(data, formulas)
    wrong = []
    for i, (f, grid) in enumerate(zip(formulas, theirs)):
        ours = wb.evaluate(f, "Sheet1", 20 * (i + 1), HOST_COL)
        ours = ours.tolist() if isinstance(ours, np.ndarray) else [[ours]]
        if len(ours) != len(grid) or any(len(a) != len(b) or not all(map(agree, a, b)) for a, b in zip(ours, grid)):
            wrong.append(f"{f}: gdsheet {ours!r}, IronCalc {grid!r}")
    assert not wrong, "\n".join(wrong)
