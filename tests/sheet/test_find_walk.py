"""Find's walk over the stores (column arrays, kept-apart values, formula blocks and single formulas) against the
simple algorithm it replaced (every cell's text, in order), and the work it saves at scale."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdsheet.errors import ExcelError
from gdsheet.formula import parse_cached, row_template
from gdsheet.sheet import find
from gdsheet.sheet.find import FindOptions, Pattern, find_all, find_listed, find_next
from gdsheet.sheet.formulastore import FormulaBlock
from gdsheet.sheet.model import Formula
from gdsheet.sheet.workbook import Workbook
from gdsheet.values import format_number, format_numbers

# ---- the reference: the algorithm before the walk, kept as it was ---------------------------------------------


def reference_text(sheet, row, col, look_in):
    f = sheet.formulas.get((row, col))
    if look_in == "formulas" and f is not None:
        return f.text
    value = sheet.cells.get((row, col))
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def reference_all(wb, options, sheet_name):
    pattern = Pattern(options.text, options.match_case, options.whole_cell)
    names = [s.name for s in wb.sheets]
    first = next((i for i, n in enumerate(names) if n.lower() == sheet_name.lower()), 0)
    order = names[first:] + names[:first] if options.workbook else [names[first]]
    found = []
    for name in order:
        sheet = wb.sheet(name)
        keys = sheet.cells.keys() | sheet.formulas.keys()
        keys = sorted(keys) if options.by_rows else sorted(keys, key=lambda k: (k[1], k[0]))
        for r, c in keys:
            text = reference_text(sheet, r, c, options.look_in)
            if text is not None and text != "" and pattern.search(text) is not None:
                found.append((name, r, c))
    return found


def reference_next(wb, options, sheet, row, col):
    found = reference_all(wb, options, sheet)
    if not found:
        return None
    names = [s.name for s in wb.sheets]

    def order(cell):
        s, r, c = cell
        return ((names.index(s) - names.index(sheet)) % len(names), (r, c) if options.by_rows else (c, r))
    here = order((sheet, row, col))
    after = [cell for cell in found if order(cell) > here]
    return after[0] if after else found[0]


# ---- random small workbooks ---------------------------------------------------------------------------------

ROWS, COLS = 120, 5  # blocks long enough to cross from 9 to 10 and from 99 to 100: row numbers that change length
TEMPLATES = ["=A{r}+B{r}*2", "=SUM(A{r}:A{r2})", "=UPPER(C{r})&\"x1\"", "=$D$1-E{r}", "=PI()", "=a{r}.5E+3"]
NUMBERS = [0.0, 1.0, -2.5, 0.5, 10.0, 1e20, 1.5e-12, 123456.789, 2.0, 3.25, 1e16, -1.0, 12.5, -0.25, 1.5e-5, 0.1 + 0.2,
           1e15 - 0.5, 10.05, 9.95]
values = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(["apple", "Pear", "1.5", "a*b", "what?", "", "E+1", "~x", "SUM(A1)", "=PI()"]),
    st.booleans(),
    st.sampled_from([ExcelError("#DIV/0!"), ExcelError("#N/A"), ExcelError("#VALUE!")]),
    st.integers(-5, 500),
)


@st.composite
def sheets(draw):
    """(the cells of a sheet, its formula blocks, its single formulas): numbers go in through the column arrays
    in bulk, the rest one by one; a block's text is a filled-down template; formula cells often hold a value (the
    cached one, which Find reads when looking in values and must not when looking in formulas)."""
    column_numbers = draw(st.lists(st.tuples(st.integers(1, COLS), st.integers(1, ROWS), st.integers(0, ROWS),
                                             st.sampled_from(NUMBERS)), max_size=3))
    cells = draw(st.lists(st.tuples(st.integers(1, ROWS), st.integers(1, COLS), values), max_size=25))
    far = draw(st.lists(st.tuples(st.integers(3000, 5000), st.integers(1, COLS),
                                  st.one_of(st.floats(-1e3, 1e3), st.floats(-1e20, 1e20), st.sampled_from(NUMBERS))),
                        max_size=2))  # far below its column's array: kept apart
    blocks = draw(st.lists(st.tuples(st.integers(1, COLS), st.integers(1, ROWS), st.integers(0, 40),
                                     st.sampled_from(TEMPLATES), st.sampled_from([None, *NUMBERS[:4]])),
                           max_size=3))
    singles = draw(st.lists(st.tuples(st.integers(1, ROWS), st.integers(1, COLS), st.sampled_from(TEMPLATES),
                                      st.one_of(st.none(), values)), max_size=4))
    return column_numbers, cells, far, blocks, singles


def fill(sheet, spec):
    column_numbers, cells, far, blocks, singles = spec
    for c, r, n, x in column_numbers:
        rows = np.arange(r, r + n)
        sheet.cells.put_numbers(c, rows, x + np.arange(n) % 3)
    for r, c, v in cells:
        sheet.cells[(r, c)] = v
    for r, c, x in far:
        sheet.cells[(r, c)] = x
    for c, r, n, template, cached in blocks:
        if any(sheet.formulas.get((rr, c)) is not None for rr in range(r, r + n + 1)):
            continue
        first = template.format(r=r, r2=r + 2)
        shape = row_template(first, r)
        sheet.formulas.add_block(FormulaBlock(c, r, r + n, parse_cached(first, r, c), shape, shape))
        if cached is not None:
            sheet.cells.set_numbers(c, r, cached + np.arange(n + 1) % 2)
    for r, c, template, cached in singles:
        text = template.format(r=r, r2=r + 3)
        sheet.formulas[(r, c)] = Formula(text, None)
        if cached is not None:
            sheet.cells[(r, c)] = cached


patterns = st.one_of(st.sampled_from(["apple", "a", "1", "0.5", "SUM", "sum(", "A1", "?", "*", "a*e", "~*", "~?",
                                      "E+", "1E", "-", "=", "x1", "TRUE", "#N/A", "2?", "*5", "U*R", "$D$1",
                                      ".", "=PI()", "3", "9", "10", "0", "A?", "B1?", "*2", "2", "5", "1?+",
                                      "-2.5", "2.5", ".5", "0.", "5.", "-.", "0.3", "3.25", "1.5E+20", "1.5e-05",
                                      "0.0000", "1.0", "-0.25", "0.25", "100000000000001", "999999999999999.5",
                                      ".05", "0.05", "12.", "2.5E", "1E+16"]),
                     st.text(alphabet="aAeEpP10235.-+*?~=$(#", min_size=1, max_size=4))


@settings(max_examples=300, deadline=None)
@given(st.lists(sheets(), min_size=1, max_size=3), patterns, st.booleans(), st.sampled_from([False, False, True]),
       st.sampled_from(["formulas", "formulas", "values"]), st.booleans(), st.booleans(), st.integers(0, 2),
       st.integers(1, ROWS + 2), st.integers(1, COLS + 1), st.sampled_from([(256, 65_536), (1, 2), (3, 7), (16, 16)]))
def test_walk_finds_what_every_cell_read_in_order_finds(specs, text, match_case, whole, look_in, by_rows, workbook,
                                                        current, row, col, bands):
    wb = Workbook()
    for i, spec in enumerate(specs):
        fill(wb.add_sheet(f"S{i}"), spec)
    name = f"S{current % len(specs)}"
    options = FindOptions(text, match_case, whole, look_in, by_rows, workbook)
    expected = reference_all(wb, options, name)
    saved = find._FIRST_BAND, find._MAX_BAND
    find._FIRST_BAND, find._MAX_BAND = bands  # pieces of a few rows: the walk crosses many of them here
    try:
        assert find_all(wb, options, name) == expected
        assert find_listed(wb, options, name, 3) == (len(expected), expected[:3])
        assert find_next(wb, options, name, row, col) == reference_next(wb, options, name, row, col)
    finally:
        find._FIRST_BAND, find._MAX_BAND = saved


@pytest.mark.parametrize("text, match_case, found", [("e+", False, [(1, 1), (2, 1)]), ("E+2", True, [(1, 1)]),
                                                     ("e", True, []), ("-", False, [(3, 1)])])
def test_numbers_in_exponent_form_are_found_by_their_letter(text, match_case, found):
    wb = Workbook()
    sh = wb.add_sheet("S")
    sh.cells.put_numbers(1, np.arange(1, 4), np.array([1e20, 3e16, -0.5]))
    assert find_all(wb, FindOptions(text, match_case, look_in="values"), "S") == [("S", r, c) for r, c in found]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(NUMBERS),
                          st.integers(-10**16, 10**16).map(float)), max_size=50))
def test_format_numbers_writes_what_format_number_writes(xs):
    assert format_numbers(np.array(xs, dtype=float)) == [format_number(x) for x in xs]


numbers = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(NUMBERS),
                    st.floats(-1e6, 1e6), st.integers(-10**6, 10**6).map(lambda n: n / 1000),
                    st.integers(1, 10**15).map(lambda n: n - 0.5), st.integers(0, 10**15).map(lambda n: n / 1e15))


@settings(max_examples=500, deadline=None)
@given(numbers, st.data())
def test_number_candidates_keep_every_number_whose_text_matches(x, data):
    """The arithmetic sieve only ever drops numbers whose text cannot match: a piece of a number's own text (with
    its point, or the whole text) keeps it."""
    text = format_number(x)
    dot = text.find(".")
    if dot >= 0 and data.draw(st.booleans()):  # a piece around the point: what the sieve works on
        i, j = data.draw(st.integers(0, dot)), data.draw(st.integers(dot + 1, len(text)))
    else:
        i = data.draw(st.integers(0, len(text) - 1))
        j = data.draw(st.integers(i + 1, len(text)))
    whole = data.draw(st.booleans())
    piece = text if whole else text[i:j]
    pattern = Pattern(piece.lower(), whole=whole)
    others = [y for y in (-x, x * 10, x + 0.5) if math.isfinite(y)]
    keep = find._number_candidates(pattern, np.array([x, *others]))
    if keep is not None:
        assert keep[0]
        for y, kept in zip(others, keep[1:].tolist()):
            assert kept or pattern.search(format_number(y)) is None


def test_a_number_that_rounds_up_to_1e15_is_written_in_exponent_form():
    assert format_number(1e15 - 0.5) == "1E+15" and format_number(-(1e15 - 0.5)) == "-1E+15"
    assert format_number(1.5e-5) == "0.000015" and format_number(99999999999999.99) == "100000000000000"


def test_row_blind_patterns():
    assert Pattern("SUMPRODUCT").row_blind() and Pattern("a*b").row_blind() and Pattern("~?").row_blind()
    assert not Pattern("A1").row_blind() and not Pattern("a?").row_blind()
    assert Pattern("1.5E+").may_match_number() and Pattern("1e", match_case=False).may_match_number()
    assert not Pattern("1e", match_case=True).may_match_number() and not Pattern("x").may_match_number()
    assert Pattern("*?").may_match_number()


# ---- at scale: the work done, counted ---------------------------------------------------------------------------

N = 200_000
FIRST = 3


@pytest.fixture(scope="module")
def big():
    """A benchmark-like sheet: a header row, three columns of numbers in bulk, two filled-down formulas."""
    wb = Workbook()
    sh = wb.add_sheet("big")
    rows = np.arange(FIRST, FIRST + N)
    rng = np.random.default_rng(1)
    for c in (1, 2, 3):
        sh.cells.put_numbers(c, rows, rng.random(N))
    for c, text in enumerate(("Age", "Fare", "Survived", "Guess", "Loss"), 1):
        sh.cells[(FIRST - 1, c)] = text
    for c, text in ((4, "=SUMPRODUCT(A{r}:C{r},$F$1:$H$1)"), (5, "=(D{r}-C{r})^2")):
        first = text.format(r=FIRST)
        shape = row_template(first, FIRST)
        sh.formulas.add_block(FormulaBlock(c, FIRST, FIRST + N - 1, parse_cached(first, FIRST, c), shape, shape))
        sh.cells.put_numbers(c, rows, rng.random(N))  # their cached values
    return wb


@pytest.fixture
def counted(monkeypatch):
    """How many numbers Find writes out as text (one by one or in bulk) and how many block rows' texts it makes."""
    calls = {"formatted": 0, "text_at": 0}

    def counting(name, real, key, many=False):
        def wrapper(arg, *args):
            calls[key] += len(arg) if many else 1
            return real(arg, *args)
        monkeypatch.setattr(find, name, wrapper)
    counting("format_number", find.format_number, "formatted")
    counting("format_numbers", find.format_numbers, "formatted", many=True)
    counting("text_at", find.text_at, "text_at")
    return calls


