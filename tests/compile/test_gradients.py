"""Exact gradients: gradcheck for every differentiable construct and every kernel function; kinks; blockers."""
import math

import pytest
import torch

from compile_books import VARIABLES, book, column, stacked
from gdsheet.compile import compile_program
from gdsheet.functions import FUNCTIONS
from gdsheet.sheet.workbook import Workbook

SMOOTH = [
    "=A{r}*$H$1+B{r}/($I$1+3)-$J$1^3+$H$1%",
    "=SUMPRODUCT(A{r}:C{r},$H$1:$J$1)^2",
    "=SUMPRODUCT(A{r}:C{r},$H$1:$J$1,$H$2:$J$2)",
    "=SUM($H$1:$J$1,A{r})*AVERAGE($H$1,$I$1)+SUMSQ($H$1:$J$1)+PRODUCT($H$1:$J$1,C{r})",
    "=SUMXMY2(A{r}:C{r},$H$1:$J$1)+SUMX2MY2(A{r}:B{r},$H$1:$I$1)",
    "=IF(A{r}*$H$1+$I$1<0,0,A{r}*$H$1+$I$1)",
    "=MAX(0,A{r}*$H$1+$I$1)+MIN(B{r}*$J$1,$H$1)+MAX(A{r}:C{r},$J$1)",
    "=IF($H$1>0,SQRT($H$1*C{r}),-$I$1)",
    "=IFERROR(LN(A{r}*$H$1),$J$1^2)",
    "=CHOOSE(D{r},$H$1,$I$1^2,EXP($J$1))",
    "=LET(z,A{r}*$H$1+$I$1,z*z+z*$J$1)",
    "=EXP(-(A{r}*$H$1)^2)+ABS(B{r}-$I$1)+TANH($J$1)",
]


@pytest.mark.parametrize("text", SMOOTH)
def test_gradcheck_of_compiled_formulas(text):
    prog = compile_program(book({"L": text}), column("L"), VARIABLES)
    x = prog.x0.clone().requires_grad_()
    assert torch.autograd.gradcheck(stacked(prog), (x,))


def test_gradcheck_through_a_spilled_mmult():
    wb = book()
    wb.set_formula("S", 4, 12, "=MMULT(A4:C11,TRANSPOSE(H1:J2))", dynamic=True)
    for r in range(4, 12):
        wb.set_formula("S", r, 14, f"=IF(L{r}<0,0,L{r})+MAX(M{r},0)-B{r}")
    wb.set_formula("S", 1, 1, "=AVERAGE(N4:N11)+SUMSQ(L4:M11)")
    prog = compile_program(wb, [("S", 1, 1)], VARIABLES + [("S", 2, 8), ("S", 2, 9), ("S", 2, 10)])
    x = prog.x0.clone().requires_grad_()
    assert torch.autograd.gradcheck(stacked(prog), (x,))


def _kernel_cases():
    points = (0.35, 0.6, 1.7, 2.5, -0.4, 3.0)
    for name, spec in sorted(FUNCTIONS.items()):
        if spec.kernel is None or spec.name != name or name == "SIGN":
            continue
        n = spec.min_args
        yield pytest.param(name, n, points, id=name)


@pytest.mark.parametrize(("name", "nargs", "points"), list(_kernel_cases()))
def test_gradcheck_of_every_kernel_function(name, nargs, points):
    """Each smooth function of the table, its numeric arguments as variable cells, at a point of its domain."""
    spec = FUNCTIONS[name]
    wb = Workbook()
    wb.add_sheet("S")
    args, variables = [], []
    for i in range(nargs):
        if spec.kind_of(i) == "bool":
            args.append("TRUE")
            continue
        wb.set_value("S", 1, 1 + i, points[0])
        args.append(f"$%s$1" % chr(65 + i))
        variables.append(("S", 1, 1 + i))
    wb.set_formula("S", 2, 1, f"={name}({','.join(args)})")
    for shift in range(len(points)):  # find a point where the engine has a finite value
        for k, (_, _, c) in enumerate(variables):
            wb.set_value("S", 1, c, points[(shift + k) % len(points)])
        if isinstance(wb.get("S", 2, 1), float):
            break
    else:
        pytest.fail(f"no point of {name}'s domain among {points}")
    prog = compile_program(wb, [("S", 2, 1)], variables)
    assert float(prog.forward(prog.x0)[0]) == pytest.approx(wb.get("S", 2, 1), rel=1e-9)
    if variables:
        x = prog.x0.clone().requires_grad_()
        assert torch.autograd.gradcheck(stacked(prog), (x,))


def one_variable(formula: str, x: float) -> float:
    """d formula / d A1 at A1 = x."""
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_value("S", 1, 1, x)
    wb.set_formula("S", 1, 2, formula)
    prog = compile_program(wb, [("S", 1, 2)], [("S", 1, 1)])
    t = prog.x0.clone().requires_grad_()
    prog.forward(t)[0].backward()
    return float(t.grad[0])


