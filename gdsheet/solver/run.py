"""The solve loop: a plain generator of immutable progress records, plus prepare (compile a model) and apply."""
from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, replace
from typing import Iterator, Sequence

import torch
from torch import Tensor

from gdsheet.errors import SolverModelError
from gdsheet.sheet.workbook import CellId, Workbook
from gdsheet.solver import divergence
from gdsheet.solver.methods import make_method
from gdsheet.solver.model import SolverModel, SolverOptions
from gdsheet.solver.problem import Merit, Point, Problem
from gdsheet.solver.schedules import lr_at

# Excel's Convergence: converged when the objective improved by less than `tolerance` (relative) over the last
# iterations. An L-BFGS iteration is a line-searched step like GRG's: 5 of them, and the square of the tolerance,
# since near the optimum they converge superlinearly and a few more buy the last digits. A first-order step is
# small by design, so its progress is judged over 100 of them, by the best value seen (it may oscillate).
WINDOW = {"lbfgs": 5, "gd": 100, "momentum": 100, "adam": 100}
SPREAD = 2.0  # random starts vary an unbounded variable by up to this many times its starting magnitude
MAX_UPDATES = 30  # multiplier updates of the augmented Lagrangian before giving up on feasibility


@dataclass(frozen=True)
class Progress:
    """One iteration (or the end) of a solve. `loss` is the objective cell's value at `values`; `best_loss` the
    best seen so far; `elapsed` seconds of solve time; `grad_norm` the norm of the gradient that drove the step.
    The last record has done=True, `values` the best values found, and `status` and `message` the outcome.
    `start` numbers the multistart run (0-based); `violation` is the largest constraint violation. `spread`, from
    population methods, is the (10th, 90th) percentile objective of the current population, for a band."""

    iteration: int
    loss: float
    best_loss: float
    elapsed: float
    grad_norm: float
    lr: float
    values: tuple[float, ...]
    done: bool = False
    status: str | None = None
    message: str | None = None
    start: int = 0
    violation: float = 0.0
    spread: tuple[float, float] | None = None


