"""Answer and Sensitivity report sheets, laid out like Excel Solver's, written into the workbook (no Qt)."""
from __future__ import annotations

from dataclasses import dataclass

from gdsheet.errors import ExcelError
from gdsheet.refs import Area, cell_name, parse_area
from gdsheet.sheet.workbook import CellId, Workbook


@dataclass(frozen=True)
class SolveSummary:
    """What a report needs of a finished run: the cells, values before and after, and how it ended."""

    sheet: str  # the sheet the model belongs to
    objective: CellId
    sense: str
    variables: tuple[CellId, ...]
    original: tuple[float, ...]
    final: tuple[float, ...]
    original_objective: float
    final_objective: float
    message: str
    method: str
    iterations: int
    seconds: float
    constraints: tuple = ()  # solver.model.Constraint
    precision: float = 1e-6


def label(wb: Workbook, cell: CellId) -> str:
    """A name for a cell as Excel's reports make one: the nearest text to its left, then the nearest above.

    Where nothing above is text (a row of parameters on top with their headers just below it, as in the course's
    Titanic sheets), the header right below is taken, so the variables read "Params SibSp", not all "Params"."""
    s, r, c = cell
    sheet = wb.sheet(s)
    left = next((v for cc in range(c - 1, 0, -1) if isinstance(v := sheet.cells.get((r, cc)), str)), "")
    above = next((v for rr in range(r - 1, 0, -1) if isinstance(v := sheet.cells.get((rr, c)), str)), "")
    if not above:
        below = next((v for rr in range(r + 1, r + 4) if (v := sheet.cells.get((rr, c))) is not None), None)
        above = below if isinstance(below, str) else ""
    return " ".join(t for t in (left, above) if t)


def _address(cell: CellId, host: str) -> str:
    s, r, c = cell
    return Area(s if s.lower() != host.lower() else None, r, c, r, c).a1(absolute=True)


def _new_sheet(wb: Workbook, stem: str) -> str:
    n = 1
    while wb.has_sheet(f"{stem} {n}"):
        n += 1
    return wb.add_sheet(f"{stem} {n}").name


def _write(wb: Workbook, sheet: str, rows: list[list]) -> None:
    wb.set_values([(sheet, r, c, v) for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1)
                   if v is not None and v != ""])
    widths = wb.sheet(sheet).col_widths
    widths.update({1: 2.0, 2: 14.0, 3: 28.0, 4: 16.0, 5: 16.0, 6: 14.0, 7: 12.0})


def answer_report(wb: Workbook, run: SolveSummary) -> str:
    """An 'Answer Report N' sheet: the result in words, the objective and the variables (original and final),
    and each constraint cell with its value, its formula, Binding / Not Binding and the slack. Constraint values
    are read from the workbook, so build it while the solution is in the cells. Returns the sheet's name."""
    host = run.sheet
    rows: list[list] = [
        [None, f"gdsheet Answer Report (worksheet {host})"],
        [None, f"Result: {run.message}"],
        [None, f"Method: {run.method}; {run.iterations} iterations in {run.seconds:.3g} s"],
        [],
        [None, f"Objective Cell ({ {'min': 'Min', 'max': 'Max', 'value': 'Value Of'}[run.sense]})"],
        [None, "Cell", "Name", "Original Value", "Final Value"],
        [None, _address(run.objective, host), label(wb, run.objective), run.original_objective,
         run.final_objective],
        [],
        [None, "Variable Cells"],
        [None, "Cell", "Name", "Original Value", "Final Value"],
    ]
    for cell, before, after in zip(run.variables, run.original, run.final):
        rows.append([None, _address(cell, host), label(wb, cell), before, after])
    if run.constraints:
        rows += [[], [None, "Constraints"], [None, "Cell", "Name", "Cell Value", "Formula", "Status", "Slack"]]
        for con in run.constraints:
            rows += _constraint_rows(wb, con, host, run.precision)
    name = _new_sheet(wb, "Answer Report")
    _write(wb, name, rows)
    return name


def _constraint_rows(wb: Workbook, con, host: str, precision: float) -> list[list]:
    try:
        lhs = parse_area(con.lhs, host)
    except ValueError:
        return [[None, con.lhs, "", None, str(con), "not a cell range", None]]
    sheet = wb.sheet(lhs.sheet).name
    rhs_values = _rhs_values(wb, con.rhs, host, lhs)
    out = []
    for (r, c), rhs in zip(lhs.cells(), rhs_values):
        value = wb.get(sheet, r, c)
        cell = (sheet, r, c)
        relation = con.relation if con.relation in ("<=", "=", ">=") else "="  # int/bin/dif: '= integer'
        formula = f"{_address(cell, host)} {relation} {con.rhs}"
        if not isinstance(value, (int, float)) or not isinstance(rhs, (int, float)):
            out.append([None, _address(cell, host), label(wb, cell), value, formula, "", None])
            continue
        slack = abs(float(rhs) - float(value))
        out.append([None, _address(cell, host), label(wb, cell), float(value), formula,
                    "Binding" if slack <= precision * max(1.0, abs(float(rhs))) else "Not Binding", slack])
    return out


def _rhs_values(wb: Workbook, rhs: str, host: str, lhs: Area) -> list:
    """The right-hand side per lhs cell: a range of the same size cell by cell, else one value for all."""
    try:
        area = parse_area(rhs.lstrip("="), host)
        if area.size == lhs.size:
            sheet = wb.sheet(area.sheet).name
            return [wb.get(sheet, r, c) for r, c in area.cells()]
    except ValueError:
        pass
    try:
        value = wb.evaluate("=" + rhs.lstrip("="), host)
    except Exception:  # a constraint the engine cannot read still gets its row, without a status
        value = None
    if isinstance(value, ExcelError):
        value = None
    return [value] * lhs.size


def sensitivity_report(wb: Workbook, run: SolveSummary, gradient: tuple[float, ...]) -> str:
    """A 'Sensitivity Report N' sheet: for each variable its final value and the gradient of the objective with
    respect to it there (how much the objective moves per unit change of that cell). Returns the sheet's name."""
    host = run.sheet
    rows: list[list] = [
        [None, f"gdsheet Sensitivity Report (worksheet {host})"],
        [None, f"Objective: {_address(run.objective, host)} = {run.final_objective:.10g}"],
        [],
        [None, "Variable Cells"],
        [None, "Cell", "Name", "Final Value", "Gradient"],
    ]
    for cell, value, g in zip(run.variables, run.final, gradient):
        rows.append([None, _address(cell, host), label(wb, cell), value, g])
    rows += [[], [None, f"Gradient: d {cell_name(*run.objective[1:])} / d cell at the final values; near zero "
                        "at a minimum without binding bounds."]]
    name = _new_sheet(wb, "Sensitivity Report")
    _write(wb, name, rows)
    return name
