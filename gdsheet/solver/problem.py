"""What the methods minimise: a problem in torch, and its merit (the sense plus an augmented Lagrangian penalty)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch
from torch import Tensor

Evaluate = Callable[[Tensor, "Tensor | None"], "tuple[Tensor, Tensor]"]


@dataclass(frozen=True)
class Problem:
    """A solver model as torch sees it, independent of any workbook.

    `evaluate(x, rows)` returns the objective's value (0-d) and the constraint residuals (1-D; where `equality` is
    True a residual must be 0, elsewhere <= 0). `rows`, a LongTensor of 0-based rows, restricts a row-batchable
    objective (a mean or sum over `batch_rows` per-row formulas) to a mini-batch. Bounds are 1-D tensors like x0.
    """

    evaluate: Evaluate
    x0: Tensor
    sense: str = "min"
    target: float = 0.0
    lower: Tensor | None = None
    upper: Tensor | None = None
    equality: Tensor = field(default_factory=lambda: torch.zeros(0, dtype=torch.bool))
    batch_rows: int | None = None

    @property
    def constrained(self) -> bool:
        return self.equality.numel() > 0


@dataclass(frozen=True)
class Point:
    """One evaluation: `objective` is the cell's value, `score` the sense applied to it (lower is better), `merit`
    the score plus the constraint penalty (what is descended), `grad` d merit / dx (None when not asked for)."""

    x: Tensor
    objective: float
    score: float
    merit: float
    grad: Tensor | None
    violation: float


class Merit:
    """The function the methods descend: the sense of the objective plus an augmented Lagrangian for constraints.

    `update` moves the multipliers after an inner solve (Hestenes-Powell); the penalty weight grows tenfold
    whenever the violation did not shrink by a factor of four, so feasibility is eventually enforced.
    """

    def __init__(self, problem: Problem, penalty: float = 10.0, max_penalty: float = 1e8):
        self.problem = problem
        self._start_penalty, self._max_penalty = penalty, max_penalty
        self.reset()

    def reset(self) -> None:
        n = self.problem.equality.numel()
        self.lam = self.problem.x0.new_zeros(n)
        self.mu = self._start_penalty
        self._last_violation = float("inf")
        self._cache: Point | None = None

    def tensor(self, x: Tensor, rows: Tensor | None = None) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """(merit, objective, score, residuals) with their autograd graph."""
        p = self.problem
        f, res = p.evaluate(x, rows)
        score = f if p.sense == "min" else -f if p.sense == "max" else (f - p.target) ** 2
        if res.numel() == 0:
            return score, f, score, res
        eq = p.equality.to(res.device)
        shifted = torch.clamp(res + self.lam / self.mu, min=0)
        ineq = 0.5 * self.mu * shifted**2 - 0.5 * self.lam**2 / self.mu
        eqp = self.lam * res + 0.5 * self.mu * res**2
        return score + torch.where(eq, eqp, ineq).sum(), f, score, res

    def __call__(self, x: Tensor, rows: Tensor | None = None, grad: bool = True) -> Point:
        """Evaluate at x; the last full evaluation is remembered because line searches end where the next
        iteration starts."""
        cache = self._cache
        if rows is None and grad and cache is not None and torch.equal(cache.x, x):
            return cache
        xg = x.detach().clone().requires_grad_(grad)
        with torch.set_grad_enabled(grad):
            merit, f, score, res = self.tensor(xg, rows)
        g = None
        if grad:
            g = torch.autograd.grad(merit, xg, allow_unused=True)[0] if merit.requires_grad else None
            g = torch.zeros_like(xg) if g is None else g
        # the three numbers the loop reads, in one copy from the device (on a GPU each copy waits for the step)
        objective, value, total = torch.stack([f.detach(), score.detach(), merit.detach()]).tolist()
        point = Point(xg.detach(), objective, value, total, g, self.violation(res.detach()))
        if rows is None and grad:
            self._cache = point
        return point

    def violation(self, res: Tensor) -> float:
        if res.numel() == 0:
            return 0.0
        eq = self.problem.equality.to(res.device)
        return float(torch.where(eq, res.abs(), res.clamp(min=0)).max())

    def update(self, point: Point, settled: bool = True) -> None:
        """One multiplier step at the end of an inner solve; the penalty grows only after a settled one, since
        a first-order method's iterate mid-descent says little about how feasible the problem can be made."""
        with torch.no_grad():
            _, _, _, res = self.tensor(point.x)
        eq = self.problem.equality.to(res.device)
        self.lam = torch.where(eq, self.lam + self.mu * res, torch.clamp(self.lam + self.mu * res, min=0))
        if settled:
            if point.violation > 0.25 * self._last_violation:
                self.mu = min(self.mu * 10, self._max_penalty)
            self._last_violation = point.violation
        self._cache = None
