"""A linear or mixed-integer program handed to HiGHS (highspy): the solution, duals, ranging and an IIS."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

INF = 1e30  # what Excel's reports print for an unlimited allowable increase or decrease


@dataclass(frozen=True)
class LinearProgram:
    """min / max c @ x + c0 subject to row_lo <= A @ x <= row_hi and col_lo <= x <= col_hi; `integer` marks the
    columns that must take whole values. sense 'value' has no objective: any feasible point will do."""

    c: np.ndarray
    c0: float
    A: sp.csr_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    col_lo: np.ndarray
    col_hi: np.ndarray
    integer: np.ndarray
    sense: str = "min"

    @property
    def is_mip(self) -> bool:
        return bool(self.integer.any())


@dataclass(frozen=True)
class Ranging:
    """Excel's allowable increase and decrease: of each objective coefficient (cost_up/cost_dn) and of each row's
    right-hand side (rhs_up/rhs_dn), as distances (INF where unlimited)."""

    cost_up: np.ndarray
    cost_dn: np.ndarray
    rhs_up: np.ndarray
    rhs_dn: np.ndarray


@dataclass(frozen=True)
class LpResult:
    """status: 'optimal', 'infeasible', 'unbounded', 'time limit', 'subproblem limit', 'solution limit' or
    'error'. For an optimal LP, `row_dual` and `col_dual` are d objective / d (row bound) and the reduced costs;
    for an infeasible one, `iis` holds (rows, (column, 'lower' | 'upper') pairs) that cannot all hold at once."""

    status: str
    x: np.ndarray
    objective: float
    row_activity: np.ndarray
    row_dual: np.ndarray | None = None
    col_dual: np.ndarray | None = None
    ranging: Ranging | None = None
    iis: tuple[tuple[int, ...], tuple[tuple[int, str], ...]] | None = None
    iis_method: str = ""
    gap: float = 0.0
    nodes: int = 0
    iterations: int = 0
    detail: str = ""
    basic_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


def solve(lp: LinearProgram, time_limit: float = 100.0, mip_gap: float = 0.0, max_nodes: int | None = None,
          max_solutions: int | None = None, ranging: bool = True, iis: bool = True) -> LpResult:
    """Solve `lp` to proven optimality (within `mip_gap` for integer programs) or prove it infeasible/unbounded."""
    h = _model(lp)
    h.setOptionValue("time_limit", float(time_limit))
    if lp.is_mip:
        h.setOptionValue("mip_rel_gap", float(mip_gap))
        if max_nodes is not None:
            h.setOptionValue("mip_max_nodes", int(max_nodes))
        if max_solutions is not None:
            h.setOptionValue("mip_max_improving_sols", int(max_solutions))
    h.run()
    status = _status(h)
    if status == "unbounded or infeasible":
        status = "unbounded" if _feasible(lp) else "infeasible"
    n = lp.c.size
    sol, info = h.getSolution(), h.getInfo()
    x = np.array(sol.col_value, dtype=float) if sol.value_valid else np.full(n, np.nan)
    activity = np.array(sol.row_value, dtype=float) if sol.value_valid else np.full(lp.A.shape[0], np.nan)
    objective = float(lp.c @ x + lp.c0) if sol.value_valid else float("nan")
    common = dict(gap=float(getattr(info, "mip_gap", 0.0) or 0.0) if lp.is_mip else 0.0,
                  nodes=int(getattr(info, "mip_node_count", 0) or 0),
                  iterations=int(getattr(info, "simplex_iteration_count", 0) or 0))
    if status == "optimal" and not lp.is_mip:
        row_dual = np.array(sol.row_dual, dtype=float)
        col_dual = np.array(sol.col_dual, dtype=float)
        basis = h.getBasis()
        basic = np.array([str(s).endswith("kBasic") for s in basis.row_status], dtype=bool)
        rg = _ranging(h, lp, basic, activity) if ranging else None
        return LpResult(status, x, objective, activity, row_dual, col_dual, rg, basic_rows=basic, **common)
    if status == "infeasible" and iis:
        relaxed = _relaxed(lp)
        if lp.is_mip and _feasible(relaxed):
            return LpResult(status, x, objective, activity, detail="integer", **common)
        found, method = _iis(relaxed)
        return LpResult(status, x, objective, activity, iis=found, iis_method=method, **common)
    return LpResult(status, x, objective, activity, **common)


_quiet = False


def _highs():
    """A silent Highs instance. The first one of a process prints HiGHS's banner on the C stdout, before any
    option can be set: it is made with that file descriptor pointed at /dev/null, since `gdsheet solve`'s
    standard output ends in its JSON line."""
    global _quiet
    import highspy

    if _quiet:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _quiet = True
    h.setOptionValue("output_flag", False)
    return h


def _model(lp: LinearProgram):
    import highspy

    h = _highs()
    inf = highspy.kHighsInf
    n, m = lp.c.size, lp.A.shape[0]

    def finite(a: np.ndarray) -> np.ndarray:
        return np.clip(a, -inf, inf).astype(np.float64)

    h.addVars(n, finite(lp.col_lo), finite(lp.col_hi))
    idx = np.arange(n, dtype=np.int32)
    h.changeColsCost(n, idx, np.asarray(lp.c if lp.sense != "value" else np.zeros(n), dtype=np.float64))
    if lp.is_mip:
        kind = np.where(lp.integer, highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous)
        h.changeColsIntegrality(n, idx, kind)
    if lp.sense == "max":
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    if m:
        A = lp.A.tocsr()
        A.sort_indices()
        h.addRows(m, finite(lp.row_lo), finite(lp.row_hi), int(A.nnz), A.indptr.astype(np.int32),
                  A.indices.astype(np.int32), A.data.astype(np.float64))
    return h


def _status(h) -> str:
    import highspy

    s = h.getModelStatus()
    names = {"kOptimal": "optimal", "kInfeasible": "infeasible", "kUnbounded": "unbounded",
             "kUnboundedOrInfeasible": "unbounded or infeasible", "kTimeLimit": "time limit",
             "kSolutionLimit": "solution limit", "kModelEmpty": "optimal"}
    # looked up by name: older highspy releases lack some of these statuses
    table = {getattr(highspy.HighsModelStatus, k): v for k, v in names.items()
             if hasattr(highspy.HighsModelStatus, k)}
    if s in table:
        return table[s]
    text = h.modelStatusToString(s).lower()
    return "subproblem limit" if "node" in text else "error"


def _relaxed(lp: LinearProgram) -> LinearProgram:
    return LinearProgram(lp.c, lp.c0, lp.A, lp.row_lo, lp.row_hi, lp.col_lo, lp.col_hi,
                         np.zeros_like(lp.integer), lp.sense)


def _feasible(lp: LinearProgram) -> bool:
    """Whether any point satisfies the constraints (the objective set aside)."""
    h = _model(LinearProgram(np.zeros_like(lp.c), 0.0, lp.A, lp.row_lo, lp.row_hi, lp.col_lo, lp.col_hi,
                             lp.integer, "min"))
    h.run()
    return _status(h) == "optimal"


def _ranging(h, lp: LinearProgram, basic: np.ndarray, activity: np.ndarray) -> Ranging:
    """HiGHS's cost and bound ranging as Excel's distances. A row with slack (basic) can move its right-hand side
    freely on the slack's side and by the slack on the other; a binding row's range comes from HiGHS."""
    n, m = lp.c.size, lp.A.shape[0]
    _, rg = h.getRanging()
    up = np.array(rg.col_cost_up.value_[:n], dtype=float)
    dn = np.array(rg.col_cost_dn.value_[:n], dtype=float)
    cost_up = np.where(np.isfinite(up) & (np.abs(up) < INF), up - lp.c, INF)
    cost_dn = np.where(np.isfinite(dn) & (np.abs(dn) < INF), lp.c - dn, INF)
    rup = np.array(rg.row_bound_up.value_[:m], dtype=float)
    rdn = np.array(rg.row_bound_dn.value_[:m], dtype=float)
    rhs = np.where(np.isfinite(lp.row_hi), lp.row_hi, lp.row_lo)
    rhs_up = np.where(np.isfinite(rup) & (np.abs(rup) < INF), np.maximum(rup - rhs, 0.0), INF)
    rhs_dn = np.where(np.isfinite(rdn) & (np.abs(rdn) < INF), np.maximum(rhs - rdn, 0.0), INF)
    upper_row = np.isfinite(lp.row_hi) & ~np.isfinite(lp.row_lo)
    lower_row = np.isfinite(lp.row_lo) & ~np.isfinite(lp.row_hi)
    slack = np.where(upper_row, lp.row_hi - activity, activity - lp.row_lo)
    rhs_up = np.where(basic & upper_row, INF, np.where(basic & lower_row, slack, rhs_up))
    rhs_dn = np.where(basic & upper_row, slack, np.where(basic & lower_row, INF, rhs_dn))
    return Ranging(np.abs(cost_up), np.abs(cost_dn), rhs_up, rhs_dn)


def _iis(lp: LinearProgram) -> tuple[tuple[tuple[int, ...], tuple[tuple[int, str], ...]], str]:
    """An irreducible infeasible set: HiGHS's own where highspy offers it, else a deletion filter (drop each row in
    turn; keep it out when the rest stays infeasible), with repeated LP solves."""
    h = _model(lp)
    h.run()
    try:
        ok, found = h.getIis()
        if found.valid_ and (len(found.row_index_) or len(found.col_index_)):
            cols = []
            for j, b in zip(found.col_index_, found.col_bound_):  # HiGHS's IIS bound status: 2 lower, 3 upper
                side = {2: "lower", 3: "upper", 4: "both"}.get(int(b), "lower" if np.isfinite(lp.col_lo[j])
                                                                   else "upper")
                cols.append((int(j), side))
            return (tuple(int(i) for i in found.row_index_), tuple(cols)), "HiGHS"
    except (AttributeError, RuntimeError):
        pass
    return _deletion_filter(lp), "deletion filter"


def _deletion_filter(lp: LinearProgram) -> tuple[tuple[int, ...], tuple[tuple[int, str], ...]]:
    keep = np.ones(lp.A.shape[0], dtype=bool)
    for i in range(lp.A.shape[0]):
        keep[i] = False
        rows = np.flatnonzero(keep)
        trial = LinearProgram(lp.c, lp.c0, lp.A[rows], lp.row_lo[rows], lp.row_hi[rows], lp.col_lo, lp.col_hi,
                              lp.integer, lp.sense)
        if _feasible(trial):
            keep[i] = True
    rows = tuple(int(i) for i in np.flatnonzero(keep))
    used = set(lp.A[list(rows)].indices.tolist()) if rows else set()
    cols = tuple((j, "lower" if np.isfinite(lp.col_lo[j]) else "upper") for j in sorted(used)
                 if np.isfinite(lp.col_lo[j]) or np.isfinite(lp.col_hi[j]))
    return rows, cols
