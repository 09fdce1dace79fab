"""Blocks of formulas reading a spilled array: each reads the spill's columns as whole tensors (compile/lval.Spill),
so the MMULT form of a model does the tensor work of its SUMPRODUCT form, and every way of reading a spill still
gives the engine's values and exact gradients."""
import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

from compile_books import ROWS, VARIABLES, book, check, column, stacked
from gdsheet.compile import compile_program, tensor_functions
from gdsheet.compile.lval import Spill
from gdsheet.refs import Area
from test_compile_examples import recalculated, stored_model

WEIGHTS = VARIABLES + [("S", 2, 8), ("S", 2, 9), ("S", 2, 10)]  # H1:J2, read as MMULT's 3 x 2 right factor


class Ops(TorchDispatchMode):
    """The aten ops run inside it, by name."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.names.append(func.overloadpacket.__name__)
        return func(*args, **(kwargs or {}))


def ops_of_a_step(prog, rows=None) -> tuple[list[str], list[str]]:
    """The ops of one forward pass of the first output and of its backward pass."""
    x = prog.x0.clone().requires_grad_()
    prog.forward(x, rows)  # a first pass builds what later passes reuse (a row batch's plan)
    with Ops() as fwd:
        y = prog.forward(x, rows)[0]
    with Ops() as bwd:
        y.backward()
    return fwd.names, bwd.names


PER_READ = {"select", "select_backward", "index", "index_select", "stack", "permute"}


COLUMN_WEIGHTS = [("S", r, c) for r in (4, 5, 6) for c in (8, 9)]  # H4:I6: H1:J2 transposed, for MMULT


def mmult_net(wb) -> list:
    """Two units: =MMULT(A4:C11,H4:I6) spilled into L4:M11, ReLUs added up in N, a squared loss in O."""
    wb.set_values([(s, r, c, wb.get(s, c - 7, r + 4)) for s, r, c in COLUMN_WEIGHTS])
    wb.set_formula("S", 4, 12, "=MMULT(A4:C11,H4:I6)", dynamic=True)
    for r in ROWS:
        wb.set_formula("S", r, 14, f"=IF(L{r}<0,0,L{r})+IF(M{r}<0,0,M{r})")
        wb.set_formula("S", r, 15, f"=(N{r}-B{r})^2")
    wb.set_formula("S", 1, 1, "=AVERAGE(O4:O11)")
    return COLUMN_WEIGHTS


def sumproduct_net(wb) -> list:
    """The same net with one SUMPRODUCT per unit, its weights in the rows H1:J2."""
    for r in ROWS:
        wb.set_formula("S", r, 12, f"=SUMPRODUCT(A{r}:C{r},$H$1:$J$1)")
        wb.set_formula("S", r, 13, f"=SUMPRODUCT(A{r}:C{r},$H$2:$J$2)")
        wb.set_formula("S", r, 14, f"=IF(L{r}<0,0,L{r})+IF(M{r}<0,0,M{r})")
        wb.set_formula("S", r, 15, f"=(N{r}-B{r})^2")
    wb.set_formula("S", 1, 1, "=AVERAGE(O4:O11)")
    return WEIGHTS


def compiled(build) -> object:
    wb = book()
    variables = build(wb)
    wb.recalculate()
    return check(wb, [("S", 1, 1)], variables)


def test_columns_of_a_spilled_mmult_are_read_with_no_op_per_reference():
    fwd, bwd = ops_of_a_step(compiled(mmult_net))
    # one matrix-vector product per column, read as they are by the four references of column N
    assert fwd.count("mv") == 2 and bwd.count("mv") == 2
    assert not PER_READ & set(fwd), fwd
    assert "select_backward" not in bwd, bwd


def test_the_mmult_net_does_the_tensor_work_of_the_sumproduct_net():
    mm, sp = compiled(mmult_net), compiled(sumproduct_net)
    (mf, mb), (sf, sb) = ops_of_a_step(mm), ops_of_a_step(sp)
    assert len(mf) <= len(sf) and len(mb) <= len(sb), (mf, sf, mb, sb)
    x = torch.linspace(-0.5, 0.5, 6, dtype=torch.float64)  # H1:J2 row by row; H4:I6 row by row is its transpose
    assert float(mm.forward(x.view(2, 3).T.reshape(-1))[0]) == pytest.approx(float(sp.forward(x)[0]), rel=1e-15)


@pytest.fixture(scope="module")
def titanic():
    return recalculated("titanic.xlsx")


def test_the_titanic_mmult_sheet_steps_like_its_sumproduct_sheet(titanic):
    """The course's net over 712 rows: `mmult` (one spilled MMULT) against `nnet` (SUMPRODUCTs), op for op."""
    progs = {s: compile_program(titanic, [stored_model(titanic, s)[0]], stored_model(titanic, s)[1])
             for s in ("nnet", "mmult")}
    (mf, mb), (nf, nb) = ops_of_a_step(progs["mmult"]), ops_of_a_step(progs["nnet"])
    assert mf.count("mv") == nf.count("mv") == 2
    assert not PER_READ & set(mf), mf
    assert len(mf) <= len(nf) and len(mb) <= len(nb), (mf, nf, mb, nb)
    rows = torch.arange(0, 712, 5)  # a mini-batch: the spill at the sampled rows is read as columns too
    (mf, mb), (nf, nb) = ops_of_a_step(progs["mmult"], rows), ops_of_a_step(progs["nnet"], rows)
    assert not (PER_READ - {"index_select"}) & set(mf), mf
    assert len(mf) <= len(nf) and len(mb) <= len(nb), (mf, nf, mb, nb)


