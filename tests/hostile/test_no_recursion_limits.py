"""Nothing a file can hold reaches Python's recursion limit: long operator runs, cycles of names, long cycles of
cells; formulas longer than Excel's 8,192 characters are refused as Excel refuses them."""
from __future__ import annotations

import pytest

from gdsheet.errors import ExcelError, FormulaSyntaxError
from gdsheet.formula import parse
from gdsheet.formula.unparse import unparse
from gdsheet.sheet.formulas import make_formula
from gdsheet.sheet.workbook import Workbook


def _wb() -> Workbook:
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_value("S", 1, 1, 2.0)
    return wb


@pytest.mark.parametrize("text, expected", [
    ("=" + "-" * 8190 + "1", 1.0),  # 8,192 characters: Excel's longest formula, valid
    ("=" + "-" * 8189 + "1", -1.0),
    ("=" + "-" * 20 + '"3"', 3.0),  # a pair of '-' still makes a number of text
    ("=" + "+" * 30 + "A1", 2.0),
    ("=1" + "%" * 8000, 0.0),
    ("=5" + "%" * 10, 5e-20),
    ("=1" + "+1" * 4000, 4001.0),
    ("=" + "(" * 4000 + "1" + ")" * 4000, 1.0),
    ("=" + "ABS(" * 1600 + "-1" + ")" * 1600, 1.0),
])
def test_long_runs_of_operators_evaluate_as_excel_does(text, expected):
    wb = _wb()
    wb.set_formula("S", 2, 2, text)
    assert wb.get("S", 2, 2) == pytest.approx(expected)
    f = wb.formula("S", 2, 2)
    assert parse(unparse(f.ast, 2, 2), 2, 2) is not None  # and it can be written back


def test_a_formula_longer_than_excels_limit_is_refused_naming_the_limit():
    with pytest.raises(FormulaSyntaxError, match="8,192 characters"):
        parse("=" + "-" * 8191 + "1")
    wb = _wb()
    wb.set_formula("S", 2, 2, "=1" + "+1" * 5000)
    value = wb.get("S", 2, 2)
    assert isinstance(value, ExcelError) and value.code == "#NAME?" and "8,192" in value.detail


def test_a_cycle_of_names_is_an_error_not_a_crash():
    wb = _wb()
    wb.define_name("X", "X+1")
    wb.define_name("P", "Q")
    wb.define_name("Q", "P*2")
    wb.define_name("Good", "S!$A$1*3")
    for row, text in enumerate(("=X", "=P", "=Q+1", "=Good", "=SUM(X,1)"), 2):
        wb.set_formula("S", row, 1, text)
    got = [wb.get("S", r, 1) for r in range(2, 7)]
    assert [getattr(v, "code", v) for v in got] == ["#REF!", "#REF!", "#REF!", 6.0, "#REF!"]
    assert "refers to itself" in got[0].detail


def test_a_long_chain_of_names_stops_at_the_nesting_limit():
    wb = _wb()
    for i in range(200):
        wb.define_name(f"Nm_{i}", f"Nm_{i + 1}+1")
    wb.define_name("Nm_200", "1")
    wb.set_formula("S", 2, 1, "=Nm_150")
    assert wb.get("S", 2, 1) == 51.0
    wb.set_formula("S", 3, 1, "=Nm_0")
    assert getattr(wb.get("S", 3, 1), "code", None) == "#REF!"


def _formulas(wb: Workbook, texts: dict) -> None:
    """Put formulas in as a file's load does (all at once, then one recalculation), not one edit at a time."""
    sheet = wb.sheet("S")
    for (r, c), text in texts.items():
        sheet.formulas[(r, c)] = make_formula(text, r, c)
    wb.engine.invalidate()
    wb.recalculate()


def test_a_cycle_of_4000_cells_shows_zeros_as_excel_does():
    wb = _wb()
    n = 4000
    _formulas(wb, {(r, 3): f"=C{r % n + 1}+1" for r in range(1, n + 1)})
    assert all(wb.get("S", r, 3) == 0.0 for r in range(1, n + 1))
    assert ("S", 1, 3) in wb.engine.circular


def test_a_long_cycle_iterates_when_iteration_is_on():
    wb = _wb()
    wb.calc.iterate, wb.calc.iterate_count, wb.calc.iterate_delta = True, 10, 0.0
    n = 1000
    _formulas(wb, {(r, 3): f"=C{r % n + 1}+1" if r < n else "=C1*0+1" for r in range(1, n + 1)})
    assert wb.get("S", n, 3) == 1.0 and wb.get("S", 1, 3) == float(n)