@pytest.mark.parametrize(("formula", "x", "slope"), [
    ("=MAX(0,A1)", 0.0, 0.0),  # ReLU: 0 at the kink, as torch.relu
    ("=MAX(A1,0)", 0.0, 0.0),
    ("=MIN(0,A1)", 0.0, 0.0),
    ("=ABS(A1)", 0.0, 0.0),
    ("=IF(A1<0,0,A1)", 0.0, 0.0),  # a ReLU however it is spelled
    ("=IF(0<A1,A1,0)", 0.0, 0.0),
    ("=IF(A1<0,0,A1)", 2.0, 1.0),
    ("=IF(A1<0,1,A1)", 0.0, 1.0),  # not a ReLU: the branch the condition picks
    ("=IF(A1>0,SQRT(A1),0)", -1.0, 0.0),  # the double where: no NaN from the branch not taken
    ("=IF(A1>0,SQRT(A1),0)", 4.0, 0.25),
    ("=IFERROR(LN(A1),0)", -1.0, 0.0),
    ("=IFERROR(1/A1,7)", 0.0, 0.0),
    ("=MAX(A1,2*A1,-1)", 1.0, 2.0),
])
def test_slopes_at_kinks_and_in_branches_not_taken(formula, x, slope):
    assert one_variable(formula, x) == slope


def test_blockers_name_the_variable_the_cell_and_the_function():
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_values([("S", 1, c, 0.4) for c in (1, 2, 3, 4)])
    wb.set_formula("S", 2, 1, "=ROUND(A1,0)*3")
    wb.set_formula("S", 2, 2, "=IF(C1>0,1,2)")
    wb.set_formula("S", 3, 1, "=A2+B2+B1^2")
    prog = compile_program(wb, [("S", 3, 1)], [("S", 1, c) for c in (1, 2, 3, 4)])
    assert prog.blockers() == ["A1 reaches the objective only through ROUND in A2",
                               "C1 reaches the objective only through the comparison '>' in B2",
                               "D1 does not affect the objective A3"]


def test_a_variable_with_one_smooth_path_is_not_blocked():
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_value("S", 1, 1, 0.4)
    wb.set_formula("S", 2, 1, "=INT(A1)+A1^2")
    prog = compile_program(wb, [("S", 2, 1)], [("S", 1, 1)])
    assert prog.blockers() == []
    assert one_variable("=INT(A1)+A1^2", 0.4) == pytest.approx(0.8)


def test_gradients_equal_finite_differences_on_titanic_like_rows():
    wb = book({"L": "=SUMPRODUCT(A{r}:C{r},$H$1:$J$1)", "M": "=IF(L{r}<0,0,L{r})", "N": "=(M{r}-B{r})^2"})
    wb.set_formula("S", 1, 1, "=AVERAGE(N4:N11)")
    prog = compile_program(wb, [("S", 1, 1)], VARIABLES)
    x = prog.x0.clone().requires_grad_()
    prog.forward(x)[0].backward()
    h = 1e-6
    for i in range(3):
        e = torch.zeros(3, dtype=torch.float64)
        e[i] = h
        fd = (float(prog.forward(prog.x0 + e)[0]) - float(prog.forward(prog.x0 - e)[0])) / (2 * h)
        assert math.isclose(float(x.grad[i]), fd, rel_tol=1e-6, abs_tol=1e-9)


@pytest.mark.parametrize("xs, ys", [((712, 10), (10, 2)), ((3, 4, 5), (1, 5, 2)), ((4000, 10), (10, 2)),
                                    ((5, 3), (3, 1)), ((1, 4), (4, 16)), ((30, 4), (4, 17)), ((1, 1), (1, 1))])
def test_mmult_products_small_and_large_agree_with_matmul(xs, ys):
    """MMULT's product: below SMALL_PRODUCT multiply-adds a column of matrix-vector products (up to FEW_COLUMNS
    columns) or a broadcast sum, torch.matmul above; all the same values and gradients as matmul."""
    from gdsheet.compile.tensor_functions import SMALL_PRODUCT, _matmul

    gen = torch.Generator().manual_seed(0)
    x = torch.rand(xs, dtype=torch.float64, generator=gen, requires_grad=True)
    y = torch.rand(ys, dtype=torch.float64, generator=gen, requires_grad=True)
    assert (max(x.shape[:-2].numel(), y.shape[:-2].numel()) * xs[-2] * xs[-1] * ys[-1] <= SMALL_PRODUCT) == \
        (xs[0] != 4000)
    got = _matmul(x, y)
    want = torch.matmul(x.detach(), y.detach())
    assert torch.allclose(got, want, rtol=1e-13, atol=0)
    gx, gy = torch.autograd.grad((got ** 2).sum(), (x, y))
    wx, wy = torch.autograd.grad((torch.matmul(x, y) ** 2).sum(), (x, y))
    assert torch.allclose(gx, wx, rtol=1e-12) and torch.allclose(gy, wy, rtol=1e-12)


def test_a_column_of_a_small_mmult_is_contiguous():
    """What a formula reading one column of the spill gets: no strided view (and no copy) for the next op."""
    from gdsheet.compile.tensor_functions import _matmul

    x, y = torch.rand(712, 10, dtype=torch.float64), torch.rand(10, 2, dtype=torch.float64)
    assert _matmul(x, y)[:, 1].is_contiguous()
