"""LAMBDA in cells and defined names, ISOMITTED, and the helpers MAP, REDUCE, SCAN, BYROW, BYCOL, MAKEARRAY.

Expected values are Excel's (Microsoft's LAMBDA and helper pages: wrong argument count #VALUE!, an uncalled LAMBDA
#CALC!, too deep a recursion #NUM!); IronCalc agrees on the ones checked against it below.
"""
from __future__ import annotations

import numpy as np
import pytest

from gdsheet.errors import ExcelError
from gdsheet.formula import parse
from gdsheet.formula.unparse import unparse
from oracle import check, ironcalc_values, new_workbook


@pytest.fixture(scope="module")
def wb():
    book = new_workbook([(r, c, float(10 * r + c)) for r in range(1, 4) for c in range(1, 4)])
    book.define_name("ADD1", "LAMBDA(x,x+1)")
    book.define_name("FACT", "LAMBDA(n,IF(n<=1,1,n*FACT(n-1)))")
    book.define_name("FOREVER", "LAMBDA(n,FOREVER(n+1))")
    book.define_name("REV", "LAMBDA(s,IF(LEN(s)<=1,s,REV(MID(s,2,1000))&LEFT(s,1)))")
    book.define_name("HYP", "_xlfn.LAMBDA(_xlpm.a,_xlpm.b,SQRT(_xlpm.a^2+_xlpm.b^2))")  # as Excel writes it
    return book


SCALARS = [
    ("=LAMBDA(x,x+1)(2)", 3.0),
    ("=LAMBDA(number,number+1)(1)", 2.0),  # Microsoft's example
    ("=LAMBDA(x,y,x*y)(6,7)", 42.0),
    ("=LAMBDA(42)()", 42.0),
    ("=LAMBDA(x,x+1)", "#CALC!"),  # a LAMBDA left in a cell
    ("=LAMBDA(x,y,x+y)(2)", "#VALUE!"),  # too few values
    ("=LAMBDA(x,x)(1,2)", "#VALUE!"),  # too many
    ("=LAMBDA(x,x,x)(1,2)", "#VALUE!"),  # a parameter twice
    ("=LAMBDA(1,x)(1)", "#VALUE!"),  # a parameter that is not a name
    ("=LAMBDA(r,ROWS(r))(A1:A3)", 3.0),  # a reference stays a reference
    ("=LAMBDA(x,y,IF(ISOMITTED(y),x,x+y))(2,)", 2.0),  # left out with its comma
    ("=LAMBDA(x,y,IF(ISOMITTED(y),x,x+y))(2,3)", 5.0),
    ("=LAMBDA(x,[y],IF(ISOMITTED(y),-x,x+y))(2)", -2.0),  # an optional parameter
    ("=LAMBDA(x,y,y)(1,)", 0.0),  # an omitted value reads as blank
    ("=ISOMITTED(A1)", False),
    ("=LET(f,LAMBDA(x,x*2),f(21))", 42.0),
    ("=LET(a,10,LAMBDA(x,x+a))(1)", 11.0),  # the LAMBDA sees the names in scope where it was written
    ("=LET(a,10,f,LAMBDA(x,x+a),LET(a,100,f(1)))", 11.0),  # ...not those where it is called
    ("=ADD1(5)", 6.0),
    ("=HYP(3,4)", 5.0),
    ("=FACT(5)", 120.0),
    ("=FACT(170)", 7.257415615307999e306),
    ("=FOREVER(1)", "#NUM!"),  # recursion is bounded: Excel's error for too many recursive calls
    ('=REV("abc")', "cba"),
    ('=REV(REPT("ab",150))=REPT("ba",150)', True),  # 300 nested calls
    ("=ADD1(1,2)", "#VALUE!"),
    ("=NOTDEFINED(1)", "#NAME?"),
    ("=SUM(5)(1)", "#VALUE!"),  # only a LAMBDA can be called
    ("=REDUCE(0,A1:C3,LAMBDA(a,v,a+v))", 198.0),
    ("=REDUCE(,A1:C1,LAMBDA(a,v,a+v))", 36.0),
    ('=REDUCE("",A1:A3,LAMBDA(a,v,a&v))', "112131"),
    ("=REDUCE(1,{2,3,4},LAMBDA(a,v,a*v))", 24.0),
    ("=REDUCE(0,{1,2},LAMBDA(a,a))", "#VALUE!"),  # a LAMBDA with the wrong number of parameters
    ("=REDUCE(0,{1,2},5)", "#VALUE!"),
    ("=SUM(MAP(A1:A3,LAMBDA(v,v*2)))", 126.0),
    ("=MAP(A1:A3,LAMBDA(a,b,a+b))", "#VALUE!"),
    ("=MAKEARRAY(0,3,LAMBDA(r,c,r*c))", "#VALUE!"),
]