class Solve:
    """A prepared solve: `run()` iterates to the end; `step()` advances exactly one iteration; both continue the same
    descent. Nothing here touches the workbook: the caller applies `values` with `apply`."""

    def __init__(self, problem: Problem, options: SolverOptions, variables: Sequence[CellId] = (),
                 warnings: Sequence[str] = (), objective: CellId | None = None, program: object = None):
        if options.batch_size is not None:
            if options.method == "lbfgs":
                raise SolverModelError("mini-batches need gd, momentum or adam: L-BFGS uses every row at every step")
            if problem.batch_rows is None:
                raise SolverModelError("mini-batches need an objective that is a mean or sum over rows of per-row "
                                       "formulas, such as =AVERAGE(E2:E713)")
        self.problem, self.options = problem, options
        self.variables = list(variables)
        self.start = tuple(problem.x0.tolist())
        self.warnings = list(warnings)
        self.objective, self.program = objective, program  # the objective cell and compiled Program, if any
        self.rows: tuple = ()  # build.Row per residual, for the multipliers of the Sensitivity report
        self.optimality = None  # kkt.Optimality at the end of the last start that settled
        self.ends: list[float] = []  # the objective where each start settled (feasible), for the local minima
        # a fixed learning rate cannot descend a very stiff penalty: first-order methods keep it moderate
        self._merit = Merit(problem, max_penalty=1e8 if options.method == "lbfgs" else 1e4)
        self._stop: threading.Event | None = None
        self._last: Progress | None = None
        self._method = None  # the method of the current start, for explain()
        # False lets a diverging run go on to its iteration limit (while the loss stays finite), so a learner can
        # watch it grow; the outcome is still reported as diverged
        self.stop_on_divergence = True
        self._records = self._iterate()

    # ---- public API ---------------------------------------------------------------------------------------------

    def run(self, stop: threading.Event | None = None) -> Iterator[Progress]:
        """Progress records from where the solve stands (iteration 0, the start, on a fresh solve) to the end."""
        self._stop = stop
        if self._last is not None and self._last.done:
            yield self._last
            return
        for record in self._records:
            self._last = record
            yield record

    def step(self) -> Progress:
        """Exactly one iteration (the first call also evaluates the start); after the end, the final record."""
        if self._last is None:
            self._last = next(self._records)
        if not self._last.done:
            self._last = next(self._records)
        return self._last

    def explain(self, i: int, name: str = "x") -> str | None:
        """The arithmetic of the last step for variable i (x <- x - lr*g with the numbers; momentum's and Adam's
        terms too); None before the first step or for L-BFGS, whose step a line search chooses."""
        from gdsheet.solver.methods import describe_step

        terms = getattr(self._method, "step_terms", lambda i: None)(i)
        if terms is None:
            return None
        return describe_step(self.options.method, terms, self.options.momentum, name)

    def gradient(self, values: Sequence[float]) -> tuple[float, ...]:
        """d objective / d variable at `values` (the objective cell itself, whatever the sense): sensitivities."""
        x = torch.tensor(list(values), dtype=self.problem.x0.dtype, device=self.problem.x0.device)
        x.requires_grad_(True)
        f, _ = self.problem.evaluate(x, None)
        g = torch.autograd.grad(f, x, allow_unused=True)[0] if f.requires_grad else None
        return tuple((torch.zeros_like(x) if g is None else g).tolist())

    def multipliers(self, values: Sequence[float]) -> list[tuple[object, str, float]]:
        """(constraint cell, constraint, Lagrange multiplier) per constraint row at `values`: d objective / d
        right-hand side, as Excel's GRG Sensitivity report gives them."""
        from gdsheet.solver.kkt import optimality

        x = torch.tensor(list(values), dtype=self.problem.x0.dtype, device=self.problem.x0.device)
        lam = optimality(self.problem, x, self.options.precision).multipliers
        sense = {"min": -1.0, "max": 1.0}.get(self.problem.sense, -1.0)
        return [(row.cell, str(row.constraint), float(sense * row.sign * lam[i]) + 0.0)
                for i, row in enumerate(self.rows)]

    def reduced_gradient(self, values: Sequence[float]) -> tuple[float, ...]:
        """The gradient of the Lagrangian at `values`, in the objective's terms: what Excel calls the reduced
        gradient (near 0 for a variable strictly between its bounds at an optimum)."""
        from gdsheet.solver.kkt import optimality

        x = torch.tensor(list(values), dtype=self.problem.x0.dtype, device=self.problem.x0.device)
        reduced = optimality(self.problem, x, self.options.precision).reduced
        return tuple(float(v) * (-1.0 if self.problem.sense == "max" else 1.0) for v in reduced)

    def minima(self) -> list[float]:
        """The distinct objectives at which the starts settled (within 1e-6, relative), best first."""
        out: list[float] = []
        for v in sorted(e for e in self.ends if math.isfinite(e)):
            if not out or abs(v - out[-1]) > 1e-6 * (1.0 + abs(out[-1])):
                out.append(v)
        return out if self.problem.sense != "max" else out[::-1]

    def _depends(self) -> bool:
        """Whether any formula leads from the variables to the objective (or to a constraint)."""
        x = self.problem.x0.detach().clone().requires_grad_(True)
        try:
            f, res = self.problem.evaluate(x, None)
        except RuntimeError:
            return True  # the loop reports what goes wrong, where it does
        return bool(f.requires_grad or (res.numel() and res.requires_grad))

    def _settled_optimum(self, point: Point) -> bool:
        """Whether `point` is a KKT point (small projected gradient), not merely where the descent stopped."""
        from gdsheet.solver.kkt import optimality

        opt = optimality(self.problem, point.x, self.options.precision)
        self.optimality = opt
        return opt.satisfied(point.score, self.options.tolerance)

    # ---- the loop -----------------------------------------------------------------------------------------------

    def _iterate(self) -> Iterator[Progress]:
        o, merit = self.options, self._merit
        clock = _Clock()
        batching = o.batch_size is not None and o.batch_size < (self.problem.batch_rows or 0)
        gen = torch.Generator().manual_seed(o.seed)
        best: Point | None = None
        best_start, best_iteration, after_best = 0, 0, None
        iteration, outcome, message = 0, "converged", None
        if not self._depends():
            point = merit(self.problem.x0, grad=False)
            yield from clock.pause(self._record(0, point, point, 0.0, o.lr, 0))
            cell = f" {_cell(self.objective)}" if self.objective else ""
            text = f"the objective{cell} does not depend on the variable cells: no formula leads from them to it"
            yield from clock.pause(self._final(0, point, 0, "independent", text))
            return
        for s, x0 in enumerate(self._starts(gen)):
            merit.reset()
            point = merit(x0, grad=not batching)
            if s:
                iteration += 1  # moving to a new start counts as an iteration
            if _better(point, best, o.precision):
                best, best_start, best_iteration, after_best = point, s, iteration, None
            watch = divergence.Watch(float(point.merit), point.score)
            rows = _Batches(self.problem.batch_rows, o.batch_size, gen, x0.device) if batching else None
            window = _Convergence(WINDOW[o.method], o.tolerance ** 2 if o.method == "lbfgs" else o.tolerance,
                                  1e-12 * (1.0 + abs(float(point.merit))))
            yield from clock.pause(self._record(iteration, point, best, 0.0, o.lr, s))
            method = self._method = make_method(o.method, point.x, merit, o.momentum, self.problem.lower,
                                                self.problem.upper)
            diverged = None  # the message, once a run let go on (stop_on_divergence False) has diverged
            k = since_update = updates = 0
            try:
                while True:
                    if self._stop is not None and self._stop.is_set():
                        outcome = "stopped"
                        break
                    if clock.elapsed >= o.time_limit:
                        outcome = "time limit"
                        break
                    if k >= o.iterations:
                        outcome = "iteration limit"
                        break
                    lr = lr_at(o.schedule, o.lr, k, o.iterations)
                    drive = merit(point.x, rows=rows.next()) if rows else point
                    point = merit(method.step(drive, lr), grad=not batching)
                    k, since_update, iteration = k + 1, since_update + 1, iteration + 1
                    gnorm = _norm(drive)
                    if diverged is None and watch.diverged(float(point.merit)):
                        diverged = self._diverged(best, after_best if after_best is not None else point.x,
                                                  point, iteration - best_iteration, drive)
                    if diverged is not None and (self.stop_on_divergence or not math.isfinite(point.merit)
                                                 or k >= o.iterations):
                        outcome, message = "diverged", diverged
                        yield from clock.pause(self._record(iteration, point, best, gnorm, lr, s))
                        break
                    if _better(point, best, o.precision):
                        best, best_start, best_iteration, after_best = point, s, iteration, None
                    elif after_best is None and math.isfinite(point.score):
                        after_best = point.x
                    yield from clock.pause(self._record(iteration, point, best, gnorm, lr, s))
                    # a mini-batch loss moves with the rate, not with progress: batching runs to its limits
                    settled = window.settled(float(point.merit)) and not batching
                    done = settled or method.finished or gnorm == 0.0
                    if not (done or since_update >= 200):
                        continue
                    if self.problem.constrained and point.violation > o.precision and updates < MAX_UPDATES:
                        merit.update(point, settled)  # the inner solve is done: move the multipliers, go on
                        updates, since_update = updates + 1, 0
                        point = merit(point.x, grad=not batching)
                        method.reset(point.x)
                        window.clear()
                        watch = divergence.Watch(float(point.merit), point.score)  # a new merit: judge afresh
                        continue
                    if done:
                        outcome = "converged" if self._settled_optimum(point) else "stalled"
                        break
            finally:
                method.close()
            if outcome in ("converged", "stalled") and point.violation <= o.precision:
                self.ends.append(point.objective)
            if outcome in ("stopped", "time limit", "diverged"):
                break
        yield from clock.pause(self._final(iteration, best, best_start, outcome, message, starts=s + 1))

    def _starts(self, gen: torch.Generator) -> Iterator[Tensor]:
        """The given start, then K-1 seeded random starts that explore. A variable with both bounds is sampled
        uniformly between them, as Excel's Multistart samples within the bounds. Elsewhere a variable is sampled
        uniformly within SPREAD times the scale the user initialised at around the start: its own starting
        magnitude, at least the largest one (1 when all are 0), so the course's =RAND()-0.5 weights get starts of
        about +-1, wider than where the user began, since the point is to reach other basins (on the course's
        two-unit ReLU net a narrower, per-variable spread found fewer of them). A variable bounded on one side only
        starts from that bound and spans the same width."""
        p = self.problem
        x0 = p.x0.detach()
        yield x0
        mags = x0.abs()
        nonzero = mags[(mags > 0) & torch.isfinite(mags)]
        r = torch.full_like(x0, SPREAD * (float(nonzero.max()) if nonzero.numel() else 1.0))
        lo, hi = x0 - r, x0 + r
        if p.lower is not None:
            has = torch.isfinite(p.lower)
            lo = torch.where(has, torch.maximum(lo, p.lower), lo)
            hi = torch.where(has & (hi <= p.lower), p.lower + r, hi)
        if p.upper is not None:
            has = torch.isfinite(p.upper)
            hi = torch.where(has, torch.minimum(hi, p.upper), hi)
            lo = torch.where(has & (lo >= p.upper), p.upper - r, lo)
        if p.lower is not None and p.upper is not None:
            both = torch.isfinite(p.lower) & torch.isfinite(p.upper)
            lo, hi = torch.where(both, p.lower, lo), torch.where(both, p.upper, hi)
        lo = torch.minimum(lo, hi)
        for _ in range(self.options.multistart - 1):
            # drawn by the CPU generator whatever the device: a seed gives the same starts on a GPU
            u = torch.rand(x0.shape, generator=gen, dtype=x0.dtype, device="cpu").to(x0.device)
            yield lo + u * (hi - lo)

    def _record(self, iteration: int, point: Point, best: Point, grad_norm: float, lr: float,
                start: int) -> Progress:
        return Progress(iteration, point.objective, best.objective, 0.0, grad_norm, lr,
                        tuple(point.x.tolist()), start=start, violation=point.violation)

    def _final(self, iteration: int, best: Point, best_start: int, outcome: str, message: str | None,
               starts: int = 1) -> Progress:
        o = self.options
        tolerance = o.tolerance ** 2 if o.method == "lbfgs" else o.tolerance
        if starts > 1 and outcome in ("converged", "stalled"):
            # the answer is the best start's point: judge that one, not wherever the last start settled
            outcome = "converged" if self._settled_optimum(best) else "stalled"
        words = {
            "converged": f"converged: the objective improved by less than {tolerance:g} (relative) over the last "
                         f"{WINDOW[o.method]} iterations" if tolerance > 0 else
                         "converged: the gradient vanished or the method could make no further progress",
            "iteration limit": f"stopped at the iteration limit ({o.iterations}"
                               f"{' per start' if o.multistart > 1 else ''}) before converging",
            "time limit": f"stopped at the time limit of {o.time_limit:g} s",
            "stopped": "stopped on request",
            "stalled": "stopped without converging: the objective stopped improving, but the slope is still "
                       f"{self.optimality.scaled if self.optimality else math.nan:.3g} (largest projected gradient "
                       "times its variable's size): not a minimum; try more iterations, another method or a "
                       "smaller learning rate",
        }
        if outcome == "converged" and self.optimality is not None:
            words["converged"] += f"; the projected gradient is {self.optimality.scaled:.2g}"
        infeasible = self.problem.constrained and best.violation > o.precision
        if infeasible and outcome in ("converged", "stalled"):
            outcome = "infeasible"
            words["infeasible"] = "Solver could not find a feasible solution"
        text = message or words[outcome]
        text += f"; objective {best.objective:.10g}"
        if starts > 1:
            text += f", the best of {starts} starts (start {best_start + 1})"
            minima = self.minima()
            if minima:
                shown = ", ".join(f"{v:.7g}" for v in minima[:6]) + (f" and {len(minima) - 6} more"
                                                                      if len(minima) > 6 else "")
                text += f"; {len(minima)} distinct local minim{'um' if len(minima) == 1 else 'a'} found: {shown}"
        elif o.multistart > 1:
            text += f" (start 1 of {o.multistart})"
        if self.problem.constrained:
            text += f"; largest constraint violation {best.violation:.3g}"
            if best.violation > o.precision:
                text += f" (above the precision {o.precision:g}: no feasible point was found)"
        if self.warnings:
            text += "; " + "; ".join(self.warnings)
        return Progress(iteration, best.objective, best.objective, 0.0, 0.0, o.lr, tuple(best.x.tolist()),
                        done=True, status=outcome, message=text, start=best_start, violation=best.violation)

    def _diverged(self, best: Point, after: Tensor, bad: Point, steps: int, drive: Point) -> str:
        lam = math.nan
        if self.options.method in ("gd", "momentum"):
            lams = [divergence.curvature(lambda y: self._merit.tensor(y)[0], x) for x in (best.x, after)]
            lams = [v for v in lams if math.isfinite(v)]
            lam = max(lams) if lams else math.nan
        text = divergence.advice(self.options.method, self.options.lr, best.objective, bad.objective, steps, lam)
        return text + "; the best values seen are kept"


