"""Linear models read from the compiled graph: the coefficients by backward passes, linearity confirmed numerically.

A model is linear (affine) when the objective and every constraint residual are affine in the variables. The
coefficients are the Jacobian of those outputs, constant for an affine model: one reverse pass per output (the
objective's gradient is its coefficient row; each constraint row is one more), batched through torch's vmapped
autograd, so a 10,000-variable transport model with a few hundred constraints costs a few hundred backward passes
of one graph rather than one probe evaluation per variable. Linearity is then confirmed at random points, where the
values must match the affine prediction and the gradients the coefficients at the start.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch

from gdsheet.solver.problem import Problem

RTOL = 1e-7  # relative mismatch above which a point is judged off the affine prediction


@dataclass(frozen=True)
class Affine:
    """objective(x) = c @ x + c0; residuals(x) = A @ x + r0 (rows of A sparse, one per residual)."""

    c: np.ndarray
    c0: float
    A: sp.csr_matrix
    r0: np.ndarray


class NotLinear(Exception):
    """Raised with `output`: -1 for the objective, i >= 0 for residual row i, and the point where it showed."""

    def __init__(self, output: int, x: torch.Tensor):
        super().__init__(output)
        self.output, self.x = output, x


def _outputs(problem: Problem, x: torch.Tensor) -> torch.Tensor:
    f, res = problem.evaluate(x, None)
    return torch.cat([f.reshape(1).to(x.dtype), res.reshape(-1).to(x.dtype)])


def jacobian(problem: Problem, x: torch.Tensor, groups: list[np.ndarray] | None = None,
             seed: int = 0) -> tuple[np.ndarray, sp.csr_matrix]:
    """(outputs at x, their Jacobian as a sparse matrix) from a few weighted reverse passes.

    A set of outputs is read together in two reverse passes, each weighting its rows by random numbers: where a
    variable is read by one row of the set, the two sums are in the ratio of that row's weights, and the entry is
    that row's coefficient; where rows share a variable the ratio matches none of them, and the set is split and
    tried again. `groups` are the parts to split along first (the Simplex engine passes the objective, then one
    part per constraint range; rows of one range rarely share variables, a column of row sums or a row of column
    sums): the first part is read alone, the others together, then by halves of the parts, then by halves of a
    part's rows. A transport model with its supply and demand ranges costs nine passes, not one per row (or one
    probe per variable); 200 single-cell constraints listed supply first cost about as few."""
    xg = x.detach().clone().requires_grad_(True)
    out = _outputs(problem, xg)
    m, n = out.numel(), xg.numel()
    values = out.detach().cpu().numpy().astype(np.float64)
    if not out.requires_grad:  # nothing depends on the variables
        return values, sp.csr_matrix((m, n))
    gen = np.random.default_rng(seed)
    parts = [np.asarray(g, dtype=np.int64) for g in (groups or [np.arange(m)]) if len(g)]
    todo = [parts[:1], parts[1:]] if len(parts) > 1 else [parts]  # each item: the parts read together
    found = []
    while todo:
        item = todo.pop()
        got = _recover(out, xg, np.concatenate(item), gen)
        if got is not None:
            found.append(got)
        elif len(item) > 1:  # parts share variables: split between parts first
            todo += [item[: len(item) // 2], item[len(item) // 2:]]
        else:  # rows of one part share variables: halve it
            rows = item[0]
            todo += [[rows[: rows.size // 2]], [rows[rows.size // 2:]]]
    if not found:
        return values, sp.csr_matrix((m, n))
    rows, cols, vals = (np.concatenate(p) for p in zip(*found))
    return values, sp.csr_matrix((vals, (rows, cols)), shape=(m, n))


def _pass(out: torch.Tensor, x: torch.Tensor, weights: np.ndarray) -> np.ndarray:
    """weights @ J at x. The weighted sum is differentiated as a scalar: a grad_outputs tensor would make torch
    import its symbolic-shapes machinery (about a second, once per process)."""
    w = torch.as_tensor(weights, dtype=out.dtype, device=out.device)
    g = torch.autograd.grad((out * w).sum(), x, retain_graph=True, allow_unused=True)[0]
    return np.zeros(x.numel()) if g is None else g.detach().cpu().numpy().astype(np.float64)


def _recover(out: torch.Tensor, x: torch.Tensor, group: np.ndarray, gen: np.random.Generator):
    """(rows, cols, values) of the group's Jacobian rows, or None when two of its rows share a variable."""
    w1 = np.zeros(out.numel())
    if group.size == 1:
        w1[group] = 1.0  # a weight of 1 reads the coefficients exactly (no division)
        g1 = _pass(out, x, w1)
        cols = np.flatnonzero(g1)
        return np.full(cols.size, group[0]), cols, g1[cols]
    w1[group] = gen.uniform(1.0, 2.0, group.size)
    g1 = _pass(out, x, w1)
    w2 = np.zeros(out.numel())
    w2[group] = gen.uniform(1.0, 2.0, group.size)
    g2 = _pass(out, x, w2)
    cols = np.flatnonzero((g1 != 0) | (g2 != 0))
    if np.any(g1[cols] == 0) or np.any(g2[cols] == 0):
        return None
    ratio = g1[cols] / g2[cols]
    q = w1[group] / w2[group]
    order = np.argsort(q)
    qs = q[order]
    k = np.searchsorted(qs, ratio)
    lo, hi = np.clip(k - 1, 0, qs.size - 1), np.clip(k, 0, qs.size - 1)
    near = np.where(np.abs(qs[lo] - ratio) <= np.abs(qs[hi] - ratio), lo, hi)
    if not np.all(np.abs(qs[near] - ratio) <= 1e-9 * qs[near]):
        return None
    rows = group[order[near]]
    # the rows' supports are disjoint: weights of 1 give every coefficient exactly, with no division
    ones = np.zeros(out.numel())
    ones[group] = 1.0
    return rows, cols, _pass(out, x, ones)[cols]


