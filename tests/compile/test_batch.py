"""Mini-batches computed at the sampled rows only agree with the full pass reduced over the same rows."""
import pytest
import torch

from compile_books import VARIABLES, book
from gdsheet.compile import compile_program
from test_compile_examples import recalculated, stored_model


def full_then_reduced(prog, x, rows, monkeypatch):
    """The estimate as computed before row-wise batches: every row, then the sampled ones reduced."""
    with monkeypatch.context() as m:
        m.setattr(prog, "_row_batch", None)
        return prog.forward(x, rows)[0]


def agree(prog, rows, monkeypatch, x=None):
    """forward(x, rows) and its gradient equal the full pass's, to 1e-12."""
    x = (prog.x0 if x is None else x).detach()
    xa, xb = x.clone().requires_grad_(), x.clone().requires_grad_()
    a, b = prog.forward(xa, rows)[0], full_then_reduced(prog, xb, rows, monkeypatch)
    a.backward()
    b.backward()
    assert torch.allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True), (float(a), float(b))
    assert torch.allclose(xa.grad, xb.grad, rtol=1e-12, atol=1e-12, equal_nan=True)


@pytest.fixture(scope="module")
def titanic():
    return recalculated("titanic.xlsx")


def row_sets(n: int):
    g = torch.Generator().manual_seed(0)
    return [torch.randperm(n, generator=g)[:256], torch.randint(n, (300,), generator=g),  # with duplicates
            torch.tensor([5]), torch.tensor([n - 1, 0]), torch.arange(n)]


@pytest.mark.parametrize("sheet", ["linear", "nnet", "mmult"])
def test_titanic_batches_agree_with_the_full_pass(titanic, sheet, monkeypatch):
    objective, variables = stored_model(titanic, sheet)
    prog = compile_program(titanic, [objective], variables)
    assert prog.row_wise  # mmult too: its MMULT spill over the passengers' rows is computed at the sampled rows
    x = prog.x0 + 0.1 * torch.randn(prog.x0.shape, generator=torch.Generator().manual_seed(1), dtype=prog.dtype)
    for rows in row_sets(prog.batch_rows):
        agree(prog, rows, monkeypatch, x)


def small(objective: str, **formulas):
    wb = book({"L": "=SUMPRODUCT(A{r}:C{r},$H$1:$J$1)", **formulas})
    wb.set_formula("S", 1, 1, objective)
    return compile_program(wb, [("S", 1, 1)], VARIABLES)


@pytest.mark.parametrize("objective", ["=AVERAGE(M4:M11)", "=SUM(M4:M11)", "=SUMSQ(M4:M11)"])
def test_row_wise_blocks_with_lets_ifs_and_absolute_cells(objective, monkeypatch):
    prog = small(objective, M="=LET(d,L{r}-B{r}+$H$2*$J$1,IF(d>0,3*d,d*d))+Other!A{r}")
    assert prog.row_wise
    for rows in row_sets(8):
        agree(prog, rows, monkeypatch)


@pytest.mark.parametrize("formula", [
    "=(L{r}-L{n})^2",  # another row of a row block
    "=(L{r}-$L$4)^2",  # one cell of a row block, read by every row
    "=SUM(L{r}:L{n})",  # a window of two rows
    "=SUMPRODUCT(A{r}:E{r},$H$1:$L$1)",  # a per-row mask (text and blanks in E)
])
def test_structures_that_are_not_row_wise_fall_back(formula, monkeypatch):
    prog = small("=AVERAGE(M4:M11)", M=formula)
    assert not prog.row_wise
    for rows in row_sets(8):
        agree(prog, rows, monkeypatch)


def test_other_outputs_are_computed_in_full(monkeypatch):
    wb = book({"L": "=SUMPRODUCT(A{r}:C{r},$H$1:$J$1)", "M": "=L{r}^2"})
    wb.set_formula("S", 1, 1, "=AVERAGE(M4:M11)")
    wb.set_formula("S", 2, 1, "=H1*J1")
    prog = compile_program(wb, [("S", 1, 1), ("S", 2, 1)], VARIABLES)
    assert prog.row_wise
    rows = torch.tensor([1, 3])
    got = prog.forward(prog.x0, rows)
    assert float(got[1]) == pytest.approx(0.7 * 1.3)
    assert float(got[0]) == pytest.approx((wb.get("S", 5, 13) + wb.get("S", 7, 13)) / 2)
    agree(prog, rows, monkeypatch)
