"""What the descent views compute: the landscape (batched), the profile with its slope, the learning-rate finder,
the arithmetic of a step, and a diverging run let go on."""
import math

import numpy as np
import pytest
import torch

from gdsheet.errors import SolverModelError
from gdsheet.solver import landscape
from gdsheet.solver.lr_finder import find_lr
from gdsheet.solver.model import SolverOptions
from gdsheet.solver.problem import Problem
from gdsheet.solver.run import Solve

F64 = torch.float64


def problem(f, x0) -> Problem:
    return Problem(lambda x, rows: (f(x), x.new_zeros(0)), torch.tensor(x0, dtype=F64))


def bowl():
    return problem(lambda x: (x[0] - 1) ** 2 + 10 * (x[1] + 2) ** 2 + 0.5 * x[2] ** 2, [3.0, 1.0, 2.0])


def test_surface_is_the_objective_at_every_grid_point():
    p = bowl()
    xs, ys = landscape.grid(-1, 3, 7), landscape.grid(-3, 0, 5)
    s = landscape.surface(p, [3.0, 1.0, 2.0], 0, 1, xs, ys)
    assert s.z.shape == (5, 7)
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            assert s.z[i, j] == pytest.approx((x - 1) ** 2 + 10 * (y + 2) ** 2 + 0.5 * 4)


def test_surface_falls_back_to_points_when_vmap_cannot_batch():
    p = problem(lambda x: x.new_tensor(float(x[0]) ** 2 + float(x[1])), [0.0, 0.0])  # reads values into Python
    s = landscape.surface(p, [0.0, 0.0], 0, 1, [1.0, 2.0], [3.0])
    assert s.z.tolist() == [[4.0, 7.0]]


def test_errors_show_as_gaps():
    p = problem(lambda x: torch.log(x[0]) + x[1], [1.0, 0.0])
    s = landscape.surface(p, [1.0, 0.0], 0, 1, [-1.0, 1.0], [0.0])
    assert math.isnan(s.z[0, 0]) and s.z[0, 1] == 0.0


def test_profile_has_the_value_and_the_slope_at_the_point():
    p = bowl()
    pr = landscape.profile(p, [3.0, 1.0, 2.0], 1, np.linspace(-3, 3, 13))
    assert pr.x == 1.0 and pr.fx == pytest.approx(4 + 90 + 2) and pr.slope == pytest.approx(60.0)
    assert pr.f[0] == pytest.approx(4 + 10 + 2)


def test_span_holds_the_path_and_never_collapses():
    lo, hi = landscape.span([1.0, 2.0, 5.0])
    assert lo < 1.0 and hi > 5.0
    lo, hi = landscape.span([2.0])
    assert (lo, hi) == (1.0, 3.0)
    lo, hi = landscape.span([0.0])
    assert hi - lo > 0
    assert landscape.covers(0, 1, [0.5, math.nan]) and not landscape.covers(0, 1, [1.5])


def test_lr_finder_suggests_a_stable_rate_and_leaves_the_start_alone():
    p = problem(lambda x: 1.2 * x[0] ** 2 + 4, [-3.0])  # curvature 2.4: gd is stable below 2 / 2.4
    start = p.x0.clone()
    found = find_lr(p, "gd", [-3.0])
    assert found.suggested is not None and 1e-3 < found.suggested < 2 / 2.4
    assert found.rates[0] == pytest.approx(1e-6) and len(found.rates) == len(found.losses)
    assert found.smoothed[-1] > found.smoothed.min()  # it ran on until the loss blew up
    assert torch.equal(p.x0, start)


def test_lr_finder_refuses_lbfgs():
    with pytest.raises(SolverModelError, match="no learning rate"):
        find_lr(bowl(), "lbfgs", [0.0, 0.0, 0.0])


