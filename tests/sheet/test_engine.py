"""Recalculation engine: Excel's semantics for references, spills, cycles, and incremental recalculation."""
import pytest

from gdsheet import errors as E
from gdsheet.refs import Area
from gdsheet.sheet import Table, Workbook


@pytest.fixture
def wb():
    book = Workbook()
    book.add_sheet("Sheet1")
    return book


@pytest.mark.parametrize("formula,expected", [
    ("=-2^2", 4.0), ("=2^3^2", 64.0), ("=0.1+0.2=0.3", True), ('="a"="A"', True), ("=1/0+#N/A", E.DIV0),
    ("=TRUE+1", 2.0), ('="3"+1', 4.0), ('="x"+1', E.VALUE), ("=1<\"a\"", True), ('="a"<TRUE', True),
    ("=2^0.5*2^0.5=2", True), ("=0^0", E.NUM), ("=(-8)^(1/3)", E.NUM), ("=10%", 0.1), ('=1&"a"&TRUE', "1aTRUE"),
    ("=0.1+0.2", 0.30000000000000004), ('=""=0', False),
])
def test_operator_semantics(wb, formula, expected):
    assert wb.evaluate(formula) == expected


def test_editing_a_cell_recomputes_only_its_dependents(wb):
    wb.set_value("Sheet1", 1, 1, 2.0)
    wb.set_formula("Sheet1", 1, 2, "=A1*10")
    wb.set_formula("Sheet1", 1, 3, "=B1+1")
    wb.set_value("Sheet1", 5, 5, 7.0)
    wb.set_formula("Sheet1", 5, 6, "=E5*2")
    changed = wb.set_value("Sheet1", 1, 1, 3.0)
    assert changed == {("Sheet1", 1, 1), ("Sheet1", 1, 2), ("Sheet1", 1, 3)}
    assert wb.get("Sheet1", 1, 3) == 31.0


def test_precedents_and_dependents(wb):
    wb.set_value("Sheet1", 1, 1, 1.0)
    wb.set_value("Sheet1", 2, 1, 2.0)
    wb.set_formula("Sheet1", 3, 1, "=A1:A2*2", dynamic=False)
    wb.set_formula("Sheet1", 4, 1, "=A3+A1")
    assert wb.precedents("Sheet1", 4, 1) == {("Sheet1", 3, 1), ("Sheet1", 1, 1)}
    assert wb.precedents("Sheet1", 4, 1, transitive=True) == {("Sheet1", 3, 1), ("Sheet1", 1, 1), ("Sheet1", 2, 1)}
    assert wb.dependents("Sheet1", 2, 1) == {("Sheet1", 3, 1), ("Sheet1", 4, 1)}
    assert wb.dependents("Sheet1", 2, 1, transitive=False) == {("Sheet1", 3, 1)}


def test_implicit_intersection_in_legacy_formulas(wb):
    for r in range(1, 4):
        wb.set_value("Sheet1", r, 1, float(r))
    wb.set_formula("Sheet1", 2, 2, "=A1:A3*10")  # legacy: the cell in the formula's row
    assert wb.get("Sheet1", 2, 2) == 20.0
    wb.set_formula("Sheet1", 7, 2, "=A1:A3*10")  # no cell in row 7
    assert wb.get("Sheet1", 7, 2) == E.VALUE
    wb.set_formula("Sheet1", 7, 3, "=@A1:A3")
    assert wb.get("Sheet1", 7, 3) == E.VALUE


def test_dynamic_formulas_spill_and_block(wb):
    for r in range(1, 4):
        wb.set_value("Sheet1", r, 1, float(r))
    wb.set_formula("Sheet1", 1, 2, "=A1:A3*10", dynamic=True)
    assert [wb.get("Sheet1", r, 2) for r in range(1, 4)] == [10.0, 20.0, 30.0]
    wb.set_formula("Sheet1", 1, 3, "=SUM_OF_SPILL", dynamic=True)  # unknown name
    assert wb.get("Sheet1", 1, 3) == E.NAME
    wb.set_formula("Sheet1", 1, 4, "=B1#*2", dynamic=True)
    assert wb.get("Sheet1", 3, 4) == 60.0
    wb.set_value("Sheet1", 3, 2, 5.0)  # typing into the spill range blocks it
    assert wb.get("Sheet1", 1, 2) == E.SPILL
    assert wb.get("Sheet1", 2, 2) is None
    wb.clear("Sheet1", 3, 2)
    assert wb.get("Sheet1", 3, 2) == 30.0
    wb.set_value("Sheet1", 2, 1, 7.0)
    assert wb.get("Sheet1", 2, 4) == 140.0


def test_legacy_array_formula_fills_its_range(wb):
    wb.set_formula("Sheet1", 1, 1, "={1;2;3}*2", array=Area("Sheet1", 1, 1, 4, 1))
    assert [wb.get("Sheet1", r, 1) for r in range(1, 5)] == [2.0, 4.0, 6.0, E.NA]


def test_circular_references_show_zero_and_are_named(wb):
    # Excel (iteration off) leaves the cells of a cycle and everything after it at 0 and warns; so do we
    wb.set_value("Sheet1", 2, 1, 5.0)
    wb.set_formula("Sheet1", 1, 1, "=B1+1")
    wb.set_formula("Sheet1", 1, 2, "=A1+A2")
    wb.set_formula("Sheet1", 1, 3, "=A1*2")
    assert [wb.get("Sheet1", 1, c) for c in (1, 2, 3)] == [0.0, 0.0, 0.0]
    assert {("Sheet1", 1, 1), ("Sheet1", 1, 2), ("Sheet1", 1, 3)} <= wb.engine.circular
    assert "circular reference" in wb.engine.circular_note and "Sheet1!A1" in wb.engine.circular_note
    wb.set_formula("Sheet1", 1, 2, "=A2")  # breaking the cycle recalculates and clears the flag
    assert [wb.get("Sheet1", 1, c) for c in (1, 2, 3)] == [6.0, 5.0, 12.0]
    assert not wb.engine.circular


