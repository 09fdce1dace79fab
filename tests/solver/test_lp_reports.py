"""The Simplex LP's Sensitivity and Limits numbers checked independently: shadow prices against scipy's duals,
allowable increases/decreases by re-solving just inside and just outside each range, reduced costs and limits by
their definitions; the report sheets laid out as Excel's."""
import numpy as np
import pytest
from scipy.optimize import linprog

from gdsheet.solver.lp_reports import limits_report, lp_sensitivity_report
from gdsheet.solver.model import read_model
from gdsheet.solver.reports import SolveSummary
from gdsheet.solver.run import apply, prepare
from gdsheet.sheet.workbook import Workbook
from lp_books import store_excel_model

# max 3x + 5y + 4z  s.t.  x + 2z <= 4;  2y + z <= 12;  3x + 2y + 3z <= 18;  x + y + z >= 2
C = np.array([3.0, 5.0, 4.0])
A = np.array([[1.0, 0.0, 2.0], [0.0, 2.0, 1.0], [3.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
B = np.array([4.0, 12.0, 18.0, 2.0])
SENSE = np.array([1.0, 1.0, 1.0, -1.0])  # <=, <=, <=, >=


def book() -> Workbook:
    wb, s = Workbook(), "LP"
    wb.add_sheet(s)
    wb.set_values([(s, 1, 1 + j, 0.0) for j in range(3)] + [(s, 2, 1 + j, float(C[j])) for j in range(3)]
                  + [(s, 4 + i, 1 + j, float(A[i, j])) for i in range(4) for j in range(3)]
                  + [(s, 4 + i, 6, float(B[i])) for i in range(4)])
    for i in range(4):
        wb.set_formula(s, 4 + i, 5, f"=SUMPRODUCT(A{4 + i}:C{4 + i},$A$1:$C$1)")
    wb.set_formula(s, 2, 5, "=SUMPRODUCT(A1:C1,A2:C2)")
    store_excel_model(wb, s, "$E$2", "$A$1:$C$1", [("$E$4:$E$6", "<=", "$F$4:$F$6"), ("$E$7", ">=", "$F$7")],
                      sense="max")
    wb.recalculate()
    return wb


def scipy_solve(c, b):
    return linprog(-c, A_ub=A * SENSE[:, None], b_ub=b * SENSE, bounds=(0, None), method="highs")


@pytest.fixture(scope="module")
def solved():
    wb = book()
    solve = prepare(wb, read_model(wb, "LP"), "LP")
    final = list(solve.run())[-1]
    columns, rows = solve.sensitivity()
    return wb, solve, final, columns, rows


def test_final_values_and_shadow_prices_match_scipys_duals(solved):
    _, _, final, columns, rows = solved
    ref = scipy_solve(C, B)
    assert final.status == "optimal" and final.loss == pytest.approx(-ref.fun)
    assert [c.value for c in columns] == pytest.approx(ref.x, abs=1e-9)
    # scipy's marginals are d(min objective)/d(b_ub); Excel's shadow price is d(objective)/d(rhs)
    expected = -ref.ineqlin.marginals * SENSE
    assert [r.shadow_price for r in rows] == pytest.approx(expected, abs=1e-9)
    for i, r in enumerate(rows):  # and by definition: re-solve with the right-hand side moved a little
        b = B.copy()
        b[i] += 1e-3
        assert (-scipy_solve(C, b).fun + ref.fun) / 1e-3 == pytest.approx(r.shadow_price, abs=1e-6)


def test_cost_ranges_hold_the_solution_inside_and_not_beyond(solved):
    _, _, final, columns, _ = solved
    x = np.array(final.values)
    for j, col in enumerate(columns):
        for delta, direction in ((col.increase, 1.0), (col.decrease, -1.0)):
            c = C.copy()
            if delta >= 1e29:
                c[j] += direction * 100.0
                assert scipy_solve(c, B).x == pytest.approx(x, abs=1e-7)
                continue
            c[j] = C[j] + direction * delta * 0.99
            assert scipy_solve(c, B).x == pytest.approx(x, abs=1e-7)
            c[j] = C[j] + direction * (delta * 1.01 + 1e-6)
            assert scipy_solve(c, B).x != pytest.approx(x, abs=1e-7)


def test_rhs_ranges_keep_the_shadow_price_inside_and_not_beyond(solved):
    _, _, _, _, rows = solved
    base = -scipy_solve(C, B).fun
    for i, r in enumerate(rows):
        for delta, direction in ((r.increase, 1.0), (r.decrease, -1.0)):
            if delta >= 1e29:
                continue
            b = B.copy()
            b[i] += direction * delta * 0.99
            moved = -scipy_solve(C, b).fun
            assert moved - base == pytest.approx(r.shadow_price * direction * delta * 0.99, abs=1e-7)


def test_reduced_costs_and_limits_by_definition(solved):
    _, _, final, columns, _ = solved
    x = np.array(final.values)
    for j, col in enumerate(columns):
        if x[j] == 0:  # a variable at its bound: forcing it up by t changes the objective by t * reduced cost
            ref = -scipy_solve(C, B).fun
            forced = linprog(-C, A_ub=A * SENSE[:, None], b_ub=B * SENSE, method="highs",
                             bounds=[(1e-3, None) if k == j else (0, None) for k in range(3)])
            assert (-forced.fun - ref) / 1e-3 == pytest.approx(col.reduced_cost, abs=1e-6)
        # the limits: the others held, how far x_j can move with every constraint met
        ok = lambda v: np.all((A @ np.r_[x[:j], v, x[j + 1:]] - B) * SENSE <= 1e-9) and v >= -1e-12  # noqa: E731
        assert ok(col.lower_limit) and ok(col.upper_limit)
        assert not ok(col.upper_limit + 1e-6) and (col.lower_limit == 0 or not ok(col.lower_limit - 1e-6))
        assert col.upper_objective == pytest.approx(final.loss + C[j] * (col.upper_limit - x[j]))


def test_report_sheets_as_excel_lays_them_out(solved):
    wb, solve, final, columns, rows = solved
    apply(wb, solve.variables, final.values)
    summary = SolveSummary("LP", solve.objective, "max", tuple(solve.variables), solve.start, final.values, 0.0,
                           final.loss, final.message, "Simplex LP", final.iteration, final.elapsed)
    sens = wb.sheet(lp_sensitivity_report(wb, summary, columns, rows)).cells
    assert [sens[(5, c)] for c in range(2, 9)] == ["Cell", "Name", "Final Value", "Reduced Cost",
                                                   "Objective Coefficient", "Allowable Increase",
                                                   "Allowable Decrease"]
    assert sens[(6, 2)] == "$A$1" and sens[(6, 6)] == 3.0
    assert [sens[(12 + i, 2)] for i in range(4)] == ["$E$4", "$E$5", "$E$6", "$E$7"]
    assert sens[(11, 6)] == "Constraint R.H. Side" and sens[(12, 6)] == 4.0 and sens[(12, 7)] == 1e30
    limits = wb.sheet(limits_report(wb, summary, columns)).cells
    assert limits[(5, 4)] == pytest.approx(final.loss) and limits[(9, 2)] == "$A$1"
