"""The solve loop on hand-written torch problems: PRODUCT.md's scenarios, methods, bounds, constraints, stopping."""
import math
import threading

import pytest
import torch

from gdsheet.errors import SolverModelError
from gdsheet.solver.model import SolverOptions
from gdsheet.solver.problem import Problem
from gdsheet.solver.run import Progress, Solve

F64 = torch.float64


def problem(f, x0, **kw) -> Problem:
    return Problem(lambda x, rows: (f(x), x.new_zeros(0)), torch.tensor(x0, dtype=F64), **kw)


def solve(p: Problem, **opts) -> list[Progress]:
    return list(Solve(p, SolverOptions(**opts)).run())


def parabola():
    return problem(lambda x: 1.2 * x[0] ** 2 + 4, [-3.0])


def squared_gap():
    return lambda x: (x[0] ** 2 - 9) ** 2


def test_parabola_step_mode_reproduces_the_blog_trace():
    s = Solve(parabola(), SolverOptions(method="gd", lr=0.2, iterations=10))
    records = [s.step() for _ in range(10)]
    assert [r.iteration for r in records] == list(range(1, 11))
    for k, r in enumerate(records, 1):
        assert r.values[0] == pytest.approx(-3 * 0.52**k, rel=1e-12)
    shown = [f"{v:.2g}" for v in [1.2 * 9 + 4] + [r.loss for r in records[:5]]]
    assert shown == ["15", "6.9", "4.8", "4.2", "4.1", "4"]
    final = s.step()
    assert final.done and final.status == "iteration limit" and s.step() is final


def test_run_starts_with_iteration_zero_and_ends_with_the_best_values():
    records = list(Solve(parabola(), SolverOptions(method="gd", lr=0.2, iterations=10)).run())
    assert records[0].iteration == 0 and records[0].values == (-3.0,) and records[0].loss == pytest.approx(14.8)
    assert [r.done for r in records].count(True) == 1 and records[-1].done
    assert records[-1].values == records[-2].values and isinstance(records[-1].values, tuple)
    assert records[-1].elapsed >= records[1].elapsed > 0


def test_too_large_learning_rate_is_caught_within_three_steps_with_advice():
    records = solve(problem(squared_gap(), [2.0]), method="gd", lr=0.1, iterations=50)
    final = records[-1]
    assert final.status == "diverged" and final.iteration <= 3
    assert final.values == (2.0,) and final.loss == 25.0  # the best values seen, not the overflow
    assert records[1].values[0] == pytest.approx(6.0) and records[1].loss == pytest.approx(729)
    assert "learning rate 0.1 is too large" in final.message
    assert "curvature along the gradient is about 396" in final.message and "try 0.005 or less" in final.message
    assert all(math.isfinite(v) for r in records for v in r.values[:1] if r.iteration < 3)


def test_oscillation_example_settles_at_three_with_plain_descent():
    records = solve(problem(squared_gap(), [1.0]), method="gd", lr=0.01, iterations=200)
    xs = [round(r.values[0], 2) for r in records[1:7]]
    assert xs == [1.32, 1.70, 2.12, 2.50, 2.78, 2.92]
    assert records[-1].status == "converged" and records[-1].values[0] == pytest.approx(3.0, abs=1e-6)


def test_momentum_close_to_one_brings_the_bouncing_back():
    records = solve(problem(squared_gap(), [1.0]), method="momentum", lr=0.01, momentum=0.95, iterations=30)
    side = [r.values[0] > 3 for r in records[:31]]
    crossings = sum(a != b for a, b in zip(side, side[1:]))
    assert crossings >= 3