def prepare(wb: Workbook, model: SolverModel, sheet: str | None = None):
    """Compile `model` for solving with its engine (solver_eng: 1 GRG Nonlinear, gdsheet's gradient methods;
    2 Simplex LP, HiGHS; 3 Evolutionary); raises SolverModelError or CompileError with a message for the user.
    Every prepared solve has Solve's interface (run, step, gradient, variables, start, warnings)."""
    from gdsheet.solver.build import build
    from gdsheet.solver.validate import check_model

    check_model(wb, model, wb.sheet(sheet).name)
    built = build(wb, model, sheet)
    integral = bool(built.integrality) and not model.options.ignore_integer
    if model.engine == 2:
        from gdsheet.solver.simplex import LinearSolve

        return LinearSolve(built, model)
    if model.engine == 3:
        from gdsheet.solver.evolutionary import EvolutionarySolve

        return EvolutionarySolve(built, model)
    if integral:
        # GRG with integer constraints: Excel branches and bounds over GRG; a linear model is solved exactly
        from gdsheet.solver.simplex import LinearSolve

        try:
            return LinearSolve(built, model, note="(The model is linear: solved by Simplex LP, as integer "
                                                  "constraints need.)")
        except SolverModelError:
            con = built.integrality.constraints[0]
            raise SolverModelError(
                f"the constraint {con} needs whole-number values, and the model is not linear: gdsheet's gradient "
                "methods need continuous variables; choose the Evolutionary method, or remove the constraint "
                "(or check Ignore Integer Constraints)") from None
    solve = Solve(built.problem, model.options, built.variables, built.warnings, built.objective, built.program)
    solve.rows = built.rows
    return solve