@pytest.mark.parametrize("method", ["gd", "momentum", "adam"])
def test_a_step_explains_its_arithmetic(method):
    s = Solve(bowl(), SolverOptions(method=method, lr=0.1, iterations=10))
    assert s.explain(0) is None
    s.step()
    p = s.step()
    text = s.explain(0, "B1")
    assert text.splitlines()[-1].endswith(f"= {p.values[0]:.6g}")
    assert "B1 ← B1 − lr·" in text
    if method == "adam":
        assert "m̂" in text and "√v̂" in text
    if method == "momentum":
        assert text.startswith("v ← β·v + g = 0.9 ×")


def test_explain_mentions_a_bound():
    p = Problem(lambda x, rows: ((x[0] - 5) ** 2, x.new_zeros(0)), torch.tensor([0.0], dtype=F64),
                upper=torch.tensor([1.0], dtype=F64))
    s = Solve(p, SolverOptions(method="gd", lr=1.0, iterations=5))
    s.step()
    assert s.explain(0).endswith("outside its bounds: kept at 1")


def test_a_diverging_run_can_go_on_to_its_iteration_limit():
    p = problem(lambda x: x[0] ** 2 * 6, [2.0])
    stopped = list(Solve(p, SolverOptions(method="gd", lr=0.5, iterations=8)).run())
    s = Solve(p, SolverOptions(method="gd", lr=0.5, iterations=8))
    s.stop_on_divergence = False
    went_on = list(s.run())
    assert stopped[-1].status == went_on[-1].status == "diverged"
    assert went_on[-2].iteration == 8 > stopped[-2].iteration
    losses = [r.loss for r in went_on[:-1]]
    assert all(b > a for a, b in zip(losses, losses[1:]))
    assert went_on[-1].message == stopped[-1].message


def test_a_light_evaluation_gives_the_same_surface_and_keeps_the_thread_count():
    p = bowl()
    xs, ys = landscape.grid(-1, 3, 9), landscape.grid(-3, 0, 7)
    threads = torch.get_num_threads()
    full = landscape.surface(p, [3.0, 1.0, 2.0], 0, 1, xs, ys, rows=20_000)
    light = landscape.surface(p, [3.0, 1.0, 2.0], 0, 1, xs, ys, rows=20_000, light=True)  # chunks of one point
    assert np.array_equal(full.z, light.z) and torch.get_num_threads() == threads


def test_a_very_large_sheet_is_sampled_or_gets_fewer_points():
    seen = []

    def evaluate(x, rows):
        seen.append(None if rows is None else int(rows.numel()))
        return (x[0] - 1) ** 2 + x[1] ** 2, x.new_zeros(0)

    x0 = torch.tensor([0.0, 0.0], dtype=F64)
    rows = 1_000_000
    batchable = Problem(evaluate, x0, batch_rows=rows)  # a mean over rows: estimated from a fixed sample
    s = landscape.surface(batchable, [0.0, 0.0], 0, 1, landscape.grid(-1, 1, 100), landscape.grid(-1, 1, 100), rows)
    assert s.sampled == landscape.BUDGET // 10_000 and s.z.shape == (100, 100) and seen[-1] == s.sampled
    p = landscape.profile(batchable, [0.0, 0.0], 0, landscape.grid(-1, 1, 400), rows)
    assert p.sampled == landscape.BUDGET // 400 and len(p.xs) == 400
    other = Problem(evaluate, x0)  # not a mean or sum over rows: fewer points instead
    s = landscape.surface(other, [0.0, 0.0], 0, 1, landscape.grid(-1, 1, 100), landscape.grid(-1, 1, 100), rows)
    assert s.sampled is None and s.z.shape == (landscape.MIN_SIDE, landscape.MIN_SIDE)
    assert s.z[0, 0] == pytest.approx(4 + 1)
    small = landscape.surface(batchable, [0.0, 0.0], 0, 1, landscape.grid(-1, 1, 100), landscape.grid(-1, 1, 100), 712)
    assert small.sampled is None and small.z.shape == (100, 100)
