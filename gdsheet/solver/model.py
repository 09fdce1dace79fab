"""The solver model (objective, sense, variable cells, constraints, options) and its storage in Excel's hidden names."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from gdsheet.errors import SolverModelError
from gdsheet.formula import ast as A
from gdsheet.refs import Area, parse_area
from gdsheet.sheet.workbook import CellId, Workbook

RELATIONS = ("<=", "=", ">=", "int", "bin", "dif")
SENSES = ("min", "max", "value")
METHODS = ("gd", "momentum", "adam", "lbfgs")
SCHEDULES = ("constant", "step", "cosine", "onecycle")
UNLIMITED = 2_147_483_647  # what Excel's Solver stores for "no limit" on iterations and time

_REL_CODE = {"<=": 1, "=": 2, ">=": 3, "int": 4, "bin": 5, "dif": 6}
_INT_RHS = {"int": "integer", "bin": "binary", "dif": "AllDifferent"}  # the rhs text Excel keeps for these
_TYP = {"max": 1, "min": 2, "value": 3}


@dataclass(frozen=True)
class Constraint:
    """`lhs relation rhs`: lhs an A1 range (sheet-qualified where needed), rhs a number, a range or a formula text.
    For 'int', 'bin' and 'dif' the rhs is Excel's word for them ('integer', 'binary', 'AllDifferent')."""

    lhs: str
    relation: str
    rhs: str = ""

    def __post_init__(self) -> None:
        if self.relation not in RELATIONS:
            raise ValueError(f"unknown constraint relation {self.relation!r} (one of {', '.join(RELATIONS)})")

    def __str__(self) -> str:
        return f"{self.lhs} {self.relation} {self.rhs}".strip()


@dataclass(frozen=True)
class SolverOptions:
    """How to solve: the method and its settings. `iterations` is per start; `time_limit` (seconds) is for the
    whole solve; `tolerance` is Excel's Convergence (relative change of the objective over the last 5 iterations);
    `precision` is Excel's Constraint Precision; `batch_size` None means every row at every step."""

    method: str = "lbfgs"
    lr: float = 0.01
    momentum: float = 0.9
    iterations: int = 1000
    time_limit: float = 100.0
    tolerance: float = 1e-4
    batch_size: int | None = None
    schedule: str = "constant"
    multistart: int = 1
    seed: int = 0
    device: str = "cpu"
    precision: float = 1e-6
    # Simplex LP and integer models (Excel's Options, All Methods and GRG tabs)
    int_gap: float = 0.01  # Integer Optimality, as a fraction (Excel shows 1 %): solver_tol
    max_subproblems: int = UNLIMITED  # Max Subproblems: solver_nod
    max_feasible: int = UNLIMITED  # Max Feasible Solutions (integer solutions found): solver_mip
    ignore_integer: bool = False  # Ignore Integer Constraints: solver_rlx
    # Evolutionary (its tab): Population Size is shared with Multistart (solver_ssz)
    population: int = 100
    mutation: float = 0.075  # Mutation Rate: solver_mrt
    patience: float = 30.0  # Maximum Time without improvement, seconds: solver_mni
    require_bounds: bool = True  # Require Bounds on Variables: solver_rbv

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r} (one of {', '.join(METHODS)})")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.schedule!r} (one of {', '.join(SCHEDULES)})")
        if not self.lr > 0:
            raise ValueError(f"the learning rate must be positive, not {self.lr}")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), not {self.momentum}")
        if self.iterations < 0 or self.multistart < 1 or not self.time_limit > 0:
            raise ValueError("iterations must be >= 0, multistart >= 1 and the time limit > 0")
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError(f"the batch size must be at least 1, not {self.batch_size}")
        if not (0 <= self.int_gap < 1 and 0 < self.mutation < 1 and self.population >= 1):
            raise ValueError("Integer Optimality must be in [0, 1), the mutation rate in (0, 1) and the population "
                             "at least 1")


@dataclass(frozen=True)
class SolverModel:
    """What Excel's Solver dialog holds: objective cell, sense (min, max, or value: drive it to `target`), the
    variable cells (several areas), constraints, "make unconstrained variables non-negative", the engine
    (1 GRG Nonlinear, 2 Simplex LP, 3 Evolutionary; kept for Excel) and the options."""

    objective: str
    sense: str = "min"
    target: float = 0.0
    variables: list[str] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    nonnegative: bool = False
    engine: int = 1
    options: SolverOptions = field(default_factory=SolverOptions)

    def __post_init__(self) -> None:
        if self.sense not in SENSES:
            raise ValueError(f"unknown sense {self.sense!r} (one of {', '.join(SENSES)})")


