"""`gdsheet solve`: run a workbook's Solver model headless, with a progress bar, a JSON result and a CSV trace."""
from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import math
import sys
import time

from gdsheet.errors import GdsheetError
from gdsheet.refs import Area, cell_name
from gdsheet.solver.model import METHODS, SCHEDULES, SolverModel, guess_model, read_model, write_model

BAR_EVERY = 0.1  # seconds between progress-bar redraws
ENGINES = {"grg": 1, "simplex": 2, "evolutionary": 3}
JSON_VARIABLES = 20  # more variables than this are counted, not listed, in the JSON line (see --json-variables)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gdsheet solve",
        description="Solve a workbook's Solver model by gradient descent. Without --objective the model stored in "
                    "the workbook (on --sheet, else the active sheet) is used; options given here override it. "
                    "The last line on standard output is a JSON object with the outcome.")
    p.add_argument("book", help="an .xlsx workbook")
    p.add_argument("--sheet", help="the sheet whose Solver model to use (default: the active sheet)")
    p.add_argument("--objective", help="the objective cell, e.g. linear!AC4 (default: the stored model's)")
    p.add_argument("--changing", help="variable cells, comma-separated ranges (default: the stored model's, or "
                   "the constant cells the objective references absolutely)")
    sense = p.add_mutually_exclusive_group()
    sense.add_argument("--min", action="store_true", help="minimise the objective (the default)")
    sense.add_argument("--max", action="store_true", help="maximise the objective")
    sense.add_argument("--value-of", type=float, metavar="X", help="drive the objective to X")
    p.add_argument("--engine", choices=tuple(ENGINES),
                   help="Excel's Solving Method: grg (gradient methods, the default), simplex (linear and integer "
                        "models, exact), evolutionary (the stored model's solver_eng unless given)")
    p.add_argument("--method", choices=METHODS)
    p.add_argument("--lr", type=float, help="learning rate (gd, momentum, adam)")
    p.add_argument("--momentum", type=float)
    p.add_argument("--schedule", choices=SCHEDULES)
    p.add_argument("--iterations", type=int, help="maximum iterations (per start)")
    p.add_argument("--time-limit", type=float, metavar="SECONDS")
    p.add_argument("--tolerance", type=float, help="convergence: relative change over the last 5 iterations")
    p.add_argument("--batch-size", type=int, metavar="B", help="mini-batch rows per step (gd, momentum, adam)")
    p.add_argument("--multistart", type=int, metavar="K", help="K seeded starts; the best result is kept")
    p.add_argument("--seed", type=int)
    p.add_argument("--device", help="torch device, e.g. cpu or cuda")
    p.add_argument("--trace", metavar="TRACE.csv",
                   help="write the start (1.. of a multistart), iteration, loss and every variable per iteration")
    p.add_argument("--json-variables", action="store_true",
                   help=f"list every variable's final value in the JSON line (by default only up to "
                        f"{JSON_VARIABLES}, so the line stays short)")
    p.add_argument("-o", "--output", metavar="OUT.xlsx", help="write the solved, recalculated workbook here")
    p.add_argument("--reports", metavar="KINDS",
                   help="with -o: add report sheets, comma-separated: answer, sensitivity, limits (an optimal LP), "
                        "feasibility (an infeasible LP)")
    p.add_argument("--plot", metavar="LOSS.png", help="draw the loss curve, as the app does, into a .png or .svg")
    p.add_argument("--log-plot", action="store_true", help="draw --plot with a logarithmic loss axis")
    p.add_argument("--landscape", nargs=2, metavar=("CELLS", "LAND.png"),
                   help="draw the loss landscape with the descent's path into a .png or .svg: CELLS is two variable "
                        "cells, e.g. B1,C1 (the loss over both, the others at the result) or one (the loss along it, "
                        "with its tangent and the gradient-descent step)")
    p.add_argument("--keep-diverging", action="store_true",
                   help="let a diverging run go on to its iteration limit, while the loss stays finite")
    return p


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed its one-line reason
        return 2 if exc.code else 0
    try:
        return _solve(args)
    except (GdsheetError, OSError, ValueError, KeyError) as exc:
        reason = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"gdsheet solve: {reason}", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"gdsheet solve: there is not enough memory to solve {args.book}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug, not the user's doing: one line that says where, not a traceback
        first = next(iter(str(exc).splitlines()), "")
        print(f"gdsheet solve: internal error in {_stage(exc)}: {type(exc).__name__}: {first}", file=sys.stderr)
        return 2


