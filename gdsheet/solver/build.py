"""From a workbook and its solver model to a Problem: resolve the cells, sort bounds from constraints, compile."""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from gdsheet.errors import ExcelError, SolverModelError
from gdsheet.refs import Area, parse_area
from gdsheet.sheet.workbook import CellId, Workbook
from gdsheet.solver.model import Constraint, SolverModel, split_refs
from gdsheet.solver.problem import Problem
from gdsheet.solver.validate import check_size

_WORDS = {"int": "integer", "bin": "binary", "dif": "all-different"}


@dataclass(frozen=True)
class Row:
    """One residual row of the Problem: the constraint it comes from, its left-hand cell, and its sign (-1 for
    '>=', whose residual is rhs - lhs; +1 otherwise), so reports can speak of the constraint as written."""

    constraint: Constraint
    cell: CellId
    sign: float


@dataclass(frozen=True)
class Integrality:
    """Which variables (indexes into Built.variables) must be whole numbers, which 0 or 1, and the groups that must
    take the values 1..k in some order (Excel's AllDifferent), each with the constraint that asked for it."""

    integers: tuple[int, ...] = ()
    binaries: tuple[int, ...] = ()
    alldiff: tuple[tuple[int, ...], ...] = ()
    constraints: tuple[Constraint, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.integers or self.binaries or self.alldiff)


@dataclass(frozen=True)
class Built:
    problem: Problem
    objective: CellId
    variables: list[CellId]
    program: object  # gdsheet.compile's Program
    warnings: list[str]
    rows: tuple[Row, ...] = ()
    integrality: Integrality = Integrality()
    bound_sources: tuple = ()  # per variable: (constraint setting its lower bound, ... its upper bound), or None


def cell_text(cell: CellId) -> str:
    """('linear', 4, 18) -> 'linear!R4'."""
    s, r, c = cell
    return Area(s, r, c, r, c).a1()


def resolve(wb: Workbook, text: str, sheet: str, depth: int = 0) -> list[Area]:
    """A1 text (several comma-separated areas, sheet-qualified or not, or a defined name) -> areas on real sheets."""
    if depth > 64:
        raise SolverModelError(f"{text!r} is a name defined through names more than 64 deep (a cycle?)")
    areas = []
    for part in split_refs(text):
        try:
            a = parse_area(part, sheet)
        except ValueError:
            dn = wb.get_name(part, sheet)
            if dn is None or dn.formula.lstrip("=") == part:
                raise SolverModelError(f"{part!r} is neither a cell range nor a defined name") from None
            areas += resolve(wb, dn.formula, dn.scope or sheet, depth + 1)
            continue
        try:
            real = wb.sheet(a.sheet).name
        except KeyError:
            raise SolverModelError(f"{part!r} refers to a sheet {a.sheet!r} the workbook does not have") from None
        areas.append(Area(real, a.r1, a.c1, a.r2, a.c2))
    return areas


def cells_of(wb: Workbook, text: str, sheet: str) -> list[CellId]:
    """The cells `text` names, row by row; more than MAX_MODEL_CELLS (a whole sheet...) is a SolverModelError."""
    areas = resolve(wb, text, sheet)
    check_size(sum(a.size for a in areas), f"the cells {text}")
    out: list[CellId] = []
    for a in areas:
        out += [(a.sheet, r, c) for r, c in a.cells()]
    return out


def build(wb: Workbook, model: SolverModel, sheet: str | None = None) -> Built:
    """Compile `model` (its references read on `sheet`, the active sheet by default) into a Problem."""
    from gdsheet.compile import compile_program  # compile needs torch and the whole engine: import on use

    sheet = wb.sheet(sheet).name
    if not model.objective.strip():
        raise SolverModelError("the model has no objective cell")
    objs = cells_of(wb, model.objective, sheet)
    if len(objs) != 1:
        raise SolverModelError(f"the objective must be one cell, not {model.objective!r}")
    objective = objs[0]
    if not _computed(wb, objective):
        raise SolverModelError(f"the objective cell {cell_text(objective)} holds no formula")
    variables = list(dict.fromkeys(c for v in model.variables for c in cells_of(wb, v, sheet)))
    if not variables:
        raise SolverModelError("the model has no variable cells (By Changing Variable Cells is empty)")
    for cell in variables:
        value = wb.get(*cell)
        if _computed(wb, cell) or not (value is None or _is_number(value)):
            what = "a formula" if _computed(wb, cell) else repr(value)
            raise SolverModelError(f"variable cell {cell_text(cell)} holds {what}: variable cells must hold numbers")
    index = {c: i for i, c in enumerate(variables)}
    n = len(variables)
    lower, upper = [-math.inf] * n, [math.inf] * n
    rows: list[tuple[object, object, str]] = []  # (lhs term, rhs term, relation) for the general constraints
    row_info: list[Row] = []
    sources: list[list] = [[None, None] for _ in range(n)]
    integer, binary, alldiff, whole = [], [], [], []  # whole: the int/bin/dif constraints themselves
    for con in model.constraints:
        lhs = cells_of(wb, con.lhs, sheet)
        if con.relation in _WORDS:
            outside = [c for c in lhs if c not in index]
            if outside:
                raise SolverModelError(f"the constraint {con} makes {cell_text(outside[0])} {_WORDS[con.relation]}, "
                                       "but only variable cells can be made "
                                       f"{_WORDS[con.relation]}")
            ids = [index[c] for c in lhs]
            if con.relation == "dif":
                alldiff.append(tuple(ids))
            else:
                (integer if con.relation == "int" else binary).extend(ids)
            whole.append(con)
            continue
        rhs = _rhs_terms(wb, con, sheet, len(lhs))
        for cell, right in zip(lhs, rhs):
            if cell in index and isinstance(right, float):
                i = index[cell]
                if con.relation in ("<=", "=") and right < upper[i]:
                    upper[i], sources[i][1] = right, con
                if con.relation in (">=", "=") and right > lower[i]:
                    lower[i], sources[i][0] = right, con
            else:
                rows.append((_term(wb, cell, index), right if isinstance(right, float) else _term(wb, right, index),
                             con.relation))
                row_info.append(Row(con, cell, -1.0 if con.relation == ">=" else 1.0))
    if model.nonnegative:
        for i, lo in enumerate(lower):
            if lo == -math.inf:
                lower[i], sources[i][0] = 0.0, "nonnegative"
    bad = [cell_text(variables[i]) for i in range(n) if lower[i] > upper[i]]
    if bad:
        raise SolverModelError(f"the bounds on {', '.join(bad)} leave no value to choose (lower above upper)")

    device = model.options.device
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise SolverModelError(f"device {device!r} is not available: torch sees no CUDA GPU here")
    read = [t[1] for r in rows for t in r[:2] if isinstance(t, tuple) and t[0] == "out"]
    outputs = [objective, *dict.fromkeys(c for c in read if c != objective)]
    program = compile_program(wb, outputs, variables, device=device, dtype=torch.float64)
    x0 = program.x0
    problem = Problem(
        evaluate=_evaluator(program, rows, outputs, x0),
        x0=x0,
        sense=model.sense,
        target=float(model.target),
        lower=_bound(lower, x0, -math.inf),
        upper=_bound(upper, x0, math.inf),
        equality=torch.tensor([r[2] == "=" for r in rows], dtype=torch.bool, device=x0.device),
        batch_rows=program.batch_rows,
    )
    integrality = Integrality(tuple(dict.fromkeys(integer)), tuple(dict.fromkeys(binary)), tuple(alldiff),
                              tuple(whole))
    return Built(problem, objective, variables, program, list(program.blockers()), tuple(row_info), integrality,
                 tuple(tuple(s) for s in sources))


