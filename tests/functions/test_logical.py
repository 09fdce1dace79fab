"""Logical functions: IF and its lazy relatives, AND/OR/XOR/NOT, TRUE/FALSE."""
import numpy as np
import pytest

from gdsheet import errors as E
from gdsheet.functions import FUNCTIONS, FunctionSpec

from oracle import same

CASES = [
    ("=IF(TRUE,1,2)", 1.0), ("=IF(FALSE,1,2)", 2.0), ("=IF(FALSE,1)", False), ("=IF(FALSE,1,)", 0.0),
    ("=IF(TRUE,,2)", 0.0), ("=IF(1>0,\"a\",1/0)", "a"), ("=IF(0,1/0,\"b\")", "b"), ("=IF(\"TRUE\",1,2)", 1.0),
    ("=IF(\"x\",1,2)", E.VALUE), ("=IF(1/0,1,2)", E.DIV0), ("=IF(A1,1,2)", 1.0), ("=IF(A4,1,2)", 2.0),
    ("=SUM(IF(TRUE,A1:A3,B1:B3))", 3.0), ("=SUM(IF(FALSE,A1:A3,B1:B3))", 15.0),
    ("=IFS(FALSE,1,TRUE,2)", 2.0), ("=IFS(FALSE,1)", E.NA), ("=IFS(TRUE,1,1/0,2)", 1.0), ("=IFS(1/0,1)", E.DIV0),
    ("=IFS(TRUE)", E.VALUE),
    ("=IFERROR(1/0,5)", 5.0), ("=IFERROR(3,5)", 3.0), ("=IFERROR(NA(),\"x\")", "x"), ("=IFERROR(1/0,)", 0.0),
    ("=IFNA(NA(),1)", 1.0), ("=IFNA(1/0,1)", E.DIV0), ("=IFNA(2,1/0)", 2.0),
    ("=SWITCH(2,1,\"a\",2,\"b\")", "b"), ("=SWITCH(3,1,\"a\",2,\"b\",\"z\")", "z"), ("=SWITCH(3,1,\"a\")", E.NA),
    ("=SWITCH(1,\"1\",\"a\")", E.NA), ("=SWITCH(\"A\",\"a\",1)", 1.0), ("=SWITCH(1/0,1,2)", E.DIV0),
    ("=SWITCH(1,1,\"a\",1/0)", "a"),
    ("=CHOOSE(2,\"a\",\"b\",\"c\")", "b"), ("=CHOOSE(1.9,\"a\",\"b\")", "a"), ("=CHOOSE(0,\"a\")", E.VALUE),
    ("=CHOOSE(3,\"a\",\"b\")", E.VALUE), ("=CHOOSE(1,\"a\",1/0)", "a"), ("=SUM(CHOOSE(2,A1:A3,B1:B3))", 15.0),
    ("=CHOOSE(2,1,)", 0.0),
    ("=AND(TRUE,1)", True), ("=AND(TRUE,0)", False), ("=AND(\"TRUE\",1)", True), ("=AND(\"a\",TRUE)", True),
    ("=AND(A1:A5)", True), ("=AND(A1:A6)", False), ("=AND(C1:C2)", E.VALUE), ("=AND(TRUE,1/0)", E.DIV0),
    ("=AND(TRUE,)", False), ("=OR(FALSE,0)", False), ("=OR(A4:A6)", False), ("=OR({0,\"x\",1})", True),
    ("=OR({\"x\"})", E.VALUE), ("=XOR(TRUE,TRUE)", False), ("=XOR(TRUE,TRUE,TRUE)", True), ("=XOR(1,0)", True),
    ("=NOT(TRUE)", False), ("=NOT(0)", True), ("=NOT(A4)", True), ("=NOT(\"x\")", E.VALUE), ("=TRUE()", True),
    ("=FALSE()", False),
]