# ---- reading and writing Excel's hidden names ---------------------------------------------------------------------

def read_model(wb: Workbook, sheet: str) -> SolverModel | None:
    """The model Excel's Solver (or gdsheet) stored on `sheet`, or None when there is none."""
    names = {dn.name.lower(): dn.formula.lstrip("=").strip() for (scope, _), dn in wb.names.items()
             if scope is not None and scope.lower() == sheet.lower()}
    if "solver_opt" not in names and "solver_adj" not in names:
        return None

    def number(key: str, default: float) -> float:
        try:
            value = float(_unquote(names[key]))
        except (KeyError, ValueError):
            return default
        return value if math.isfinite(value) else default  # NAN or 1E+999 in a file: the default

    def whole(key: str, default: int) -> int:  # within Excel's whole-number range, so a file cannot overflow it
        return int(min(max(number(key, default), -UNLIMITED), UNLIMITED))

    def limit(key: str, default: float) -> float:
        v = number(key, default)  # Excel's "unlimited" (and nonsense) fall back to gdsheet's own limits
        return v if 0 < v < UNLIMITED else default

    constraints = []
    count = number("solver_num", 0)
    # the constraints the file holds (solver_lhs1, solver_lhs2...), up to solver_num: a solver_num of 1E+15
    # costs nothing, as only names that exist are visited
    present = sorted(int(key[10:]) for key in names if key.startswith("solver_lhs") and key[10:].isdigit())
    for i in (i for i in present if 1 <= i <= count):
        lhs, rel = names.get(f"solver_lhs{i}"), number(f"solver_rel{i}", 0)
        rhs = _unquote(names.get(f"solver_rhs{i}", ""))
        if lhs and rel not in (1, 2, 3, 4, 5, 6):
            raise SolverModelError(f"constraint {i} of the Solver model on sheet {sheet} has relation code "
                                   f"{names.get(f'solver_rel{i}', '(none)')} (solver_rel{i}); Excel's codes are 1 "
                                   "(<=), 2 (=), 3 (>=), 4 (int), 5 (bin) and 6 (dif)")
        if lhs:
            constraints.append(Constraint(lhs, RELATIONS[int(rel) - 1], rhs))
    typ = whole("solver_typ", 2)
    defaults = SolverOptions()
    starts = whole("solver_ssz", 1) if number("solver_msl", 2) == 1 else 1
    batch = whole("gdsheet_batch", 0)
    options = SolverOptions(
        method=_choice(names.get("gdsheet_method"), (*METHODS,), defaults.method),
        lr=number("gdsheet_lr", defaults.lr) or defaults.lr,
        momentum=min(max(number("gdsheet_momentum", defaults.momentum), 0.0), 0.999),
        iterations=int(limit("solver_itr", defaults.iterations)),
        time_limit=limit("solver_tim", defaults.time_limit),
        tolerance=number("solver_cvg", defaults.tolerance) or defaults.tolerance,
        precision=number("solver_pre", defaults.precision) or defaults.precision,
        batch_size=batch if batch > 0 else None,
        schedule=_choice(names.get("gdsheet_schedule"), SCHEDULES, defaults.schedule),
        multistart=max(starts, 1),
        seed=whole("gdsheet_seed", whole("solver_rsd", defaults.seed)),
        int_gap=min(max(number("solver_tol", defaults.int_gap), 0.0), 0.99),
        max_subproblems=int(limit("solver_nod", defaults.max_subproblems)),
        max_feasible=int(limit("solver_mip", defaults.max_feasible)),
        ignore_integer=number("solver_rlx", 2) == 1,
        # one Population Size serves Multistart and Evolutionary; with Multistart on it counts the starts
        population=max(whole("solver_ssz", defaults.population), 1) if starts == 1 else defaults.population,
        mutation=min(max(number("solver_mrt", defaults.mutation), 1e-6), 0.99),
        patience=limit("solver_mni", defaults.patience),
        require_bounds=number("solver_rbv", 1) == 1,
    )
    return SolverModel(
        objective=names.get("solver_opt", ""),
        sense={1: "max", 3: "value"}.get(typ, "min"),
        target=number("solver_val", 0.0),
        variables=split_refs(names.get("solver_adj", "")),
        constraints=constraints,
        nonnegative=number("solver_neg", 2) == 1,  # 1 on, 2 off; older files write 0 for off
        engine=whole("solver_eng", 1),
        options=options,
    )


