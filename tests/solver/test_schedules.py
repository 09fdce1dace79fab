"""Learning-rate schedules and the divergence helpers."""
import math

import pytest
import torch

from gdsheet.solver.divergence import Watch, advice, curvature
from gdsheet.solver.schedules import lr_at


def test_schedules_start_and_end_where_they_should():
    assert [lr_at("constant", 0.1, k, 100) for k in (0, 50, 99)] == [0.1, 0.1, 0.1]
    assert [lr_at("step", 1.0, k, 100) for k in (0, 49, 50, 74, 75, 99)] == [1, 1, 0.1, 0.1, 0.01, 0.01]
    assert lr_at("cosine", 1.0, 0, 100) == 1.0 and lr_at("cosine", 1.0, 50, 100) == pytest.approx(0.5)
    assert lr_at("cosine", 1.0, 100, 100) == pytest.approx(0.0, abs=1e-15)
    one = [lr_at("onecycle", 1.0, k, 100) for k in range(101)]
    assert one[0] == pytest.approx(1 / 25) and max(one) == pytest.approx(1.0) and one.index(max(one)) == 30
    assert one[-1] == pytest.approx(1 / 25 / 1e4)
    with pytest.raises(ValueError):
        lr_at("warm", 1.0, 0, 10)


def test_watch_flags_explosions_and_non_finite_values_only():
    w = Watch(25.0)
    assert not w.diverged(729.0)  # 29 times larger: bad, not yet an explosion
    assert w.diverged(1.19e7)
    w = Watch(0.0)  # a loss that starts at 0 still has a floor for its scale
    assert not w.diverged(1e-9) and w.diverged(math.nan)
    w = Watch(10.0)
    assert not w.diverged(5.0) and not w.diverged(4.0)


def test_curvature_along_the_gradient():
    f = lambda x: (x[0] ** 2 - 9) ** 2  # noqa: E731
    assert curvature(f, torch.tensor([6.0], dtype=torch.float64)) == pytest.approx(12 * 36 - 36)
    quad = lambda x: 3 * x[0] ** 2 + 0.5 * x[1] ** 2  # noqa: E731
    lam = curvature(quad, torch.tensor([1.0, 0.0], dtype=torch.float64))
    assert lam == pytest.approx(6.0)
    assert math.isnan(curvature(quad, torch.zeros(2, dtype=torch.float64)))  # no gradient, no direction


def test_advice_words():
    text = advice("gd", 0.1, 25, 1.19e7, 2, 396)
    assert text == ("learning rate 0.1 is too large: the loss grew from 25 to 1.19e+07 in 2 steps; the curvature "
                    "along the gradient is about 396, so try 0.005 or less")
    assert "for Adam" in advice("adam", 0.5, 1, 1e9, 3, math.nan) and "try 0.05 or less" in advice("adam", 0.5, 1,
                                                                                                    1e9, 3, math.nan)
    assert "went from 1 to inf within one step" in advice("gd", 0.2, 1, math.inf, 1, math.nan)
    assert "left its domain" in advice("lbfgs", 1.0, 1, math.nan, 1, math.nan)