@pytest.mark.parametrize("formula,expected", SCALARS)
def test_lambda_values(wb, formula, expected):
    check(wb, formula, expected)


ARRAYS = [
    ("=MAP(A1:A3,LAMBDA(v,v*2))", [[22.0], [42.0], [62.0]]),
    ("=MAP(A1:A3,B1:B3,LAMBDA(a,b,a+b))", [[23.0], [43.0], [63.0]]),
    ("=MAP(A1:A3,ABS)", [[11.0], [21.0], [31.0]]),  # a table function named bare (Excel's eta lambda)
    ("=MAP({1,2,3},{10;20},LAMBDA(a,b,a+b))", [[11.0, 12.0, 13.0], [21.0, 22.0, 23.0]]),
    ("=MAP(D1:D2,LAMBDA(x,ISBLANK(x)))", [[True], [True]]),
    ("=SCAN(0,A1:C2,LAMBDA(a,v,a+v))", [[11.0, 23.0, 36.0], [57.0, 79.0, 102.0]]),
    ('=SCAN("",{"a","b","c"},LAMBDA(a,b,a&b))', [["a", "ab", "abc"]]),  # Microsoft's example
    ("=BYROW(A1:C3,LAMBDA(r,SUM(r)))", [[36.0], [66.0], [96.0]]),
    ("=BYROW(A1:C3,MAX)", [[13.0], [23.0], [33.0]]),
    ("=BYCOL(A1:C3,SUM)", [[63.0, 66.0, 69.0]]),
    ("=BYCOL(A1:C3,LAMBDA(c,MAX(c)-MIN(c)))", [[20.0, 20.0, 20.0]]),
    ("=MAKEARRAY(2,3,LAMBDA(r,c,r*c))", [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]]),
    ("=REDUCE(1,{1,2,3},LAMBDA(a,b,VSTACK(a,b)))", [[1.0], [1.0], [2.0], [3.0]]),  # an array accumulator
    ("=LET(f,LAMBDA(x,x+1),MAP({1,2},f))", [[2.0, 3.0]]),
]


@pytest.mark.parametrize("formula,expected", ARRAYS)
def test_helper_arrays(wb, formula, expected):
    got = wb.evaluate(formula)
    assert isinstance(got, np.ndarray) and got.tolist() == expected, (formula, got)


def test_a_lambda_returning_an_array_per_row_is_calc(wb):
    got = wb.evaluate("=BYROW(A1:C3,LAMBDA(r,r*2))")
    assert [v.code for v in got.ravel()] == ["#CALC!"] * 3


def test_errors_stay_in_their_element(wb):
    got = wb.evaluate("=MAP({1,0,2},LAMBDA(v,1/v))")
    assert got[0, 0] == 1.0 and isinstance(got[0, 1], ExcelError) and got[0, 1].code == "#DIV/0!"


