"""Solving from the window: the dialog, a live run, Stop, Keep / Restore and undo, Step, Randomize, reports."""
import re
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QMessageBox, QPushButton

from gdsheet.gui.results_dialog import ResultsDialog
from gdsheet.gui.solving import model_cells
from gdsheet.solver.model import read_model

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def shown(win, row, col):
    return win.model.data(win.model.index(row - 1, col - 1), Qt.ItemDataRole.DisplayRole)


def value(win, row, col):
    return win.doc.wb.get(win.model.sheet_name, row, col)


class GuiSlot(QObject):
    """Calls `fn` in the GUI thread; a plain function connected to the worker's signal would run in the worker."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    @Slot(object)
    def call(self, arg):
        self.fn(arg)


def open_example(win, name, objective):
    assert win.load(str(EXAMPLES / name))
    win.view.go_to(*objective)
    return win.solver.open_dialog(win.current_id())


def solve(qtbot, win, dialog, timeout=30_000):
    with qtbot.waitSignal(win.solver.run_finished, timeout=timeout) as finished:
        dialog.solve_button.click()
    return finished.args[0]


def test_solve_curve_fit_through_the_dialog(qtbot, window):
    dialog = open_example(window, "curve_fit.xlsx", (4, 2))
    assert dialog.objective.text() == "Sheet1!$B$4" and dialog.variables.text() == "Sheet1!$B$1:$B$3"
    before = value(window, 4, 2)
    final = solve(qtbot, window, dialog)
    after = value(window, 4, 2)
    assert final.done and after < before
    assert shown(window, 1, 2) == window.model.data(window.model.index(0, 1)) != "-0.1849"
    assert float(shown(window, 4, 2)) == pytest.approx(after, rel=1e-6)
    assert window.loss_plot.buffer.n > 1 and window.loss_plot.isVisible()
    window.doc.undo.undo()  # the solution is one undoable change
    assert value(window, 4, 2) == pytest.approx(before)
    window.doc.undo.redo()
    assert value(window, 4, 2) == pytest.approx(after)


def test_leaving_lbfgs_starts_from_the_default_learning_rate(qtbot, window):
    dialog = open_example(window, "curve_fit.xlsx", (4, 2))  # an L-BFGS model: its unused rate is stored as 1
    assert dialog.method.currentData() == "lbfgs" and dialog.lr.value() == 1.0
    dialog.method.setCurrentIndex(dialog.method.findData("adam"))
    assert dialog.lr.isEnabled() and dialog.lr.value() == 0.01
    dialog.lr.setValue(0.05)
    dialog.method.setCurrentIndex(dialog.method.findData("gd"))
    assert dialog.lr.value() == 0.05  # a rate the user chose stays


def test_the_model_compiles_on_the_worker_while_the_window_answers(qtbot, window, monkeypatch):
    import threading

    import gdsheet.solver.run as run_module

    gate = threading.Event()
    real = run_module.prepare
    monkeypatch.setattr(run_module, "prepare", lambda *a, **k: (gate.wait(10), real(*a, **k))[1])
    dialog = open_example(window, "curve_fit.xlsx", (4, 2))
    with qtbot.waitSignal(window.solver.running_changed):
        dialog.solve_button.click()
    assert window.solver.preparing and window.solver.run.solve is None  # the click came back before compiling
    window._edit_cell(30, 10, "x")  # nothing in the workbook changes under the compiler
    assert window.doc.wb.get("Sheet1", 30, 10) is None and "preparing" in window.statusBar().currentMessage()
    assert "preparing" in window.solver.view_source()
    with qtbot.waitSignal(window.solver.run_finished, timeout=30_000):
        gate.set()
        qtbot.waitUntil(lambda: not window.solver.preparing, timeout=10_000)
        window.solver.stop()
    assert not window.solver.running


def test_stop_midway_and_edits_refused_while_running(qtbot, window):
    dialog = open_example(window, "curve_fit.xlsx", (4, 2))
    dialog.method.setCurrentIndex(1)  # gradient descent
    dialog.lr.setValue(1e-6)
    dialog.iterations.setValue(10_000_000)
    dialog.tolerance.setValue(0.0)
    dialog.time_limit.setValue(60)
    stepped = []
    with qtbot.waitSignal(window.solver.running_changed):
        dialog.solve_button.click()
    window.solver.runner.stepped.connect(stepped.append)
    qtbot.waitUntil(lambda: len(stepped) >= 3, timeout=10_000)
    qtbot.waitUntil(lambda: window.solve_status.text().startswith("Iteration"), timeout=5_000)
    window._edit_cell(1, 2, "5")  # a variable cell: refused while the run owns it
    assert window.doc.wb.get("Sheet1", 1, 2) != 5.0 and "running solve" in window.statusBar().currentMessage()
    window._edit_cell(30, 10, "ok")  # a cell the solve does not read: fine
    assert window.doc.wb.get("Sheet1", 30, 10) == "ok"
    assert not window.acts["undo"].isEnabled()
    # what would save the run's transient values or replace the workbook waits; Stop and the menus do not
    files = ("new", "open", "save", "save_as", "import_csv", "examples")
    assert not any(window.acts[name].isEnabled() for name in files) and not window.recent_menu.isEnabled()
    assert window.acts["stop"].isEnabled() and window.menuBar().isEnabled()
    with qtbot.waitSignal(window.solver.run_finished, timeout=10_000) as finished:
        window.acts["stop"].trigger()
    assert finished.args[0].status == "stopped" and not window.solver.running
    assert window.acts["solver"].isEnabled()
    assert all(window.acts[name].isEnabled() for name in files) and window.recent_menu.isEnabled()


def test_the_loss_cell_shows_the_live_loss_at_every_update(qtbot, window):
    dialog = open_example(window, "curve_fit.xlsx", (4, 2))
    dialog.method.setCurrentIndex(dialog.method.findData("gd"))
    dialog.lr.setValue(1e-6)
    dialog.iterations.setValue(10_000_000)
    dialog.tolerance.setValue(0.0)
    seen = []
    with qtbot.waitSignal(window.solver.running_changed):
        dialog.solve_button.click()
    # queued to the GUI thread after the window's own slot, so this sees the grid as the window left it
    probe = GuiSlot(lambda u: seen.append((u.cells is None, u.progress.loss, value(window, 4, 2),
                                           shown(window, 4, 2))))
    window.solver.runner.stepped.connect(probe.call)
    qtbot.waitUntil(lambda: sum(between for between, *_ in seen) >= 3, timeout=10_000)
    with qtbot.waitSignal(window.solver.run_finished, timeout=10_000):
        window.acts["stop"].trigger()
    # also between the few-times-a-second snapshots of every cell
    assert all(cell == loss and float(text) == pytest.approx(loss, rel=1e-6) for _, loss, cell, text in seen)


def test_restore_original_values_is_undoable(qtbot, window):
    dialog = open_example(window, "parabola.xlsx", (1, 2))
    window.solver.ask_results = True
    results = []

    def answer(dlg):
        dlg.restore.setChecked(True)
        results.append(dlg)
        return dlg.done(ResultsDialog.DialogCode.Accepted)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ResultsDialog, "exec", answer)
        solve(qtbot, window, dialog)
    assert results and value(window, 1, 1) == -3.0
    window.doc.undo.undo()  # back to the solution ...
    assert value(window, 1, 1) == pytest.approx(-3 * 0.52 ** 10)
    window.doc.undo.undo()  # ... and to where we started
    assert value(window, 1, 1) == -3.0


def test_step_reproduces_the_parabola_trace_and_undoes_at_once(qtbot, window):
    dialog = open_example(window, "parabola.xlsx", (1, 2))
    for k in range(1, 4):
        dialog.step_button.click()
        assert value(window, 1, 1) == pytest.approx(-3 * 0.52 ** k)
    assert shown(window, 1, 1) == "-0.421824"
    window.doc.undo.undo()
    assert value(window, 1, 1) == -3.0


def test_undoing_a_solve_also_takes_back_the_model_it_stored(qtbot, window):
    dialog = open_example(window, "parabola.xlsx", (1, 2))
    stored = read_model(window.doc.wb, "Sheet1")
    dialog.iterations.setValue(dialog.iterations.value() + 1)  # a changed model: stored when solved
    solve(qtbot, window, dialog)
    assert read_model(window.doc.wb, "Sheet1") != stored
    assert window.acts["undo"].text() == "&Undo Solve Sheet1!$B$1"
    window.doc.undo.undo()
    assert value(window, 1, 1) == -3.0 and read_model(window.doc.wb, "Sheet1") == stored
    assert not window.doc.undo.canUndo()  # no invisible step left behind


def test_the_first_step_of_a_changed_model_stores_it_in_the_same_undo(qtbot, window):
    dialog = open_example(window, "parabola.xlsx", (1, 2))
    stored = read_model(window.doc.wb, "Sheet1")
    dialog.iterations.setValue(dialog.iterations.value() + 1)
    for _ in range(3):
        dialog.step_button.click()
    assert read_model(window.doc.wb, "Sheet1") != stored
    assert re.fullmatch(r"Step 3 · loss [\d.]+", window.solve_status.text())  # no rate: the user sets the pace
    window.doc.undo.undo()
    assert value(window, 1, 1) == -3.0 and read_model(window.doc.wb, "Sheet1") == stored
    assert not window.doc.undo.canUndo()


def test_stepping_past_a_divergence_plots_each_iteration_once(qtbot, window):
    dialog = open_example(window, "too_large_lr.xlsx", (1, 2))
    for _ in range(5):  # 2 -> 6 -> -58.8, then divergence: the best values (x = 2) come back
        dialog.step_button.click()
    assert value(window, 1, 1) == 2.0 and "too large" in window.solve_status.text()
    assert list(window.loss_plot.buffer.x) == [0.0, 1.0, 2.0]  # the start, then each step
    assert list(window.loss_plot.buffer.y) == pytest.approx([25.0, 729.0, 11891738.0], rel=1e-6)


def test_randomize_is_seeded_and_undoable(qtbot, window):
    dialog = open_example(window, "curve_fit.xlsx", (4, 2))
    dialog.randomize_button.click()
    first = [value(window, r, 2) for r in (1, 2, 3)]
    assert all(-0.5 <= v < 0.5 for v in first)
    dialog.randomize_button.click()
    assert [value(window, r, 2) for r in (1, 2, 3)] == first
    window.doc.undo.undo()
    window.doc.undo.undo()
    assert value(window, 1, 2) == -0.1849


def test_answer_and_sensitivity_reports(qtbot, window):
    dialog = open_example(window, "curve_fit.xlsx", (4, 2))
    final = solve(qtbot, window, dialog)
    # the fixture keeps the solution; ask again for the reports, as the results dialog would
    window.doc.undo.undo()
    window.solver.run = window.solver._prepare(read_model(window.doc.wb, "Sheet1"))
    window.solver.finish(final, keep=True, answer=True, sensitivity=True)
    wb = window.doc.wb
    assert wb.has_sheet("Answer Report 1") and wb.has_sheet("Sensitivity Report 1")
    answer = wb.sheet("Answer Report 1").cells
    assert answer[(7, 2)] == "$B$4" and answer[(7, 5)] < answer[(7, 4)]
    sens = wb.sheet("Sensitivity Report 1").cells
    assert sens[(6, 2)] == "$B$1" and sens[(6, 3)] == "a" and abs(sens[(6, 5)]) < 1e-2
    window.doc.undo.undo()
    assert not wb.has_sheet("Answer Report 1")


def test_solve_for_a_cell_guesses_its_variables(qtbot, window):
    for r, text in enumerate(("2", "=$A$1^2-4*$A$1"), 1):
        window._edit_cell(r, 1, text)
    window.view.go_to(2, 1)
    dialog = window.solver.open_dialog(window.current_id())
    objective, variables = model_cells(window.doc.wb, dialog.model(), "Sheet1")
    assert objective == ("Sheet1", 2, 1) and variables == [("Sheet1", 1, 1)]
    solve(qtbot, window, replace_method(dialog))
    assert value(window, 1, 1) == pytest.approx(2.0, abs=1e-3)  # still 2: the minimum of x^2-4x is at x=2
    assert window.doc.roles[("Sheet1", 2, 1)] == "objective"


def replace_method(dialog):
    dialog.method.setCurrentIndex(0)  # Adam
    return dialog


def test_a_model_that_cannot_be_solved_says_why(qtbot, window, monkeypatch):
    window._edit_cell(1, 1, "1")
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    model = replace(read_model(window.doc.wb, "Sheet1") or __import__("gdsheet.solver.model", fromlist=["x"])
                    .SolverModel("Sheet1!$A$1"), variables=["Sheet1!$B$1"])
    window.solver.solve(model)  # refused when checked, or once the worker has compiled it
    qtbot.waitUntil(lambda: bool(warnings) and not window.solver.running, timeout=10_000)
    assert "objective" in warnings[0].lower() and window.solver.run is None


@pytest.mark.slow
def test_titanic_linear_solves_and_the_grid_follows(qtbot, window):
    assert window.load(str(EXAMPLES / "titanic.xlsx"))
    window.show_sheet([s.name for s in window.doc.wb.sheets].index("linear"))
    window.view.go_to(1, 14)
    dialog = window.solver.open_dialog(window.current_id())
    before = value(window, 1, 14)
    final = solve(qtbot, window, dialog, timeout=60_000)
    assert before > value(window, 1, 14) == pytest.approx(0.1442271493, rel=1e-6)
    assert final.status == "converged"


def test_add_constraint_add_button_takes_several(qtbot):
    """Excel's Add Constraint: Add keeps the constraint and clears the fields for the next; OK adds the last."""
    from gdsheet.gui.solver_dialog import TIPS, ConstraintDialog
    from gdsheet.solver.model import Constraint

    dlg = ConstraintDialog()
    qtbot.addWidget(dlg)
    add = next(b for b in dlg.findChildren(QPushButton) if b.text().replace("&", "") == "Add")
    dlg.lhs.setText("$A$1")
    dlg.rhs.setText("5")
    add.click()
    assert dlg.lhs.text() == "" and dlg.rhs.text() == ""
    dlg.lhs.setText("$A$2")
    dlg.rel.setCurrentText("int")
    assert dlg.constraints(accepted=True) == [Constraint("$A$1", "<=", "5"), Constraint("$A$2", "int", "integer")]
    assert dlg.constraints(accepted=False) == [Constraint("$A$1", "<=", "5")]
    assert TIPS["batch_size"].startswith("<p>")  # rich text: Qt wraps it instead of one very long line


