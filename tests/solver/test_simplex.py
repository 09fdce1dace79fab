"""Simplex LP (solver_eng 2): linear and integer models stored as Excel stores them, each solved from the file to the
optimum scipy/HiGHS proves directly; infeasible and unbounded models; the linearity refusal; options' names."""
import json

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from gdsheet.errors import SolverModelError
from gdsheet.io import load_workbook, save_workbook
from gdsheet.solver.cli import main
from gdsheet.solver.model import read_model, write_model
from gdsheet.solver.run import prepare
from lp_books import assignment, infeasible, knapsack, product_mix, store_excel_model, transport, unbounded


def solve_file(tmp_path, wb, capsys, *args):
    """Save `wb` as .xlsx, run `gdsheet solve` on it with no flags but `args`, return (JSON, stderr)."""
    path = tmp_path / "model.xlsx"
    save_workbook(wb, path)
    assert main([str(path), *args]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out.strip().splitlines()[-1]), captured.err


def test_product_mix_with_integer_quantities_reaches_the_proven_optimum(tmp_path, capsys):
    wb, profit, use, cap = product_mix()
    proven = milp(-profit, constraints=LinearConstraint(use, -np.inf, cap), integrality=np.ones(3),
                  bounds=Bounds(0, np.inf))
    result, err = solve_file(tmp_path, wb, capsys)
    assert result["status"] == "optimal" and "Solver found a solution" in err
    assert result["objective"] == pytest.approx(-proven.fun, abs=1e-9)
    assert all(float(v).is_integer() for v in result["variables"].values())


def test_knapsack_with_binary_choices_reaches_the_proven_optimum(tmp_path, capsys):
    wb, value, weight, cap = knapsack()
    proven = milp(-value, constraints=LinearConstraint(weight.reshape(1, -1), -np.inf, cap),
                  integrality=np.ones(10), bounds=Bounds(0, 1))
    result, _ = solve_file(tmp_path, wb, capsys)
    assert result["status"] == "optimal" and result["objective"] == pytest.approx(-proven.fun)
    assert set(result["variables"].values()) <= {0.0, 1.0}


def test_transport_lp_reaches_the_proven_optimum(tmp_path, capsys):
    wb, cost, supply, demand = transport(6, 9, seed=3)
    m, n = cost.shape
    rows = np.kron(np.eye(m), np.ones(n))
    cols = np.kron(np.ones(m), np.eye(n))
    proven = linprog(cost.ravel(), A_ub=np.vstack([rows, -cols]), b_ub=np.r_[supply, -demand], bounds=(0, None))
    result, _ = solve_file(tmp_path, wb, capsys)
    assert result["status"] == "optimal" and result["objective"] == pytest.approx(proven.fun, rel=1e-9)


def test_alldifferent_takes_a_permutation_of_one_to_k():
    wb, weights = assignment()
    wb.recalculate()
    final = list(prepare(wb, read_model(wb, "Assign"), "Assign").run())[-1]
    assert final.status == "optimal" and sorted(final.values) == [1.0, 2.0, 3.0, 4.0]
    assert final.loss == pytest.approx(min(weights @ np.array(p, dtype=float) for p in _perms(4)))


def _perms(k):
    from itertools import permutations
    return permutations(range(1, k + 1))


def test_ignore_integer_constraints_solves_the_relaxation():
    wb, profit, use, cap = product_mix()
    wb.define_name("solver_rlx", "1", scope="Mix", hidden=True)
    wb.recalculate()
    model = read_model(wb, "Mix")
    assert model.options.ignore_integer
    final = list(prepare(wb, model, "Mix").run())[-1]
    relaxed = linprog(-profit, A_ub=use, b_ub=cap, bounds=(0, None))
    assert final.status == "optimal" and final.loss == pytest.approx(-relaxed.fun)


def test_infeasible_model_names_the_conflicting_constraints(tmp_path, capsys):
    result, err = solve_file(tmp_path, infeasible(), capsys)
    assert result["status"] == "infeasible"
    assert "Solver could not find a feasible solution" in err
    assert "Inf!A2 (Inf!$A$2 >= Inf!$A$3)" in err and "$A$1 <= 3" in err and "$B$1 <= 4" in err


def test_unbounded_model(tmp_path, capsys):
    result, err = solve_file(tmp_path, unbounded(), capsys)
    assert result["status"] == "unbounded" and "do not converge" in err


def test_a_nonlinear_model_is_refused_naming_the_cell(tmp_path, capsys):
    wb, *_ = product_mix()
    wb.set_formula("Mix", 6, 6, "=SUMPRODUCT(B6:D6,$B$2:$D$2)+B2*C2")
    path = tmp_path / "nl.xlsx"
    save_workbook(wb, path)
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert "The linearity conditions required by this LP Solver are not satisfied" in err and "Mix!F6" in err


def test_the_first_nonlinear_cell_is_named_not_its_dependents():
    wb, *_ = transport(3, 4)
    wb.set_formula("Transport", 8, 6, "=SUM(B8:E8)*B8")  # the first source's total, now quadratic
    wb.recalculate()
    with pytest.raises(SolverModelError, match="Transport!F8 is not a linear function"):
        prepare(wb, read_model(wb, "Transport"), "Transport")


