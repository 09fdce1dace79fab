"""The Simplex LP engine (solver_eng 2): a linear or integer model read from the graph and solved exactly by HiGHS."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np
import scipy.sparse as sp
import torch

from gdsheet.errors import SolverModelError
from gdsheet.solver import highs, linear
from gdsheet.solver.build import Built, cell_text
from gdsheet.solver.model import UNLIMITED, SolverModel
from gdsheet.solver.recorded import RecordedSolve
from gdsheet.solver.run import Progress

NOT_LINEAR = "The linearity conditions required by this LP Solver are not satisfied"
MESSAGES = {  # Excel's own sentences for each outcome
    "optimal": "Solver found a solution. All Constraints and optimality conditions are satisfied.",
    "optimal within tolerance": "Solver found an integer solution within tolerance. All Constraints are satisfied.",
    "infeasible": "Solver could not find a feasible solution.",
    "unbounded": "The Objective Cell values do not converge.",
    "time limit": "Solver stopped at the time limit before proving the solution optimal.",
    "subproblem limit": "Solver stopped at the Max Subproblems limit.",
    "solution limit": "Solver stopped at the Max Feasible Solutions limit.",
    "error": "Solver encountered an error in HiGHS.",
}


@dataclass(frozen=True)
class RowReport:
    """A constraint row as Excel's Sensitivity report shows it."""

    cell: tuple
    name: str
    shadow_price: float
    rhs: float
    increase: float
    decrease: float


@dataclass(frozen=True)
class ColumnReport:
    value: float
    reduced_cost: float
    cost: float
    increase: float
    decrease: float
    lower_limit: float
    lower_objective: float
    upper_limit: float
    upper_objective: float