def test_a_cycle_not_taken_by_if_is_no_cycle(wb):
    wb.set_value("Sheet1", 1, 1, False)
    wb.set_formula("Sheet1", 1, 2, "=C1")
    wb.set_formula("Sheet1", 1, 3, "=IF(A1,B1,1)")
    assert wb.get("Sheet1", 1, 2) == 1.0 and not wb.engine.circular


def test_iterative_calculation_is_honoured(wb):
    wb.calc.iterate, wb.calc.iterate_count, wb.calc.iterate_delta = True, 200, 1e-12
    wb.set_value("Sheet1", 1, 3, 10.0)
    wb.set_formula("Sheet1", 1, 1, "=(B1+C1)/2")  # converges to a fixed point: A1 = B1 = C1
    wb.set_formula("Sheet1", 1, 2, "=A1")
    wb.recalculate()
    assert wb.get("Sheet1", 1, 1) == pytest.approx(10.0, rel=1e-6)


def test_a_bad_formula_becomes_an_error_value_with_the_reason(wb):
    wb.set_formula("Sheet1", 1, 1, "=1+*2")
    v = wb.get("Sheet1", 1, 1)
    assert v == E.NAME and "cannot be read" in v.detail
    wb.set_formula("Sheet1", 1, 2, "=NOSUCHFUNCTION(1)")
    assert wb.get("Sheet1", 1, 2) == E.NAME


def test_defined_names_and_cross_sheet_references(wb):
    wb.add_sheet("Data Sheet")
    wb.set_value("Data Sheet", 2, 2, 4.0)
    wb.define_name("rate", "'Data Sheet'!$B$2")
    wb.set_formula("Sheet1", 1, 1, "=rate*'Data Sheet'!B2")
    assert wb.get("Sheet1", 1, 1) == 16.0
    wb.set_value("Data Sheet", 2, 2, 5.0)
    assert wb.get("Sheet1", 1, 1) == 25.0
    wb.rename_sheet("Data Sheet", "Inputs")
    assert wb.formula("Sheet1", 1, 1).text == "=rate*Inputs!B2"
    wb.set_value("Inputs", 2, 2, 6.0)
    assert wb.get("Sheet1", 1, 1) == 36.0


def test_structured_references(wb):
    wb.add_table(Table("T", "Sheet1", Area("Sheet1", 1, 1, 4, 3), ["Age", "Fare", "Double"]))
    for r, (age, fare) in enumerate([(10.0, 1.0), (20.0, 2.0), (30.0, 3.0)], start=2):
        wb.set_value("Sheet1", r, 1, age)
        wb.set_value("Sheet1", r, 2, fare)
        wb.set_formula("Sheet1", r, 3, "=[@Age]*2+T[[#This Row],[Fare]]")
    assert [wb.get("Sheet1", r, 3) for r in (2, 3, 4)] == [21.0, 42.0, 63.0]
    wb.set_formula("Sheet1", 6, 1, "=T[Age]", dynamic=True)
    assert [wb.get("Sheet1", r, 1) for r in (6, 7, 8)] == [10.0, 20.0, 30.0]
    wb.set_formula("Sheet1", 6, 2, "=T[[#This Row],[Age]]")
    assert wb.get("Sheet1", 6, 2) == E.VALUE
    wb.set_value("Sheet1", 3, 1, 25.0)
    assert wb.get("Sheet1", 3, 3) == 52.0 and wb.get("Sheet1", 7, 1) == 25.0


def test_reference_operators(wb):
    wb.set_value("Sheet1", 2, 2, 9.0)
    assert wb.evaluate("=A1:B2 B2:C3") == 9.0
    assert wb.evaluate("=A1:A2 C1:C2") == E.NULL


def test_empty_reference_shows_zero(wb):
    wb.set_formula("Sheet1", 1, 1, "=B7")
    assert wb.get("Sheet1", 1, 1) == 0.0


def test_cells_of_a_legacy_array_formula_are_read_after_it(wb):
    for r in (1, 2, 3):
        wb.set_value("Sheet1", r, 1, float(r))
        wb.set_formula("Sheet1", r, 2, f"=A{r}*1")
    wb.set_formula("Sheet1", 1, 3, "=B1:B3*10", array=Area("Sheet1", 1, 3, 3, 3))
    for r in (1, 2, 3):
        wb.set_formula("Sheet1", r, 4, f"=C{r}+0")
    wb.recalculate()
    assert [wb.get("Sheet1", r, 4) for r in (1, 2, 3)] == [10.0, 20.0, 30.0]
    wb.set_value("Sheet1", 3, 1, 4.0)
    assert wb.get("Sheet1", 3, 4) == 40.0


def test_readers_of_a_new_spill_are_recalculated(wb):
    for r in (1, 2, 3):
        wb.set_value("Sheet1", r, 1, float(r))
        wb.set_formula("Sheet1", r, 3, f"=B{r}*2")  # reads cells that a spill will fill
    wb.set_formula("Sheet1", 1, 2, "=A1:A3*10", dynamic=True)
    assert [wb.get("Sheet1", r, 3) for r in (1, 2, 3)] == [20.0, 40.0, 60.0]
    wb.recalculate()
    assert [wb.get("Sheet1", r, 3) for r in (1, 2, 3)] == [20.0, 40.0, 60.0]