def write_model(wb: Workbook, sheet: str, model: SolverModel) -> None:
    """Store `model` on `sheet` as Excel's Solver does (hidden sheet-scoped solver_* names), plus gdsheet_* names
    for what Excel has no name for. Only names whose value changed are written: a name that already says what the
    model says keeps its text (Excel's 2147483647 "no limit" stays while the limit was not changed), Excel's own
    options gdsheet does not use (solver_drv, solver_est, ...) are never touched, and the constraint names of an
    earlier, longer model are removed."""
    values = _names_of(model, sheet)
    stored = read_model(wb, sheet)
    before = _names_of(stored, sheet) if stored is not None else {}
    for scope, key in list(wb.names):
        if scope is None or scope.lower() != sheet.lower():
            continue
        name = wb.names[(scope, key)].name.lower()
        if name not in values and (_CONSTRAINT_NAME.fullmatch(name) or name == "gdsheet_batch"):
            wb.remove_name(key, scope)
    for name, text in values.items():
        if before.get(name) == text:
            continue  # unchanged: the file's own text (or its absence) stays
        wb.define_name(name, text, scope=sheet, hidden=True)


_CONSTRAINT_NAME = re.compile(r"solver_(?:lhs|rel|rhs)\d+")


def _names_of(model: SolverModel, sheet: str) -> dict[str, str]:
    """The solver_*/gdsheet_* names and their texts that store `model` on `sheet`."""
    o = model.options
    values: dict[str, str] = {
        "solver_opt": _absolute(model.objective, sheet),
        "solver_typ": str(_TYP[model.sense]),
        "solver_val": _num(model.target),
        "solver_adj": ",".join(_absolute(v, sheet) for v in model.variables),
        "solver_num": str(len(model.constraints)),
        "solver_neg": "1" if model.nonnegative else "2",
        "solver_eng": str(model.engine),
        "solver_itr": str(o.iterations),
        "solver_tim": _num(o.time_limit),
        "solver_cvg": _num(o.tolerance),
        "solver_pre": _num(o.precision),
        "solver_msl": "1" if o.multistart > 1 else "2",
        "solver_ssz": str(o.multistart) if o.multistart > 1 else str(o.population),
        "solver_tol": _num(o.int_gap),
        "solver_nod": str(o.max_subproblems),
        "solver_mip": str(o.max_feasible),
        "solver_rlx": "1" if o.ignore_integer else "2",
        "solver_mrt": _num(o.mutation),
        "solver_mni": _num(o.patience),
        "solver_rbv": "1" if o.require_bounds else "2",
        "solver_rsd": str(o.seed),
        "solver_ver": "3",
        "gdsheet_method": f'"{o.method}"',
        "gdsheet_lr": _num(o.lr),
        "gdsheet_momentum": _num(o.momentum),
        "gdsheet_schedule": f'"{o.schedule}"',
        "gdsheet_seed": str(o.seed),
    }
    if o.batch_size is not None:
        values["gdsheet_batch"] = str(o.batch_size)
    for i, c in enumerate(model.constraints, 1):
        values[f"solver_lhs{i}"] = _absolute(c.lhs, sheet)
        values[f"solver_rel{i}"] = str(_REL_CODE[c.relation])
        if c.relation in _INT_RHS:
            values[f"solver_rhs{i}"] = f'"{_INT_RHS[c.relation]}"'
        else:
            values[f"solver_rhs{i}"] = _absolute(c.rhs, sheet) if _is_ref(c.rhs) else c.rhs.lstrip("=")
    return values


def split_refs(text: str) -> list[str]:
    """'A1:B2,Sheet 2!C3' -> ['A1:B2', 'Sheet 2!C3'], leaving commas inside quoted sheet names alone."""
    parts, depth_quote, cur = [], False, ""
    for ch in text.strip().lstrip("="):
        if ch == "'":
            depth_quote = not depth_quote
        if ch == "," and not depth_quote:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def _unquote(text: str) -> str:
    text = text.strip().lstrip("=")
    return text[1:-1].replace('""', '"') if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _choice(text: str | None, allowed: tuple[str, ...], default: str) -> str:
    value = _unquote(text or "").lower()
    return value if value in allowed else default


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v)).upper()


def _is_ref(text: str) -> bool:
    try:
        parse_area(text.lstrip("="))
        return True
    except ValueError:
        return False