class LinearSolve(RecordedSolve):
    """A prepared linear or integer solve, with the interface of run.Solve: `run()` yields the start and the end."""

    def __init__(self, built: Built, model: SolverModel, note: str = ""):
        self.built, self.model, self.options = built, model, model.options
        self.problem, self.program = built.problem, built.program
        self.variables, self.objective = list(built.variables), built.objective
        self.start = tuple(self.problem.x0.tolist())
        self.warnings = list(built.warnings)
        self.note = note
        t0 = time.perf_counter()
        self.affine = _affine_or_explain(built)
        self.lp, self.n_model, self.m_model = program_of(built, self.affine, model)
        self.read_seconds = time.perf_counter() - t0
        self.result: highs.LpResult | None = None
        self._last: Progress | None = None
        self._records = self._iterate()

    # ---- the run.Solve interface --------------------------------------------------------------------------------

    def gradient(self, values: Sequence[float]) -> tuple[float, ...]:
        return tuple(float(v) for v in self.affine.c)

    # ---- the solve ----------------------------------------------------------------------------------------------

    def _iterate(self) -> Iterator[Progress]:
        x0 = self.problem.x0
        f0, res0 = self.problem.evaluate(x0, None)
        yield Progress(0, float(f0), float(f0), self.read_seconds, 0.0, 0.0, self.start,
                       violation=_violation(res0, self.problem.equality))
        o = self.options
        t0 = time.perf_counter()
        result = highs.solve(self.lp, time_limit=o.time_limit, mip_gap=o.int_gap,
                             max_nodes=None if o.max_subproblems >= UNLIMITED else o.max_subproblems,
                             max_solutions=None if o.max_feasible >= UNLIMITED else o.max_feasible)
        self.result = result
        seconds = self.read_seconds + time.perf_counter() - t0
        usable = result.status in ("optimal", "time limit", "subproblem limit", "solution limit") and \
            bool(np.all(np.isfinite(result.x)))
        values = tuple(float(v) for v in result.x[: self.n_model]) if usable else self.start
        x = torch.tensor(values, dtype=x0.dtype, device=x0.device)
        with torch.no_grad():
            f, res = self.problem.evaluate(x, None)
        violation = _violation(res, self.problem.equality)
        if usable and not self._agrees(x, f, res):
            # the model bends between the start and the solution (MAX, ABS or an IF branch that the checks at
            # random points missed): the solution of the linear form is not the model's; refuse as Excel does
            cell = linear.nonlinear_cell(self.program, self.problem, x0) or self.objective
            text = f"{NOT_LINEAR}: {cell_text(cell)} is not a linear function of the variable cells (seen at the " \
                   "solution of the linear form); choose GRG Nonlinear or Evolutionary"
            yield Progress(1, float(f0), float(f0), seconds, 0.0, 0.0, self.start, done=True, status="not linear",
                           message=text, violation=_violation(res0, self.problem.equality))
            return
        key = result.status
        if key == "optimal" and self.lp.is_mip and result.gap > 1e-9:
            key = "optimal within tolerance"
        text = MESSAGES[key]
        if usable:
            text += f" Objective {float(f):.10g}"
            if self.lp.is_mip:
                text += f" ({result.nodes} subproblems, gap {result.gap:.3g})"
            text += "."
        if result.status == "infeasible":
            text += " " + self.feasibility_sentence()
        if self.note:
            text += " " + self.note
        iterations = max(result.iterations, result.nodes, 1)
        yield Progress(iterations, float(f), float(f), seconds, 0.0, 0.0, values, done=True, status=result.status,
                       message=text, violation=violation)

    def _agrees(self, x: torch.Tensor, f: torch.Tensor, res: torch.Tensor) -> bool:
        """Whether the model's own values at x are what its linear form predicts."""
        xn = x.cpu().numpy().astype(np.float64)
        a = self.affine
        want = np.r_[a.c @ xn + a.c0, a.A @ xn + a.r0]
        got = np.r_[float(f), res.cpu().numpy().astype(np.float64)]
        scale = np.r_[abs(a.c0) + np.abs(a.c) @ np.abs(xn), np.abs(a.r0) + abs(a.A) @ np.abs(xn)]
        return bool(np.all(np.isfinite(got)) and np.all(np.abs(got - want) <= linear.RTOL * (1 + np.abs(want) + scale)))

    # ---- what the reports read ----------------------------------------------------------------------------------

    def constraint_name(self, row: int) -> str:
        """'Sheet1!$F$2 <= Sheet1!$G$2' for a model row; the alldiff rows gdsheet added say so."""
        if row < self.m_model:
            r = self.built.rows[row]
            return f"{cell_text(r.cell)} ({r.constraint})"
        if row == self.m_model and self.model.sense == "value":
            return f"{cell_text(self.objective)} = {self.model.target:g} (Value Of)"
        return "an AllDifferent constraint"

    def feasibility_sentence(self) -> str:
        r = self.result
        if r is None or r.status != "infeasible":
            return ""
        if r.detail == "integer":
            return "The constraints can be met by fractional values, but not with the integer constraints."
        if r.iis is None:
            return ""
        parts = self.conflicting()
        return f"These {len(parts)} constraints conflict ({r.iis_method}): " + "; ".join(parts) + "."

    def conflicting(self) -> list[str]:
        """The irreducible infeasible set in the model's own words: constraint rows and the bounds involved."""
        rows, cols = self.result.iis
        words = [self.constraint_name(i) for i in rows]
        for j, side in cols:
            if j >= self.n_model:
                continue
            sources = self.built.bound_sources[j] if self.built.bound_sources else (None, None)
            for k, which in enumerate(("lower", "upper")):
                if side not in (which, "both"):
                    continue
                src = sources[k]
                if src == "nonnegative":
                    words.append(f"{cell_text(self.variables[j])} >= 0 (Make Unconstrained Variables Non-Negative)")
                elif src is not None:
                    words.append(f"{cell_text(self.variables[j])} ({src})")
                elif self.built.integrality and j in self.built.integrality.binaries:
                    words.append(f"{cell_text(self.variables[j])} (binary)")
        return list(dict.fromkeys(words))

    def sensitivity(self) -> tuple[list[ColumnReport], list[RowReport]] | None:
        """Excel's Sensitivity and Limits numbers, or None where they mean nothing (not optimal, integer)."""
        r = self.result
        if r is None or r.status != "optimal" or self.lp.is_mip or r.ranging is None:
            return None
        n, m, lp = self.n_model, self.m_model, self.lp
        c = self.affine.c
        lower, upper = _limits(lp, r.x, r.row_activity)
        columns = []
        for j in range(n):
            lo_obj = float(c @ r.x + self.affine.c0 + c[j] * (lower[j] - r.x[j]))
            hi_obj = float(c @ r.x + self.affine.c0 + c[j] * (upper[j] - r.x[j]))
            columns.append(ColumnReport(float(r.x[j]), float(r.col_dual[j]), float(c[j]),
                                        float(r.ranging.cost_up[j]), float(r.ranging.cost_dn[j]),
                                        float(lower[j]), lo_obj, float(upper[j]), hi_obj))
        rows = []
        residual = self.affine.A @ r.x[:n] + self.affine.r0
        xt = torch.tensor(r.x[:n], dtype=self.problem.x0.dtype, device=self.problem.x0.device)
        cells = self.program.cells(xt) if m else {}
        index = {cell: j for j, cell in enumerate(self.variables)}
        for i in range(m):
            info = self.built.rows[i]
            sign = info.sign
            lhs = float(r.x[index[info.cell]]) if info.cell in index else float(cells.get(info.cell, math.nan))
            rhs = lhs - sign * float(residual[i])
            inc, dec = (r.ranging.rhs_up[i], r.ranging.rhs_dn[i]) if sign > 0 else \
                (r.ranging.rhs_dn[i], r.ranging.rhs_up[i])
            rows.append(RowReport(info.cell, str(info.constraint), sign * float(r.row_dual[i]), rhs, float(inc),
                                  float(dec)))
        return columns, rows


