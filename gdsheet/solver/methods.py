"""The descent methods, one iteration per `step`: gd, momentum and Adam (projected onto bounds), and L-BFGS(-B)."""
from __future__ import annotations

import math
import queue
import threading
import warnings
from typing import Callable

import numpy as np
import torch
from torch import Tensor
from torch.optim.lbfgs import _strong_wolfe  # imported with torch; scipy.optimize costs 0.3 s to import


from gdsheet.solver.problem import Point

Evaluator = Callable[[Tensor], Point]


class Method:
    """A method holds its own copy of the variables and advances it by one iteration per `step(point, lr)`, where
    `point` is the evaluation at the current x whose gradient drives the step (a mini-batch's, when batching)."""

    finished = False  # set when the method itself can go no further (L-BFGS-B's own stopping test)

    def step(self, point: Point, lr: float) -> Tensor:
        raise NotImplementedError

    def reset(self, x: Tensor) -> None:
        """Forget curvature history: the function changed (new multipliers) or the start moved."""

    def close(self) -> None:
        """Release what the method holds (L-BFGS-B's helper thread)."""


class FirstOrder(Method):
    """Plain gradient descent (x <- x - lr*g), heavy-ball momentum (v <- beta*v + g; x <- x - lr*v, torch's SGD
    form) or Adam (Kingma & Ba, with bias correction); bounds are kept by projecting onto them after each step.
    Written out rather than taken from torch.optim, whose first step imports torch._dynamo (seconds of start-up)."""

    BETA1, BETA2, EPS = 0.9, 0.999, 1e-8

    def __init__(self, name: str, x0: Tensor, momentum: float, lower: Tensor | None, upper: Tensor | None):
        self.name, self.momentum = name, momentum
        self.lower, self.upper = lower, upper
        self.reset(x0)

    def reset(self, x: Tensor) -> None:
        self.x = x.detach().clone()
        self.m = torch.zeros_like(self.x)
        self.v = torch.zeros_like(self.x)
        self.t = 0
        self.last: tuple | None = None  # the last step's tensors, for step_terms (references, no copies)

    def step(self, point: Point, lr: float) -> Tensor:
        g, self.t = point.grad, self.t + 1
        before = (self.x, g, lr, self.m, self.v)
        if self.name == "gd":
            x = self.x - lr * g
        elif self.name == "momentum":
            self.m = self.momentum * self.m + g
            x = self.x - lr * self.m
        else:
            self.m = self.BETA1 * self.m + (1 - self.BETA1) * g
            self.v = self.BETA2 * self.v + (1 - self.BETA2) * g * g
            m_hat = self.m / (1 - self.BETA1**self.t)
            v_hat = self.v / (1 - self.BETA2**self.t)
            x = self.x - lr * m_hat / (v_hat.sqrt() + self.EPS)
        free = x
        if self.lower is not None or self.upper is not None:
            x = x.clamp(self.lower, self.upper)
        self.last = (*before, self.m, self.v, free, x, self.t)
        self.x = x
        return x

    def step_terms(self, i: int) -> dict[str, float] | None:
        """The numbers of the last step for variable i: x before (`x`) and after (`new`), the gradient `g`, the rate
        `lr`, the running averages before (`m0`, `v0`) and after (`m`, `v`), the unbounded result `free`, `t`."""
        if self.last is None:
            return None
        x, g, lr, m0, v0, m, v, free, new, t = self.last
        out = {"x": x[i], "g": g[i], "m0": m0[i], "v0": v0[i], "m": m[i], "v": v[i], "free": free[i], "new": new[i]}
        out = {k: float(val) for k, val in out.items()}
        out.update(lr=float(lr), t=t)
        return out


