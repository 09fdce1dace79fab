"""Answer and Sensitivity report sheets (no Qt): layout, labels, constraint status."""
import pytest

from gdsheet.sheet.workbook import Workbook
from gdsheet.solver.model import Constraint
from gdsheet.solver.reports import SolveSummary, answer_report, label, sensitivity_report


def book():
    wb = Workbook()
    wb.add_sheet("M")
    wb.set_value("M", 1, 1, "slope")
    wb.set_value("M", 1, 2, 2.0)
    wb.set_value("M", 2, 1, "loss")
    wb.set_formula("M", 2, 2, "=(B1-3)^2")
    return wb


def summary(**kw):
    base = dict(sheet="M", objective=("M", 2, 2), sense="min", variables=(("M", 1, 2),), original=(2.0,),
                final=(3.0,), original_objective=1.0, final_objective=0.0, message="converged", method="adam",
                iterations=42, seconds=0.5)
    return SolveSummary(**{**base, **kw})


def test_label_is_the_nearest_text_left_then_above():
    wb = book()
    wb.set_value("M", 3, 2, 7.0)
    assert label(wb, ("M", 1, 2)) == "slope" and label(wb, ("M", 3, 2)) == ""
    wb.set_value("M", 3, 1, "row")
    wb.set_value("M", 4, 3, "col")
    assert label(wb, ("M", 3, 2)) == "row" and label(wb, ("M", 5, 3)) == "col"
    assert label(wb, ("M", 4, 4)) == "col"  # text to the left wins; the one above would come second


def test_label_of_a_parameter_row_on_top_takes_the_header_below():
    """The course's layout: 'Params' then the parameters in row 1, their column headers in row 3."""
    from gdsheet.sheet.workbook import Workbook

    wb = Workbook()
    wb.add_sheet("L")
    wb.set_values([("L", 1, 1, "Params"), ("L", 1, 2, 0.5), ("L", 1, 3, 0.1), ("L", 3, 2, "SibSp"),
                   ("L", 2, 3, 4.0), ("L", 3, 3, "Parch")])
    assert label(wb, ("L", 1, 2)) == "Params SibSp"
    assert label(wb, ("L", 1, 3)) == "Params"  # a number comes first below: no header to take


def test_answer_report_lists_objective_variables_and_constraints():
    wb = book()
    wb.set_value("M", 1, 2, 3.0)  # the solution is in the cells while the report is built
    run = summary(constraints=(Constraint("M!$B$1", "<=", "3"), Constraint("$B$1", ">=", "0")))
    name = answer_report(wb, run)
    cells = wb.sheet(name).cells
    assert name == "Answer Report 1" and cells[(5, 2)] == "Objective Cell (Min)"
    assert [cells[(7, c)] for c in range(2, 6)] == ["$B$2", "loss", 1.0, 0.0]
    assert [cells[(11, c)] for c in range(2, 6)] == ["$B$1", "slope", 2.0, 3.0]
    assert [cells[(15, c)] for c in (2, 5, 6)] == ["$B$1", "$B$1 <= 3", "Binding"]
    assert cells[(16, 6)] == "Not Binding" and cells[(16, 7)] == 3.0
    assert answer_report(wb, run) == "Answer Report 2"


def test_sensitivity_report_gives_the_gradient_per_variable():
    wb = book()
    name = sensitivity_report(wb, summary(), (-0.0,))
    cells = wb.sheet(name).cells
    assert [cells[(6, c)] for c in range(2, 6)] == ["$B$1", "slope", 3.0, pytest.approx(0.0)]
