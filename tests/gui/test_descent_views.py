"""The Descent dock: the loss drawn truthfully, the variables, the landscape and the loss along one variable, the
learning-rate finder, gradients on the cells, a Step's arithmetic, export, and a diverging run let go on."""
import math
import re
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from gdsheet.gui.commands import set_values_command
from gdsheet.gui.loss_curves import LossCurves
from gdsheet.gui.plot_common import ReadableAxis
from gdsheet.gui.trace import Trace
from gdsheet.solver.model import read_model

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def open_example(win, name, objective):
    assert win.load(str(EXAMPLES / name))
    win.view.go_to(*objective)
    return win.solver.open_dialog(win.current_id())


def solve(qtbot, win, dialog, timeout=60_000):
    with qtbot.waitSignal(win.solver.run_finished, timeout=timeout) as finished:
        dialog.solve_button.click()
    return finished.args[0]


def value(win, row, col):
    return win.doc.wb.get(win.model.sheet_name, row, col)


# ---- the loss tab -----------------------------------------------------------------------------------------------

def test_no_empty_plot_at_start_and_a_reset_when_another_workbook_opens(qtbot, window):
    plot = window.loss_plot
    assert plot.loss.currentIndex() == 0 and "No run yet" in plot.loss.widget(0).text()
    dialog = open_example(window, "parabola.xlsx", (1, 2))
    dialog.step_button.click()
    assert plot.loss.currentIndex() == 1 and plot.trace.n == 2
    assert window.load(str(EXAMPLES / "curve_fit.xlsx"))
    assert plot.trace.n == 0 and plot.loss.currentIndex() == 0 and plot.label.text() == ""


def test_one_step_is_a_point_on_a_sensible_axis(qtbot):
    view = LossCurves()
    qtbot.addWidget(view)
    trace = Trace()
    trace.append([0], [14.8])
    view.redraw(trace)
    (x0, x1), _ = view.plot.getPlotItem().vb.viewRange()
    assert -1 < x0 <= 0 and 10 <= x1 < 12
    assert view.curve.opts["symbol"] == "o"


def test_a_tiny_change_is_drawn_as_the_change_since_the_start(qtbot):
    view = LossCurves()
    qtbot.addWidget(view)
    trace = Trace()
    trace.append(np.arange(50), 0.1442271493085 - np.linspace(0, 5e-13, 50))
    view.redraw(trace)
    assert view.offset == pytest.approx(0.1442271493085)
    x, y = view.curve.getData()
    assert y[0] == 0 and y[-1] == pytest.approx(-5e-13, rel=1e-3)
    assert "change in loss since the start" in view.plot.getAxis("left").labelText
    assert "too small a change" in view.summary.text()
    trace.clear()
    trace.append(np.arange(3), [3.0, 2.0, 1.0])  # an ordinary run: the loss itself
    view.redraw(trace)
    assert view.offset is None and list(view.curve.getData()[1]) == [3.0, 2.0, 1.0]


def test_log_scale_labels_never_crowd_and_show_values_inside_one_decade():
    axis = ReadableAxis("left")
    axis.setLogMode(y=True)
    levels = axis.logTickValues(-12.0, 3.0, 300, [])
    majors = levels[0][1]
    assert 2 <= len(majors) <= 300 // 40 + 1
    labels = axis.logTickStrings(majors + levels[1][1], 1, 1)
    assert all(labels[:len(majors)]) and not any(labels[len(majors):])
    assert labels[0] in ("1e-12", "1e-10")
    inside = axis.logTickValues(math.log10(0.1442), math.log10(0.1443), 300, [])
    shown = [s for s in axis.logTickStrings(inside[0][1], 1, 1) if s]
    assert len(shown) >= 2 and all(s.startswith("0.144") for s in shown)


