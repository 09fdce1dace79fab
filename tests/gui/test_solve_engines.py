"""The Simplex LP and Evolutionary engines from the window: the dialog's engine, Solve, and the LP reports."""
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linprog

from gdsheet.gui.results_dialog import ResultsDialog
from gdsheet.io import save_workbook
from gdsheet.solver.model import read_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "solver"))
from lp_books import infeasible, transport  # noqa: E402


def open_book(win, path, objective):
    assert win.load(str(path))
    win.view.go_to(*objective)
    return win.solver.open_dialog(win.current_id())


def test_simplex_lp_from_the_dialog_with_sensitivity_and_limits_reports(qtbot, window, tmp_path):
    wb, cost, supply, demand = transport(3, 4, seed=2)
    wb.define_name("solver_eng", "1", scope="Transport", hidden=True)  # stored as GRG: the dialog picks Simplex
    path = tmp_path / "transport.xlsx"
    save_workbook(wb, path)
    dialog = open_book(window, path, (1, 2))
    assert dialog.engine.currentData() == 1
    dialog.engine.setCurrentIndex(dialog.engine.findData(2))
    with qtbot.waitSignal(window.solver.run_finished, timeout=30_000) as finished:
        dialog.solve_button.click()
    final = finished.args[0]
    m, n = cost.shape
    proven = linprog(cost.ravel(), A_ub=np.vstack([np.kron(np.eye(m), np.ones(n)), -np.kron(np.ones(m), np.eye(n))]),
                     b_ub=np.r_[supply, -demand], bounds=(0, None))
    assert final.status == "optimal" and final.loss == pytest.approx(proven.fun)
    stored = read_model(window.doc.wb, "Transport")
    assert stored.engine == 2  # the run stored the engine it used
    # ask for the reports, as the results dialog would
    window.doc.undo.undo()
    run = window.solver.run = window.solver._prepare(stored)
    records = list(run.solve.run())
    window.solver.finish(records[-1], keep=True, answer=True, sensitivity=True, limits=True)
    wb = window.doc.wb
    sens = wb.sheet("Sensitivity Report 1").cells
    header = [sens.get((5, c)) for c in range(2, 9)]
    assert header == ["Cell", "Name", "Final Value", "Reduced Cost", "Objective Coefficient", "Allowable Increase",
                      "Allowable Decrease"]
    # the supply rows' shadow prices are HiGHS's duals of those rows (d cost / d supply)
    res = linprog(cost.ravel(), A_ub=np.vstack([np.kron(np.eye(m), np.ones(n)), -np.kron(np.ones(m), np.eye(n))]),
                  b_ub=np.r_[supply, -demand], bounds=(0, None), method="highs")
    first = next(r for r in range(6, 40) if sens.get((r, 2)) == "Constraints") + 2
    shadow = [sens[(first + i, 5)] for i in range(m)]
    assert shadow == pytest.approx(res.ineqlin.marginals[:m], abs=1e-9)
    limits = wb.sheet("Limits Report 1").cells
    assert limits[(8, 5)] == "Lower Limit" and limits[(5, 4)] == pytest.approx(proven.fun)


def test_results_dialog_offers_limits_and_feasibility_only_when_they_apply(qtbot):
    plain = ResultsDialog("Solver converged.", "", None)
    lp = ResultsDialog("Solver found a solution.", "", None, limits=True)
    qtbot.addWidget(plain), qtbot.addWidget(lp)
    assert plain.limits.isHidden() and not lp.limits.isHidden() and lp.feasibility.isHidden()


def test_infeasible_lp_feasibility_report(qtbot, window, tmp_path):
    path = tmp_path / "inf.xlsx"
    save_workbook(infeasible(), path)
    dialog = open_book(window, path, (4, 1))
    assert dialog.engine.currentData() == 2
    with qtbot.waitSignal(window.solver.run_finished, timeout=30_000) as finished:
        dialog.solve_button.click()
    assert finished.args[0].status == "infeasible"
    run = window.solver.run = window.solver._prepare(read_model(window.doc.wb, "Inf"))
    records = list(run.solve.run())
    window.solver.finish(records[-1], keep=False, feasibility=True)
    cells = window.doc.wb.sheet("Feasibility Report 1").cells
    listed = [v for (r, c), v in cells.items() if c == 2 and r > 6]
    assert any("Inf!$A$2 >= Inf!$A$3" in v for v in listed) and len(listed) == 3


def test_the_dialog_reads_and_writes_each_engines_options(qtbot):
    from dataclasses import replace

    from gdsheet.gui.solver_dialog import SolverDialog
    from gdsheet.solver.model import SolverModel, SolverOptions

    model = SolverModel("A1", variables=["B1"], engine=3,
                        options=SolverOptions(int_gap=0.05, ignore_integer=True, population=40, mutation=0.2))
    dialog = SolverDialog(model, ["cpu"])
    qtbot.addWidget(dialog)
    assert dialog.model() == model  # nothing changed: the same model, so nothing to store
    assert dialog.population.isEnabled() and not dialog.method.isEnabled()
    dialog.engine.setCurrentIndex(dialog.engine.findData(2))
    assert not dialog.population.isEnabled() and dialog.int_gap.isEnabled()
    dialog.int_gap.setValue(0.5)
    assert dialog.model() == replace(model, engine=2, options=replace(model.options, int_gap=0.005))