def _violation(res: torch.Tensor, equality: torch.Tensor) -> float:
    if res.numel() == 0:
        return 0.0
    res = res.detach()
    return float(torch.where(equality.to(res.device), res.abs(), res.clamp(min=0)).max())


def _affine_or_explain(built: Built) -> linear.Affine:
    """The model's coefficients, or Excel's refusal naming the cell where linearity breaks."""
    try:
        return linear.affine(built.problem, row_groups(built))
    except linear.NotLinear as exc:
        cell = None
        try:
            cell = linear.nonlinear_cell(built.program, built.problem, exc.x)
        except Exception:  # naming the cell is a courtesy: the refusal stands without it
            cell = None
        if cell is None:
            cell = built.objective if exc.output < 0 else built.rows[exc.output].cell
        what = "the objective" if exc.output < 0 else f"the constraint {built.rows[exc.output].constraint}"
        raise SolverModelError(f"{NOT_LINEAR}: {cell_text(cell)} is not a linear function of the variable cells "
                               f"(it makes {what} nonlinear); choose GRG Nonlinear or Evolutionary") from None


def row_groups(built: Built) -> list[np.ndarray]:
    """Output indexes read together when the coefficients are taken: the objective (0) alone, then the rows of
    each constraint range (1..m), which seldom share a variable."""
    groups, start = [np.array([0])], 0
    for i in range(1, len(built.rows) + 1):
        if i == len(built.rows) or built.rows[i].constraint is not built.rows[start].constraint:
            groups.append(np.arange(start + 1, i + 1))
            start = i
    return groups