READERS = {  # column N over rows 4..11, reading the spill in L4:M11
    "a column each": "=IF(L{r}<0,0,L{r})+M{r}*2",
    "both columns of the row": "=SUM(L{r}:M{r})+SUMPRODUCT(L{r}:M{r},$H$1:$I$1)",
    "the whole array": "=SUM(L4#)*$J$1+L{r}",
    "a column whole": "=SUMSQ($M$4:$M$11)+L{r}",
    "a spill reference per row": "=INDEX(L4#,ROW()-3,2)-L{r}",
}
SPILLS = {  # the formula, and SMALL_PRODUCT (0: MMULT by torch.matmul, one tensor, not columns)
    "a MMULT by columns": ("=MMULT(A4:C11,TRANSPOSE(H1:J2))", tensor_functions.SMALL_PRODUCT),
    "a MMULT by matmul": ("=MMULT(A4:C11,TRANSPOSE(H1:J2))", 0),
    "a MMULT by a constant": ("=MMULT(A4:C11*$H$1+$I$2,B4:C6)", tensor_functions.SMALL_PRODUCT),
    "an elementwise array": ("=A4:B11*$H$1:$I$1+C4:C11", tensor_functions.SMALL_PRODUCT),
}


@pytest.mark.parametrize("unbind_max", [16, 0])  # 0: columns read as selects of the whole array
@pytest.mark.parametrize("spill", list(SPILLS), ids=list(SPILLS))
@pytest.mark.parametrize("reader", list(READERS), ids=list(READERS))
def test_every_read_of_a_spill_equals_the_engine_with_exact_gradients(spill, reader, unbind_max, monkeypatch):
    formula, small_product = SPILLS[spill]
    monkeypatch.setattr(Spill, "UNBIND_MAX", unbind_max)
    monkeypatch.setattr(tensor_functions, "SMALL_PRODUCT", small_product)
    wb = book()
    wb.set_formula("S", 4, 12, formula, dynamic=True)
    for r in ROWS:
        wb.set_formula("S", r, 14, READERS[reader].format(r=r))
    wb.set_formula("S", 1, 1, "=AVERAGE(N4:N11)")
    wb.set_formula("S", 1, 2, "=N5*M6")
    wb.recalculate()
    assert wb.sheet("S").spills
    outputs = [("S", 1, 1), ("S", 1, 2), ("S", 5, 13), ("S", 11, 12)] + column("N")
    prog = check(wb, outputs, WEIGHTS)
    x = prog.x0.clone().requires_grad_()
    assert torch.autograd.gradcheck(stacked(prog), (x,))


def test_rows_below_the_top_of_a_spill_are_read_as_a_slice_of_its_column():
    wb = book()
    wb.set_formula("S", 4, 12, "=MMULT(A4:C11,TRANSPOSE(H1:J2))", dynamic=True)
    for r in ROWS[1:]:
        wb.set_formula("S", r, 14, f"=L{r}*M{r - 1}")
    wb.set_formula("S", 1, 1, "=SUM(N5:N11)")
    wb.recalculate()
    prog = check(wb, [("S", 1, 1)] + column("N")[1:], WEIGHTS)
    x = prog.x0.clone().requires_grad_()
    assert torch.autograd.gradcheck(stacked(prog), (x,))


def test_a_legacy_array_formula_read_by_column():
    wb = book()
    wb.set_formula("S", 4, 12, "=A4:B11*$H$1+C4:C11", array=Area("S", 4, 12, 11, 13))
    for r in ROWS:
        wb.set_formula("S", r, 14, f"=L{r}-M{r}*$I$1")
    wb.set_formula("S", 1, 1, "=SUMSQ(N4:N11)")
    wb.recalculate()
    prog = check(wb, [("S", 1, 1), ("S", 7, 13)] + column("N"))
    x = prog.x0.clone().requires_grad_()
    assert torch.autograd.gradcheck(stacked(prog), (x,))


def test_a_one_column_mmult_of_a_column_of_variables():
    wb = book()
    variables = [("S", r, 8) for r in (4, 5, 6)]
    wb.set_values([(s, r, c, v) for (s, r, c), v in zip(variables, (0.3, -0.8, 1.1))])
    wb.set_formula("S", 4, 12, "=MMULT(A4:C11,H4:H6)", dynamic=True)
    for r in ROWS:
        wb.set_formula("S", r, 14, f"=IF(L{r}<0,0,L{r})")
    wb.set_formula("S", 1, 1, "=SUMSQ(N4:N11)")
    wb.recalculate()
    prog = check(wb, [("S", 1, 1)] + column("N"), variables)
    fwd, _ = ops_of_a_step(compile_program(wb, [("S", 1, 1)], variables))
    assert fwd.count("mv") == 1 and not PER_READ & set(fwd) and "unbind" not in fwd, fwd
    x = prog.x0.clone().requires_grad_()
    assert torch.autograd.gradcheck(stacked(prog), (x,))
