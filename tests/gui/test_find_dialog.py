"""Find and Replace through the window: Find Next moves in order and wraps, Find All lists, Replace All is one
undo step."""


def setup(window):
    for r, text in enumerate(("apple", "pear", "Apple pie", "=A1&\"s\""), 1):
        window._edit_cell(r, 1, text)
    window._edit_cell(1, 2, "=LEN(A1)")


def current(window):
    return window.view.current_cell()


def test_find_next_walks_the_matches_and_wraps(qtbot, window):
    setup(window)
    dialog = window.find()
    dialog.find_text.setText("apple")
    window.view.go_to(1, 1)
    assert dialog.find_next() == ("Sheet1", 3, 1) and current(window) == (3, 1)
    assert dialog.find_next() == ("Sheet1", 1, 1)  # wraps to the top; the formula in A4 holds no 'apple'
    dialog.look_in.setCurrentText("Values")
    window.view.go_to(3, 1)
    assert dialog.find_next() == ("Sheet1", 4, 1)  # its value "apples" does
    dialog.close()


def test_find_all_lists_cells_and_goes_to_one(qtbot, window):
    setup(window)
    dialog = window.find()
    dialog.find_text.setText("a*e")
    found = dialog.show_all()
    assert [c[1:] for c in found] == [(1, 1), (3, 1)] and dialog.results.topLevelItemCount() == 2
    item = dialog.results.topLevelItem(1)
    assert item.text(1) == "A3" and item.text(2) == "Apple pie"
    dialog.results.itemClicked.emit(item, 0)
    assert current(window) == (3, 1)
    dialog.close()


def test_replace_all_is_one_undo_step_and_keeps_formulas_working(qtbot, window):
    setup(window)
    dialog = window.find(replace=True)
    assert dialog.replace_text.isVisible() and not dialog.look_in.isEnabled()
    dialog.find_text.setText("A1")
    dialog.replace_text.setText("A2")
    assert dialog.replace_all() == 2
    wb = window.doc.wb
    assert wb.formula("Sheet1", 1, 2).text == "=LEN(A2)" and wb.get("Sheet1", 1, 2) == 4.0
    assert wb.get("Sheet1", 4, 1) == "pears"
    window.doc.undo.undo()
    assert wb.formula("Sheet1", 1, 2).text == "=LEN(A1)" and wb.get("Sheet1", 4, 1) == "apples"
    dialog.close()


def test_replace_moves_on_and_ctrl_h_opens_the_dialog(qtbot, window):
    setup(window)
    window.acts["replace"].trigger()
    dialog = window.find_dialog
    assert dialog.isVisible() and dialog.replace_button.isVisible()
    dialog.find_text.setText("pear")
    dialog.replace_text.setText("plum")
    dialog.match_case.setChecked(True)
    window.view.go_to(2, 1)
    dialog.replace_one()
    assert window.doc.wb.get("Sheet1", 2, 1) == "plum"
    window.acts["find"].trigger()
    assert not dialog.replace_button.isVisible()
    dialog.close()


def test_find_all_counts_every_match_and_lists_the_first(qtbot, window, monkeypatch):
    from gdsheet.gui import find_dialog
    setup(window)
    monkeypatch.setattr(find_dialog, "_LISTED", 1)
    dialog = window.find()
    dialog.find_text.setText("a*e")
    assert [c[1:] for c in dialog.show_all()] == [(1, 1)] and dialog.results.topLevelItemCount() == 1
    assert dialog.message.text() == "2 cell(s) found (the first 1 listed)."
    dialog.find_text.setText("plum")
    window.view.go_to(2, 2)
    assert dialog.find_next() is None and current(window) == (2, 2)
    assert "cannot find" in dialog.message.text()
    dialog.close()