def program_of(built: Built, aff: linear.Affine, model: SolverModel) -> tuple[highs.LinearProgram, int, int]:
    """The HiGHS program: the model's rows (residual <= 0 or = 0), its bounds, integers and binaries, then a row
    for Value Of (the objective held at the target) and the standard formulation of each AllDifferent group (its
    k cells take the values 1..k: k*k binaries assign them). Returns (program, the model's variable count, the
    model's row count)."""
    p = built.problem
    n = p.x0.numel()
    lo = p.lower.cpu().numpy().astype(float) if p.lower is not None else np.full(n, -np.inf)
    hi = p.upper.cpu().numpy().astype(float) if p.upper is not None else np.full(n, np.inf)
    eq = p.equality.cpu().numpy().astype(bool)
    integer = np.zeros(n, dtype=bool)
    keep_int = not model.options.ignore_integer
    ig = built.integrality
    if keep_int:
        integer[list(ig.integers)] = True
    for j in ig.binaries:
        lo[j], hi[j] = max(lo[j], 0.0), min(hi[j], 1.0)
        integer[j] = keep_int
    groups = ig.alldiff if keep_int else ()
    width = n + sum(len(g) ** 2 for g in groups)
    blocks = [(aff.A, np.where(eq, -aff.r0, -np.inf), -aff.r0)]
    if model.sense == "value":  # Value Of: the objective becomes a constraint, any feasible point answers
        t = model.target - aff.c0
        blocks.append((sp.csr_matrix(aff.c.reshape(1, -1)), np.array([t]), np.array([t])))
    first = n
    for group in groups:
        k = len(group)
        R = sp.lil_matrix((3 * k, width))
        for a, j in enumerate(group):
            lo[j], hi[j], integer[j] = max(lo[j], 1.0), min(hi[j], float(k)), True
            R[2 * k + a, j] = 1.0  # the cell is the value it takes
            for v in range(k):
                y = first + a * k + v
                R[a, y] = 1.0  # each cell takes one value
                R[k + v, y] = 1.0  # each value is taken once
                R[2 * k + a, y] = -(v + 1.0)
        bound = np.r_[np.ones(2 * k), np.zeros(k)]
        blocks.append((R.tocsr(), bound, bound))
        first += k * k
    pad = width - n
    A = sp.vstack([_widen(M, width) for M, _, _ in blocks], format="csr")
    lp = highs.LinearProgram(
        c=np.r_[aff.c, np.zeros(pad)], c0=aff.c0, A=A,
        row_lo=np.concatenate([b[1] for b in blocks]), row_hi=np.concatenate([b[2] for b in blocks]),
        col_lo=np.r_[lo, np.zeros(pad)], col_hi=np.r_[hi, np.ones(pad)],
        integer=np.r_[integer, np.ones(pad, dtype=bool)], sense=model.sense)
    return lp, n, aff.A.shape[0]


def _widen(M: sp.spmatrix, width: int) -> sp.csr_matrix:
    M = M.tocsr()
    return sp.csr_matrix((M.data, M.indices, M.indptr), shape=(M.shape[0], width))


def _limits(lp: highs.LinearProgram, x: np.ndarray, activity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Excel's Limits report: how far each variable can move alone, the others held, with every constraint met."""
    A = lp.A.tocsc()
    n = lp.c.size
    lower, upper = lp.col_lo.astype(float).copy(), lp.col_hi.astype(float).copy()
    room_up = lp.row_hi - activity  # >= 0
    room_dn = activity - lp.row_lo  # >= 0
    for j in range(n):
        a, b = A.indptr[j], A.indptr[j + 1]
        rows, vals = A.indices[a:b], A.data[a:b]
        if rows.size:
            pos, neg = vals > 0, vals < 0
            up = np.r_[room_up[rows[pos]] / vals[pos], room_dn[rows[neg]] / -vals[neg]]
            dn = np.r_[room_dn[rows[pos]] / vals[pos], room_up[rows[neg]] / -vals[neg]]
            if up.size:
                upper[j] = min(upper[j], x[j] + max(float(up.min()), 0.0))
            if dn.size:
                lower[j] = max(lower[j], x[j] - max(float(dn.min()), 0.0))
    lower = np.where(np.isfinite(lower), lower, -highs.INF)
    upper = np.where(np.isfinite(upper), upper, highs.INF)
    return lower, upper
