"""`@` (a file's `_xlfn.SINGLE(...)`): implicit intersection in recalculation, in the compiler and in a solve.

The course's collaborative-filtering sheet predicts each rating with `=@IF(K3="",0,MMULT(...)+biases)`; it must
calculate as Excel does and solve.
"""
import numpy as np
import pytest

from gdsheet.compile import compile_program
from gdsheet.formula import parse
from gdsheet.formula.unparse import unparse
from gdsheet.sheet.workbook import Workbook
from gdsheet.solver.model import SolverModel, SolverOptions
from gdsheet.solver.run import apply, prepare

RATINGS = [[5.0, 3.0, None], [4.0, None, 1.0], [1.0, 1.0, 5.0]]  # K3:M5, users by movies, two unrated
USERS = [[0.1, 0.2], [0.3, -0.1], [-0.2, 0.4]]  # B3:C5: two latent factors per user
USER_BIAS = [0.5, 0.2, -0.1]  # D3:D5
MOVIES = [[0.2, -0.3, 0.1], [0.4, 0.1, -0.2]]  # F1:H2: two latent factors per movie
MOVIE_BIAS = [0.3, 0.0, 0.2]  # F6:H6
PREDICTION = '=_xlfn.SINGLE(IF({k}{r}="",0,MMULT($B{r}:$C{r},{c}$1:{c}$2)+$D{r}+{c}$6))'
VARIABLES = ["B3:D5", "F1:H2", "F6:H6"]


def collaborative_filtering() -> Workbook:
    wb = Workbook()
    wb.add_sheet("cf")
    values = []
    for i in range(3):
        values += [("cf", 3 + i, 2 + j, USERS[i][j]) for j in range(2)] + [("cf", 3 + i, 4, USER_BIAS[i])]
        values += [("cf", 3 + i, 11 + j, RATINGS[i][j]) for j in range(3) if RATINGS[i][j] is not None]
    for k in range(2):
        values += [("cf", 1 + k, 6 + j, MOVIES[k][j]) for j in range(3)]
    values += [("cf", 6, 6 + j, MOVIE_BIAS[j]) for j in range(3)]
    wb.set_values(values)
    for r in range(3, 6):
        for c, k in zip("FGH", "KLM"):
            wb.set_formula("cf", r, ord(c) - 64, PREDICTION.format(r=r, c=c, k=k))
    wb.set_formula("cf", 8, 2, "=SUMXMY2(F3:H5,K3:M5)")
    return wb


def expected_predictions() -> np.ndarray:
    pred = np.array(USERS) @ np.array(MOVIES) + np.array(USER_BIAS)[:, None] + np.array(MOVIE_BIAS)[None, :]
    rated = np.array([[v is not None for v in row] for row in RATINGS])
    return np.where(rated, pred, 0.0)


def test_single_and_at_are_one_node_written_both_ways():
    node = parse("=_xlfn.SINGLE(A1:A3)*2", 2, 2)
    assert node == parse("=@A1:A3*2", 2, 2)
    assert unparse(node, 2, 2) == "=@A1:A3*2"
    assert unparse(node, 2, 2, for_file=True) == "=_xlfn.SINGLE(A1:A3)*2"


@pytest.mark.parametrize(("formula", "row", "expected"), [
    ("=@B1:B3", 2, 20.0),  # a column meets the host row
    ("=@B1:B3", 7, "#VALUE!"),  # ... and has no cell in row 7
    ("=@A5:D5", 7, 300.0),  # a row meets the host column (C)
    ("=@7", 2, 7.0),  # a scalar passes through
    ("=@{4,5;6,7}", 2, 4.0),  # an array gives its first value
    ("=_xlfn.SINGLE(B1:B3)+1", 3, 31.0),
])
def test_recalculation(formula, row, expected):
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_values([("S", r, 2, 10.0 * r) for r in (1, 2, 3)] + [("S", 5, c, 100.0 * c) for c in (1, 2, 3, 4)])
    wb.set_formula("S", row, 3, formula, dynamic=True)
    got = wb.get("S", row, 3)
    assert (got.code if hasattr(got, "code") else got) == expected


def test_the_collaborative_filtering_sheet_calculates():
    wb = collaborative_filtering()
    got = np.array([[wb.get("cf", r, c) for c in (6, 7, 8)] for r in (3, 4, 5)], dtype=float)
    assert got == pytest.approx(expected_predictions(), abs=1e-12)
    err = sum((p - (a or 0.0)) ** 2 for p, a in zip(expected_predictions().ravel(), sum(RATINGS, [])))
    assert wb.get("cf", 8, 2) == pytest.approx(err)


def test_the_compiled_program_agrees_with_the_engine_and_has_gradients():
    wb = collaborative_filtering()
    variables = [("cf", r, c) for r in (3, 4, 5) for c in (2, 3, 4)] + \
        [("cf", r, c) for r in (1, 2) for c in (6, 7, 8)] + [("cf", 6, c) for c in (6, 7, 8)]
    prog = compile_program(wb, [("cf", 8, 2)], variables)
    x = prog.x0.clone().requires_grad_()
    loss = prog.forward(x)[0]
    assert float(loss.detach()) == pytest.approx(wb.get("cf", 8, 2), rel=1e-12)
    loss.backward()
    assert bool((x.grad != 0).any())


def test_the_collaborative_filtering_sheet_solves():
    wb = collaborative_filtering()
    before = wb.get("cf", 8, 2)
    model = SolverModel("B8", variables=VARIABLES, options=SolverOptions(method="lbfgs", iterations=200))
    solve = prepare(wb, model, "cf")
    final = list(solve.run())[-1]
    apply(wb, solve.variables, final.values)
    assert wb.get("cf", 8, 2) == pytest.approx(final.loss, abs=1e-9)
    assert final.loss < 1e-6 < before  # 7 ratings, 15 + 9 parameters: an exact fit exists


@pytest.mark.parametrize("name", ["SUMXMY2", "SUMX2MY2", "SUMX2PY2"])
def test_pairs_with_a_blank_are_skipped_by_the_compiler_as_by_the_engine(name):
    # found by the sheet above written with K3 in every column: the compiler squared predictions of blanks
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_values([("S", r, 1, float(r)) for r in (1, 2, 3)] + [("S", 1, 2, 5.0), ("S", 3, 2, "x")])
    wb.set_formula("S", 5, 1, f"={name}(A1:A3,B1:B3)")
    prog = compile_program(wb, [("S", 5, 1)], [("S", r, 1) for r in (1, 2, 3)])
    assert float(prog.forward(prog.x0)[0].detach()) == pytest.approx(wb.get("S", 5, 1))
