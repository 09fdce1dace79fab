"""PRODUCT.md's scenarios end to end: workbook -> prepare (compile) -> solve -> apply, on workbooks built in code."""
import pytest

from gdsheet.errors import SolverModelError
from gdsheet.solver.model import Constraint, SolverModel, SolverOptions
from gdsheet.solver.run import apply, prepare
from solver_books import TITANIC_MSE, curve_fit, one_cell, titanic_linear


def model(objective="B1", variables=("A1",), **opts) -> SolverModel:
    return SolverModel(objective, variables=list(variables), options=SolverOptions(**opts))


def test_parabola_step_by_step_through_the_workbook():
    wb = one_cell("=1.2*A1^2+4", -3)
    s = prepare(wb, model(method="gd", lr=0.2, iterations=10), "S")
    assert s.variables == [("S", 1, 1)] and s.objective == ("S", 1, 2) and s.start == (-3.0,)
    xs = [s.step().values[0] for _ in range(3)]
    assert xs == pytest.approx([-1.56, -0.8112, -0.421824])
    changed = apply(wb, s.variables, s.step().values)
    assert ("S", 1, 2) in changed and wb.get("S", 1, 2) == pytest.approx(1.2 * (3 * 0.52**4) ** 2 + 4)


def test_too_large_learning_rate_through_the_workbook():
    wb = one_cell("=(A1^2-9)^2", 2)
    final = list(prepare(wb, model(method="gd", lr=0.1), "S").run())[-1]
    assert final.status == "diverged" and final.iteration <= 3 and final.values == (2.0,)
    assert "learning rate 0.1 is too large" in final.message and "try 0.005 or less" in final.message
    apply(wb, [("S", 1, 1)], final.values)
    assert wb.get("S", 1, 2) == 25  # the grid shows the best values, not #NUM!


def test_oscillation_example_settles_through_the_workbook():
    wb = one_cell("=(A1^2-9)^2", 1)
    records = list(prepare(wb, model(method="gd", lr=0.01), "S").run())
    assert [round(r.values[0], 2) for r in records[1:5]] == [1.32, 1.70, 2.12, 2.50]
    assert records[-1].values[0] == pytest.approx(3.0, abs=1e-6)


@pytest.mark.parametrize("method,lr,rel", [("lbfgs", 1.0, 1e-6), ("adam", 0.3, 1e-6)])
def test_curve_fit_reaches_the_least_squares_optimum(method, lr, rel):
    import numpy as np

    wb, t, speed = curve_fit()
    coef = np.polyfit(t, speed, 2)
    optimum = float(np.mean((np.polyval(coef, t) - speed) ** 2))
    m = model("H1", ["$E$1:$G$1"], method=method, lr=lr, iterations=20000, tolerance=1e-12)
    final = list(prepare(wb, m, "fit").run())[-1]
    assert final.loss == pytest.approx(optimum, rel=rel)
    assert final.values == pytest.approx(tuple(coef), rel=1e-3)


def test_titanic_linear_reaches_the_optimum_in_well_under_a_second():
    wb = titanic_linear()
    s = prepare(wb, model("M1", ["$A$2:$J$2"]), "linear")
    assert s.program.batch_rows == 712
    final = list(s.run())[-1]
    assert final.status == "converged" and final.loss == pytest.approx(TITANIC_MSE, rel=1e-6)
    assert final.elapsed < 1.0
    apply(wb, s.variables, final.values)
    assert wb.get("linear", 1, 13) == pytest.approx(TITANIC_MSE, rel=1e-6)


@pytest.mark.slow
def test_titanic_linear_by_adam_and_by_mini_batches():
    wb = titanic_linear()
    final = list(prepare(wb, model("M1", ["$A$2:$J$2"], method="adam", lr=0.05, tolerance=1e-9), "linear").run())[-1]
    assert final.loss == pytest.approx(TITANIC_MSE, rel=1e-6)
    m = model("M1", ["$A$2:$J$2"], method="adam", lr=0.02, batch_size=64, iterations=1500, schedule="onecycle")
    final = list(prepare(wb, m, "linear").run())[-1]
    assert final.status == "iteration limit" and final.loss == pytest.approx(TITANIC_MSE, rel=1e-3)


def test_bounds_and_constraints_from_the_model():
    wb = one_cell("=(A1-3)^2+(A2+1)^2", 0)
    wb.set_value("S", 2, 1, 1)
    wb.set_value("S", 3, 3, 2)  # C3 holds the bound on A1
    wb.set_formula("S", 4, 1, "=A1+A2")
    base = SolverModel("B1", variables=["A1:A2"], constraints=[Constraint("A1", "<=", "C3")], nonnegative=True)
    final = list(prepare(wb, base, "S").run())[-1]
    assert final.values == pytest.approx((2.0, 0.0), abs=1e-7)
    s = prepare(wb, base, "S")
    assert s.problem.lower.tolist() == [0.0, 0.0] and s.problem.upper.tolist()[0] == 2.0
    assert not s.problem.constrained  # both became bounds
    general = SolverModel("B1", variables=["A1:A2"], constraints=[Constraint("A4", "=", "1")])
    final = list(prepare(wb, general, "S").run())[-1]  # min (x-3)^2+(y+1)^2 on x + y = 1: (2.5, -1.5)
    assert final.values == pytest.approx((2.5, -1.5), abs=1e-5) and final.violation < 1e-6


def test_max_and_value_of_through_the_workbook():
    wb = one_cell("=7-(A1-2)^2", 0)  # not -(A1-2)^2+7: Excel negates before it squares
    final = list(prepare(wb, SolverModel("B1", "max", variables=["A1"]), "S").run())[-1]
    assert final.values[0] == pytest.approx(2.0, abs=1e-5) and final.loss == pytest.approx(7.0)
    final = list(prepare(wb, SolverModel("B1", "value", 3.0, variables=["A1"]), "S").run())[-1]
    assert final.loss == pytest.approx(3.0, abs=1e-6)


def test_blocked_variables_are_named_in_the_outcome():
    wb = one_cell("=ROUND(A1,0)^2+A2^2", 0.3)
    wb.set_value("S", 2, 1, 1.0)
    s = prepare(wb, SolverModel("B1", variables=["A1:A2"]), "S")
    assert s.warnings and "ROUND" in " ".join(s.warnings)
    final = list(s.run())[-1]
    assert final.values[0] == 0.3 and "ROUND" in final.message


def test_model_problems_are_reported():
    wb = one_cell("=A1^2", 1)
    with pytest.raises(SolverModelError, match="neither a cell range nor a defined name"):
        prepare(wb, SolverModel("B1", variables=["nosuchname"]), "S")
    with pytest.raises(SolverModelError, match="no variable cells"):
        prepare(wb, SolverModel("B1"), "S")
    with pytest.raises(SolverModelError, match="lower above upper"):
        prepare(wb, SolverModel("B1", variables=["A1"], constraints=[Constraint("A1", ">=", "2"),
                                                                      Constraint("A1", "<=", "1")]), "S")
