"""The Evolutionary engine (solver_eng 3): scipy's differential evolution over the variable bounds, for models with
IF, lookups or ROUND in the path, then a gradient polish where the model is differentiable.

Excel's options map onto it as follows: Population Size (solver_ssz) is the number of members; Mutation Rate
(solver_mrt) is the chance that each variable of a trial member comes from its mutant (DE's crossover rate);
Random Seed (solver_rsd) seeds it; Convergence (solver_cvg) stops it once the population's objectives agree that
closely; Maximum Time without improvement (solver_mni) stops it when the best has not moved for that long. Each
generation is one Progress record whose `spread` is the population's 10th and 90th percentile objective.
"""
from __future__ import annotations

import math
import queue
import threading
import time
from dataclasses import replace
from typing import Iterator, Sequence

import numpy as np
import torch
from scipy.optimize import differential_evolution

from gdsheet.errors import SolverModelError
from gdsheet.solver import linear
from gdsheet.solver.build import Built, cell_text
from gdsheet.solver.model import SolverModel
from gdsheet.solver.recorded import RecordedSolve
from gdsheet.solver.run import Progress, Solve

MESSAGES = {
    "converged": "Solver has converged to the current solution.",
    "no improvement": "Solver cannot improve the current solution.",
    "iteration limit": "Solver stopped at the iteration limit.",
    "time limit": "Solver stopped at the time limit.",
    "stopped": "Solver was stopped.",
}


