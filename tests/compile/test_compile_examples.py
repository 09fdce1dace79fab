"""The example workbooks compile, and the compiled objective, cells and gradients agree with the engine."""
from pathlib import Path

import pytest
import torch

from compile_books import same
from gdsheet.compile import compile_program
from gdsheet.io import load_workbook
from gdsheet.refs import parse_area

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def stored_model(wb, sheet: str):
    """Objective and variable cells of the Solver model stored in a sheet's hidden names."""
    opt = parse_area(wb.get_name("solver_opt", sheet).formula, sheet)
    variables = []
    for part in wb.get_name("solver_adj", sheet).formula.split(","):
        a = parse_area(part, sheet)
        variables += [(a.sheet, r, c) for r, c in a.cells()]
    return (opt.sheet, opt.r1, opt.c1), variables


def recalculated(name: str):
    wb = load_workbook(EXAMPLES / name)
    wb.recalculate()
    return wb


def check_sheet(wb, sheet: str):
    objective, variables = stored_model(wb, sheet)
    prog = compile_program(wb, [objective], variables)
    assert same(float(prog.forward(prog.x0)[0]), wb.get(*objective))
    wrong = [(cid, v, wb.get(*cid)) for cid, v in prog.cells(prog.x0).items() if not same(v, wb.get(*cid))]
    assert not wrong, wrong[:5]
    x = prog.x0.clone().requires_grad_()
    prog.forward(x)[0].backward()
    assert torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0
    assert prog.blockers() == []
    return prog


@pytest.mark.parametrize("name", ["parabola.xlsx", "too_large_lr.xlsx", "oscillation.xlsx", "curve_fit.xlsx"])
def test_small_examples(name):
    check_sheet(recalculated(name), "Sheet1")


def test_parabola_gradient_is_the_derivative():
    wb = recalculated("parabola.xlsx")
    objective, variables = stored_model(wb, "Sheet1")
    prog = compile_program(wb, [objective], variables)
    x = torch.tensor([-3.0], dtype=torch.float64, requires_grad=True)
    (loss,) = prog.forward(x)
    loss.backward()
    assert float(loss.detach()) == pytest.approx(1.2 * 9 + 4) and float(x.grad[0]) == pytest.approx(2.4 * -3)


@pytest.fixture(scope="module")
def titanic():
    return recalculated("titanic.xlsx")


@pytest.mark.parametrize("sheet", ["linear", "nnet", "mmult"])
def test_titanic_sheets(titanic, sheet):
    prog = check_sheet(titanic, sheet)
    assert prog.batch_rows == 712
    rows = torch.arange(712)
    assert float(prog.forward(prog.x0, rows)[0]) == pytest.approx(float(prog.forward(prog.x0)[0]), rel=1e-12)


def test_titanic_nnet_and_mmult_are_the_same_model(titanic):
    nnet = compile_program(titanic, *_swap(stored_model(titanic, "nnet")))
    mmult = compile_program(titanic, *_swap(stored_model(titanic, "mmult")))
    x = torch.linspace(-0.5, 0.5, 20, dtype=torch.float64)
    # nnet's parameters are two rows B1:K2, mmult's two columns M4:N13: the same weights, transposed
    assert float(nnet.forward(x)[0]) == pytest.approx(float(mmult.forward(x.view(2, 10).T.reshape(-1))[0]))


def _swap(model):
    objective, variables = model
    return [objective], variables