def _cell(cell: CellId) -> str:
    from gdsheet.solver.build import cell_text

    return cell_text(cell)


def apply(wb: Workbook, variables: Sequence[CellId], values: Sequence[float]) -> set[CellId]:
    """Write `values` into the variable cells and recalculate; returns the cells whose shown value changed."""
    return wb.set_values([(s, r, c, float(v)) for (s, r, c), v in zip(variables, values)])


# ---- helpers ------------------------------------------------------------------------------------------------------

class _Clock:
    """Solve time: runs while the loop computes, stands still while a record waits for its consumer."""

    def __init__(self) -> None:
        self.elapsed = 0.0
        self._since = time.perf_counter()

    def pause(self, record: Progress) -> Iterator[Progress]:
        """Yield `record`, stamped with the solve time so far, without counting the consumer's time."""
        self.elapsed += time.perf_counter() - self._since
        yield replace(record, elapsed=self.elapsed)
        self._since = time.perf_counter()


class _Batches:
    """Mini-batches of rows: a seeded shuffle per epoch, cut into consecutive batches. The shuffle is drawn by the
    CPU generator (a seed gives the same batches on every device) and moved to the device once an epoch, so that a
    step's batch is a slice of a tensor already there, not a copy from the host."""

    def __init__(self, n: int, size: int, gen: torch.Generator, device: torch.device):
        self.n, self.size, self.gen, self.device = n, size, gen, device
        self._order = torch.empty(0, dtype=torch.long, device=device)

    def next(self) -> Tensor:
        if self._order.numel() < self.size:
            epoch = torch.randperm(self.n, generator=self.gen, device="cpu").to(self.device)
            self._order = torch.cat([self._order, epoch])
        batch, self._order = self._order[: self.size], self._order[self.size:]
        return batch