class EvolutionarySolve(RecordedSolve):
    """A prepared evolutionary solve, with the interface of run.Solve."""

    def __init__(self, built: Built, model: SolverModel):
        self.built, self.model, self.options = built, model, model.options
        self.problem, self.program = built.problem, built.program
        self.variables, self.objective = list(built.variables), built.objective
        self.start = tuple(self.problem.x0.tolist())
        self.warnings = list(built.warnings)
        if built.integrality.alldiff and not model.options.ignore_integer:
            raise SolverModelError("AllDifferent constraints need the Simplex LP method (a linear model) here")
        self.lower, self.upper = self._bounds()
        self.integer = np.zeros(len(self.variables), dtype=bool)
        if not model.options.ignore_integer:
            self.integer[list(built.integrality.integers) + list(built.integrality.binaries)] = True
        self._stop: threading.Event | None = None
        self._last: Progress | None = None
        self._records = self._iterate()

    def _bounds(self) -> tuple[np.ndarray, np.ndarray]:
        p = self.problem
        n = p.x0.numel()
        lo = p.lower.cpu().numpy().astype(float) if p.lower is not None else np.full(n, -np.inf)
        hi = p.upper.cpu().numpy().astype(float) if p.upper is not None else np.full(n, np.inf)
        for j in self.built.integrality.binaries:
            lo[j], hi[j] = max(lo[j], 0.0), min(hi[j], 1.0)
        open_ = ~(np.isfinite(lo) & np.isfinite(hi))
        if open_.any() and self.options.require_bounds:
            raise SolverModelError(
                f"All variables must have both upper and lower bounds for the Evolutionary method: "
                f"{cell_text(self.variables[int(np.flatnonzero(open_)[0])])} has "
                f"{'none' if not (np.isfinite(lo) | np.isfinite(hi))[open_][0] else 'only one'} (or uncheck "
                "Require Bounds on Variables)")
        a, b = linear.box(p)
        return np.where(np.isfinite(lo), lo, a), np.where(np.isfinite(hi), hi, b)

    # ---- the run.Solve interface --------------------------------------------------------------------------------

    def run(self, stop: threading.Event | None = None) -> Iterator[Progress]:
        self._stop = stop  # the population loop checks it between generations
        return super().run(stop)

    def gradient(self, values: Sequence[float]) -> tuple[float, ...]:
        return Solve(self.problem, self.options, self.variables).gradient(values)

    # ---- the solve ----------------------------------------------------------------------------------------------

    def _energy_fn(self):
        """(score + weight * violation, objective, violation) at a numpy point: what DE ranks members by."""
        p = self.problem
        eq = p.equality

        def evaluate(x: np.ndarray) -> tuple[float, float, float]:
            xt = torch.as_tensor(x, dtype=p.x0.dtype, device=p.x0.device)
            with torch.no_grad():
                f, res = p.evaluate(xt, None)
            f = float(f)
            score = f if p.sense == "min" else -f if p.sense == "max" else (f - p.target) ** 2
            viol = float(torch.where(eq.to(res.device), res.abs(), res.clamp(min=0)).sum()) if res.numel() else 0.0
            return score, f, viol

        s0, _, _ = evaluate(self.problem.x0.cpu().numpy())
        weight = 1e4 * (1.0 + abs(s0)) if math.isfinite(s0) else 1e4

        def energy(x: np.ndarray) -> float:
            score, _, viol = evaluate(x)
            e = score + weight * viol
            return e if math.isfinite(e) else 1e300

        return energy, evaluate

    def _iterate(self) -> Iterator[Progress]:
        o = self.options
        energy, evaluate = self._energy_fn()
        x0 = self.problem.x0.cpu().numpy().astype(float)
        s0, f0, v0 = evaluate(x0)
        t0 = time.perf_counter()
        yield Progress(0, f0, f0, 0.0, 0.0, 0.0, self.start, violation=v0)
        rng = np.random.default_rng(o.seed)
        size = max(int(o.population), 5)
        init = self.lower + rng.random((size, x0.size)) * (self.upper - self.lower)
        init[0] = np.clip(x0, self.lower, self.upper)  # the user's start is one of the members
        out: queue.Queue = queue.Queue(maxsize=1)
        go: queue.Queue = queue.Queue(maxsize=1)
        state = {"best": math.inf, "since": time.perf_counter(), "why": "converged"}

        def callback(intermediate_result) -> bool:
            r = intermediate_result
            now = time.perf_counter()
            if r.fun < state["best"] - 1e-12 * (1 + abs(state["best"])):
                state["best"], state["since"] = float(r.fun), now
            out.put(("gen", r.nit, r.x.copy(), np.asarray(r.population_energies).copy()))
            if go.get() == "stop":
                state["why"] = "stopped"
                return True
            if now - t0 >= o.time_limit:
                state["why"] = "time limit"
                return True
            if now - state["since"] >= o.patience:
                state["why"] = "no improvement"
                return True
            return False

        def work() -> None:
            try:
                res = differential_evolution(
                    energy, list(zip(self.lower, self.upper)), init=init, mutation=(0.5, 1.0),
                    recombination=o.mutation, seed=o.seed, maxiter=max(o.iterations, 1), tol=o.tolerance,
                    polish=False, callback=callback, integrality=self.integer if self.integer.any() else None)
                out.put(("end", res))
            except Exception as exc:  # handed to the consumer, which raises it where the caller sees it
                out.put(("error", exc))

        thread = threading.Thread(target=work, name="gdsheet-evolution", daemon=True)
        thread.start()
        best_x, best_f = x0, f0
        try:
            while True:
                kind, *payload = out.get()
                if kind == "error":
                    raise payload[0]
                if kind == "end":
                    res = payload[0]
                    if state["why"] == "converged" and res.nit >= max(o.iterations, 1) and not res.success:
                        state["why"] = "iteration limit"
                    break
                nit, x, energies = payload
                _, best_f, viol = evaluate(x)
                best_x = x
                finite = energies[energies < 1e299]
                lo, hi = (np.percentile(finite, [10, 90]) if finite.size else (math.nan, math.nan))
                spread = (float(_objective_of(lo, self.problem.sense, best_f, energy(x))),
                          float(_objective_of(hi, self.problem.sense, best_f, energy(x))))
                yield Progress(nit, best_f, best_f, time.perf_counter() - t0, 0.0, 0.0, tuple(x.tolist()),
                               violation=viol, spread=spread)
                go.put("stop" if self._stop is not None and self._stop.is_set() else "go")
        finally:
            if thread.is_alive():
                try:
                    go.put_nowait("stop")
                except queue.Full:
                    pass
                thread.join(timeout=5)
        iteration = res.nit if kind == "end" else 0
        best_x = np.asarray(res.x) if kind == "end" else best_x
        outcome, note = state["why"], ""
        polished = self._polish(best_x)
        if polished is not None:
            best_x, note = polished
        _, best_f, viol = evaluate(best_x)
        text = MESSAGES[outcome]
        text += " All Constraints are satisfied." if viol <= o.precision else \
            " Solver could not find a feasible solution."
        text += f" Objective {best_f:.10g} after {iteration} generations of {size} members{note}."
        if self.warnings and polished is None:
            text += " " + "; ".join(self.warnings[:1])
        yield Progress(iteration + 1, best_f, best_f, time.perf_counter() - t0, 0.0, 0.0,
                       tuple(float(v) for v in best_x), done=True, status=outcome, message=text, violation=viol)

    def _polish(self, x: np.ndarray):
        """A gradient descent (L-BFGS-B within the bounds) from the best member, kept when it improves it; only
        where the model is differentiable (no IF, lookup or rounding blocks the gradient) and continuous."""
        if self.warnings or self.integer.any():
            return None
        p = self.problem
        start = torch.as_tensor(x, dtype=p.x0.dtype, device=p.x0.device)
        lo = torch.as_tensor(self.lower, dtype=p.x0.dtype)
        hi = torch.as_tensor(self.upper, dtype=p.x0.dtype)
        problem = replace(p, x0=start, lower=lo, upper=hi)
        opts = replace(self.options, method="lbfgs", multistart=1, batch_size=None, iterations=200)
        final = None
        for record in Solve(problem, opts, self.variables).run(self._stop):
            final = record
        if final is None or not final.done:
            return None
        energy, evaluate = self._energy_fn()
        if energy(np.asarray(final.values)) < energy(x):
            return np.asarray(final.values), ", then polished by gradient descent"
        return None


def _objective_of(e: float, sense: str, f_best: float, e_best: float) -> float:
    """A population energy as an objective value, for the plot's band (exact for feasible members)."""
    if not math.isfinite(e):
        return math.nan
    if sense == "max":
        return -e
    if sense == "min":
        return e
    return f_best + (e - e_best)  # Value Of: the band shows the distance to the target moving
