"""Role styling follows edits that add or remove dependents; Save As writes .xlsx or .xlsm (and says when macros are left out)."""
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gdsheet.gui import settings
from gdsheet.gui.files import SAVE_FILTER, XLSX_FILTER, xlsx_path
from gdsheet.gui.grid_model import ROLE_BACKGROUND

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def role(win, row, col):
    return win.doc.roles.get(("Sheet1", row, col))


def background(win, row, col):
    brush = win.model.data(win.model.index(row - 1, col - 1), Qt.ItemDataRole.BackgroundRole)
    return None if brush is None else brush.color()


def test_roles_follow_edits_that_add_or_remove_dependents(qtbot, window):
    window._edit_cell(1, 1, "3")  # A1: the variable
    window._edit_cell(1, 2, "=A1^2")  # B1: the objective
    window._edit_cell(1, 3, "7")
    window.doc.set_roles(("Sheet1", 1, 2), [("Sheet1", 1, 1)])
    assert (role(window, 1, 1), role(window, 1, 2), role(window, 1, 3)) == ("variable", "objective", None)

    with qtbot.waitSignal(window.doc.roles_changed):
        window._edit_cell(1, 3, "=B1+1")  # now C1 depends on the variable through the objective
    window._edit_cell(1, 4, "=C1*2")  # and D1 through C1
    window._edit_cell(2, 4, "=C2*2")  # E: reads a cell that does not depend on the variable
    assert role(window, 1, 3) == role(window, 1, 4) == "dependent" and role(window, 2, 4) is None
    assert background(window, 1, 4) == ROLE_BACKGROUND["dependent"]

    window._edit_cell(1, 3, "5")  # C1 a constant again: neither it nor D1 depends on the variable
    assert role(window, 1, 3) is None and role(window, 1, 4) is None and background(window, 1, 4) is None
    window._edit_cell(2, 3, "=A1")  # C2 starts reading the variable: D2, which read C2 all along, follows
    assert role(window, 2, 3) == role(window, 2, 4) == "dependent"

    window.doc.undo.undo()
    assert role(window, 2, 3) is None and role(window, 2, 4) is None
    window.doc.undo.undo()
    assert role(window, 1, 3) == role(window, 1, 4) == "dependent"
    assert (role(window, 1, 1), role(window, 1, 2)) == ("variable", "objective")


def test_constant_edits_leave_the_roles_alone(qtbot, window):
    assert window.load(str(EXAMPLES / "curve_fit.xlsx"))
    roles = dict(window.doc.roles)
    assert roles[("Sheet1", 4, 2)] == "objective" and roles[("Sheet1", 7, 4)] == "dependent"
    emitted = []
    window.doc.roles_changed.connect(lambda: emitted.append(1))
    window._edit_cell(1, 2, "0.5")  # a new value for a variable: the same cells depend on it
    window._edit_cell(30, 1, "x")
    assert emitted == [] and window.doc.roles == roles
    window._edit_cell(7, 5, "=D7/2")  # a new formula over the squared errors
    assert window.doc.roles[("Sheet1", 7, 5)] == "dependent" and emitted == [1]


def test_save_as_offers_xlsx_and_xlsm(qtbot, window, tmp_path, monkeypatch):
    asked = []

    def get_save_file_name(parent, caption, start, filters, chosen):
        asked.append((start, filters, chosen))
        return str(tmp_path / "model"), chosen

    monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save_file_name)
    window._edit_cell(1, 1, "1")
    offered = str(Path(settings.last_folder()) / "Untitled.xlsx")
    assert window.save_as()
    assert asked == [(offered, SAVE_FILTER, XLSX_FILTER)] and "*.xlsm" in SAVE_FILTER and "*.xlsx" in SAVE_FILTER
    assert window.doc.path == str(tmp_path / "model.xlsx") and (tmp_path / "model.xlsx").exists()
    window.doc.path = str(tmp_path / "macro.xlsm")  # .xlsm in, .xlsm out: Save writes it where it is
    assert window.save() and (tmp_path / "macro.xlsm").exists() and len(asked) == 1


def test_save_as_xlsx_from_a_workbook_with_macros_says_they_will_be_left_out(qtbot, window, tmp_path,
                                                                             monkeypatch):
    from gdsheet.io.package import SourcePackage

    window.doc.wb.source = SourcePackage(str(tmp_path / "m.xlsm"), 0, 0, None, has_macros=True)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, caption, start, filters, chosen: (str(tmp_path / "plain.xlsx"), XLSX_FILTER))
    said = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, buttons: said.append(text)
                        or QMessageBox.StandardButton.Cancel)
    assert not window.save_as()
    assert said and "the macros will be left out" in said[0] and not (tmp_path / "plain.xlsx").exists()


def test_save_as_of_an_example_starts_in_the_users_folder_not_the_examples(qtbot, window, tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda p, c, start, f, chosen: (asked.append(start), ("", ""))[1])
    assert window.load(str(EXAMPLES / "titanic.xlsx"), as_copy=True)
    assert not window.save_as()
    assert Path(asked[0]).is_absolute() and Path(asked[0]).parent != EXAMPLES
    kept = tmp_path / "mine.xlsx"
    window.save_to(str(kept))  # the folder last used is offered next time
    window.doc.path = None
    window.save_as()
    assert Path(asked[-1]).parent == tmp_path


def test_xlsx_path():
    assert xlsx_path("a/book") == "a/book.xlsx"
    assert xlsx_path("book.XLSX") == "book.XLSX"
    assert xlsx_path("book.xlsm") == "book.xlsm"
    assert xlsx_path("book.xltm") == "book.xlsx" and xlsx_path("book", ".xlsm") == "book.xlsm"
    assert xlsx_path("results.v2") == "results.v2.xlsx"


def test_an_array_result_is_coloured_whole_not_just_its_anchor(qtbot, window):
    assert window.load(str(EXAMPLES / "titanic.xlsx"))
    window.show_sheet([s.name for s in window.doc.wb.sheets].index("mmult"))
    roles = window.doc.roles
    # =MMULT(B4:K715,$M$4:$N$13) over P4:Q715 reads the variables M4:N13
    assert roles[("mmult", 4, 16)] == roles[("mmult", 4, 17)] == roles[("mmult", 715, 17)] == "dependent"


def test_another_sheet_keeps_its_colours_while_one_solves(qtbot, window):
    assert window.load(str(EXAMPLES / "titanic.xlsx"))
    names = [s.name for s in window.doc.wb.sheets]
    window.show_sheet(names.index("linear"))
    linear = dict(window.doc.roles)
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(type(window.solver), "running", property(lambda self: True))  # as while 'linear' solves
    try:
        window.show_sheet(names.index("nnet"))
        roles = window.doc.roles
        assert roles[("nnet", 1, 14)] == "objective"  # the sheet looked at shows its own model
        assert all(roles.get(cell) == role for cell, role in linear.items())  # the run's roles are kept
    finally:
        monkeypatch.undo()
