"""Insert and delete rows and columns from the window: references follow, one undo step puts everything back."""
from PySide6.QtWidgets import QInputDialog


def setup(window):
    for r in range(1, 4):
        window._edit_cell(r, 1, str(r))
    window._edit_cell(4, 1, "=SUM(A1:A3)")
    window._edit_cell(1, 2, "=A2*10")


def formula(window, r, c):
    f = window.doc.wb.formula("Sheet1", r, c)
    return f.text if f else None


def test_insert_rows_above_the_selection_and_undo(qtbot, window):
    setup(window)
    window.view.select_area(2, 1, 3, 1)
    assert window.shift_cells(True, "row")
    assert formula(window, 6, 1) == "=SUM(A1:A5)" and formula(window, 1, 2) == "=A4*10"
    assert window.doc.wb.get("Sheet1", 6, 1) == 6.0
    assert window.model.data(window.model.index(5, 0)) == "6"  # the grid shows the moved cells
    assert window.acts["undo"].text() == "&Undo Insert 2 rows"
    window.doc.undo.undo()
    assert formula(window, 4, 1) == "=SUM(A1:A3)" and formula(window, 1, 2) == "=A2*10"
    window.doc.undo.redo()
    assert formula(window, 6, 1) == "=SUM(A1:A5)"


def test_delete_a_column_breaks_references_to_it_and_undo_mends_them(qtbot, window):
    setup(window)
    window._edit_cell(1, 3, "=B1+A1")
    window.view.select_area(1, 1, 1, 1)
    assert window.shift_cells(False, "col")
    assert formula(window, 1, 1) == "=#REF!*10" and formula(window, 1, 2) == "=A1+#REF!"
    window.doc.undo.undo()
    assert formula(window, 1, 3) == "=B1+A1" and window.doc.wb.get("Sheet1", 1, 3) == 21.0


def test_ctrl_minus_on_a_partial_selection_asks_which(qtbot, window, monkeypatch):
    setup(window)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Entire row", True))
    window.view.select_area(1, 1, 1, 1)
    window.acts["delete_cells"].trigger()
    assert formula(window, 3, 1) == "=SUM(A1:A2)" and formula(window, 1, 2) is None  # row 1 went, B1 with it


def test_roles_follow_the_cells_they_name(qtbot, window):
    setup(window)
    window.doc.set_roles(("Sheet1", 4, 1), [("Sheet1", 1, 1)])
    window.view.select_area(1, 1, 1, 1)
    window.shift_cells(True, "row")
    assert window.doc.roles[("Sheet1", 5, 1)] == "objective" and window.doc.roles[("Sheet1", 2, 1)] == "variable"


def test_a_workbook_from_a_file_says_what_does_not_move(qtbot, window):
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "resources" / "examples"
    assert window.load(str(examples / "parabola.xlsx"))
    window.view.select_area(1, 1, 1, 1)
    assert window.shift_cells(True, "row")
    assert "still name their old cells" in window.statusBar().currentMessage()
