"""Empty cells, missing arguments and the edge cases issue 8 found, each with Excel's value.

An empty cell given to a function reads as 0, "" or FALSE by the parameter's kind, and a missing argument
(ROUND(1.5,)) as an empty cell: the evaluator's argument preparation does it once for every function.
"""
import pytest

from gdsheet.errors import ExcelError, FormulaSyntaxError
from gdsheet.formula import parse
from oracle import check, new_workbook

# A1 stays empty; A2 = FALSE; A3:A5 = 1, 2, 3; B3:B5 = 2, 4, 7
CELLS = [(2, 1, False), (3, 1, 1.0), (4, 1, 2.0), (5, 1, 3.0), (3, 2, 2.0), (4, 2, 4.0), (5, 2, 7.0)]


@pytest.fixture(scope="module")
def wb():
    return new_workbook(CELLS)


EXCEL = [
    # an empty cell as a number: 0 (issue 8's list, Excel's values)
    ("=ABS(A1)", 0.0), ("=ROUND(A1,0)", 0.0), ("=YEAR(A1)", 1900.0), ("=SQRT(A1)", 0.0), ("=EXP(A1)", 1.0),
    ("=INT(A1)", 0.0), ("=MOD(A1,3)", 0.0), ("=ARABIC(A1)", 0.0), ("=POWER(2,A1)", 1.0),
    # the date parts of serial 0 (1900-01-00, a Saturday)
    ("=DAY(A1)", 0.0), ("=MONTH(A1)", 1.0), ("=WEEKDAY(A1)", 7.0), ("=HOUR(A1)", 0.0), ("=MINUTE(A1)", 0.0),
    ("=SECOND(A1)", 0.0), ("=DAY(0)", 0.0), ("=MONTH(0)", 1.0), ("=YEAR(0)", 1900.0),
    # as text "" and as a logical FALSE
    ("=LEN(A1)", 0.0), ('=CONCAT(A1,"a")', "a"), ('=REPT("x",A1)', ""), ("=NOT(A1)", True),
    # PV with an empty nper: no periods, so the present value is -fv
    ("=PV(0.1,A1,0,1000)", -1000.0),
    # a missing argument is an empty one: 0, "" or FALSE
    ("=ROUND(1.5,)", 2.0), ('=LEFT("abc",)', ""), ("=IF(FALSE,1,)", 0.0), ("=ERF(1,)", -0.8427007929497148),
    ("=NORM.DIST(1,0,1,)", 0.24197072451914337), ("=CONCAT(,1)", "1"), ("=MATCH(0,,5)", "#N/A"),
    ("=MMULT(A3:A4,)", "#VALUE!"), ("=SUM(1,,2)", 3.0),
    # ...except where Excel's dynamic-array functions read it as omitted
    ("=ROWS(SEQUENCE(,3))", 1.0), ("=COLUMNS(TAKE({1,2;3,4},,-1))", 1.0),
    # lookups: an approximate search looks for an empty cell as 0; an exact one finds nothing
    ("=MATCH(A1,{-1.1,2.1,3.1,4.1})", 1.0), ('=HLOOKUP(A1,{-1,5;"a","b"},2)', "a"),
    ('=LOOKUP(A1,{-1,2,3},{"x","y","z"})', "x"), ('=VLOOKUP(A1,{0,"z"},2,FALSE)', "#N/A"),
    # SWITCH: an empty cell is 0, which FALSE does not match
    ("=SWITCH(A2,A1,1)", "#N/A"), ('=SWITCH(A2,A1,1,"else")', "else"), ('=SWITCH(A1,0,"zero")', "zero"),
    # XMATCH's nearest searches order all values: numbers < text < FALSE < TRUE
    ("=XMATCH(TRUE,{1,2,3},-1)", 3.0), ("=XMATCH(5,{TRUE,FALSE},1)", 2.0), ("=XMATCH(2,{TRUE,1,FALSE,3},-1)", 2.0),
    # AND/OR skip text that is not TRUE/FALSE, even given directly; nothing left is #VALUE!
    ('=AND(TRUE,"0")', True), ('=AND("0")', "#VALUE!"), ('=OR(FALSE,"TRUE")', True), ('=OR("x",FALSE)', False),
    # DATEDIF "YD" counts in the start's year: 323 days from 1988-06-22 to 2012-05-11 (Excel; not 324)
    ('=DATEDIF(DATE(1988,6,22),DATE(2012,5,11),"YD")', 323.0),
    ('=DATEDIF(DATE(2001,6,1),DATE(2002,8,15),"YD")', 75.0),
    # a number literal past Excel's largest makes the formula invalid; a cell from a file shows #NUM!
    ("=ROUND(1,1E309)", "#NUM!"), ("=CHAR(1E309)", "#NUM!"), ("={1,1E309}", "#NUM!"),
]


@pytest.mark.parametrize("formula, expected", EXCEL)
def test_excel_value(wb, formula, expected):
    check(wb, formula, expected)


def test_correl_with_a_missing_array_is_an_error_not_an_exception(wb):
    got = wb.evaluate("=CORREL(A3:A5,)")
    assert isinstance(got, ExcelError) and got.code == "#N/A"  # 3 values against 1: different sizes


def test_1e309_is_refused_when_typed():
    with pytest.raises(FormulaSyntaxError, match="largest number"):
        parse("=ROUND(1,1E309)")


@pytest.mark.parametrize("formula", ['=ABS("abc")', "=ABS(A1:A5)", "=ACOSH(0)", "=CELL(A1)", "=MATCH(9,A3:A5,0)",
                                     "=ERF(1,,)", "=ARABIC(A2)", "=ROUND(A1,)"])
def test_reasons_are_in_words_never_python(wb, formula):
    got = wb.evaluate(formula)
    if isinstance(got, ExcelError):
        for python in ("NoneType", "float()", "int()", "object has no", "not supported between", "math domain",
                       "could not convert", "Traceback", "0.0 was", "None was"):
            assert python not in got.detail, (formula, got.detail)