def test_dialog_edits_constraints_and_options(qtbot, window, monkeypatch):
    from gdsheet.gui.solver_dialog import ConstraintDialog
    from gdsheet.solver.model import Constraint

    dialog = open_example(window, "curve_fit.xlsx", (4, 2))
    def filled(self):
        self.lhs.setText("$B$1")
        self.rel.setCurrentText(">=")
        self.rhs.setText("0")
        return True

    monkeypatch.setattr(ConstraintDialog, "exec", filled)
    dialog._add()
    dialog._add()
    assert dialog._constraints[-2:] == [Constraint("$B$1", ">=", "0")] * 2
    dialog.constraints.setCurrentRow(1)
    monkeypatch.setattr(ConstraintDialog, "constraint", lambda self: Constraint("$B$2", "<=", "5"))
    dialog._change()
    dialog.constraints.setCurrentRow(0)
    dialog._delete()
    dialog.sense_value.setChecked(True)
    dialog.target.setText("0.5")
    dialog.method.setCurrentIndex(2)
    dialog.batch_size.setValue(8)
    model = dialog.model()
    assert model.constraints == [Constraint("$B$2", "<=", "5")] and (model.sense, model.target) == ("value", 0.5)
    assert model.options.method == "momentum" and model.options.batch_size == 8
    assert dialog.momentum.isEnabled() and dialog.lr.isEnabled()