def test_multistart_draws_one_curve_per_start_and_the_kept_one_bold(qtbot, window):
    dialog = open_example(window, "curve_fit.xlsx", (4, 2))
    dialog.method.setCurrentIndex(dialog.method.findData("adam"))
    dialog.lr.setValue(0.05)
    dialog.iterations.setValue(60)
    dialog.multistart.setValue(3)
    final = solve(qtbot, window, dialog)
    curves = window.loss_plot.loss.curves
    assert len(curves) == 3
    widths = [c.opts["pen"].widthF() for c in curves]
    assert widths[final.start] == 3 and sorted(widths)[:2] == [1.5, 1.5]
    colours = {c.opts["pen"].color().name() for c in curves}
    assert len(colours) == 3
    assert "3 starts" in window.loss_plot.loss.summary.text()


def test_variables_tab_draws_each_variable_cell(qtbot, window):
    dialog = open_example(window, "curve_fit.xlsx", (4, 2))
    solve(qtbot, window, dialog)
    plot = window.loss_plot
    plot.tabs.setCurrentWidget(plot.variables)
    assert len(plot.variables.curves) == 3 and plot.variables.currentIndex() == 1
    x, y = plot.variables.curves[0].getData()
    assert len(x) == plot.trace.n and y[-1] == pytest.approx(value(window, 1, 2), rel=1e-9)


# ---- a diverging run ----------------------------------------------------------------------------------------------

def test_the_divergence_example_can_run_its_n_steps(qtbot, window):
    dialog = open_example(window, "too_large_lr.xlsx", (1, 2))
    assert dialog.stop_on_divergence.isChecked()
    dialog.stop_on_divergence.setChecked(False)
    final = solve(qtbot, window, dialog)
    assert final.status == "diverged" and "too large" in final.message
    losses = list(window.loss_plot.trace.losses)
    iterations = read_model(window.doc.wb, "Sheet1").options.iterations
    assert len(losses) >= 5 and len(losses) <= iterations + 1
    finite = [v for v in losses if math.isfinite(v)]
    assert all(b > a for a, b in zip(finite, finite[1:]))  # every step went up, and every one is drawn


# ---- the landscape and the loss along one variable ----------------------------------------------------------------

def test_landscape_shows_the_path_and_a_click_moves_the_cells_undoably(qtbot, window):
    dialog = open_example(window, "curve_fit.xlsx", (4, 2))
    solve(qtbot, window, dialog)
    before = (value(window, 1, 2), value(window, 2, 2))
    plot = window.loss_plot
    plot.tabs.setCurrentWidget(plot.landscape)
    view = plot.landscape
    s = view.surface
    assert s is not None and (s.i_x, s.i_y) == (0, 1) and s.z.shape == (100, 100)
    assert np.isfinite(s.z).all()
    px, py = view.path_item.getData()
    assert len(px) == plot.trace.n
    assert s.xs[0] <= px.min() and px.max() <= s.xs[-1] and s.ys[0] <= py.min() and py.max() <= s.ys[-1]
    cx, cy = view.current_item.getData()
    assert (cx[0], cy[0]) == pytest.approx(before)
    with qtbot.waitSignal(view.point_chosen) as chosen:
        view.point_chosen.emit(0, 1.5, 1, -2.5)
    assert chosen.args == [0, 1.5, 1, -2.5]
    assert (value(window, 1, 2), value(window, 2, 2)) == (1.5, -2.5)
    cx, cy = view.current_item.getData()
    assert (cx[0], cy[0]) == (1.5, -2.5)
    window.doc.undo.undo()
    assert (value(window, 1, 2), value(window, 2, 2)) == pytest.approx(before)


def test_landscape_click_maps_the_mouse_to_values(qtbot, window):
    open_example(window, "curve_fit.xlsx", (4, 2))
    plot = window.loss_plot
    plot.show()
    plot.tabs.setCurrentWidget(plot.landscape)
    view = plot.landscape
    view.refresh(plot.trace, force=True)
    vb = view.plot.getPlotItem().vb
    target = QPointF(float(view.surface.xs[30]), float(view.surface.ys[60]))

    class Click:
        def button(self):
            return Qt.MouseButton.LeftButton

        def scenePos(self):
            return vb.mapViewToScene(target)

    with qtbot.waitSignal(view.point_chosen) as chosen:
        view._clicked(Click())
    assert chosen.args[1] == pytest.approx(target.x()) and chosen.args[3] == pytest.approx(target.y())