def test_integer_options_read_and_written_under_excels_names():
    wb, *_ = product_mix()
    store_excel_model(wb, "Mix", "$F$3", "$B$2:$D$2", [("$F$5:$F$7", "<=", "$G$5:$G$7")], sense="max",
                      solver_tol="0.05", solver_nod="500", solver_mip="7", solver_rlx="1", solver_ssz="40",
                      solver_mrt="0.2", solver_rsd="11", solver_mni="12", solver_rbv="2")
    o = read_model(wb, "Mix").options
    assert (o.int_gap, o.max_subproblems, o.max_feasible, o.ignore_integer) == (0.05, 500, 7, True)
    assert (o.population, o.mutation, o.seed, o.patience, o.require_bounds) == (40, 0.2, 11, 12.0, False)
    write_model(wb, "Mix", read_model(wb, "Mix"))
    again = read_model(wb, "Mix").options
    assert again == o
    names = {k.lower(): dn.formula for (scope, k), dn in wb.names.items() if scope == "Mix"}
    assert names["solver_tol"] == "0.05" and names["solver_nod"] == "500" and names["solver_mip"] == "7"
    assert names["solver_rlx"] == "1" and names["solver_mrt"] == "0.2" and names["solver_rsd"] == "11"


def test_grg_with_integer_constraints_on_a_linear_model_is_solved_exactly():
    wb, profit, use, cap = knapsack()
    wb.define_name("solver_eng", "1", scope="Knap", hidden=True)
    wb.recalculate()
    final = list(prepare(wb, read_model(wb, "Knap"), "Knap").run())[-1]
    proven = milp(-profit, constraints=LinearConstraint(use.reshape(1, -1), -np.inf, cap),
                  integrality=np.ones(10), bounds=Bounds(0, 1))
    assert final.status == "optimal" and final.loss == pytest.approx(-proven.fun)


def test_reports_from_the_command_line(tmp_path, capsys):
    from gdsheet.io import load_workbook

    wb, *_ = transport(3, 4, seed=5)
    path, out = tmp_path / "t.xlsx", tmp_path / "out.xlsx"
    save_workbook(wb, path)
    assert main([str(path), "-o", str(out), "--reports", "answer,sensitivity,limits,feasibility"]) == 0
    solved = load_workbook(out)
    assert all(solved.has_sheet(f"{k} Report 1") for k in ("Answer", "Sensitivity", "Limits"))
    assert not solved.has_sheet("Feasibility Report 1")  # offered only for an infeasible model
    save_workbook(infeasible(), path)
    assert main([str(path), "-o", str(out), "--reports", "feasibility"]) == 0
    assert load_workbook(out).has_sheet("Feasibility Report 1")
    assert main([str(path), "--reports", "limits"]) == 2
    assert "needs -o" in capsys.readouterr().err


def test_engine_flag_overrides_the_stored_engine(tmp_path, capsys):
    wb, *_ = transport(3, 4, seed=5)
    wb.define_name("solver_eng", "1", scope="Transport", hidden=True)
    result, _ = solve_file(tmp_path, wb, capsys, "--engine", "simplex")
    assert result["status"] == "optimal"


def test_a_kink_the_random_checks_miss_is_caught_at_the_solution():
    # MAX(B1-0.999, 0) is 0 at almost every point the checks sample (B1 uniform in [0, 1]) but not at the LP's
    # solution, which takes item 1 (B1 = 1): the answer must not be the linear form's optimum
    wb, *_ = knapsack()
    wb.set_formula("Knap", 7, 2, "=SUMPRODUCT(B1:K1,B2:K2)-1000*MAX(B1-0.999,0)")
    wb.recalculate()
    final = list(prepare(wb, read_model(wb, "Knap"), "Knap").run())[-1]
    assert final.status == "not linear" and "linearity conditions" in final.message and "Knap!B7" in final.message
    assert final.values == tuple([0.0] * 10)  # the start, untouched


def test_the_deletion_filter_finds_the_same_conflict_as_highs():
    import scipy.sparse as sp

    from gdsheet.solver import highs

    # rows: x + y >= 10 (conflicts with the bounds x <= 3, y <= 4), x - y <= 100 (harmless), x <= 50 (harmless)
    lp = highs.LinearProgram(c=np.array([1.0, 1.0]), c0=0.0, A=sp.csr_matrix([[1.0, 1.0], [1.0, -1.0], [1.0, 0.0]]),
                             row_lo=np.array([10.0, -np.inf, -np.inf]), row_hi=np.array([np.inf, 100.0, 50.0]),
                             col_lo=np.zeros(2), col_hi=np.array([3.0, 4.0]), integer=np.zeros(2, dtype=bool))
    result = highs.solve(lp)
    assert result.status == "infeasible" and result.iis_method == "HiGHS"
    rows, cols = result.iis
    assert rows == (0,) and set(cols) == {(0, "upper"), (1, "upper")}
    assert highs._deletion_filter(lp)[0] == (0,)


def test_max_feasible_solutions_stops_the_branch_and_bound_early():
    import scipy.sparse as sp

    from gdsheet.solver import highs

    rng = np.random.default_rng(0)
    w = rng.integers(20, 60, 60).astype(float)
    lp = highs.LinearProgram(c=w + rng.integers(-5, 5, 60), c0=0.0,
                             A=sp.csr_matrix(np.vstack([w, rng.integers(1, 30, 60)])),
                             row_lo=np.full(2, -np.inf), row_hi=np.array([w.sum() / 2 + 0.5, 300.5]),
                             col_lo=np.zeros(60), col_hi=np.ones(60), integer=np.ones(60, dtype=bool), sense="max")
    full, first = highs.solve(lp), highs.solve(lp, max_solutions=1)
    assert full.status == "optimal" and first.status == "solution limit"
    assert first.objective <= full.objective and first.gap > 0