def test_a_lambda_in_a_name_is_recalculated_when_what_it_reads_changes():
    wb = new_workbook([(1, 2, 3.0)])
    wb.define_name("SCALE", "LAMBDA(x,x*Sheet1!$B$1)")
    wb.set_formula("Sheet1", 1, 3, "=SCALE(2)")
    wb.recalculate()
    assert wb.get("Sheet1", 1, 3) == 6.0
    wb.set_value("Sheet1", 1, 2, 4.0)
    assert wb.get("Sheet1", 1, 3) == 8.0


def test_a_lambda_left_in_a_cell_is_calc():
    wb = new_workbook()
    wb.set_formula("Sheet1", 1, 1, "=LAMBDA(x,x+1)")
    wb.set_formula("Sheet1", 2, 1, "=LAMBDA(x,x+1)", dynamic=True)
    wb.recalculate()
    assert wb.get("Sheet1", 1, 1).code == "#CALC!" and wb.get("Sheet1", 2, 1).code == "#CALC!"


@pytest.mark.parametrize("text,file_text", [
    ("=LAMBDA(x,x+1)(2)", "=_xlfn.LAMBDA(_xlpm.x,_xlpm.x+1)(2)"),
    ("=LET(a,1,b,2,a+b)", "=_xlfn.LET(_xlpm.a,1,_xlpm.b,2,_xlpm.a+_xlpm.b)"),
    ("=MAP(A1:A3,LAMBDA(v,v*2))", "=_xlfn.MAP(A1:A3,_xlfn.LAMBDA(_xlpm.v,_xlpm.v*2))"),
    ("=LAMBDA(x,[y],IF(ISOMITTED(y),x,y))(1)",
     "=_xlfn.LAMBDA(_xlpm.x,[_xlpm.y],IF(_xlfn.ISOMITTED(_xlpm.y),_xlpm.x,_xlpm.y))(1)"),
    ("=BYROW(A1:B2,SUM)", "=_xlfn.BYROW(A1:B2,_xleta.SUM)"),
    ("=ADD1(5)", "=ADD1(5)"),
])
def test_files_spell_lambda_names_with_their_prefixes(text, file_text):
    tree = parse(text)
    assert unparse(tree) == text
    assert unparse(tree, for_file=True) == file_text
    assert parse(file_text) == tree


def test_a_named_lambda_survives_a_save(tmp_path):
    from gdsheet.io.xlsx_read import read_xlsx
    from gdsheet.io.xlsx_write import to_openpyxl, write_xlsx

    wb = new_workbook()
    wb.define_name("TWICE", "LAMBDA(x,x*2)")
    wb.set_formula("Sheet1", 1, 1, "=TWICE(21)")
    wb.recalculate()
    assert to_openpyxl(wb).defined_names["TWICE"].attr_text == "_xlfn.LAMBDA(_xlpm.x,_xlpm.x*2)"
    write_xlsx(wb, tmp_path / "l.xlsx")
    back = read_xlsx(tmp_path / "l.xlsx")
    back.recalculate()
    assert back.get("Sheet1", 1, 1) == 42.0


def test_ironcalc_agrees():
    pytest.importorskip("ironcalc")
    formulas = ["=LAMBDA(x,x+1)(2)", "=LAMBDA(x,x+1)", "=LAMBDA(x,y,x+y)(2)", "=REDUCE(0,{1,2,3},LAMBDA(a,v,a+v))",
                "=SUM(SCAN(0,{1,2,3},LAMBDA(a,v,a+v)))", "=SUM(BYROW({1,2;3,4},LAMBDA(r,SUM(r))))",
                "=SUM(MAKEARRAY(2,3,LAMBDA(r,c,r*c)))", "=LAMBDA(x,y,IF(ISOMITTED(y),x,x+y))(2,)",
                "=LET(f,LAMBDA(x,x*2),f(21))", "=SUM(MAP({1,2,3},LAMBDA(v,v*2)))"]
    ours = [new_workbook().evaluate(f) for f in formulas]
    ours = [v[0, 0] if isinstance(v, np.ndarray) else v for v in ours]
    assert ours == ironcalc_values(formulas)
