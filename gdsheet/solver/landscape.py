"""The loss landscape: the objective over a grid of values of two variables (or along one), the others held.

Every grid point is one evaluation of the compiled program; torch.func.vmap turns the program's function of one
vector of variables into a function of a batch of them, so a 100x100 grid is one batched forward pass (in chunks
that bound the memory: a chunk of points times the rows of every intermediate column). Programs that vmap cannot
batch (a step that reads a value into Python) are evaluated point by point, with the same result.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import torch
from torch import Tensor

CHUNK_ELEMENTS = 8_000_000  # points per chunk x rows of the program: about 64 MB per float64 intermediate
# a `light` evaluation (beside a running solve) keeps every op under torch's parallel grain (32768 elements), so it
# runs on the calling thread alone: it neither takes the solver's cores nor waits for a busy thread pool
LIGHT_ELEMENTS = 30_000
PAD = 0.15  # the share of the path's extent added on each side, so the path does not touch the frame
# row evaluations one picture may cost (100x100 points over 2,000 rows): past it, a mean or sum over rows is
# estimated from a fixed sample of its rows (as a mini-batch is), and any other objective gets fewer points
BUDGET = 20_000_000
MIN_SAMPLE, MIN_SIDE = 1_000, 15


@dataclass(frozen=True)
class Surface:
    """The objective at every (xs[j], ys[i]) in z[i, j], variable `i_x` along x and `i_y` along y, the others at
    `held`. NaN where the sheet gives an error (Excel's #DIV/0! and the like) or an infinite value."""

    i_x: int
    i_y: int
    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray
    held: tuple[float, ...]
    sampled: int | None = None  # rows the objective was estimated from, when a sample (see BUDGET)


@dataclass(frozen=True)
class Profile:
    """The objective along variable `i` (xs -> f), the others at `held`; at the current value x: f(x), f'(x)."""

    i: int
    xs: np.ndarray
    f: np.ndarray
    x: float
    fx: float
    slope: float
    held: tuple[float, ...]
    sampled: int | None = None


def objective_of(problem, sample: Tensor | None = None) -> Callable[[Tensor], Tensor]:
    """x -> the objective cell's value (0-d): what the landscape shows, whatever the sense or constraints; with
    `sample` (row indexes), estimated from those rows."""
    return lambda x: problem.evaluate(x, sample)[0]


def row_sample(problem, points: int, rows: int | None) -> Tensor | None:
    """A fixed sample of rows for `points` evaluations over `rows` rows past BUDGET, when the objective is a mean
    or sum over rows (problem.batch_rows); None: every row."""
    n = getattr(problem, "batch_rows", None)
    if not rows or not n or rows * points <= BUDGET:
        return None
    k = min(n, max(MIN_SAMPLE, BUDGET // points))
    if k >= n:
        return None
    gen = torch.Generator().manual_seed(0)
    return torch.randperm(n, generator=gen)[:k].sort().values.to(problem.x0.device)


def side(n: int, rows: int | None, sampled: bool) -> int:
    """Points per side for a grid of n x n over `rows` rows within BUDGET (unless rows are sampled)."""
    if sampled or not rows or rows * n * n <= BUDGET:
        return n
    return max(MIN_SIDE, int(math.sqrt(BUDGET / rows)))


def evaluate_points(f: Callable[[Tensor], Tensor], points: Tensor, rows: int | None = None,
                    light: bool = False) -> np.ndarray:
    """f at every row of `points` (P x n), batched with vmap in chunks of about CHUNK_ELEMENTS / rows points
    (LIGHT_ELEMENTS / rows when `light`)."""
    chunk = max(1 if light else 16, (LIGHT_ELEMENTS if light else CHUNK_ELEMENTS) // max(rows or 1, 1))
    out = []
    threads = torch.get_num_threads()
    if light:  # one thread: MKL's and OpenMP's pools, shared with the running solve, stall both when contended
        torch.set_num_threads(1)
    try:
        _evaluate(f, points, chunk, out)
    finally:
        if light:
            torch.set_num_threads(threads)
    values = torch.cat(out).to(torch.float64).cpu().numpy()
    values[~np.isfinite(values)] = np.nan
    return values


def _evaluate(f, points: Tensor, chunk: int, out: list) -> None:
    with torch.no_grad():
        try:
            batched = torch.func.vmap(f)
            for start in range(0, points.shape[0], chunk):
                out.append(batched(points[start:start + chunk]).reshape(-1))
        except Exception:  # a step vmap cannot batch (it reads a value into Python): one point at a time
            out[:] = [torch.stack([f(p).reshape(()) for p in points])]


def surface(problem, x: Sequence[float], i_x: int, i_y: int, xs: Sequence[float], ys: Sequence[float],
            rows: int | None = None, light: bool = False) -> Surface:
    """The objective over the grid xs x ys of variables i_x and i_y, the others held at x."""
    like = problem.x0
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    sample = row_sample(problem, len(xs) * len(ys), rows)
    n = side(max(len(xs), len(ys)), rows, sample is not None)
    if n < max(len(xs), len(ys)):  # too many rows to sample: fewer points
        xs, ys = np.linspace(xs[0], xs[-1], n), np.linspace(ys[0], ys[-1], n)
    base = torch.as_tensor(list(x), dtype=like.dtype, device=like.device)
    gx, gy = np.meshgrid(xs, ys)
    points = base.repeat(gx.size, 1)
    points[:, i_x] = torch.as_tensor(gx.reshape(-1), dtype=like.dtype, device=like.device)
    points[:, i_y] = torch.as_tensor(gy.reshape(-1), dtype=like.dtype, device=like.device)
    used = rows if sample is None else sample.numel()
    z = evaluate_points(objective_of(problem, sample), points, used, light).reshape(gx.shape)
    return Surface(i_x, i_y, xs, ys, z, tuple(float(v) for v in x),
                   None if sample is None else sample.numel())


def profile(problem, x: Sequence[float], i: int, xs: Sequence[float], rows: int | None = None,
            light: bool = False) -> Profile:
    """The objective along variable i over xs, and its value and slope at x[i] (autograd)."""
    like = problem.x0
    sample = row_sample(problem, len(xs), rows)
    if sample is None and rows and rows * len(xs) > BUDGET:
        xs = np.linspace(xs[0], xs[-1], max(MIN_SIDE, BUDGET // rows))
    base = torch.as_tensor(list(x), dtype=like.dtype, device=like.device)
    points = base.repeat(len(xs), 1)
    points[:, i] = torch.as_tensor(np.asarray(xs, float), dtype=like.dtype, device=like.device)
    f = evaluate_points(objective_of(problem, sample), points, rows if sample is None else sample.numel(), light)
    xg = base.clone().requires_grad_(True)
    fx = objective_of(problem)(xg)
    slope = math.nan
    if fx.requires_grad:
        g = torch.autograd.grad(fx, xg, allow_unused=True)[0]
        slope = 0.0 if g is None else float(g[i])
    elif torch.isfinite(fx):
        slope = 0.0
    return Profile(i, np.asarray(xs, float), f, float(base[i]), float(fx.detach()), slope,
                   tuple(float(v) for v in x), None if sample is None else sample.numel())


def span(values: Sequence[float], minimum: float = 1e-3) -> tuple[float, float]:
    """An axis range that holds every value of a path with PAD to spare; around a single value (or a path that has
    not moved), half as wide as the value itself on each side, and never narrower than `minimum` each way."""
    v = np.asarray([a for a in values if math.isfinite(a)], float)
    if v.size == 0:
        return -1.0, 1.0
    lo, hi = float(v.min()), float(v.max())
    half = max((hi - lo) * (0.5 + PAD), 0.5 * max(abs(lo), abs(hi)) if hi - lo == 0 else 0.0, minimum)
    mid = (lo + hi) / 2
    return mid - half, mid + half


def grid(lo: float, hi: float, n: int) -> np.ndarray:
    return np.linspace(lo, hi, n)


def covers(lo: float, hi: float, values: Sequence[float]) -> bool:
    """Whether every finite value lies within [lo, hi] (the shown range still holds the path)."""
    v = [a for a in values if math.isfinite(a)]
    return not v or (min(v) >= lo and max(v) <= hi)
