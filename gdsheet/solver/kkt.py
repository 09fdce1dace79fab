"""Optimality at a point: the Lagrange multipliers of the constraints and the projected gradient (KKT residual).

At a local minimum of score(x) subject to residuals r(x) <= 0 (= 0 for equalities) and bounds, the gradient of the
score is balanced by the active constraints: g + J_A' lam = 0 with lam >= 0 for inequalities, up to the components
that push a variable against its own bound. The multipliers are the least-squares fit of that balance (bounded
below by 0 where they must be), and what is left of the gradient, projected on the bounds, says how far from a
KKT point x is: a solve may claim convergence only when it is small.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from gdsheet.solver.problem import Problem


@dataclass(frozen=True)
class Optimality:
    """`multipliers` per residual row (0 for inactive rows) in the score's terms; `residual` the largest component
    of the projected gradient of the Lagrangian; `gradient` d score / dx."""

    multipliers: np.ndarray
    residual: float
    gradient: np.ndarray
    reduced: np.ndarray
    scaled: float = 0.0  # the residual with each component times max(1, |x_i|): free of the variables' units

    def satisfied(self, score: float, tolerance: float) -> bool:
        """Small enough to call x a (local) optimum: sqrt(Convergence) relative to the objective's size."""
        return self.scaled <= max(math.sqrt(tolerance), 1e-6) * (1.0 + abs(score))


def optimality(problem: Problem, x: torch.Tensor, precision: float = 1e-6) -> Optimality:
    xg = x.detach().clone().requires_grad_(True)
    f, res = problem.evaluate(xg, None)
    score = f if problem.sense == "min" else -f if problem.sense == "max" else (f - problem.target) ** 2
    g = torch.autograd.grad(score, xg, allow_unused=True)[0] if score.requires_grad else None
    g = np.zeros(x.numel()) if g is None else g.detach().cpu().numpy().astype(np.float64)
    r = res.detach().cpu().numpy().astype(np.float64)
    eq = problem.equality.cpu().numpy().astype(bool)
    lam = np.zeros(r.size)
    reduced = g.copy()
    if r.size:
        active = np.flatnonzero(eq | (r > -precision * (1.0 + np.abs(r))))
        if active.size:
            # constrained models only: scipy's import (0.4 s) is spared to the others
            from scipy.optimize import lsq_linear

            from gdsheet.solver.linear import jacobian

            _, J = jacobian(problem, x, [np.array([i + 1]) for i in active] if active.size <= 64 else None)
            JA = J[1:][active].toarray()
            lo = np.where(eq[active], -np.inf, 0.0)
            fit = lsq_linear(JA.T, -g, bounds=(lo, np.full(active.size, np.inf)))
            lam[active] = fit.x
            reduced = g + JA.T @ fit.x
    xn = x.detach().cpu().numpy().astype(np.float64)
    proj = reduced.copy()
    scale = precision * (1.0 + np.abs(xn))
    if problem.lower is not None:
        at_lo = xn - problem.lower.cpu().numpy() <= scale
        proj[at_lo & (proj > 0)] = 0.0
    if problem.upper is not None:
        at_hi = problem.upper.cpu().numpy() - xn <= scale
        proj[at_hi & (proj < 0)] = 0.0
    scaled = float((np.abs(proj) * np.maximum(1.0, np.abs(xn))).max()) if proj.size else 0.0
    return Optimality(lam, float(np.abs(proj).max()) if proj.size else 0.0, g, reduced,
                      scaled if np.isfinite(scaled) else math.inf)