@pytest.fixture(scope="module")
def wb(wb):
    # A1:A6 = 1, 2, TRUE, blank, "text", FALSE ; B1:B3 = 4, 5, 6 ; C1:C2 = text only
    wb.set_values([("Sheet1", r, 1, v) for r, v in enumerate([1.0, 2.0, True, None, "text", False], 1)])
    wb.set_values([("Sheet1", r, 2, float(r + 3)) for r in range(1, 4)])
    wb.set_values([("Sheet1", 1, 3, "a"), ("Sheet1", 2, 3, "b")])
    return wb


@pytest.mark.parametrize("formula, expected", CASES)
def test_formula(wb, formula, expected):
    got = wb.evaluate(formula)
    assert same(got, expected), f"{formula} gave {got!r}, expected {expected!r}"


@pytest.fixture
def boom(monkeypatch):
    """A function that fails the test if it is ever evaluated."""
    def impl():
        raise RuntimeError("a branch that must not be evaluated was evaluated")

    monkeypatch.setitem(FUNCTIONS, "BOOM", FunctionSpec("BOOM", impl, (), 0, 0, "Test", "BOOM()", ""))


@pytest.mark.parametrize("formula, expected", [
    ("=IF(TRUE,1,BOOM())", 1.0), ("=IF(FALSE,BOOM(),2)", 2.0), ("=IFS(TRUE,1,BOOM(),BOOM())", 1.0),
    ("=IFERROR(1,BOOM())", 1.0), ("=IFNA(1/0,BOOM())", E.DIV0), ("=SWITCH(1,1,2,BOOM(),BOOM())", 2.0),
    ("=CHOOSE(1,3,BOOM())", 3.0),
])
def test_branch_not_taken_is_never_evaluated(wb, boom, formula, expected):
    # (an array condition is the exception: Excel evaluates both branch arrays, so a cycle through either counts)
    assert same(wb.evaluate(formula), expected)


def test_if_with_an_array_condition_chooses_per_element(wb):
    got = wb.evaluate("=IF({1,0,1},{10,20,30},\"x\")")
    assert got.tolist() == [[10.0, "x", 30.0]]
    got = wb.evaluate("=IF({1;0;\"q\"},A1:A3,-1)")
    assert got[0, 0] == 1.0 and got[1, 0] == -1.0 and got[2, 0] == E.VALUE
    assert wb.evaluate("=IF({1,0},1)").tolist() == [[1.0, False]]


def test_if_over_a_column_spills_a_relu(wb):
    wb.set_values([("Sheet1", r, 5, float(v)) for r, v in enumerate([-2, 0, 3], 1)])
    wb.set_formula("Sheet1", 1, 6, "=IF(E1:E3<0,0,E1:E3)", dynamic=True)
    assert [wb.get("Sheet1", r, 6) for r in (1, 2, 3)] == [0.0, 0.0, 3.0]


def test_legacy_if_intersects_implicitly(wb):
    wb.set_formula("Sheet1", 2, 7, "=IF(B1:B3>4,\"big\",\"small\")")
    assert wb.get("Sheet1", 2, 7) == "big"


def test_iferror_ifs_switch_choose_over_arrays(wb):
    assert wb.evaluate("=IFERROR({1,2}/{0,1},9)").tolist() == [[9.0, 2.0]]
    assert wb.evaluate("=IFNA({1,2},9)").tolist() == [[1.0, 2.0]]
    assert wb.evaluate("=IFS({TRUE,FALSE},\"a\",TRUE,\"b\")").tolist() == [["a", "b"]]
    assert wb.evaluate("=SWITCH({1,2,3},1,\"a\",2,\"b\",\"z\")").tolist() == [["a", "b", "z"]]
    got = wb.evaluate("=CHOOSE({1,2,3},\"a\",\"b\")")
    assert got[0, 0] == "a" and got[0, 1] == "b" and got[0, 2] == E.VALUE
    assert np.array_equal(wb.evaluate("=NOT({TRUE,FALSE})"), np.array([[False, True]], dtype=object))