def test_landscape_from_the_grid_context_and_one_variable_models(qtbot, window):
    open_example(window, "parabola.xlsx", (1, 2))
    plot = window.loss_plot
    plot.show()
    plot.tabs.setCurrentWidget(plot.landscape)
    plot.landscape.refresh(plot.trace)
    assert plot.landscape.currentIndex() == 0 and "one" in plot.landscape.message.text()
    window.show_descent_view("profile", 0)
    assert plot.tabs.currentWidget() is plot.profile


def test_the_parabola_profile_has_the_tangent_and_the_step(qtbot, window):
    dialog = open_example(window, "parabola.xlsx", (1, 2))  # 1.2 x^2 + 4 from x = -3, gd at rate 0.2
    window.show_descent_view("profile", 0)
    view = window.loss_plot.profile
    p = view.profile
    assert p.x == -3 and p.fx == pytest.approx(14.8) and p.slope == pytest.approx(-7.2)
    tx, ty = view.target.getData()
    assert tx[0] == pytest.approx(-3 + 0.2 * 7.2)
    (ax, bx), (ay, by) = view.tangent.getData()
    assert (by - ay) / (bx - ax) == pytest.approx(-7.2)
    assert "= -1.56" in view.numbers.text() and "A1 − lr·f′" in view.numbers.text()
    dialog.step_button.click()
    assert view.profile.x == pytest.approx(-1.56)  # the view follows the step
    assert len(view.trail.data) == 2


# ---- the learning-rate finder -----------------------------------------------------------------------------------

def test_learning_rate_finder_suggests_a_rate_and_puts_it_in_the_dialog(qtbot, window):
    dialog = open_example(window, "parabola.xlsx", (1, 2))
    dialog.close()
    plot = window.loss_plot
    plot.show()
    plot.tabs.setCurrentWidget(plot.lr)
    found = plot.lr.run()
    assert found is not None and 1e-3 < found.suggested < 2 / 2.4
    assert value(window, 1, 1) == -3.0  # the trial run left the cells alone
    assert plot.lr.mark.isVisible() and plot.lr.use_button.isEnabled()
    plot.lr.use_button.click()
    dialog = window.solver.dialog
    assert dialog.isVisible() and dialog.lr.value() == pytest.approx(float(f"{found.suggested:.2g}"))
    assert dialog.method.currentData() == "gd"


def test_learning_rate_finder_for_an_lbfgs_model_finds_adams(qtbot, window):
    dialog = open_example(window, "curve_fit.xlsx", (4, 2))  # L-BFGS
    dialog.randomize_button.click()  # a fresh start: the stored values may sit near the optimum
    window.loss_plot.show()
    window.loss_plot.tabs.setCurrentWidget(window.loss_plot.lr)
    window.loss_plot.lr.run()
    assert window.loss_plot.lr.method == "adam" and "Adam" in window.loss_plot.lr.note.text()


# ---- gradients on the cells -------------------------------------------------------------------------------------

def test_gradients_on_the_cells_shade_and_explain_each_variable(qtbot, window):
    open_example(window, "parabola.xlsx", (1, 2))
    window.acts["gradients"].setChecked(True)
    cell = (window.model.sheet_name, 1, 1)
    assert window.gradients.gradient[cell] == pytest.approx(-7.2)
    index = window.model.index(0, 0)
    brush = window.model.data(index, Qt.ItemDataRole.BackgroundRole)
    assert brush.color().blue() > brush.color().red()  # negative: blue
    tip = window.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "d objective / d cell = -7.2" in tip and "raising this cell lowers" in tip
    assert window.gradients.legend.isVisible() and "7.2" in window.gradients.legend.text()
    window.doc.undo.push(set_values_command(window.doc, "Edit", [cell], [2.0]))
    qtbot.waitUntil(lambda: window.gradients.gradient[cell] == pytest.approx(4.8), timeout=3000)
    red = window.model.data(index, Qt.ItemDataRole.BackgroundRole).color()
    assert red.red() > 2 * red.blue()  # positive: red
    window.acts["gradients"].setChecked(False)
    assert window.model.data(index, Qt.ItemDataRole.BackgroundRole) != brush
    assert "d objective" not in (window.model.data(index, Qt.ItemDataRole.ToolTipRole) or "")


