"""Each example workbook in resources/examples opened and solved with the Solver model stored in it."""
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from gdsheet.io import load_workbook
from gdsheet.solver.model import read_model
from gdsheet.solver.run import apply, prepare

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
TITANIC_MSE = 0.1442271493
EXCEL_NNET_MSE = 0.1431521  # the local minimum Excel's GRG Solver stops at on the two-ReLU net


def solved(wb, sheet, **options):
    model = read_model(wb, sheet)
    if options:
        model = dataclasses.replace(model, options=dataclasses.replace(model.options, **options))
    solve = prepare(wb, model, sheet)
    return solve, list(solve.run())


def book(name: str):
    wb = load_workbook(EXAMPLES / f"{name}.xlsx")
    wb.recalculate()  # the compiler folds the formulas that do not depend on variables from their values
    return wb


def test_parabola():
    wb = book("parabola")
    sheet = wb.sheets[0].name
    solve = prepare(wb, read_model(wb, sheet), sheet)
    records = [solve.step() for _ in range(10)]
    assert [r.values[0] for r in records] == pytest.approx([-3 * 0.52**k for k in range(1, 11)])


def test_too_large_lr():
    wb = book("too_large_lr")
    _, records = solved(wb, wb.sheets[0].name)
    assert records[-1].status == "diverged" and records[-1].iteration <= 3
    assert "is too large" in records[-1].message and records[-1].values == (2.0,)


def test_oscillation():
    wb = book("oscillation")
    _, records = solved(wb, wb.sheets[0].name, iterations=500)
    assert [round(r.values[0], 2) for r in records[1:7]] == [1.32, 1.70, 2.12, 2.50, 2.78, 2.92]
    assert records[-1].values[0] == pytest.approx(3.0, abs=1e-6)


def test_curve_fit_reaches_the_least_squares_optimum():
    wb = book("curve_fit")
    sheet = wb.sheets[0].name
    rows = [r for r in range(1, 200) if isinstance(wb.get(sheet, r, 1), float) and wb.formula(sheet, r, 3)]
    t = np.array([wb.get(sheet, r, 1) for r in rows])
    speed = np.array([wb.get(sheet, r, 2) for r in rows])
    optimum = float(np.mean((np.polyval(np.polyfit(t, speed, 2), t) - speed) ** 2))
    solve, records = solved(wb, sheet)
    assert records[-1].loss == pytest.approx(optimum, rel=1e-6)
    apply(wb, solve.variables, records[-1].values)
    assert wb.get(*solve.objective) == pytest.approx(optimum, rel=1e-6)


@pytest.fixture(scope="module")
def titanic():
    return book("titanic")


@pytest.mark.slow
def test_titanic_linear(titanic):
    _, records = solved(titanic, "linear")
    assert records[-1].status == "converged" and records[-1].loss == pytest.approx(TITANIC_MSE, rel=1e-6)
    assert records[-1].elapsed < 1.0


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_titanic_nnet_multistart_beats_excels_local_minimum(titanic, seed):
    solve, records = solved(titanic, "nnet", method="lbfgs", multistart=8, seed=seed)
    assert records[-1].loss < EXCEL_NNET_MSE
    minima = solve.minima()  # the starts explore: several basins, each named in the message
    assert len(minima) >= 3 and minima[0] == pytest.approx(records[-1].loss)
    assert f"{len(minima)} distinct local minima found: {minima[0]:.7g}" in records[-1].message