def least_squares(n=200, p=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    X = torch.rand(n, p, generator=g, dtype=F64)
    y = X @ torch.linspace(-1, 1, p, dtype=F64) + 0.1 * torch.randn(n, generator=g, dtype=F64)

    def f(x, rows=None):
        Xr, yr = (X, y) if rows is None else (X[rows], y[rows])
        return ((Xr @ x - yr) ** 2).mean(), x.new_zeros(0)

    best = torch.linalg.lstsq(X, y.unsqueeze(1)).solution.squeeze(1)
    return Problem(f, torch.zeros(p, dtype=F64), batch_rows=n), float(((X @ best - y) ** 2).mean())


@pytest.mark.parametrize("method,lr", [("lbfgs", 1.0), ("adam", 0.05), ("momentum", 0.05), ("gd", 0.3)])
def test_methods_reach_the_least_squares_optimum(method, lr):
    p, optimum = least_squares()
    final = solve(p, method=method, lr=lr, iterations=20000, tolerance=1e-12)[-1]
    assert final.loss == pytest.approx(optimum, rel=1e-6)


def test_lbfgs_is_fast_on_least_squares():
    p, optimum = least_squares()
    final = solve(p, method="lbfgs")[-1]
    assert final.status == "converged" and final.iteration < 50
    assert final.loss == pytest.approx(optimum, rel=1e-8)


@pytest.mark.parametrize("method", ["gd", "momentum", "adam", "lbfgs"])
def test_bounds_are_kept(method):
    upper = torch.tensor([2.0, math.inf], dtype=F64)
    lower = torch.tensor([-math.inf, 0.5], dtype=F64)
    p = problem(lambda x: (x[0] - 3) ** 2 + (x[1] + 1) ** 2, [0.0, 1.0], lower=lower, upper=upper)
    records = solve(p, method=method, lr=0.1, iterations=3000)
    assert records[-1].values == pytest.approx((2.0, 0.5), abs=1e-6)
    assert all(r.values[0] <= 2.0 + 1e-12 and r.values[1] >= 0.5 - 1e-12 for r in records)


def constrained() -> Problem:
    """min x^2 + y^2 subject to x + y = 1 and x >= 0.8: the optimum is (0.8, 0.2)."""
    return Problem(lambda x, rows: ((x**2).sum(), torch.stack([x[0] + x[1] - 1, 0.8 - x[0]])),
                   torch.zeros(2, dtype=F64), equality=torch.tensor([True, False]))


def test_augmented_lagrangian_meets_the_constraints():
    final = solve(constrained(), method="lbfgs")[-1]
    assert final.values == pytest.approx((0.8, 0.2), abs=1e-5)
    assert final.violation < 1e-5 and "largest constraint violation" in final.message


def test_adam_with_constraints_gets_close():
    final = solve(constrained(), method="adam", lr=0.005, iterations=4000)[-1]
    assert final.values == pytest.approx((0.8, 0.2), abs=2e-3)


def test_sense_max_and_value_of():
    final = solve(problem(lambda x: -(x[0] - 2) ** 2 + 7, [0.0], sense="max"), method="lbfgs")[-1]
    assert final.values[0] == pytest.approx(2.0, abs=1e-6) and final.loss == pytest.approx(7.0)
    final = solve(problem(lambda x: x[0] ** 2, [1.0], sense="value", target=4.0), method="lbfgs")[-1]
    assert final.values[0] == pytest.approx(2.0, abs=1e-6) and final.loss == pytest.approx(4.0)


def double_well() -> Problem:
    return problem(lambda x: (x[0] ** 2 - 1) ** 2 + 0.3 * x[0], [1.0])


def test_multistart_finds_the_deeper_well_and_is_reproducible():
    single = solve(double_well(), method="lbfgs")[-1]
    assert single.values[0] > 0  # the start's own (shallower) well
    runs = [solve(double_well(), method="lbfgs", multistart=6, seed=3)[-1] for _ in range(2)]
    assert runs[0].values[0] < -1 and runs[0].loss < single.loss and runs[0].start > 0
    assert runs[0].values == runs[1].values and "best of 6 starts" in runs[0].message


def test_mini_batches():
    p, optimum = least_squares()
    records = solve(p, method="adam", lr=0.02, batch_size=32, iterations=1500, schedule="cosine", seed=1)
    assert records[-1].status == "iteration limit"
    assert records[-1].loss == pytest.approx(optimum, rel=1e-3)
    with pytest.raises(SolverModelError, match="L-BFGS"):
        Solve(p, SolverOptions(method="lbfgs", batch_size=32))
    with pytest.raises(SolverModelError, match="mean or sum over rows"):
        Solve(parabola(), SolverOptions(method="adam", batch_size=32))


def test_stop_event_and_time_limit():
    stop = threading.Event()
    s = Solve(parabola(), SolverOptions(method="gd", lr=0.001, iterations=10**6))
    for record in s.run(stop):
        if record.iteration == 5:
            stop.set()
    assert record.done and record.status == "stopped" and record.iteration == 5
    final = solve(parabola(), method="gd", lr=1e-9, iterations=10**9, time_limit=0.05, tolerance=0)[-1]
    assert final.status == "time limit" and 0.05 <= final.elapsed < 1


def test_step_then_run_continues_the_same_descent():
    s = Solve(parabola(), SolverOptions(method="gd", lr=0.2, iterations=20))
    s.step(), s.step()
    rest = list(s.run())
    assert rest[0].iteration == 3 and rest[-1].done


def test_gradient_gives_sensitivities():
    s = Solve(problem(lambda x: x[0] ** 2 * x[1], [1.0, 1.0], sense="max"), SolverOptions())
    assert s.gradient([3.0, 2.0]) == pytest.approx((12.0, 9.0))
    assert s.start == (1.0, 1.0)


def test_a_blocked_objective_converges_at_once():
    final = solve(problem(lambda x: torch.round(x[0]) + 1, [0.3]), method="adam")[-1]
    assert final.status == "converged" and final.values == (0.3,)


def test_nan_objective_is_divergence_and_keeps_the_best():
    records = solve(problem(lambda x: (x[0] - 2) ** 2 + torch.sqrt(x[0]), [1.0]), method="gd", lr=10.0)
    assert math.isnan(records[-2].loss)  # x left SQRT's domain on the third step
    assert records[-1].status == "diverged" and records[-1].values == (1.0,)