def _better(point: Point, best: Point | None, precision: float) -> bool:
    """Feasible beats infeasible; then lower score (or, among infeasible points, lower violation)."""
    if not math.isfinite(point.score):
        return False
    if best is None:
        return True
    key = lambda p: (p.violation > precision, p.violation if p.violation > precision else p.score)  # noqa: E731
    return key(point) < key(best)


def _norm(point: Point) -> float:
    return 0.0 if point.grad is None else float(point.grad.norm())


class _Convergence:
    """Settled when, over the last `window` iterations, the best merit improved by less than `tolerance` (relative)
    and no single step moved it by more: a slow descent is not settled, nor is a slow oscillation (momentum near 1)
    that merely fails to beat its best. `floor` (a tiny fraction of the start) lets a loss heading for 0 settle."""

    def __init__(self, window: int, tolerance: float, floor: float):
        self.tolerance, self.floor = tolerance, floor
        self.best: deque[float] = deque(maxlen=window + 1)
        self.seen: deque[float] = deque(maxlen=window + 1)

    def settled(self, merit: float) -> bool:
        merit = merit if math.isfinite(merit) else math.inf
        best = min(merit, self.best[-1]) if self.best else merit
        self.best.append(best)
        self.seen.append(merit)
        if len(self.best) < self.best.maxlen or not math.isfinite(self.best[0] + max(self.seen)):
            return False
        scale = max(abs(best), self.floor)
        steps = max(abs(b - a) for a, b in zip(self.seen, list(self.seen)[1:]))
        return (self.best[0] - best) / scale <= self.tolerance and steps / scale <= self.tolerance

    def clear(self) -> None:
        self.best.clear()
        self.seen.clear()
