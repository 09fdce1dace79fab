"""Excel's Simplex LP reports (Sensitivity with ranging, Limits, Feasibility) and the nonlinear Sensitivity report with
Lagrange multipliers, written as sheets laid out like Excel Solver's (no Qt)."""
from __future__ import annotations

from gdsheet.solver.reports import SolveSummary, _address, _new_sheet, _write, label
from gdsheet.sheet.workbook import Workbook


def _head(title: str, run: SolveSummary) -> list[list]:
    return [[None, f"gdsheet {title} (worksheet {run.sheet})"], [None, f"Result: {run.message}"], []]


def lp_sensitivity_report(wb: Workbook, run: SolveSummary, columns, rows) -> str:
    """'Sensitivity Report N' for an LP: per variable its final value, reduced cost, objective coefficient and the
    allowable increase/decrease of that coefficient; per constraint cell its final value, shadow price, right-hand
    side and the allowable increase/decrease of it (1E+30: unlimited). `columns`/`rows` from LinearSolve."""
    host = run.sheet
    out = _head("Sensitivity Report", run) + [
        [None, "Variable Cells"],
        [None, "Cell", "Name", "Final Value", "Reduced Cost", "Objective Coefficient", "Allowable Increase",
         "Allowable Decrease"],
    ]
    for cell, col in zip(run.variables, columns):
        out.append([None, _address(cell, host), label(wb, cell), col.value, col.reduced_cost, col.cost,
                    col.increase, col.decrease])
    out += [[], [None, "Constraints"],
            [None, "Cell", "Name", "Final Value", "Shadow Price", "Constraint R.H. Side", "Allowable Increase",
             "Allowable Decrease"]]
    for row in rows:
        value = wb.get(*row.cell)
        out.append([None, _address(row.cell, host), label(wb, row.cell),
                    float(value) if isinstance(value, (int, float)) else value, row.shadow_price, row.rhs,
                    row.increase, row.decrease])
    name = _new_sheet(wb, "Sensitivity Report")
    _write(wb, name, out)
    wb.sheet(name).col_widths.update({8: 14.0, 9: 14.0})
    return name


def limits_report(wb: Workbook, run: SolveSummary, columns) -> str:
    """'Limits Report N': each variable's range with the others held at the solution and every constraint met,
    and the objective at both ends."""
    host = run.sheet
    out = [[None, f"gdsheet Limits Report (worksheet {host})"], [],
           [None, "Objective"], [None, "Cell", "Name", "Value"],
           [None, _address(run.objective, host), label(wb, run.objective), run.final_objective], [],
           [None, "Variable"],
           [None, "Cell", "Name", "Value", "Lower Limit", "Objective Result", "Upper Limit", "Objective Result"]]
    for cell, col in zip(run.variables, columns):
        out.append([None, _address(cell, host), label(wb, cell), col.value, col.lower_limit, col.lower_objective,
                    col.upper_limit, col.upper_objective])
    name = _new_sheet(wb, "Limits Report")
    _write(wb, name, out)
    return name


def feasibility_report(wb: Workbook, run: SolveSummary, conflicting: list[str], method: str) -> str:
    """'Feasibility Report N': a smallest set of constraints that cannot all hold (removing any one of them leaves
    the rest satisfiable), found by `method`."""
    out = _head("Feasibility Report", run) + [
        [None, f"An irreducible infeasible set of {len(conflicting)} constraints ({method}): relax or remove any one "
               "of them and the others can be met."],
        [], [None, "Constraint"]]
    out += [[None, text] for text in conflicting]
    name = _new_sheet(wb, "Feasibility Report")
    _write(wb, name, out)
    wb.sheet(name).col_widths[2] = 60.0
    return name


def nonlinear_sensitivity_report(wb: Workbook, run: SolveSummary, gradient, multipliers) -> str:
    """'Sensitivity Report N' for a nonlinear model, as Excel's GRG writes it: per variable its final value and
    reduced gradient; per constraint cell its final value and Lagrange multiplier (d objective / d right-hand
    side at the solution). `multipliers`: (cell, constraint text, multiplier) triples."""
    host = run.sheet
    out = _head("Sensitivity Report", run) + [
        [None, "Variable Cells"], [None, "Cell", "Name", "Final Value", "Reduced Gradient"]]
    for cell, value, g in zip(run.variables, run.final, gradient):
        out.append([None, _address(cell, host), label(wb, cell), value, g])
    out += [[], [None, "Constraints"], [None, "Cell", "Name", "Final Value", "Lagrange Multiplier"]]
    for cell, _, lam in multipliers:
        value = wb.get(*cell)
        out.append([None, _address(cell, host), label(wb, cell),
                    float(value) if isinstance(value, (int, float)) else value, lam])
    name = _new_sheet(wb, "Sensitivity Report")
    _write(wb, name, out)
    return name


REPORTS = ("answer", "sensitivity", "limits", "feasibility")


def write_reports(wb: Workbook, solve, run: SolveSummary, final, kinds) -> list[str]:
    """The report sheets `kinds` asks for (of REPORTS) that fit how the solve ended, as the Solver Results dialog
    offers them: Limits for an optimal LP, Feasibility for an infeasible one; the Sensitivity report that fits
    the engine. Build them while the solution is in the cells. Returns the sheets' names."""
    from gdsheet.solver.reports import answer_report, sensitivity_report

    made = []
    lp = solve.sensitivity() if hasattr(solve, "sensitivity") else None
    values = tuple(final.values)
    if "answer" in kinds:
        made.append(answer_report(wb, run))
    if "sensitivity" in kinds:
        if lp is not None:
            made.append(lp_sensitivity_report(wb, run, lp[0], lp[1]))
        elif getattr(solve, "rows", ()) and hasattr(solve, "multipliers"):
            made.append(nonlinear_sensitivity_report(wb, run, solve.reduced_gradient(values),
                                                     solve.multipliers(values)))
        elif not hasattr(solve, "sensitivity"):
            made.append(sensitivity_report(wb, run, tuple(solve.gradient(values))))
    if "limits" in kinds and lp is not None:
        made.append(limits_report(wb, run, lp[0]))
    result = getattr(solve, "result", None)
    if "feasibility" in kinds and result is not None and result.status == "infeasible" and result.iis is not None:
        made.append(feasibility_report(wb, run, solve.conflicting(), result.iis_method))
    return made