class Lbfgs(Method):
    """L-BFGS: the two-loop recursion over the last `history` steps, and a line search satisfying the strong Wolfe
    conditions; one iteration per step. When no step along the direction lowers the merit, it is done.

    The line search is torch's own (More-Thuente style bracketing and cubic zoom, what torch.optim.LBFGS uses),
    so every evaluation stays on the problem's device: scipy's would copy x and the gradient to the host and back
    at each trial step, and importing scipy.optimize costs more start-up time than a small solve takes."""

    C1, C2, MAX_TRIALS = 1e-4, 0.9, 30  # Wolfe's sufficient decrease and curvature constants, as scipy's and torch's

    def __init__(self, x0: Tensor, merit: Evaluator, history: int = 20):
        self.merit, self.history = merit, history
        self.reset(x0)

    def reset(self, x: Tensor) -> None:
        self.x = x.detach().clone()
        self.pairs: list[tuple[Tensor, Tensor, Tensor]] = []  # (s, y, 1 / s'y), oldest first
        self.previous: float | None = None
        self.finished = False

    def _direction(self, g: Tensor) -> Tensor:
        if not self.pairs:  # no curvature known yet: a gradient step no longer than 1 in the 1-norm, like torch's
            return -g * min(1.0, 1.0 / max(float(g.abs().sum()), 1e-300))
        q, alphas = g.clone(), []
        for s, y, rho in reversed(self.pairs):
            a = rho * (s @ q)
            q -= a * y
            alphas.append(a)
        s, y, _ = self.pairs[-1]
        r = q * ((s @ y) / (y @ y))
        for (s, y, rho), a in zip(self.pairs, reversed(alphas)):
            r += s * (a - rho * (y @ r))
        return -r

    def step(self, point: Point, lr: float) -> Tensor:
        g = point.grad
        d = self._direction(g)
        gtd = g @ d
        if float(gtd) >= 0:  # not a descent direction (the history went stale): restart from the gradient
            self.pairs.clear()
            d = self._direction(g)
            gtd = g @ d
        f = float(point.merit)

        def along(x: Tensor, t, d: Tensor) -> tuple[float, Tensor]:
            trial = self.merit(x + t * d)
            value = float(trial.merit)
            if not math.isfinite(value):  # the step left the formulas' domain (LN of a negative): no usable point
                raise _LeftDomain
            return value, trial.grad

        t = self._first_trial(f, float(gtd))
        try:
            f_new, _, t, _ = _strong_wolfe(along, self.x, t, d, f, g, gtd, self.C1, self.C2,
                                           max_ls=self.MAX_TRIALS)
        except _LeftDomain:
            f_new = math.inf
        if not f_new < f:  # no trial step lowered the merit: the method can go no further from here
            self.finished = True
            return self.x.clone()
        x = self.x + t * d  # the point the search ended at: the merit's cache holds its gradient
        new = self.merit(x)
        s, y = x - self.x, new.grad - g
        if float(s @ y) > 1e-12 * float(y @ y):  # keep only pairs with positive curvature
            self.pairs = (self.pairs + [(s, y, 1.0 / (s @ y))])[-self.history:]
        self.previous, self.x = f, x
        return x.clone()

    def _first_trial(self, f: float, gtd: float) -> float:
        """The first step length tried: 1 (the quasi-Newton step), or shorter where the last iteration's decrease,
        extrapolated along this slope, says it overshoots (Nocedal & Wright's (3.60), as scipy's line search)."""
        if self.previous is None or gtd == 0:
            return 1.0
        t = 1.01 * 2 * (f - self.previous) / gtd
        return min(1.0, t) if t > 0 else 1.0

class _LeftDomain(Exception):
    """A line-search trial where the merit is not a finite number."""


