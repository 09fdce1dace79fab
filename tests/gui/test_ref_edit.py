"""RefEdit in the Solver dialogs: selecting cells in the grid fills the reference box the user is in (Excel's way);
the collapse button hides the dialogs, even a modal Add Constraint, so the sheet can be reached."""
from PySide6.QtCore import QTimer

from gdsheet.gui.ref_edit import RefEdit


def solver_dialog(window):
    for r in range(1, 4):
        window._edit_cell(r, 1, str(r))
    window._edit_cell(4, 1, "=SUMSQ(A1:A3)")
    window.view.go_to(4, 1)
    return window.solver.open_dialog(window.current_id())


def test_selecting_in_the_grid_fills_the_focused_box(qtbot, window):
    dialog = solver_dialog(window)
    dialog.variables.setFocus()
    dialog.variables.arm()  # offscreen, focus events are not always delivered to an inactive dialog
    window.view.setFocus()
    window.view.select_area(1, 1, 3, 1)
    assert dialog.variables.text() == "Sheet1!$A$1:$A$3"
    dialog.objective.arm()
    window.view.setFocus()
    window.view.select_area(4, 1, 5, 1)
    assert dialog.objective.text() == "Sheet1!$A$4"  # the objective is one cell
    assert dialog.variables.text() == "Sheet1!$A$1:$A$3"  # the other box kept its range
    dialog.close()


def test_moving_by_code_does_not_overwrite_the_box(qtbot, window, monkeypatch):
    dialog = solver_dialog(window)
    dialog.variables.setText("Sheet1!$A$1:$A$3")
    dialog.variables.arm()
    monkeypatch.setattr(window.view, "hasFocus", lambda: False)  # the user is in the dialog, not the grid
    window.view.go_to(7, 7)  # the window moving the cursor itself
    assert dialog.variables.text() == "Sheet1!$A$1:$A$3"
    dialog.close()


def test_collapse_hides_the_modal_add_constraint_and_expand_brings_it_back(qtbot, window):
    from gdsheet.gui.solver_dialog import ConstraintDialog

    dialog = solver_dialog(window)
    seen = {}

    def pick():
        add = next(d for d in dialog.findChildren(ConstraintDialog) if d.isVisible())
        add.lhs.collapse()
        seen["hidden"] = not add.isVisible() and not dialog.isVisible() and add.lhs.collapsed
        window.view.select_area(2, 1, 3, 1)  # the user drags over A2:A3 in the sheet
        seen["bar"] = add.lhs._bar.line.text()
        add.lhs.expand()
        seen["back"] = add.isVisible() and dialog.isVisible()
        add.rhs.setText("10")
        add.accept()

    QTimer.singleShot(100, pick)
    dialog._add()
    assert seen == {"hidden": True, "bar": "Sheet1!$A$2:$A$3", "back": True}
    assert dialog._constraints[-1].lhs == "Sheet1!$A$2:$A$3" and dialog._constraints[-1].rhs == "10"
    dialog.close()


def test_ctrl_click_ranges_are_listed(qtbot, window):
    box = RefEdit()
    from gdsheet.refs import Area

    box.take([Area(None, 1, 1, 2, 1), Area("Other", 1, 3, 1, 3)], "Sheet1")
    assert box.text() == "Sheet1!$A$1:$A$2, Other!$C$1"
