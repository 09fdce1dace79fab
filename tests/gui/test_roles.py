"""Which cells the grid colours as computed from the variables, found on demand (gui/roles.py)."""
from gdsheet.gui.roles import DEPENDENT, OBJECTIVE, VARIABLE, Driven, Roles
from gdsheet.sheet.workbook import Workbook


def book():
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_values([("S", 1, 1, 2.0), ("S", 1, 2, 5.0)])  # A1 a variable, B1 data
    wb.set_formula("S", 2, 1, "=A1*3")  # A2 reads the variable
    wb.set_formula("S", 2, 2, "=B1+1")  # B2 reads data only
    wb.set_formula("S", 3, 1, "=A2+B2")  # A3 through A2
    wb.set_formula("S", 4, 1, "=SEQUENCE(2,2)*A1", dynamic=True)  # spills over A4:B5
    wb.recalculate()
    return wb


def test_driven_cells_are_found_through_formulas_and_spills():
    wb = book()
    driven = Driven(wb, frozenset({("S", 1, 1)}))
    assert ("S", 2, 1) in driven and ("S", 3, 1) in driven
    assert ("S", 2, 2) not in driven and ("S", 1, 2) not in driven and ("S", 9, 9) not in driven
    assert ("S", 5, 2) in driven  # a cell the array at A4 spills into
    assert driven.listed() >= {("S", 2, 1), ("S", 3, 1), ("S", 4, 1), ("S", 5, 2)}
    assert ("S", 2, 2) not in driven.listed()


def test_a_chain_down_many_rows_needs_no_recursion():
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_values([("S", 1, 1, 1.0)])
    for r in range(2, 5002):  # a running chain: A2=A1+1, A3=A2+1, ...
        wb.set_formula("S", r, 1, f"=A{r - 1}+1")
    assert ("S", 5001, 1) in Driven(wb, frozenset({("S", 1, 1)}))
    assert ("S", 5001, 1) not in Driven(wb, frozenset({("S", 1, 2)}))


def test_a_cycle_ends_the_walk():
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_formula("S", 1, 1, "=B1")
    wb.set_formula("S", 1, 2, "=A1")
    assert ("S", 1, 1) not in Driven(wb, frozenset({("S", 5, 5)}))


def test_roles_layer_the_objective_variables_driven_and_aside():
    wb = book()
    aside = Roles(("S", 2, 2), frozenset({("S", 1, 2)}), Driven(wb, frozenset({("S", 1, 2)})))
    roles = Roles(("S", 3, 1), frozenset({("S", 1, 1)}), Driven(wb, frozenset({("S", 1, 1)})), aside)
    assert roles[("S", 3, 1)] == OBJECTIVE and roles[("S", 1, 1)] == VARIABLE and roles[("S", 2, 1)] == DEPENDENT
    assert roles[("S", 2, 2)] == OBJECTIVE and roles[("S", 1, 2)] == VARIABLE  # the other model's, beneath
    assert roles.get(("S", 9, 9)) is None and ("S", 9, 9) not in roles
    assert dict(roles)[("S", 5, 2)] == DEPENDENT