class LbfgsB(Method):
    """scipy's L-BFGS-B (bounds optional), run in a helper thread and handed over one iteration at a time (its
    callback waits for the next `step`), so the solve loop stays a plain generator that can stop at any iteration."""

    def __init__(self, x0: Tensor, merit: Evaluator, lower: Tensor | None, upper: Tensor | None):
        self.merit = merit
        n = x0.numel()
        lo = lower.cpu().numpy() if lower is not None else np.full(n, -np.inf)
        hi = upper.cpu().numpy() if upper is not None else np.full(n, np.inf)
        self.bounds = list(zip(np.where(np.isfinite(lo), lo, None), np.where(np.isfinite(hi), hi, None)))
        self.like = x0
        self._thread: threading.Thread | None = None
        self.reset(x0)

    def reset(self, x: Tensor) -> None:
        self.close()
        self.finished = False
        self.x = x.detach().clone()
        self._go: queue.Queue = queue.Queue(maxsize=1)
        self._out: queue.Queue = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._work, args=(self.x.cpu().numpy().astype(np.float64),),
                                        name="gdsheet-lbfgsb", daemon=True)
        self._thread.start()

    def _tensor(self, xn: np.ndarray) -> Tensor:
        return torch.as_tensor(xn, dtype=self.like.dtype, device=self.like.device)

    def _work(self, x0: np.ndarray) -> None:
        from scipy.optimize import minimize  # imported when a bounded L-BFGS runs, not at every start-up

        def fun(xn: np.ndarray):
            pt = self.merit(self._tensor(xn))
            return float(pt.merit), pt.grad.detach().cpu().numpy().astype(np.float64)

        def callback(intermediate_result) -> None:
            self._out.put(("x", intermediate_result.x.copy()))
            if self._go.get() == "stop":
                raise StopIteration

        if self._go.get() == "stop":
            return
        try:
            res = minimize(fun, x0, jac=True, method="L-BFGS-B", bounds=self.bounds, callback=callback,
                           options={"maxiter": 10**9, "maxfun": 10**9, "ftol": 0.0, "gtol": 0.0, "maxcor": 20})
            self._out.put(("end", res.x))
        except Exception as exc:  # handed to the solve loop, which raises it where the caller can see it
            self._out.put(("error", exc))

    def step(self, point: Point, lr: float) -> Tensor:
        if self.finished:
            return self.x.clone()
        self._go.put("go")
        kind, payload = self._out.get()
        if kind == "error":
            self.finished = True
            raise payload
        if kind == "end":
            self.finished = True
        self.x = self._tensor(payload)
        return self.x.clone()

    def close(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None or not thread.is_alive():
            return
        self._go.put("stop")
        thread.join()


def describe_step(method: str, terms: dict[str, float], momentum: float = 0.9, name: str = "x") -> str:
    """The arithmetic of one step of variable `name`, with its numbers: what Step teaches."""
    f = _num
    x, g, lr, new = terms["x"], terms["g"], terms["lr"], terms["new"]
    if method == "gd":
        lines = [f"{name} ← {name} − lr·g = {f(x)} − {f(lr)} × {f(g)} = {f(terms['free'])}"]
    elif method == "momentum":
        lines = [f"v ← β·v + g = {f(momentum)} × {f(terms['m0'])} + {f(g)} = {f(terms['m'])}",
                 f"{name} ← {name} − lr·v = {f(x)} − {f(lr)} × {f(terms['m'])} = {f(terms['free'])}"]
    else:
        b1, b2, t = FirstOrder.BETA1, FirstOrder.BETA2, int(terms["t"])
        m_hat, v_hat = terms["m"] / (1 - b1**t), terms["v"] / (1 - b2**t)
        lines = [f"m ← {b1:g}·m + {1 - b1:.1g}·g = {b1:g} × {f(terms['m0'])} + {1 - b1:.1g} × {f(g)} = {f(terms['m'])}",
                 f"v ← {b2:g}·v + {1 - b2:.1g}·g² = {b2:g} × {f(terms['v0'])} + {1 - b2:.1g} × {f(g)}² = "
                 f"{f(terms['v'])}",
                 f"m̂ = m / (1 − {b1:g}^{t}) = {f(m_hat)};  v̂ = v / (1 − {b2:g}^{t}) = {f(v_hat)}",
                 f"{name} ← {name} − lr·m̂ / (√v̂ + ε) = {f(x)} − {f(lr)} × {f(m_hat)} / ({f(v_hat ** 0.5)} + 1e-8) "
                 f"= {f(terms['free'])}"]
    if new != terms["free"]:
        lines.append(f"outside its bounds: kept at {f(new)}")
    return "\n".join(lines)


def _num(v: float) -> str:
    return f"{v:.6g}"


def make_method(name: str, x0: Tensor, merit: Evaluator, momentum: float = 0.9,
                lower: Tensor | None = None, upper: Tensor | None = None) -> Method:
    """The method called `name`; L-BFGS becomes scipy's L-BFGS-B when the variables are bounded."""
    if name == "lbfgs":
        return LbfgsB(x0, merit, lower, upper) if lower is not None or upper is not None else Lbfgs(x0, merit)
    return FirstOrder(name, x0, momentum, lower, upper)