def _computed(wb: Workbook, cell: CellId) -> bool:
    s, r, c = cell
    return wb.formula(s, r, c) is not None or (r, c) in wb.sheet(s).spilled_from


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _rhs_terms(wb: Workbook, con: Constraint, sheet: str, n: int) -> list:
    """One right-hand side per lhs cell: a float, or a cell (one cell broadcast, or a range of the same size)."""
    text = con.rhs.strip().lstrip("=")
    try:
        return [float(text)] * n
    except ValueError:
        pass
    try:
        cells = cells_of(wb, text, sheet)
    except SolverModelError:
        value = wb.evaluate("=" + text, sheet)  # a formula of constants, such as 2*PI()
        if not _is_number(value):
            reason = f"the constraint {con} has a right-hand side that is not a number: {value}"
            raise SolverModelError(reason) from None
        return [float(value)] * n
    if len(cells) not in (1, n):
        raise SolverModelError(f"the constraint {con} compares {n} cells with {len(cells)}")
    cells = cells * n if len(cells) == 1 else cells
    return [cell if _computed(wb, cell) else _constant(wb, cell, con) for cell in cells]


def _constant(wb: Workbook, cell: CellId, con: Constraint):
    v = wb.get(*cell)
    if v is None or _is_number(v):
        return float(v or 0.0)
    raise SolverModelError(f"the constraint {con} reads {cell_text(cell)}, which holds {v!r}, not a number")


def _term(wb: Workbook, cell: CellId, index: dict[CellId, int]):
    """How a constraint reads a cell: a variable ('var', i), a compiled output ('out', cell) or a constant."""
    if cell in index:
        return "var", index[cell]
    if _computed(wb, cell):
        return "out", cell
    v = wb.get(*cell)
    if isinstance(v, ExcelError) or not (v is None or _is_number(v)):
        raise SolverModelError(f"constraint cell {cell_text(cell)} holds {v}, not a number")
    return float(v or 0.0)


def _bound(values: list[float], like: torch.Tensor, infinite: float):
    if all(v == infinite for v in values):
        return None
    return torch.tensor(values, dtype=like.dtype, device=like.device)


def _evaluator(program, rows, outputs, x0):
    """x, rows -> (objective, residuals): residuals gathered from one vector of variables, outputs, constants."""
    n, n_out = x0.numel(), len(outputs)
    out_pos = {cell: n + i for i, cell in enumerate(outputs)}
    consts: list[float] = []

    def position(term) -> int:
        if isinstance(term, float):
            consts.append(term)
            return n + n_out + len(consts) - 1
        return term[1] if term[0] == "var" else out_pos[term[1]]

    left = torch.tensor([position(r[0]) for r in rows], dtype=torch.long, device=x0.device)
    right = torch.tensor([position(r[1]) for r in rows], dtype=torch.long, device=x0.device)
    sign = torch.tensor([-1.0 if r[2] == ">=" else 1.0 for r in rows], dtype=x0.dtype, device=x0.device)
    const = torch.tensor(consts, dtype=x0.dtype, device=x0.device)

    def evaluate(x: torch.Tensor, batch: torch.Tensor | None = None):
        outs = program.forward(x, batch)
        if not rows:
            return outs[0], x.new_zeros(0)
        vals = torch.cat([x, torch.stack(list(outs)).reshape(-1).to(x.dtype), const])
        return outs[0], sign * (vals[left] - vals[right])

    return evaluate
