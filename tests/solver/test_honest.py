"""Answers that never overclaim: convergence only at a small projected gradient, a failure status when the objective
does not depend on the variables, infeasible never 'converged', grouped warnings, a short JSON line; the Lagrange
multipliers of the GRG Sensitivity report; the Evolutionary engine."""
import json

import pytest

from gdsheet.io import save_workbook
from gdsheet.solver.cli import main
from gdsheet.solver.model import Constraint, SolverModel, SolverOptions, write_model
from gdsheet.solver.run import prepare
from lp_books import transport
from solver_books import one_cell


def final(wb, model, sheet="S"):
    wb.recalculate()
    return list(prepare(wb, model, sheet).run())[-1]


def test_a_stop_on_a_slope_is_not_convergence():
    # LN(A1) from 1: the line search fails at once (the step leaves LN's domain) with the slope still 1
    out = final(one_cell("=LN(A1)", 1.0), SolverModel("B1", variables=["A1"]))
    assert out.status == "stalled" and "slope is still 1" in out.message


def test_convergence_is_claimed_at_a_minimum_with_its_gradient():
    out = final(one_cell("=(A1-2)^2+1", 0.0), SolverModel("B1", variables=["A1"]))
    assert out.status == "converged" and "projected gradient" in out.message
    assert out.values[0] == pytest.approx(2.0, abs=1e-6)


def test_an_objective_that_does_not_depend_on_the_variables_fails_with_the_reason():
    wb = one_cell("=5", 1.0)
    out = final(wb, SolverModel("B1", variables=["A1"]))
    assert out.status == "independent" and "does not depend on the variable cells" in out.message


def test_infeasible_equalities_are_never_converged_in_the_json(tmp_path, capsys):
    wb = one_cell("=A1^2", 3.0)
    wb.set_formula("S", 1, 3, "=A1")
    write_model(wb, "S", SolverModel("B1", variables=["A1"], constraints=[Constraint("C1", "=", "1"),
                                                                          Constraint("C1", "=", "2")]))
    path = tmp_path / "inf.xlsx"
    save_workbook(wb, path)
    assert main([str(path)]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out.strip().splitlines()[-1])["status"] == "infeasible"
    assert "could not find a feasible solution" in out.err


def test_warnings_are_one_line_per_cause_and_the_json_line_stays_short(tmp_path, capsys):
    wb, *_ = transport(5, 6)
    wb.define_name("solver_eng", "1", scope="Transport", hidden=True)
    for c in range(2, 8):  # the objective reads only the first two rows of shipments
        wb.set_value("Transport", 9, c, 0.0)
    wb.set_formula("Transport", 1, 2, "=SUMPRODUCT(B2:G3,B9:G10)")
    path = tmp_path / "t.xlsx"
    save_workbook(wb, path)
    assert main([str(path), "--iterations", "3"]) == 0
    out = capsys.readouterr()
    warnings = [line for line in out.err.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "18 variable cells" in warnings[0] and "do not affect" in warnings[0]
    line = out.out.strip().splitlines()[-1]
    assert json.loads(line)["variable_count"] == 30 and len(line) < 200
    assert main([str(path), "--iterations", "3", "--json-variables"]) == 0
    assert len(json.loads(capsys.readouterr().out.strip().splitlines()[-1])["variables"]) == 30


def test_lagrange_multipliers_are_d_objective_d_rhs():
    # min A1^2 + B1^2 subject to A1 + B1 >= 2: the optimum is rhs^2 / 2, so d objective / d rhs = rhs = 2
    wb = one_cell("=A1^2+C1^2", 3.0)
    wb.set_value("S", 1, 3, 0.5)
    wb.set_formula("S", 2, 1, "=A1+C1")
    model = SolverModel("B1", variables=["A1", "C1"], constraints=[Constraint("A2", ">=", "2")])
    wb.recalculate()
    solve = prepare(wb, model, "S")
    out = list(solve.run())[-1]
    assert out.values == pytest.approx((1.0, 1.0), abs=1e-5)
    (cell, text, lam), = solve.multipliers(out.values)
    assert cell == ("S", 2, 1) and lam == pytest.approx(2.0, abs=1e-4)
    assert solve.reduced_gradient(out.values) == pytest.approx((0.0, 0.0), abs=1e-4)


def test_evolutionary_solves_a_model_with_if_and_round_within_bounds():
    wb = one_cell("=ABS(ROUND(A1,0)-3)+IF(C1>1,(C1-1.5)^2,5)", 8.0)
    wb.set_value("S", 1, 3, -4.0)
    model = SolverModel("B1", variables=["A1", "C1"], engine=3,
                        constraints=[Constraint("A1", "<=", "10"), Constraint("A1", ">=", "-10"),
                                     Constraint("C1", "<=", "10"), Constraint("C1", ">=", "-10")],
                        options=SolverOptions(population=30, seed=3))
    wb.recalculate()
    records = list(prepare(wb, model, "S").run())
    assert records[-1].loss == pytest.approx(0.0, abs=1e-6) and round(records[-1].values[0]) == 3
    bands = [r.spread for r in records if r.spread is not None]
    assert len(bands) > 3 and all(lo <= hi for lo, hi in bands)


def test_evolutionary_requires_bounds_as_excel_does():
    from gdsheet.errors import SolverModelError

    wb = one_cell("=ABS(A1-3)", 0.0)
    wb.recalculate()
    with pytest.raises(SolverModelError, match="must have both upper and lower bounds"):
        prepare(wb, SolverModel("B1", variables=["A1"], engine=3), "S")