def affine(problem: Problem, groups: list[np.ndarray] | None = None, points: int = 2, seed: int = 0) -> Affine:
    """The affine form of `problem`, or NotLinear naming the first output that is not affine (checked at the start
    and at `points` random points spread over the bounds, or around the start where a side is unbounded).
    `groups`: output indexes (0 the objective, 1.. the residual rows) read together, see jacobian."""
    x0 = problem.x0.detach()
    v0, J = jacobian(problem, x0, groups, seed)
    if not np.all(np.isfinite(v0)):
        raise NotLinear(int(np.flatnonzero(~np.isfinite(v0))[0]) - 1, x0)
    x0n = x0.cpu().numpy().astype(np.float64)
    const = v0 - J @ x0n
    gen = np.random.default_rng(seed)
    for x in _probe_points(problem, gen, points):
        xt = torch.as_tensor(x, dtype=x0.dtype, device=x0.device)
        predicted = const + J @ x
        w = gen.standard_normal(v0.size)  # one reverse pass checks every row's gradient at once
        xg = xt.clone().requires_grad_(True)
        out = _outputs(problem, xg)
        got = out.detach().cpu().numpy().astype(np.float64)
        bad = ~_close(got, predicted, np.abs(const) + np.abs(J) @ np.abs(x))
        if bad.any():
            raise NotLinear(int(np.flatnonzero(bad)[0]) - 1, xt)
        if out.requires_grad:
            g = _pass(out, xg, w)
            expect = J.T @ w
            if not np.all(_close(g, expect, np.abs(J).T @ np.abs(w))):
                raise NotLinear(_first_changed_row(problem, xt, J), xt)
    return Affine(np.asarray(J[0].todense()).ravel(), float(const[0]), J[1:].tocsr(), const[1:])


def _close(got: np.ndarray, want: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return np.isfinite(got) & (np.abs(got - want) <= RTOL * (1.0 + np.abs(want) + scale))


def _first_changed_row(problem: Problem, x: torch.Tensor, J: sp.csr_matrix) -> int:
    """The first output whose gradient at x differs from its coefficients (rows checked one pass each)."""
    _, Jx = jacobian(problem, x, [np.array([i]) for i in range(J.shape[0])])
    diff = abs(Jx - J)
    scale = 1.0 + abs(J).max(axis=1).toarray().ravel()
    worst = diff.max(axis=1).toarray().ravel() if diff.nnz else np.zeros(J.shape[0])
    bad = np.flatnonzero(worst > RTOL * scale)
    return int(bad[0]) - 1 if bad.size else -1


def _probe_points(problem: Problem, gen: np.random.Generator, k: int) -> list[np.ndarray]:
    x0 = problem.x0.detach().cpu().numpy().astype(np.float64)
    lo, hi = box(problem)
    return [lo + gen.random(x0.size) * (hi - lo) for _ in range(k)]


def box(problem: Problem, x0: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A finite box to sample in: the bounds where given; elsewhere the start plus or minus its own magnitude
    (at least 1), reaching from a one-sided bound by the same width."""
    x0 = problem.x0.detach().cpu().numpy().astype(np.float64) if x0 is None else x0
    n = x0.size
    lo = problem.lower.cpu().numpy().astype(np.float64) if problem.lower is not None else np.full(n, -np.inf)
    hi = problem.upper.cpu().numpy().astype(np.float64) if problem.upper is not None else np.full(n, np.inf)
    r = np.maximum(np.abs(x0), 1.0)
    a = np.where(np.isfinite(lo), lo, np.where(np.isfinite(hi), np.minimum(x0, hi) - r, x0 - r))
    b = np.where(np.isfinite(hi), hi, np.where(np.isfinite(lo), np.maximum(x0, lo) + r, x0 + r))
    return a, np.maximum(a, b)


def nonlinear_cell(program, problem: Problem, x: torch.Tensor, seed: int = 1):
    """The first compiled formula cell (in calculation order) whose value is not affine along a line through x:
    the cell where linearity breaks. None when every cell looks affine (the break is in how cells are compared)."""
    gen = np.random.default_rng(seed)
    lo, hi = box(problem)
    d = torch.as_tensor((hi - lo) * (gen.random(lo.size) - 0.5) * 0.5, dtype=x.dtype, device=x.device)
    e = torch.as_tensor((hi - lo) * (gen.random(lo.size) - 0.5) * 0.5, dtype=x.dtype, device=x.device)
    a, b, c, p, q = (program.cells(y) for y in (x, x + d, x + 2 * d, x + e, x + d + e))
    for cell, v0 in a.items():
        vals = [v0, b.get(cell), c.get(cell), p.get(cell), q.get(cell)]
        if not all(isinstance(v, float) for v in vals):
            continue
        v0, v1, v2, ve, vde = vals
        scale = 1.0 + max(abs(v) for v in vals if math.isfinite(v)) if any(map(math.isfinite, vals)) else 1.0
        if not all(map(math.isfinite, vals)):
            return cell
        if abs(v2 - 2 * v1 + v0) > RTOL * scale or abs(vde - v1 - ve + v0) > RTOL * scale:
            return cell
    return None