@pytest.mark.parametrize("look_in", ["formulas", "values"])
def test_a_word_skips_the_number_columns_and_tests_each_block_once(big, counted, look_in):
    for by_rows in (True, False):
        options = FindOptions("survived", look_in=look_in, by_rows=by_rows)
        assert find_all(big, options, "big") == [("big", FIRST - 1, 3)]
        assert find_next(big, options, "big", FIRST - 1, 3) == ("big", FIRST - 1, 3)  # wraps to itself
        assert find_all(big, FindOptions("nowhere", look_in=look_in, by_rows=by_rows), "big") == []
    assert counted["formatted"] == 0  # none of the 1,000,000 numbers held was written out
    assert counted["text_at"] <= 2 * 3 * 2  # each block's first row, once a search


def test_sumproduct_is_counted_in_runs_and_found_next_at_once(big, counted):
    options = FindOptions("sumproduct")
    assert find_listed(big, options, "big", 10) == (N, [("big", FIRST + i, 4) for i in range(10)])
    assert find_next(big, options, "big", 1000, 4) == ("big", 1001, 4)
    assert find_next(big, FindOptions("sumproduct", by_rows=False), "big", FIRST + N - 1, 4) == ("big", FIRST, 4)
    assert counted["text_at"] <= 2 * 3 and counted["formatted"] == 0  # each block's first row, once a search