def _absolute(text: str, sheet: str) -> str:
    """'B2' on sheet S -> 'S!$B$2', as Excel writes solver names; a name or formula is kept as written."""
    try:
        area = parse_area(text.lstrip("="), sheet)
    except ValueError:
        return text.lstrip("=")
    return area.a1(absolute=True)


# ---- guessing a model from an objective cell ----------------------------------------------------------------------

def guess_model(wb: Workbook, objective: CellId) -> SolverModel:
    """A model for `objective` whose variable cells are the constant numeric cells its formulas reference
    absolutely ($R$4:$AA$4, the parameter rows of the course's sheets), in order of first appearance; failing
    those, every constant numeric cell the formulas read."""
    s, r, c = objective
    seen_trees: set[tuple[str, A.Node]] = set()
    areas: list[Area] = []
    for cs, tree in _cone_trees(wb, objective):
        if (cs, tree) in seen_trees:
            continue
        seen_trees.add((cs, tree))  # a filled-down column shares one tree: its absolute refs are the same
        for area in _absolute_areas(wb, tree, cs):
            if area not in areas:
                areas.append(area)
    variables: list[str] = []
    for area in areas:
        numeric = [_is_parameter(wb, area.sheet, rr, cc) for rr, cc in area.cells()]
        if all(numeric):
            variables.append(area.a1(absolute=True))
        else:
            variables += [Area(area.sheet, rr, cc, rr, cc).a1(absolute=True)
                          for (rr, cc), ok in zip(area.cells(), numeric) if ok]
    if not variables:  # no absolute references (a one-cell toy such as =1.2*A1^2+4): every constant it reads
        cone = sorted(wb.precedents(s, r, c, transitive=True))
        variables = [Area(cs, cr, cc, cr, cc).a1(absolute=True) for cs, cr, cc in cone
                     if _is_parameter(wb, cs, cr, cc)]
    variables = [v for i, v in enumerate(variables) if v not in variables[:i]]
    return SolverModel(objective=Area(s, r, c, r, c).a1(absolute=True), variables=variables)


def _cone_trees(wb: Workbook, objective: CellId):
    """(sheet, tree) of each formula the objective depends on, walking the dependency graph's nodes: a block of a
    million filled-down cells is one tree, met once."""
    g = wb.engine.ensure_graph()
    start = g.block_of(*objective) or objective
    todo, seen = [start], {start}
    while todo:
        nid = todo.pop()
        block = g.blocks.get(nid)
        f = None if block is not None else wb.formula(*nid)
        tree = block.ast if block is not None else (f.ast if f is not None else None)
        if tree is not None:
            yield nid[0], tree
        for p in g.formula_precedents(nid):
            if p not in seen:
                seen.add(p)
                todo.append(p)


def _is_parameter(wb: Workbook, sheet: str, row: int, col: int) -> bool:
    if wb.formula(sheet, row, col) is not None or (row, col) in wb.sheet(sheet).spilled_from:
        return False
    v = wb.get(sheet, row, col)
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _absolute_areas(wb: Workbook, node: A.Node, host: str):
    """Areas written with every row and column absolute ($A$1, $R$4:$AA$4), and names that point at areas."""
    if isinstance(node, A.CellRef):
        if node.row_abs and node.col_abs:
            yield Area(_sheet(wb, node.sheet, host), node.row, node.col, node.row, node.col)
    elif isinstance(node, A.AreaRef):
        parts = (node.r1, node.c1, node.r2, node.c2)
        if None not in parts and node.r1_abs and node.c1_abs and node.r2_abs and node.c2_abs:
            yield Area(_sheet(wb, node.sheet, host), node.r1, node.c1, node.r2, node.c2)
    elif isinstance(node, A.Name):
        dn = wb.get_name(node.name, node.sheet or host)
        if dn is not None and re.fullmatch(r"[^,()]*!\$[A-Z]+\$\d+(:\$[A-Z]+\$\d+)?", dn.formula.strip()):
            area = parse_area(dn.formula, host)
            yield Area(_sheet(wb, area.sheet, host), area.r1, area.c1, area.r2, area.c2)
    for child in _children(node):
        yield from _absolute_areas(wb, child, host)


def _sheet(wb: Workbook, name: str | None, host: str) -> str:
    return wb.sheet(name).name if name else host


def _children(node: A.Node):
    if isinstance(node, (A.Unary, A.SpillRef)):
        return (node.operand,) if isinstance(node, A.Unary) else (node.target,)
    if isinstance(node, A.Binary):
        return node.left, node.right
    if isinstance(node, A.Call):
        return node.args
    return ()