def check_output(path: str) -> None:
    """Raise WorkbookWriteError when `path` cannot be written: not an .xlsx/.xlsm name, no such folder, a folder
    gdsheet may not write into, or a read-only file."""
    import os
    from pathlib import Path

    from gdsheet.errors import WorkbookWriteError
    from gdsheet.io.xlsx_write import check_target

    check_target(path)
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise WorkbookWriteError(f"could not save {target.name}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WorkbookWriteError(f"could not save {target.name}: the folder {folder} is not writable")
    if target.is_dir():
        raise WorkbookWriteError(f"could not save {target.name}: it is a folder")
    if target.exists() and not os.access(target, os.W_OK):
        raise WorkbookWriteError(f"could not save {target.name}: the file is read-only")


def _stage(exc: BaseException) -> str:
    """The gdsheet subpackage (compile, solver, io, ...) of the innermost frame of `exc` inside one."""
    stage = "solve"
    tb = exc.__traceback__
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "").split(".")
        if module[0] == "gdsheet" and len(module) > 2:
            stage = module[1]
        tb = tb.tb_next
    return stage


def model_from_args(wb, args: argparse.Namespace) -> tuple[SolverModel, str]:
    """The stored (or guessed) model with the command line's overrides applied, and the sheet it belongs to."""
    from gdsheet.solver.build import cells_of

    sheet = wb.sheet(args.sheet).name
    if args.objective:
        objective = cells_of(wb, args.objective, sheet)
        if len(objective) != 1:
            raise ValueError(f"--objective must be one cell, not {args.objective!r}")
        if args.changing:  # the variables are given: nothing to guess
            s, r, c = objective[0]
            model = SolverModel(objective=Area(s, r, c, r, c).a1(absolute=True), variables=[])
        else:
            model = guess_model(wb, objective[0])
    else:
        model = read_model(wb, sheet)
        if model is None:
            raise ValueError(f"sheet {sheet!r} has no stored Solver model: give --objective")
    changes: dict = {}
    if args.changing:
        changes["variables"] = [v.strip() for v in args.changing.split(",") if v.strip()]
    if args.engine:
        changes["engine"] = ENGINES[args.engine]
    if args.max:
        changes["sense"] = "max"
    elif args.value_of is not None:
        changes["sense"], changes["target"] = "value", args.value_of
    elif args.min:
        changes["sense"] = "min"
    opts = {k: getattr(args, k) for k in ("method", "lr", "momentum", "schedule", "iterations", "time_limit",
                                           "tolerance", "batch_size", "multistart", "seed", "device")
            if getattr(args, k) is not None}
    if opts.get("method") == "lbfgs" and args.batch_size is None:
        opts["batch_size"] = None  # a stored mini-batch size belongs to the stored first-order method
    model = dataclasses.replace(model, options=dataclasses.replace(model.options, **opts), **changes)
    return model, sheet


def _solve(args: argparse.Namespace) -> int:
    from gdsheet.io import load_workbook, save_workbook
    from gdsheet.lazy_modules import collector_paused

    kinds = _report_kinds(args)
    if args.output:
        check_output(args.output)  # before the solve: a wrong name should not cost its time
    wb = load_workbook(args.book)  # first: a file that cannot be read is said at once, before torch is imported
    with collector_paused():  # torch, mostly (a second of the start)
        from gdsheet.solver.run import apply, prepare

    if not wb.values_are_cached():
        wb.recalculate()  # the solve and its report need every value the objective reads
    # Otherwise the values Excel saved are current: the solve compiles the formulas that depend on the variables
    # and reads the others as they are, as Excel's Solver does, and starting needs no recalculation of the book.
    model, sheet = model_from_args(wb, args)
    solve = prepare(wb, model, sheet)
    for warning in solve.warnings:
        print(f"gdsheet solve: warning: {warning}", file=sys.stderr)
    names = [f"{s}!{cell_name(r, c)}" for s, r, c in solve.variables]
    solve.stop_on_divergence = not args.keep_diverging
    pictured = _landscape_cells(wb, solve, args.landscape[0], sheet) if args.landscape else None
    records: list | None = [] if args.plot or args.landscape else None
    bar = _Bar(model.options.iterations * model.options.multistart) if sys.stderr.isatty() else None
    trace = open(args.trace, "w", newline="", encoding="utf-8") if args.trace else None
    try:
        writer = csv.writer(trace) if trace else None
        if writer:
            writer.writerow(["start", "iteration", "loss", *names])
        final = None
        for record in solve.run():
            if record.done:
                final = record
                break
            if writer:
                writer.writerow([record.start + 1, record.iteration, repr(record.loss), *map(repr, record.values)])
            if records is not None:
                records.append(record)
            if bar:
                bar.show(record)
    finally:
        if trace:
            trace.close()
        if bar:
            bar.close()
    print(f"gdsheet solve: {final.message}", file=sys.stderr)
    if records is not None:
        _pictures(args, solve, model, sheet, records, final, pictured)
    if args.output:
        original = wb.get(*solve.objective) if solve.objective else math.nan
        apply(wb, solve.variables, final.values)
        write_model(wb, sheet, model)
        if kinds:
            _reports(wb, solve, model, sheet, final, kinds, original)
        for note in save_workbook(wb, args.output):
            print(f"gdsheet solve: {note}", file=sys.stderr)
    result = {
        "status": final.status,
        "objective": final.loss if math.isfinite(final.loss) else None,
        "iterations": final.iteration,
        "seconds": round(final.elapsed, 6),
    }
    if args.json_variables or len(names) <= JSON_VARIABLES:
        result["variables"] = dict(zip(names, final.values))
    else:
        result["variable_count"] = len(names)
    print(json.dumps(result))
    return 0


