"""Ranges that grow or shrink down a block (running totals): the block is split into cells, and each cell reads
the cells above or below it as computed, with values equal to the engine's and exact gradients."""
import pytest
import torch

from compile_books import VARIABLES, book, check, column, stacked

PER_ROW = "=A{r}*$H$1+B{r}*$I$1^2"
OBJECTIVES = {"N": "=M11", "O": "=AVERAGE(M4:M11)", "P": "=M4+M7*$J$1"}


@pytest.mark.parametrize("total", ["=SUM($L$4:L{r})", "=AVERAGE($L$4:L{r})", "=SUM(L{r}:$L$11)",
                                   "=SUM($L$4:L{r})*$J$1+L{r}"])
def test_a_range_that_grows_or_shrinks_down_the_block(total):
    wb = book({"L": PER_ROW, "M": total})
    for j, (col, text) in enumerate(OBJECTIVES.items()):
        wb.set_formula("S", 1, 14 + j, text)
    wb.recalculate()
    outputs = [("S", 1, 14 + j) for j in range(len(OBJECTIVES))] + column("M")
    prog = check(wb, outputs)
    x = prog.x0.clone().requires_grad_()
    assert torch.autograd.gradcheck(stacked(prog), (x,))


def test_a_running_total_of_itself():
    wb = book({"L": PER_ROW})
    wb.set_formula("S", 4, 13, "=L4")
    for r in range(5, 12):
        wb.set_formula("S", r, 13, f"=M{r - 1}+L{r}")
    wb.set_formula("S", 1, 14, "=AVERAGE(M4:M11)")
    wb.recalculate()
    prog = check(wb, [("S", 1, 14)] + column("M"))
    x = prog.x0.clone().requires_grad_()
    assert torch.autograd.gradcheck(stacked(prog), (x,))