def test_find_next_stops_at_the_first_piece_holding_a_match(big, counted, monkeypatch):
    pieces = []
    real = find._SheetScan.piece_matches
    monkeypatch.setattr(find._SheetScan, "piece_matches", lambda self, *piece: pieces.append(piece) or
                        real(self, *piece))
    x = big.sheet("big").cells[(FIRST + 5, 2)]
    found = find_next(big, FindOptions(format_number(x), whole_cell=True, look_in="values"), "big", 1, 1)
    assert found == ("big", FIRST + 5, 2)
    assert len(pieces) == 1 and counted["formatted"] <= 2  # one band of rows; only numbers equal to x written
    pieces.clear()
    # a piece of a number, found deep down: the numbers whose digits around the point could match are written
    y = big.sheet("big").cells[(N // 2, 2)]
    assert find_next(big, FindOptions(format_number(y)[1:], look_in="values"), "big", 1, 1) == ("big", N // 2, 2)
    assert counted["formatted"] <= 2 + 20
    # digits only: every distinct number of the pieces walked is written once
    counted["formatted"] = 0
    z = format_number(big.sheet("big").cells[(FIRST, 3)])[2:7]
    found = find_next(big, FindOptions(z, look_in="values"), "big", 1, 1)
    assert found is not None and counted["formatted"] <= 5 * (found[1] + 2 * 256)
    pieces.clear()
    # a digit in the pattern: the block's rows are read one by one, but only the piece's
    assert find_next(big, FindOptions("D10-"), "big", 1, 1) == ("big", 10, 5)
    assert len(pieces) == 1 and counted["text_at"] <= 2 * 256
