"""The learning-rate finder (Leslie Smith's range test, as fastai's lr_find runs it).

A short mock run from the current values in which every step uses a larger rate than the last, log-spaced from
`low` to `high`: the loss first barely moves (the rate is too small), then falls fast, then blows up. The rate
where the smoothed loss falls fastest is suggested. The run works on its own copy of the variables: the workbook
is never touched, so the learner's values are where they were when it ends.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from gdsheet.errors import SolverModelError
from gdsheet.solver.methods import make_method
from gdsheet.solver.problem import Merit

SMOOTHING = 0.9  # exponential moving average of the loss, bias-corrected (fastai uses 0.98 over mini-batches)
BLOW_UP = 4.0  # stop once the smoothed loss is this many times the best (fastai's stop_div)
FALL = 1e-3  # a fall smaller than this share of the starting loss is noise: the values already sit at a minimum


@dataclass(frozen=True)
class LrFinding:
    """Rates tried (ascending), the loss after each step and its smoothed curve; `suggested` is None when the loss
    never fell (every rate tried is too small or too large), with `note` saying so."""

    rates: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    suggested: float | None
    note: str


def find_lr(problem, method: str, x, momentum: float = 0.9, low: float = 1e-6, high: float = 10.0,
            steps: int = 100) -> LrFinding:
    """Run the range test for `method` (gd, momentum or adam) from the values x; see the module's docstring."""
    if method == "lbfgs":
        raise SolverModelError("L-BFGS chooses each step by a line search and has no learning rate: pick gradient "
                               "descent, momentum or Adam to find one")
    like = problem.x0
    x0 = torch.as_tensor(list(x), dtype=like.dtype, device=like.device)
    merit = Merit(problem, max_penalty=1e4)
    point = merit(x0)
    start = float(point.merit)
    opt = make_method(method, x0, merit, momentum, problem.lower, problem.upper)
    rates = np.geomspace(low, high, steps)
    losses, smoothed = [], []
    avg, best = 0.0, math.inf
    try:
        for k, lr in enumerate(rates):
            point = merit(opt.step(point, float(lr)))
            loss = float(point.merit)
            losses.append(loss)
            if not math.isfinite(loss):
                smoothed.append(math.nan)
                break
            avg = SMOOTHING * avg + (1 - SMOOTHING) * loss
            s = avg / (1 - SMOOTHING ** (k + 1))
            smoothed.append(s)
            best = min(best, s)
            if s > BLOW_UP * max(best, 0) + abs(start) * 1e-12 and s > start and k > 2:
                break
    finally:
        opt.close()
    tried = rates[:len(losses)]
    smooth = np.asarray(smoothed, float)
    suggested, note = _steepest(tried, smooth, start)
    return LrFinding(tried, np.asarray(losses, float), smooth, suggested, note)


def _steepest(rates: np.ndarray, smooth: np.ndarray, start: float) -> tuple[float | None, str]:
    """The rate where the smoothed loss falls fastest against log(rate), among the points before its minimum."""
    ok = np.isfinite(smooth)
    if ok.sum() < 3:
        return None, "the loss blew up at once: even the smallest rate tried is too large"
    r, s = rates[ok], smooth[ok]
    if not s.min() < start:
        return None, "the loss never fell below its starting value at any rate tried"
    if start - s.min() <= FALL * abs(start):
        return None, ("the loss hardly falls at any rate: the values sit at (or very near) a minimum already; "
                      "Randomize Variables (in the Solver dialog) to find a rate for a fresh start")
    upto = int(np.argmin(s)) + 1
    if upto < 3:
        return float(r[0]), "the loss fell fastest at the smallest rate tried"
    slope = np.gradient(s[:upto], np.log(r[:upto]))
    k = int(np.argmin(slope))
    return float(r[k]), f"steepest fall of the loss at rate {r[k]:.3g}"
