"""The solve as the window drives it: the dialog, the worker run, Step, Randomize, and the results."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from gdsheet.errors import GdsheetError
from gdsheet.gui.commands import SOLVER_STEP_ID, BuildSheet, SetSolverModel, set_values_command
from gdsheet.gui.document import Document
from gdsheet.gui.plot_common import run_title
from gdsheet.gui.results_dialog import ResultsDialog
from gdsheet.gui.solve_runner import SolveRunner, Update, program_cells
from gdsheet.gui.solver_dialog import SolverDialog
from gdsheet.gui.view_source import ViewSource
from gdsheet.refs import cell_name, col_letter, parse_area, quote_sheet
from gdsheet.sheet.workbook import CellId, Workbook
from gdsheet.solver.model import SolverModel, guess_model, read_model
from gdsheet.solver.validate import check_size
from gdsheet.solver.lp_reports import (feasibility_report, limits_report, lp_sensitivity_report,
                                       nonlinear_sensitivity_report)
from gdsheet.solver.reports import SolveSummary, answer_report, sensitivity_report

PAINT_BEFORE_COMPILE_MS = 40  # a solve starts compiling this long after Solve: the window has painted by then

HEADLINES = {"converged": "Solver converged: the objective stopped improving.",
             "iteration limit": "Solver stopped at the iteration limit.",
             "time limit": "Solver stopped at the time limit.", "stopped": "Solver was stopped.",
             "diverged": "Solver stopped: the descent diverged.",
             "optimal": "Solver found a solution. All Constraints and optimality conditions are satisfied.",
             "infeasible": "Solver could not find a feasible solution.",
             "unbounded": "The Objective Cell values do not converge.",
             "not linear": "The linearity conditions required by this LP Solver are not satisfied.",
             "stalled": "Solver stopped without converging: the slope is not yet zero.",
             "independent": "The objective does not depend on the variable cells.",
             "no improvement": "Solver cannot improve the current solution.",
             "subproblem limit": "Solver stopped at the Max Subproblems limit.",
             "solution limit": "Solver stopped at the Max Feasible Solutions limit."}


def results_text(p) -> tuple[str, str]:
    """The Solver Results headline and details, each fact said once: the outcome (headline), the reason the
    run gives (without the status word and the objective it repeats), then the objective, iterations and time."""
    headline = HEADLINES.get(p.status or "", "Solver finished.")
    reason = (p.message or "").strip()
    if p.status and reason.lower().startswith(p.status.lower() + ":"):
        reason = reason[len(p.status) + 1:].strip()
    reason = re.sub(r"[;,]?\s*objective\s+-?[\d.eE+-]+\s*$", "", reason).strip()
    if reason:
        reason = reason[0].upper() + reason[1:] + ("" if reason.endswith(".") else ".")
    summary = f"Objective {p.best_loss:.10g} after {p.iteration} iterations ({p.elapsed:.2f} s)."
    return headline, f"{reason}\n\n{summary}" if reason else summary


def expand_refs(wb: Workbook, refs: list[str], sheet: str) -> list[CellId]:
    """'$B$2:$C$3', 'Sheet2!A1' or a defined name -> cells, row by row; raises GdsheetError for anything else."""
    cells: list[CellId] = []
    for ref in refs:
        text = ref.strip().lstrip("=")
        dn = wb.get_name(text, sheet)
        try:
            area = parse_area(dn.formula if dn is not None else text, sheet)
        except ValueError:
            raise GdsheetError(f"{ref!r} is not a cell range") from None
        if not wb.has_sheet(area.sheet or sheet):
            raise GdsheetError(f"{ref!r} refers to a sheet {area.sheet!r} the workbook does not have")
        check_size(len(cells) + area.size, f"the cells {ref}")  # a whole sheet of variables is refused, not listed
        name = wb.sheet(area.sheet).name
        cells += [(name, r, c) for r, c in area.cells()]
    return cells


def model_cells(wb: Workbook, model: SolverModel, sheet: str) -> tuple[CellId | None, list[CellId]]:
    """The objective cell and the variable cells a model names (None / [] where they cannot be read)."""
    try:
        objective = expand_refs(wb, [model.objective], sheet)[0] if model.objective else None
    except GdsheetError:
        objective = None
    try:
        variables = expand_refs(wb, model.variables, sheet)
    except GdsheetError:
        variables = []
    return objective, variables


def devices() -> list[str]:
    import torch

    return ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@dataclass
class _Run:
    """A run in progress (or a Step session): what it started from, for restore and reports."""

    solve: object  # gdsheet.solver.run.Solve; None while the worker compiles it
    model: SolverModel
    sheet: str
    objective: CellId
    variables: list[CellId]
    original: tuple[float, ...]
    original_objective: float
    last_values: tuple[float, ...] = ()


class SolveController(QObject):
    """Owns at most one run. Signals: `progressed(text)` for the status bar, `running_changed(bool)`."""

    progressed = Signal(str)
    running_changed = Signal(bool)
    run_finished = Signal(object)  # the final Progress, after the results dialog closed

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.runner: SolveRunner | None = None
        self.run: _Run | None = None
        self.stepping: _Run | None = None
        self.dialog: SolverDialog | None = None
        self.ask_results = True  # tests and scripts answer the results dialog themselves
        self._viewed: tuple | None = None  # (key, Solve or the reason there is none) for the views, see view_source

    @property
    def doc(self) -> Document:
        return self.window.doc

    @property
    def running(self) -> bool:
        return self.runner is not None

    @property
    def preparing(self) -> bool:
        """The worker is compiling the model of the run that is starting."""
        return self.runner is not None and self.run is not None and self.run.solve is None

    def locks(self, cells) -> CellId | None:
        """The first of `cells` a running solve depends on (editing it must wait), else None. Asked when an edit
        comes, downstream of the edited cells: the objective of a million-row model reads millions of cells, too
        many to list when the run starts."""
        run = self.run
        if run is None or self.runner is None:
            return None
        cells = [(self.doc.wb.sheet(s).name, r, c) for s, r, c in cells]
        if run.solve is None and cells:
            return cells[0]  # the worker is compiling the model from the workbook: nothing changes under it
        held = set(run.variables) | {run.objective}
        direct = next((cell for cell in cells if cell in held), None)
        if direct is not None:
            return direct
        engine = self.doc.wb.engine
        if run.objective not in engine.dependents_of_many(set(cells)):
            return None
        return next(cell for cell in cells if run.objective in engine.dependents_of_many({cell}))

    # ---- the dialog -----------------------------------------------------------------------------------------

    def initial_model(self, sheet: str, cell: CellId | None) -> SolverModel:
        """The sheet's stored model; for a formula cell that is not its objective, a model guessed from it."""
        wb = self.doc.wb
        stored = read_model(wb, sheet)
        if cell is not None and wb.formula(*cell) is not None:
            objective, _ = model_cells(wb, stored, sheet) if stored else (None, [])
            if objective != cell:
                return guess_model(wb, cell)
        return stored or SolverModel(objective="")

    def open_dialog(self, cell: CellId | None = None) -> SolverDialog:
        sheet = self.doc.wb.active_sheet.name
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = SolverDialog(self.initial_model(sheet, cell), devices(), self.window)
        self.dialog.solve_requested.connect(self.solve)
        self.dialog.step_requested.connect(self.step)
        self.dialog.randomize_requested.connect(self.randomize)
        self.dialog.show()
        return self.dialog

    # ---- preparing ------------------------------------------------------------------------------------------

    def _prepare(self, model: SolverModel) -> _Run | None:
        from gdsheet.solver.run import prepare

        wb, sheet = self.doc.wb, self.doc.wb.active_sheet.name
        try:
            solve = prepare(wb, model)
            objective, _ = model_cells(wb, model, sheet)
            if objective is None:
                raise GdsheetError(f"the objective {model.objective!r} is not a cell")
        except (GdsheetError, ValueError) as exc:
            self._store_model(sheet, model)  # the dialog opens again with what was typed, to be fixed
            QMessageBox.warning(self.window, "Solver", str(exc))
            return None
        variables = list(solve.variables)
        self.doc.set_roles(objective, variables)
        return _Run(solve, model, sheet, objective, variables, tuple(solve.start), _number(wb.get(*objective)),
                    tuple(solve.start))

    def _model_command(self, sheet: str, model: SolverModel) -> SetSolverModel | None:
        """Storing the model on its sheet, when that changes it. A run stores it with its result, so one Undo
        takes back both (a separate step would undo nothing the user can see)."""
        return SetSolverModel(self.doc, sheet, model) if read_model(self.doc.wb, sheet) != model else None

    def _store_model(self, sheet: str, model: SolverModel) -> None:
        command = self._model_command(sheet, model)
        if command is not None:
            self.doc.undo.push(command)

    # ---- Solve ----------------------------------------------------------------------------------------------

    def solve(self, model: SolverModel) -> bool:
        """Start a run: the model is checked here (a mistake is said at once), compiled and run on the worker
        thread (compiling a million-row model takes a while, and the window must keep answering meanwhile)."""
        from gdsheet.solver.run import prepare
        from gdsheet.solver.validate import check_model

        if self.running:
            return False
        self.stepping = None
        wb, sheet = self.doc.wb, self.doc.wb.active_sheet.name
        try:
            check_model(wb, model, sheet)
            objective, _ = model_cells(wb, model, sheet)
            if objective is None:
                raise GdsheetError(f"the objective {model.objective!r} is not a cell")
            variables = expand_refs(wb, model.variables, sheet)
        except (GdsheetError, ValueError) as exc:
            self._store_model(sheet, model)  # the dialog opens again with what was typed, to be fixed
            QMessageBox.warning(self.window, "Solver", str(exc))
            return False
        self.doc.set_roles(objective, variables)
        start = tuple(_number(wb.get(*cell)) if wb.get(*cell) is not None else 0.0 for cell in variables)
        self.run = run = _Run(None, model, sheet, objective, variables, start, _number(wb.get(*objective)), start)
        stop_on_divergence = self._stop_on_divergence()

        def prepared():  # on the worker thread; the workbook is not edited meanwhile (see locks)
            solve = prepare(wb, model)
            solve.stop_on_divergence = stop_on_divergence
            return solve

        self._show_plot(_plot_title(model), run.objective, run.variables)
        self.window.loss_plot.running = True
        self.progressed.emit("Preparing the model…")
        self.runner = SolveRunner(prepare=prepared)
        self.runner.want_gradient = self.window.gradients.enabled
        self.runner.within = self.window.view.shown_areas()
        self.runner.prepared.connect(self._prepared)
        self.runner.stepped.connect(self._stepped)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self.running_changed.emit(True)
        # the window first paints what changed (the plot in front, the buttons): compiling holds the interpreter
        # for a while, and a paint meanwhile waits for it at every cell
        runner = self.runner  # (it lives on its own thread, whose event loop has not begun: the timer is ours)
        QTimer.singleShot(PAINT_BEFORE_COMPILE_MS, self, lambda: runner.start() if self.runner is runner else None)
        return True

    def _prepared(self, solve) -> None:
        """The worker has compiled the model and begins iterating."""
        run = self.run
        if run is None:
            return
        run.solve = solve
        run.variables = list(solve.variables)
        run.original = run.last_values = tuple(solve.start)

    def _stop_on_divergence(self) -> bool:
        box = getattr(self.dialog, "stop_on_divergence", None)
        return box is None or box.isChecked()

    def _show_plot(self, title: str, objective: CellId, variables: list[CellId]) -> None:
        """Start the loss plot afresh, docked beside the grid, with the objective cell kept in view."""
        win, plot = self.window, self.window.loss_plot
        appearing = plot.isHidden()
        plot.reset(title, self.names(variables))
        self._band().clear()
        plot.show()
        if appearing and not plot.isFloating():
            # a third of the window: the grid keeps the loss cell and the variables around it in sight
            win.resizeDocks([plot], [max(win.width() // 3, 320)], Qt.Orientation.Horizontal)
        win.layout().activate()  # the grid's new width, before scrolling within it
        s, r, c = objective
        if s.lower() == win.model.sheet_name.lower():
            win.view.scrollTo(win.model.index(r - 1, c - 1))

    def stop(self) -> None:
        if self.runner is not None:
            self.runner.stop()

    def shutdown(self) -> None:
        """Abandon a run (the window is closing): stop it, join its thread, put the original values back."""
        if self.runner is None:
            return
        for signal in (self.runner.stepped, self.runner.finished, self.runner.failed):
            signal.disconnect()
        run = self.run
        self._end_run()
        self._show_values(run.original)
        self.run = None

    def _show_values(self, values: tuple[float, ...]) -> None:
        """Put values into the variable cells for display only (no undo entry): the run owns them meanwhile."""
        run = self.run
        changed = self.doc.wb.set_values([(*cell, float(v)) for cell, v in zip(run.variables, values)])
        self.doc.notify(changed)

    def _band(self):
        """The Evolutionary population's band on the loss plot, made on first use."""
        from gdsheet.gui.population_band import PopulationBand

        plot = self.window.loss_plot
        band = getattr(plot, "population_band", None)
        if band is None:
            band = plot.population_band = PopulationBand(plot.plot)
        return band

    def _stepped(self, update: Update) -> None:
        if self.run is None:  # a last update queued before the run ended arrives after it: nothing to show
            return
        p = update.progress
        if self.runner is not None:  # the next cells the worker sends are those the grid shows by then
            self.runner.within = self.window.view.shown_areas()
        self.window.loss_plot.append(update.iterations, update.losses, update.starts, update.values)
        if p.spread is not None:
            self._band().append(p.iteration, *p.spread)
        if update.gradient is not None:
            self.window.gradients.show(self.run.variables, update.gradient)
        self.progressed.emit(_status(p))
        if update.cells is not None:
            self._show_live(p.values, update.cells)
        elif math.isfinite(p.loss):
            # the loss cell is the number people watch: it follows every update, as the plot does, while the
            # other cells wait for the worker's next few-times-a-second snapshot
            s, r, c = self.run.objective
            self.doc.wb.sheet(s).cells[(r, c)] = p.loss
            self.doc.notify({self.run.objective})

    def _show_live(self, values: tuple[float, ...], cells: dict) -> None:
        """Show the run's current point: the variables and the formula cells the worker computed, written straight
        into the sheets' values (a recalculation here would stall the window). Display only: the end of the run
        writes the final values through the engine, which recalculates every dependent properly."""
        wb, shown = self.doc.wb, dict(cells)
        shown.update(zip(self.run.variables, (float(v) for v in values)))  # after: a variable may be in cells
        sheets = {}
        for (s, r, c), v in shown.items():
            sheet = sheets.get(s) or sheets.setdefault(s, wb.sheet(s))
            sheet.cells[(r, c)] = v
        self.doc.notify(set(shown))

    def _end_run(self) -> None:
        if self.runner is not None:
            self.runner.wait()
            self.runner.deleteLater()
        self.runner = None
        self.running_changed.emit(False)

    def _failed(self, message: str) -> None:
        run = self.run
        self._end_run()
        self._show_values(run.original)
        self.run = None
        self._store_model(run.sheet, run.model)
        self.progressed.emit(f"Solve failed: {message}")
        QMessageBox.warning(self.window, "Solver", message)

    def _finished(self, update: Update) -> None:
        p, run = update.progress, self.run
        self.window.loss_plot.append(update.iterations, update.losses, update.starts, update.values)
        self._end_run()
        self.window.loss_plot.finish(p.start if run.model.options.multistart > 1 else None)
        self.progressed.emit(_status(p))
        headline, details = results_text(p)
        choice = None
        if self.ask_results:
            self._show_live(p.values, program_cells(run.solve, p.values, self.window.view.shown_areas()) or {})
            self.window.show_sheet_named(run.objective[0])  # the results are read next to the objective they name
            lp = _lp_reports(run.solve)
            dialog = ResultsDialog(headline, details, self.window, limits=lp is not None,
                                   feasibility=p.status == "infeasible" and _conflicts(run.solve) is not None)
            dialog.exec()
            choice = dialog.choice()
        self.finish(p, keep=choice.keep if choice else True,
                    answer=bool(choice and choice.answer_report),
                    sensitivity=bool(choice and choice.sensitivity_report),
                    limits=bool(choice and choice.limits_report),
                    feasibility=bool(choice and choice.feasibility_report))

    def finish(self, p, keep: bool, answer: bool = False, sensitivity: bool = False, limits: bool = False,
               feasibility: bool = False) -> None:
        """Apply the end of a run: the solution kept or the originals restored, both undoable, and reports."""
        run, self.run = self.run, None
        wb, doc = self.doc.wb, self.doc
        # the model, the solution and its reports are one step, "Solve Sheet1!$B$4"; a restore is a step of its own
        doc.undo.beginMacro(f"Solve {_cell_ref(run.objective)}")
        self._store_model(run.sheet, run.model)
        # the cells show the run's last point; undo must go back to where it started, and one recalculation
        # (this push) replaces every value the run showed by the engine's own
        doc.undo.push(set_values_command(doc, "Solver solution", run.variables, p.values, before=run.original))
        summary = SolveSummary(run.sheet, run.objective, run.model.sense, tuple(run.variables), run.original,
                               tuple(p.values), run.original_objective, _number(wb.get(*run.objective)),
                               p.message or (p.status or ""), _method_name(run.model), p.iteration, p.elapsed,
                               tuple(run.model.constraints), run.model.options.precision)
        if answer:
            doc.undo.push(BuildSheet(doc, "Answer report", lambda wb: answer_report(wb, summary)))
        lp = _lp_reports(run.solve)
        if sensitivity:
            doc.undo.push(BuildSheet(doc, "Sensitivity report", _sensitivity_builder(run.solve, summary, p, lp)))
        if limits and lp is not None:
            doc.undo.push(BuildSheet(doc, "Limits report", lambda wb: limits_report(wb, summary, lp[0])))
        conflicts = _conflicts(run.solve)
        if feasibility and conflicts is not None:
            doc.undo.push(BuildSheet(doc, "Feasibility report",
                                     lambda wb: feasibility_report(wb, summary, conflicts[0], conflicts[1])))
        doc.undo.endMacro()
        if not keep:
            doc.undo.push(set_values_command(doc, "Restore original values", run.variables, run.original))
        self.window.loss_plot.refresh_views()
        self.window.gradients.recompute()
        self.run_finished.emit(p)

    # ---- Step and Randomize ---------------------------------------------------------------------------------

    def step(self, model: SolverModel) -> object | None:
        """One iteration, shown in the grid and the plot; consecutive steps undo together."""
        if self.running:
            return None
        wb = self.doc.wb
        s = self.stepping
        if s is not None:
            current = tuple(float(wb.get(*c) or 0.0) for c in s.variables)
        if s is None or s.model != model or current != s.last_values:
            s = self.stepping = self._prepare(model)
            if s is None:
                return None
            s.solve.stop_on_divergence = self._stop_on_divergence()
            self._show_plot(_plot_title(model) + ", step by step", s.objective, s.variables)
            # the plot begins where the cells stand (the first step evaluates the start and takes a step)
            self.window.loss_plot.append([0], [s.original_objective], [0], [s.original])
        p = s.solve.step()
        command = set_values_command(self.doc, "Solver step", s.variables, p.values, SOLVER_STEP_ID)
        command.also = self._model_command(s.sheet, s.model)  # the first step of a new model stores it
        self.doc.undo.push(command)
        s.last_values = tuple(float(v) for v in p.values)
        plot = self.window.loss_plot
        if not p.done:  # the final record repeats the last iteration (or the best point): no new point
            plot.append(np.array([p.iteration]), np.array([p.loss]), [p.start], [p.values])
            i = self.selected_variable(s.variables)
            explain = getattr(s.solve, "explain", None)  # the gradient methods' steps; other engines have none
            text = explain(i, self.names(s.variables)[i]) if explain is not None else None
            if text is None and s.model.options.method == "lbfgs" and explain is not None:
                text = "L-BFGS moved the cells along its search direction, by a step its line search chose"
            plot.show_step(f"Step {p.iteration}: {text}" if text else "")
        else:
            plot.show_step("")
        self.window.gradients.recompute()
        self.progressed.emit(f"Step {p.iteration:,} · loss {p.loss:.6g}")  # a rate or a time means nothing here
        if p.done and p.message:
            self.progressed.emit(p.message)
        return p

    # ---- what the descent views draw from -------------------------------------------------------------------

    def names(self, cells: list[CellId]) -> list[str]:
        """Cell names as the grid shows them: 'B1' on the active sheet, 'Sheet2!B1' elsewhere."""
        here = self.doc.wb.active_sheet.name.lower()
        return [cell_name(r, c) if s.lower() == here else f"{quote_sheet(s)}!{cell_name(r, c)}" for s, r, c in cells]

    def selected_variable(self, variables: list[CellId]) -> int:
        """The variable the learner is looking at: the grid's current cell when it is one, else the first."""
        current = self.window.current_id()
        for i, cell in enumerate(variables):
            if cell[1:] == current[1:] and cell[0].lower() == current[0].lower():
                return i
        return 0

    def view_model(self) -> SolverModel | None:
        """The model the views show when nothing runs: the open dialog's, else the active sheet's stored one."""
        if self.dialog is not None and self.dialog.isVisible():
            try:
                return self.dialog.model()
            except (GdsheetError, ValueError):
                pass
        return read_model(self.doc.wb, self.doc.wb.active_sheet.name)

    def view_source(self) -> ViewSource | str:
        """The solve the descent views evaluate and where its variables stand, or the reason there is none. A run
        or a Step session lends its own; otherwise the model is compiled once per state of the workbook."""
        wb = self.doc.wb
        session = self.run if self.runner is not None else self.stepping
        if session is not None and session.solve is None:
            return "The Solver is preparing the model…"
        if session is not None:
            solve, variables = session.solve, session.variables
        else:
            model = self.view_model()
            if model is None or not model.objective:
                return ("This sheet has no Solver model yet: set one up in Data → Solver… (objective and variable "
                        "cells), and the landscape, the loss along a variable and the learning-rate finder work "
                        "from it.")
            key = (id(self.doc), self.doc.undo.index(), wb.active_sheet.name, model)
            if self._viewed is None or self._viewed[0] != key:
                from gdsheet.solver.run import prepare

                try:
                    made = prepare(wb, model)
                except (GdsheetError, ValueError) as exc:
                    made = f"The Solver model cannot be evaluated: {exc}"
                self._viewed = (key, made)
            solve = self._viewed[1]
            if isinstance(solve, str):
                return solve
            variables = list(solve.variables)
        values = tuple(_number(wb.get(*c)) if wb.get(*c) is not None else 0.0 for c in variables)
        return ViewSource(solve, tuple(self.names(variables)), values, running=self.running)

    def set_point(self, i: int, x: float, j: int, y: float) -> None:
        """Move two variable cells (a click on the landscape), undoably, so the next descent starts there."""
        src = self.view_source()
        if self.running or isinstance(src, str):
            return
        cells = list(src.solve.variables)
        names = self.names([cells[i], cells[j]])
        self.doc.undo.push(set_values_command(self.doc, f"Move {names[0]} and {names[1]} on the landscape",
                                              [cells[i], cells[j]], [x, y]))
        self.window.loss_plot.refresh_views()

    def use_rate(self, rate: float, method: str) -> None:
        """Put a learning rate (and its method) in the Solver dialog, opening it when it is closed."""
        if self.running:
            return
        dialog = self.dialog if self.dialog is not None and self.dialog.isVisible() else self.open_dialog()
        if dialog.method.currentData() != method:
            dialog.method.setCurrentIndex(dialog.method.findData(method))
        dialog.lr.setValue(rate)
        dialog.raise_()
        self.progressed.emit(f"Learning rate {rate:g} is in the Solver dialog; press Solve or Step to try it")

    def randomize(self, model: SolverModel) -> None:
        """Seeded random starting values in the variable cells: uniform in [-0.5, 0.5), or [0, 1) when they must
        stay non-negative (the course's =RAND()-0.5, without the copy-paste-values step)."""
        if self.running:
            return
        wb, sheet = self.doc.wb, self.doc.wb.active_sheet.name
        try:
            variables = expand_refs(wb, model.variables, sheet)
        except GdsheetError as exc:
            QMessageBox.warning(self.window, "Solver", str(exc))
            return
        rng = np.random.default_rng(model.options.seed)
        values = rng.random(len(variables)) - (0.0 if model.nonnegative else 0.5)
        self.doc.undo.push(set_values_command(self.doc, "Randomize variables", variables, values))
        self.stepping = None


def _lp_reports(solve):
    """(columns, rows) of an optimal LP's Sensitivity and Limits reports, or None (not the Simplex engine, not
    optimal, integer)."""
    sensitivity = getattr(solve, "sensitivity", None)
    return sensitivity() if sensitivity is not None else None


def _conflicts(solve):
    """(constraints in conflict, how they were found) for an infeasible LP, or None."""
    result = getattr(solve, "result", None)
    if result is None or result.status != "infeasible" or result.iis is None:
        return None
    return solve.conflicting(), result.iis_method


def _sensitivity_builder(solve, summary: SolveSummary, p, lp):
    """The Sensitivity report that fits the engine: ranging for an LP, Lagrange multipliers for a constrained
    nonlinear model, the gradient otherwise."""
    if lp is not None:
        return lambda wb: lp_sensitivity_report(wb, summary, lp[0], lp[1])
    values = tuple(p.values)
    if getattr(solve, "rows", ()) and hasattr(solve, "multipliers"):
        reduced, multipliers = solve.reduced_gradient(values), solve.multipliers(values)
        return lambda wb: nonlinear_sensitivity_report(wb, summary, reduced, multipliers)
    gradient = tuple(solve.gradient(values))
    return lambda wb: sensitivity_report(wb, summary, gradient)


def _plot_title(model: SolverModel) -> str:
    return run_title(model)


def _cell_ref(cell: CellId) -> str:
    s, r, c = cell
    return f"{quote_sheet(s)}!${col_letter(c)}${r}"


def _number(value) -> float:
    return float(value) if isinstance(value, (int, float)) else float("nan")


def _status(p) -> str:
    rate = p.iteration / p.elapsed if p.elapsed > 0 else 0.0
    return (f"Iteration {p.iteration:,} · loss {p.loss:.6g} · best {p.best_loss:.6g} · {rate:,.0f} it/s · "
            f"{p.elapsed:.1f} s")


def _method_name(model: SolverModel) -> str:
    return {2: "Simplex LP (HiGHS)", 3: "Evolutionary (differential evolution)"}.get(model.engine,
                                                                                    model.options.method)