def test_the_loss_cell_stays_in_sight_beside_the_plot(qtbot, window):
    assert window.load(str(EXAMPLES / "titanic.xlsx"))
    window.show_sheet([s.name for s in window.doc.wb.sheets].index("nnet"))
    window.resize(1280, 800)
    window.view.go_to(1, 14)  # N1, the loss, near the right edge of the grid before the plot appears
    dialog = window.solver.open_dialog(window.current_id())
    dialog.multistart.setValue(1)
    solve(qtbot, window, dialog, timeout=60_000)
    viewport = window.view.viewport().rect()
    assert viewport.contains(window.view.visualRect(window.model.index(0, 13)))
    assert window.loss_plot.width() < window.width() // 2


def test_results_say_each_fact_once(qtbot, window):
    from gdsheet.gui.solving import results_text
    from gdsheet.solver.run import Progress

    p = Progress(32, 0.1442271493, 0.1442271493, 0.18, 1e-9, 1.0, (0.0,), done=True, status="converged",
                 message="converged: the objective improved by less than 1e-08 (relative) over the last 5 "
                         "iterations; objective 0.1442271493")
    headline, details = results_text(p)
    text = f"{headline}\n{details}"
    assert text.lower().count("converged") == 1 and text.count("0.1442271493") == 1
    assert details.startswith("The objective improved by less than 1e-08") and "after 32 iterations" in details


def test_results_dialog_opens_on_the_objectives_sheet(qtbot, window):
    dialog = open_example(window, "titanic.xlsx", (1, 14))
    window.show_sheet(0)  # the user looks at the data sheet while the solve runs
    window.solver.ask_results = True
    shown_on = []

    def answer(dlg):
        shown_on.append(window.model.sheet_name)
        return dlg.done(ResultsDialog.DialogCode.Accepted)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ResultsDialog, "exec", answer)
        dialog.iterations.setValue(3)
        solve(qtbot, window, dialog)
    assert shown_on == [dialog.objective.text().split("!")[0]]


def test_solver_dialog_fits_a_short_screen(qtbot, window):
    """Offscreen the screen is 800x600: the dialog's options scroll so that its buttons stay on the screen."""
    dialog = open_example(window, "titanic.xlsx", (1, 14))
    avail = dialog.screen().availableGeometry()
    assert dialog.height() <= avail.height()
    assert dialog.options_area.minimumHeight() < dialog.options_area.widget().sizeHint().height()
    dialog.close()
