"""The main window: typing, formulas and their dependents, errors, undo, paste and fill, name box, sheet tabs,
files."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QMessageBox

from gdsheet.gui.grid_model import SheetModel


def cell(win, a1_row, col):
    return win.doc.wb.get(win.model.sheet_name, a1_row, col)


def shown(win, row, col):
    return win.model.data(win.model.index(row - 1, col - 1), Qt.ItemDataRole.DisplayRole)


def type_into(qtbot, win, row, col, text):
    """Type over a cell as a user does: the first key opens the editor, Enter commits and moves down."""
    win.view.go_to(row, col)
    win.view.setFocus()
    qtbot.keyClicks(win.view, text[0])
    qtbot.waitUntil(lambda: win.view.state() == QAbstractItemView.State.EditingState)
    editor = next(e for e in win.view.viewport().findChildren(QLineEdit) if e.isVisible())  # closed ones linger
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # Qt commits an edit ended by Enter from the event loop
    qtbot.waitUntil(lambda: win.view.state() != QAbstractItemView.State.EditingState)


def test_typing_a_formula_updates_its_dependents(qtbot, window):
    type_into(qtbot, window, 1, 1, "2")
    assert window.view.current_cell() == (2, 1)  # Enter moved down
    type_into(qtbot, window, 1, 2, "=A1*3")
    type_into(qtbot, window, 1, 3, "=B1+1")
    assert shown(window, 1, 3) == "7"
    type_into(qtbot, window, 1, 1, "10")
    assert (shown(window, 1, 2), shown(window, 1, 3)) == ("30", "31")
    assert window.isWindowModified()


def test_a_bad_formula_shows_its_error_with_the_reason(qtbot, window):
    type_into(qtbot, window, 1, 1, "=SUM(1,")
    assert shown(window, 1, 1) == "#NAME?"
    tip = window.model.data(window.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "formula" in tip
    type_into(qtbot, window, 2, 1, "=1/0")
    assert shown(window, 2, 1) == "#DIV/0!"


def test_a_circular_reference_is_named_in_the_status_bar_and_tooltip(qtbot, window):
    type_into(qtbot, window, 1, 2, "=A1+1")
    type_into(qtbot, window, 1, 1, "=B1*2")
    assert shown(window, 1, 1) == "0" and shown(window, 1, 2) == "0"
    assert "Circular reference" in window.statusBar().currentMessage()
    tip = window.model.data(window.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "Circular reference" in tip and "Sheet1!A1" in tip


def test_formula_bar_shows_and_commits(qtbot, window):
    window._edit_cell(1, 1, "=1+2")
    window.view.go_to(1, 1)
    assert window.formula_bar.edit.text() == "=1+2" and window.formula_bar.name_box.text() == "A1"
    window.formula_bar.edit.setFocus()
    window.formula_bar.edit.setText("=2*5")
    qtbot.keyClick(window.formula_bar.edit, Qt.Key.Key_Return)
    assert cell(window, 1, 1) == 10.0


def test_undo_redo_every_edit(qtbot, window):
    window._edit_cell(1, 1, "1")
    window._edit_cell(1, 1, "=A2+5")
    window.doc.undo.undo()
    assert cell(window, 1, 1) == 1.0
    window.doc.undo.undo()
    assert cell(window, 1, 1) is None and not window.isWindowModified()
    window.doc.undo.redo()
    window.doc.undo.redo()
    assert window.doc.wb.formula("Sheet1", 1, 1).text == "=A2+5"


def test_delete_clears_the_selection(qtbot, window):
    for r in (1, 2):
        window._edit_cell(r, 1, str(r))
    window.view.select_area(1, 1, 2, 1)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert cell(window, 1, 1) is None and cell(window, 2, 1) is None


def test_fill_down_shifts_relative_references(qtbot, window):
    for r in (1, 2, 3):
        window._edit_cell(r, 1, str(r))
    window._edit_cell(1, 2, "=A1*$A$1*10")
    window.view.select_area(1, 2, 3, 2)
    window.acts["fill_down"].trigger()
    assert [cell(window, r, 2) for r in (1, 2, 3)] == [10.0, 20.0, 30.0]
    window.doc.undo.undo()
    assert cell(window, 3, 2) is None


def test_copy_paste_shifts_and_cut_moves(qtbot, window):
    window._edit_cell(1, 1, "4")
    window._edit_cell(1, 2, "=A1+1")
    window.view.go_to(1, 2)
    window.acts["copy"].trigger()
    window.view.go_to(3, 3)
    window.acts["paste"].trigger()
    assert window.doc.wb.formula("Sheet1", 3, 3).text == "=B3+1"
    window.view.go_to(1, 2)
    window.acts["cut"].trigger()
    window.view.go_to(5, 5)
    window.acts["paste"].trigger()
    assert window.doc.wb.formula("Sheet1", 5, 5).text == "=A1+1" and cell(window, 1, 2) is None


def test_paste_text_from_elsewhere(qtbot, window):
    QApplication.clipboard().setText("1\t2\n3\t=A1+B1")
    window.view.go_to(1, 1)
    window.acts["paste"].trigger()
    assert cell(window, 2, 2) == 3.0


def test_status_bar_sum_average_count(qtbot, window):
    for r, v in enumerate(("1", "2", "x"), 1):
        window._edit_cell(r, 1, v)
    window.view.select_area(1, 1, 3, 1)
    assert window.stats.text() == "Average: 1.5    Count: 3    Sum: 3"


def test_name_box_goes_to_cells_names_and_sheets(qtbot, window):
    wb = window.doc.wb
    window.doc.undo.push(__import__("gdsheet.gui.commands", fromlist=["AddSheet"]).AddSheet(window.doc, "Data"))
    wb.define_name("target", "Data!$C$5")
    assert window.goto("B7") and window.view.current_cell() == (7, 2) and window.model.sheet_name == "Data"
    assert window.goto("Sheet1!D4") and window.model.sheet_name == "Sheet1"
    assert window.goto("target") and (window.model.sheet_name, *window.view.current_cell()) == ("Data", 5, 3)
    assert window.goto("A1:C3") and len(window.view.selectionModel().selectedIndexes()) == 9
    assert not window.goto("nowhere")


def test_ctrl_arrows_jump_to_the_edge_of_the_data(qtbot, window):
    for r in range(1, 6):
        window._edit_cell(r, 1, str(r))
    window.view.go_to(1, 1)
    qtbot.keyClick(window.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert window.view.current_cell() == (5, 1)
    qtbot.keyClick(window.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert window.view.current_cell() == (window.model.rowCount(), 1)


def test_sheet_tabs_add_rename_delete_and_undo(qtbot, window, monkeypatch):
    window._edit_cell(1, 1, "5")
    window.add_sheet()
    assert window.tabs.bar.count() == 2 and window.model.sheet_name == "Sheet2"
    window._edit_cell(1, 1, "=Sheet1!A1*2")
    monkeypatch.setattr("gdsheet.gui.window.QInputDialog.getText", lambda *a, **k: ("Inputs", True))
    window.rename_sheet(0)
    assert window.tabs.bar.tabText(0) == "Inputs"
    assert window.doc.wb.formula("Sheet2", 1, 1).text == "=Inputs!A1*2"
    window.delete_sheet(0)
    assert [window.tabs.bar.tabText(i) for i in range(window.tabs.bar.count())] == ["Sheet2"]
    window.doc.undo.undo()
    assert window.doc.wb.get("Sheet2", 1, 1) == 10.0 and window.tabs.bar.count() == 2
    window.tabs.bar.setCurrentIndex(1)
    assert window.model.sheet_name == "Sheet2"


def test_title_save_and_reopen(qtbot, window, tmp_path):
    window._edit_cell(1, 1, "3")
    window._edit_cell(1, 2, "=A1^2")
    assert window.windowTitle() == "Untitled[*] — gdsheet" and window.isWindowModified()
    path = str(tmp_path / "book.xlsx")
    assert window.save_to(path)
    assert window.windowTitle() == "book.xlsx[*] — gdsheet" and not window.isWindowModified()
    window.new_file()
    assert window.doc.path is None and cell(window, 1, 2) is None
    assert window.load(path) and cell(window, 1, 2) == 9.0


def test_a_file_that_fails_to_open_names_the_file_and_keeps_the_workbook(qtbot, window, tmp_path, monkeypatch):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a zip")
    window._edit_cell(1, 1, "42")
    messages = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: messages.append(text))
    assert not window.load(str(bad))
    assert "broken.xlsx" in messages[0] and cell(window, 1, 1) == 42.0


def test_closing_with_unsaved_changes_asks(qtbot, window, monkeypatch):
    window._edit_cell(1, 1, "1")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: asked.append(a) or QMessageBox.StandardButton.Cancel)
    assert not window.close() and asked
    window.doc.undo.setClean()


def test_import_csv_into_a_new_sheet(qtbot, window, tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x,y\n1,2\n3,4\n")
    assert window.import_csv(str(path))
    assert window.model.sheet_name == "points" and cell(window, 3, 2) == 4.0
    window.doc.undo.undo()
    assert not window.doc.wb.has_sheet("points")
    window.doc.undo.redo()  # the same sheet comes back, not a second import
    assert window.model.sheet_name == "points" and cell(window, 3, 2) == 4.0


def test_a_csv_that_cannot_be_read_says_so_and_changes_nothing(qtbot, window, tmp_path, monkeypatch):
    messages = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: messages.append(text))
    assert not window.import_csv(str(tmp_path / "missing.csv"))
    assert "missing.csv" in messages[0]
    assert [s.name for s in window.doc.wb.sheets] == ["Sheet1"] and window.doc.undo.count() == 0


@pytest.mark.parametrize("text", ["", "=", "'=1"])
def test_typed_entries_that_are_not_formulas(qtbot, window, text):
    window._edit_cell(1, 1, text)
    assert isinstance(SheetModel, type) and (cell(window, 1, 1) or "") == text.lstrip("'")


def test_a_sheet_tab_returns_to_where_that_sheet_was_left(qtbot, window):
    window.add_sheet()
    window.tabs.bar.setCurrentIndex(0)
    assert window.view.current_cell() == (1, 1)  # a sheet not shown before starts at A1
    window.view.go_to(300, 40)
    scrolled = (window.view.horizontalScrollBar().value(), window.view.verticalScrollBar().value())
    assert all(scrolled)
    window.tabs.bar.setCurrentIndex(1)
    assert window.view.current_cell() == (1, 1)  # Sheet2's own place
    window.view.go_to(5, 3)
    window.tabs.bar.setCurrentIndex(0)
    assert window.view.current_cell() == (300, 40)
    assert (window.view.horizontalScrollBar().value(), window.view.verticalScrollBar().value()) == scrolled
    window.tabs.bar.setCurrentIndex(1)
    assert window.view.current_cell() == (5, 3)


def test_first_start_fits_the_available_screen(window):
    """No remembered layout: the window is 1280x800 or smaller, inside the screen (offscreen: 800x600)."""
    avail = window.screen().availableGeometry()
    assert window.frameGeometry().width() <= avail.width() and window.frameGeometry().height() <= avail.height()
    assert avail.contains(window.frameGeometry().topLeft())


def test_a_remembered_geometry_too_big_for_the_screen_is_brought_back(qtbot):
    from gdsheet.gui import settings
    from gdsheet.gui.window import MainWindow

    first = MainWindow()
    qtbot.addWidget(first)
    first.setGeometry(3000, 2000, 2400, 1600)  # as if saved on a larger monitor
    settings.save_layout(first.saveGeometry(), first.saveState())
    again = MainWindow()
    qtbot.addWidget(again)
    avail = again.screen().availableGeometry()
    assert again.width() <= avail.width() and again.height() <= avail.height()
    assert avail.contains(again.frameGeometry().topLeft())


def _open_editor(qtbot, win):
    qtbot.waitUntil(lambda: win.view.state() == QAbstractItemView.State.EditingState)
    return next(e for e in win.view.viewport().findChildren(QLineEdit) if e.isVisible())


def test_f2_edits_at_the_end_and_the_formula_bar_follows_the_typing(qtbot, window):
    type_into(qtbot, window, 1, 1, "2")
    type_into(qtbot, window, 1, 2, "=A1*3")
    window.view.go_to(1, 2)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    editor = _open_editor(qtbot, window)
    assert editor.text() == "=A1*3" and not editor.hasSelectedText() and editor.cursorPosition() == 5
    qtbot.keyClicks(editor, "+1")  # appends, as in Excel, instead of replacing the formula
    assert window.formula_bar.edit.text() == "=A1*3+1"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.view.state() != QAbstractItemView.State.EditingState)
    assert cell(window, 1, 2) == 7


def test_typing_over_a_cell_replaces_it_and_shows_in_the_formula_bar(qtbot, window):
    type_into(qtbot, window, 1, 1, "5")
    window.view.go_to(1, 1)
    window.view.setFocus()
    qtbot.keyClicks(window.view, "=")
    editor = _open_editor(qtbot, window)
    qtbot.keyClicks(editor, "4*2")
    assert editor.text() == "=4*2" and window.formula_bar.edit.text() == "=4*2"
    qtbot.keyClick(editor, Qt.Key.Key_Escape)


def test_copy_shows_marching_ants_until_escape_and_paste_selects_the_pasted_range(qtbot, window):
    for r in (1, 2):
        for c in (1, 2):
            window._edit_cell(r, c, str(r * c))
    window.view.select_area(1, 1, 2, 2)
    window.acts["copy"].trigger()
    assert window.marquee.active and window.marquee.isVisible()
    rect = window.marquee.border_rect()
    cells = window.view.visualRect(window.model.index(0, 0)).united(window.view.visualRect(window.model.index(1, 1)))
    assert rect is not None and abs(rect.width() - cells.width()) <= 1 and abs(rect.height() - cells.height()) <= 1
    window.view.go_to(5, 3)
    window.acts["paste"].trigger()
    assert window.selected_areas()[0].a1(with_sheet=False) == "C5:D6"  # the whole pasted range, as Excel
    assert window.marquee.active  # a copy can be pasted again
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    assert not window.marquee.active and not window.marquee.isVisible()


def test_a_cut_is_pasted_once_and_the_ants_stop(qtbot, window):
    window._edit_cell(1, 1, "7")
    window.view.go_to(1, 1)
    window.acts["cut"].trigger()
    assert window.marquee.active
    window.view.go_to(3, 3)
    window.acts["paste"].trigger()
    assert not window.marquee.active and cell(window, 3, 3) == 7.0


def test_status_bar_sums_stand_apart_from_the_solve_text(qtbot, window):
    for r, v in enumerate(("1", "2"), 1):
        window._edit_cell(r, 1, v)
    window.view.select_area(1, 1, 2, 1)
    window.solve_status.setText("Adam: iteration 120, loss 0.1442271493")
    qtbot.wait(50)
    solve_text_end = window.solve_status.geometry().left() + window.solve_status.fontMetrics().horizontalAdvance(
        window.solve_status.text())
    stats_text_start = window.stats.geometry().left() + window.stats.contentsMargins().left()
    assert stats_text_start - solve_text_end >= 12


def test_typing_into_a_formatted_cell_keeps_its_format(qtbot, window):
    window.doc.wb.sheet(window.model.sheet_name).number_formats[(1, 1)] = "0%"
    type_into(qtbot, window, 1, 1, "0.5")
    assert cell(window, 1, 1) == 0.5 and shown(window, 1, 1) == "50%"
    window.doc.undo.undo()
    assert window.doc.wb.sheet(window.model.sheet_name).number_formats.get((1, 1)) == "0%"


def test_a_replaced_document_no_longer_reaches_the_window(qtbot, window):
    """The source of 'QUndoStack already deleted' tracebacks: a document gone (deleteLater) whose signals still
    called the window, or a document replaced by itself and so deleted while in use."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from gdsheet.gui.document import Document, empty_workbook

    old = window.doc
    window.set_document(old)  # by itself: kept
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    window._edit_cell(1, 1, "1")
    assert cell(window, 1, 1) == 1.0
    window.doc.undo.setClean()
    window.set_document(Document(empty_workbook()))
    window.setWindowTitle("sentinel")
    old.undo.cleanChanged.emit(False)  # as when the old stack is cleared on its way out
    assert window.windowTitle() == "sentinel"