def test_gradients_follow_a_run(qtbot, window):
    dialog = open_example(window, "curve_fit.xlsx", (4, 2))
    window.acts["gradients"].setChecked(True)
    start = dict(window.gradients.gradient)
    solve(qtbot, window, dialog)
    after = window.gradients.gradient
    assert set(after) == set(start) and max(map(abs, after.values())) < max(map(abs, start.values()))


# ---- a Step's arithmetic ------------------------------------------------------------------------------------------

def test_each_step_shows_its_arithmetic(qtbot, window):
    dialog = open_example(window, "parabola.xlsx", (1, 2))
    dialog.step_button.click()
    text = window.loss_plot.step_text.text()
    assert window.loss_plot.step_text.isVisible()
    assert text == "Step 1: A1 ← A1 − lr·g = -3 − 0.2 × -7.2 = -1.56"
    dialog.method.setCurrentIndex(dialog.method.findData("adam"))
    dialog.step_button.click()
    text = window.loss_plot.step_text.text()
    assert re.search(r"m ← 0.9·m \+ 0.1·g", text) and "√v̂" in text


# ---- export -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_every_plot_exports(qtbot, window, tmp_path, suffix):
    dialog = open_example(window, "curve_fit.xlsx", (4, 2))
    solve(qtbot, window, dialog)
    plot = window.loss_plot
    for k in range(plot.tabs.count()):
        plot.tabs.setCurrentIndex(k)
        if plot.tabs.currentWidget() is plot.lr:
            plot.lr.run()
        out = plot.export(str(tmp_path / f"tab{k}.{suffix}"))
        data = out.read_bytes()
        assert len(data) > 2000
        assert data.startswith(b"\x89PNG") if suffix == "png" else b"<svg" in data[:400]


def test_export_refuses_an_unknown_format(qtbot, window, tmp_path):
    with pytest.raises(ValueError, match="png or .svg"):
        window.loss_plot.export(str(tmp_path / "x.gif"))


def test_right_click_and_the_file_menu_save_the_plot(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    chosen = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen[-1]), ""))
    dialog = open_example(window, "parabola.xlsx", (1, 2))
    dialog.step_button.click()
    chosen.append(tmp_path / "loss.svg")
    menu = window.loss_plot.landscape.plot.getPlotItem().vb.menu
    next(a for a in menu.actions() if a.text() == "Save Plot as PNG or SVG…").trigger()
    assert chosen[-1].exists() and window.loss_plot.tabs.currentWidget() is window.loss_plot.landscape
    chosen.append(tmp_path / "front.png")
    window.acts["export_plot"].trigger()
    assert chosen[-1].read_bytes().startswith(b"\x89PNG")


def test_the_landscape_follows_a_run_live(qtbot, window):
    dialog = open_example(window, "curve_fit.xlsx", (4, 2))
    dialog.method.setCurrentIndex(dialog.method.findData("gd"))
    dialog.lr.setValue(1e-6)
    dialog.iterations.setValue(10_000_000)
    dialog.tolerance.setValue(0.0)
    plot = window.loss_plot
    plot.show()
    plot.tabs.setCurrentWidget(plot.landscape)
    dialog.solve_button.click()
    view = plot.landscape
    qtbot.waitUntil(lambda: view.path_item.getData()[0] is not None and len(view.path_item.getData()[0]) > 20,
                    timeout=30_000)
    assert window.solver.running and view.surface is not None

    def framed() -> bool:  # the frame is recomputed (on a lighter grid, at most once a second) when the path leaves
        px, py = view.path_item.getData()
        s = view.surface
        return s.xs[0] <= px.min() and px.max() <= s.xs[-1] and s.ys[0] <= py.min() and py.max() <= s.ys[-1]

    qtbot.waitUntil(framed, timeout=10_000)
    cx, _ = view.current_item.getData()
    assert cx[0] in plot.trace.values(0) and cx[0] != plot.trace.values(0)[0]  # a point of the run, not the start
    with qtbot.waitSignal(window.solver.run_finished, timeout=30_000):
        window.solver.stop()
    assert view.surface.z.shape == (100, 100)  # at rest: the full grid at the kept values
