"""Help: the examples offered at start and from the menu, each opening ready to solve; the function list."""
import html
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from gdsheet.functions.registry import catalog
from gdsheet.gui import settings
from gdsheet.gui.examples import EXAMPLES, available
from gdsheet.gui.function_help import FunctionsDialog
from gdsheet.gui.solving import model_cells
from gdsheet.solver.model import read_model

OBJECTIVES = {"Parabola": ("Sheet1", 1, 2), "Titanic: linear model": ("linear", 1, 14),
              "Titanic: neural net": ("nnet", 1, 14), "Titanic: neural net with MMULT": ("mmult", 1, 14)}


def test_settings_are_isolated_from_the_users(tmp_path_factory):
    assert settings.settings().fileName().startswith(str(tmp_path_factory.getbasetemp()))
    assert settings.examples_at_start()  # a fresh scope: the default, whatever the user chose
    settings.set_examples_at_start(False)
    assert not settings.examples_at_start()


def test_the_examples_dialog_lists_all_seven(window):
    dialog = window.show_examples()
    titles = [e.title for e in dialog.examples()]
    assert titles == [e.title for e in EXAMPLES] and len(titles) == 7
    assert [e.sheet for e in available()][-3:] == ["linear", "nnet", "mmult"]
    assert all(e.description.endswith(".") for e in EXAMPLES)
    assert window.acts["examples"].text() == "&Examples…"
    dialog.reject()


@pytest.mark.parametrize("title", ["Parabola", "Titanic: neural net"])
def test_opening_an_example_selects_its_objective_on_its_sheet(qtbot, window, title):
    dialog = window.show_examples()
    dialog.select(title)
    dialog.open_button.click()
    sheet, row, col = OBJECTIVES[title]
    assert window.model.sheet_name == sheet and window.doc.wb.active_sheet.name == sheet
    assert window.current_id() == (sheet, row, col)
    assert window.doc.roles[(sheet, row, col)] == "objective"
    # an untitled copy: Save must not write over the bundled file
    assert window.doc.path is None and window.windowTitle().startswith(dialog.chosen().file)
    # ready to solve: the Solver dialog opens on the stored model
    solver = window.solver.open_dialog(window.current_id())
    stored = read_model(window.doc.wb, sheet)
    assert solver.objective.text() == stored.objective and solver.variables.text() == ", ".join(stored.variables)
    assert model_cells(window.doc.wb, stored, sheet)[0] == (sheet, row, col)
    solver.close()


@pytest.mark.slow
def test_every_example_opens_on_a_sheet_with_a_model(window):
    for example in available():
        assert window.open_example(example), example.title
        sheet = window.model.sheet_name
        model = read_model(window.doc.wb, sheet)
        assert model is not None and window.current_id() == model_cells(window.doc.wb, model, sheet)[0]
        if example.sheet:
            assert sheet == example.sheet


def test_the_offer_at_start_can_be_dismissed_and_turned_off(window):
    dialog = window.offer_examples_at_start()
    assert dialog.isVisible() and dialog.windowTitle() == "Welcome to gdsheet"
    assert dialog.empty_button.text() == "Empty Workbook"
    dialog.show_at_start.setChecked(False)
    dialog.empty_button.click()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert window.doc.title == "Untitled" and window.doc.wb.sheets[0].name == "Sheet1"
    assert not settings.examples_at_start() and window.offer_examples_at_start() is None


def test_help_functions_lists_every_catalog_entry_and_filters(qtbot, window):
    dialog = window.show_functions()
    names = [s.name for s in catalog()]
    assert sorted(dialog.visible_names()) == sorted(names) and len(names) > 300
    assert dialog.count.text() == f"{len(names)} of {len(names)} functions"
    dialog.search.setText("sumproduct")
    assert dialog.visible_names() == ["SUMPRODUCT"]
    assert "SUMPRODUCT(" in dialog.details.text()
    dialog.search.setText("")
    dialog.category.setCurrentText("Logical")
    logical = sorted(s.name for s in catalog() if s.category == "Logical")
    assert sorted(dialog.visible_names()) == logical and "IF" in logical
    dialog.search.setText("if")
    assert set(dialog.visible_names()) <= set(logical) and "IFERROR" in dialog.visible_names()
    dialog.search.setText("no function is called this")
    assert dialog.visible_names() == [] and not dialog.insert_button.isEnabled()


def test_inserting_a_function_starts_a_formula_in_the_bar(qtbot, window):
    window.view.go_to(2, 1)
    dialog = window.show_functions()
    dialog.search.setText("sum")
    dialog.select("SUM")
    dialog.insert_button.click()
    assert not dialog.isVisible()
    bar = window.formula_bar.edit
    assert bar.text() == "=SUM("
    bar.end(False)
    window.insert_function("ABS")  # a second function goes in at the cursor of the formula being typed
    qtbot.keyClicks(bar, "-2),3)")
    assert bar.text() == "=SUM(ABS(-2),3)"
    qtbot.keyClick(bar, Qt.Key.Key_Return)
    assert window.doc.wb.get("Sheet1", 2, 1) == 5.0


def test_double_click_inserts(qtbot, window):
    dialog = FunctionsDialog(window)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.insert_requested) as inserted:
        dialog.select("AVERAGE")
        dialog.tree.itemActivated.emit(dialog.tree.currentItem(), 0)
    assert inserted.args == ["AVERAGE"]


def test_every_solver_option_explains_itself_in_a_sentence(window):
    dialog = window.solver.open_dialog(window.current_id())
    widgets = [dialog.objective, dialog.variables, dialog.sense_min, dialog.sense_max, dialog.sense_value,
               dialog.constraints, dialog.nonnegative, dialog.method, dialog.lr, dialog.momentum, dialog.iterations,
               dialog.time_limit, dialog.tolerance, dialog.batch_size, dialog.schedule, dialog.multistart,
               dialog.seed, dialog.device]
    for widget in widgets:
        tip = html.unescape(re.sub(r"<[^>]+>", "", widget.toolTip()))  # rich text, so that Qt wraps it
        assert tip[:1].isupper() and tip.endswith(".") and len(tip.split()) >= 8, tip
    assert "learning rate" in dialog.lr.toolTip() and "previous step" in dialog.momentum.toolTip()
    assert "rows" in dialog.batch_size.toolTip()
    dialog.close()


def test_opening_a_workbook_selects_its_stored_objective(window):
    from gdsheet.resources import resource_path

    assert window.load(str(resource_path("examples", "titanic.xlsx")))
    index = window.view.currentIndex()
    sheet = window.doc.wb.active_sheet.name
    # the active sheet's Solver model names its loss cell: the workbook opens ready to solve
    assert (sheet, index.row() + 1, index.column() + 1) == (sheet, 1, 14)
