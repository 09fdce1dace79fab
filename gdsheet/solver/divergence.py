"""Divergence: notice a loss that explodes (or turns inf/NaN), and explain in words what learning rate to try."""
from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor

GROWTH = 1e3  # a loss this many times the problem's scale above the best seen has exploded


class Watch:
    """Says when a run diverged: a non-finite value, or a growing value more than GROWTH times the problem's scale
    (the larger of the best and the starting value, and a tiny floor for losses that start at 0) above the best."""

    def __init__(self, start: float, scale: float = 0.0):
        self.scale = max(abs(start), abs(scale), 1e-8) if math.isfinite(start) else 1.0
        self.previous = self.best = start

    def diverged(self, value: float) -> bool:
        growing, self.previous = value > self.previous, value
        if not math.isfinite(value):
            return True
        self.best = min(self.best, value)
        return growing and value - self.best > GROWTH * max(abs(self.best), self.scale)


def curvature(merit: Callable[[Tensor], Tensor], x: Tensor) -> float:
    """The curvature of `merit` along its gradient at x, g'Hg / g'g, by one Hessian-vector product (central
    differences of the gradient where the graph cannot be differentiated twice); NaN where it cannot be had."""
    x = x.detach().clone().requires_grad_(True)
    try:
        (g,) = torch.autograd.grad(merit(x), x, create_graph=True)
    except RuntimeError:
        return math.nan
    norm = g.detach().norm()
    if not torch.isfinite(norm) or norm == 0:
        return math.nan
    v = g.detach() / norm
    try:
        # the product differentiated as a scalar: a grad_outputs tensor makes torch import sympy on first use
        # (seconds, and far longer in the GUI's worker thread while the window is busy)
        (hv,) = torch.autograd.grad((g * v).sum(), x, allow_unused=True)
        if hv is not None:
            return float(v @ hv)
    except RuntimeError:
        pass  # a first-order-only graph: difference the gradient instead
    h = 1e-6 * max(1.0, float(x.detach().abs().max()))

    def grad_at(y: Tensor) -> Tensor:
        y = y.detach().requires_grad_(True)
        return torch.autograd.grad(merit(y), y, allow_unused=True)[0]

    gp, gm = grad_at(x.detach() + h * v), grad_at(x.detach() - h * v)
    return math.nan if gp is None or gm is None else float(v @ (gp - gm)) / (2 * h)


def advice(method: str, lr: float, first: float, last: float, steps: int, lam: float) -> str:
    """The divergence message: what happened to the loss and which learning rate to try instead."""
    grew = f"the loss grew from {_fmt(first)} to {_fmt(last)} in {_steps(steps)}"
    if not math.isfinite(last):
        grew = f"the loss went from {_fmt(first)} to {_fmt(last)} within {_steps(steps)}"
    if method == "lbfgs":
        return (f"the solve diverged: {grew} (a formula may have left its domain, such as LN or SQRT of a negative "
                "number)")
    if method in ("gd", "momentum") and math.isfinite(lam) and lam > 0:
        suggestion = _round_down(2 / lam)
        if suggestion < lr:
            return (f"learning rate {_fmt(lr)} is too large: {grew}; the curvature along the gradient is about "
                    f"{_fmt(lam)}, so try {_fmt(suggestion)} or less")
    return f"learning rate {_fmt(lr)} is too large{' for Adam' if method == 'adam' else ''}: {grew}; " \
           f"try {_fmt(_round_down(lr / 10))} or less"


def _steps(n: int) -> str:
    return "one step" if n == 1 else f"{n} steps"


def _round_down(v: float) -> float:
    """The largest of 1, 2, 5 times a power of ten not above v: a rate a person would type."""
    power = 10.0 ** math.floor(math.log10(v))
    return max(m for m in (1, 2, 5) if m * power <= v * (1 + 1e-12)) * power


def _fmt(v: float) -> str:
    return f"{v:.3g}"