def _report_kinds(args: argparse.Namespace) -> list[str]:
    from gdsheet.solver.lp_reports import REPORTS

    if not args.reports:
        return []
    kinds = [k.strip().lower() for k in args.reports.split(",") if k.strip()]
    bad = [k for k in kinds if k not in REPORTS]
    if bad:
        raise ValueError(f"--reports: unknown report {bad[0]!r} (one of {', '.join(REPORTS)})")
    if not args.output:
        raise ValueError("--reports needs -o OUT.xlsx: the reports are sheets of the solved workbook")
    return kinds


def _reports(wb, solve, model: SolverModel, sheet: str, final, kinds: list[str], original) -> None:
    from gdsheet.solver.lp_reports import write_reports
    from gdsheet.solver.reports import SolveSummary

    value = wb.get(*solve.objective)
    number = lambda v: float(v) if isinstance(v, (int, float)) else math.nan  # noqa: E731
    method = {2: "Simplex LP (HiGHS)", 3: "Evolutionary (differential evolution)"}.get(model.engine,
                                                                                      model.options.method)
    summary = SolveSummary(sheet, solve.objective, model.sense, tuple(solve.variables), tuple(solve.start),
                           tuple(final.values), number(original), number(value), final.message or "", method,
                           final.iteration, final.elapsed, tuple(model.constraints), model.options.precision)
    for name in write_reports(wb, solve, summary, final, kinds):
        print(f"gdsheet solve: wrote the sheet {name!r}", file=sys.stderr)


def _landscape_cells(wb, solve, text: str, sheet: str) -> list[int]:
    """--landscape's CELLS as indexes of the model's variables (checked before the solve, to fail fast)."""
    from gdsheet.solver.build import cells_of

    cells = [c for part in text.split(",") if part.strip() for c in cells_of(wb, part.strip(), sheet)]
    if len(cells) not in (1, 2):
        raise ValueError(f"--landscape needs one or two variable cells, not {text!r}")
    index = {(s.lower(), r, c): i for i, (s, r, c) in enumerate(solve.variables)}
    out = []
    for s, r, c in cells:
        if (s.lower(), r, c) not in index:
            raise ValueError(f"--landscape: {s}!{cell_name(r, c)} is not one of the model's variable cells")
        out.append(index[(s.lower(), r, c)])
    if len(out) == 2 and out[0] == out[1]:
        raise ValueError("--landscape needs two different variable cells")
    return out


def _pictures(args, solve, model, sheet: str, records: list, final, pictured: list[int] | None) -> None:
    """Draw --plot and --landscape with the app's own plots (Qt, loaded only now)."""
    from gdsheet.gui.plot_common import run_title
    from gdsheet.gui.render import render_landscape, render_loss

    best = final.start if model.options.multistart > 1 else None
    if args.plot:
        title = f"{run_title(model)} ({final.status})"
        out = render_loss(records, best, title, args.plot, log=args.log_plot)
        print(f"gdsheet solve: drew the loss curve in {out}", file=sys.stderr)
    if pictured is not None:
        here = sheet.lower()
        short = [cell_name(r, c) if s.lower() == here else f"{s}!{cell_name(r, c)}" for s, r, c in solve.variables]
        out = render_landscape(solve, short, final.values, records, best, pictured, args.landscape[1])
        print(f"gdsheet solve: drew the landscape in {out}", file=sys.stderr)


class _Bar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, total: int):
        self.total, self._shown = max(total, 1), 0.0

    def show(self, record) -> None:
        now = time.monotonic()
        if now - self._shown < BAR_EVERY:
            return
        self._shown = now
        done = min(record.iteration / self.total, 1.0)
        filled = int(30 * done)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {record.iteration} it  "
                         f"loss {record.loss:.6g}  best {record.best_loss:.6g}  {record.elapsed:.1f}s ")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\r" + " " * 100 + "\r")
        sys.stderr.flush()
