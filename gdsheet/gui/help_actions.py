"""Help actions of the main window: the examples (offered at first start too), the function list, About."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox

from gdsheet.errors import GdsheetError
from gdsheet.gui import settings
from gdsheet.gui.examples import Example, ExamplesDialog
from gdsheet.gui.function_help import FunctionsDialog


class HelpActions:
    """Mixed into MainWindow: uses its `load`, `maybe_save`, `show_sheet`, `view`, `formula_bar` and `doc`."""

    examples_dialog: ExamplesDialog | None = None
    functions_dialog: FunctionsDialog | None = None

    # ---- examples -------------------------------------------------------------------------------------------

    def offer_examples_at_start(self) -> ExamplesDialog | None:
        """What `gdsheet` without a file does: the examples, unless the user asked not to see them at start."""
        return self.show_examples(at_start=True) if settings.examples_at_start() else None

    def show_examples(self, at_start: bool = False) -> ExamplesDialog:
        """The examples as a window-modal sheet that does not block: the choice arrives through `finished`."""
        if self.examples_dialog is not None:
            self.examples_dialog.close()
        dialog = self.examples_dialog = ExamplesDialog(at_start, settings.examples_at_start(), self)
        dialog.finished.connect(lambda result: self._examples_closed(dialog, result))
        dialog.open()
        return dialog

    def _examples_closed(self, dialog: ExamplesDialog, result: int) -> None:
        settings.set_examples_at_start(dialog.show_at_start.isChecked())
        if self.examples_dialog is dialog:
            self.examples_dialog = None
        dialog.deleteLater()
        example = dialog.chosen()
        if result == QDialog.DialogCode.Accepted and example is not None:
            self.open_example(example)

    def select_objective(self) -> bool:
        """Select the objective cell of the active sheet's stored Solver model, if it has one: a workbook opens
        ready to solve. A model that cannot be read selects nothing (the Solver dialog will say why)."""
        from gdsheet.gui.solving import model_cells
        from gdsheet.solver.model import read_model

        wb = self.doc.wb
        name = wb.active_sheet.name
        try:
            model = read_model(wb, name)
        except (GdsheetError, ValueError):
            return False
        objective = model_cells(wb, model, name)[0] if model is not None else None
        if objective is None or objective[0] != name:
            return False
        self.view.go_to(*objective[1:])
        return True

    def open_example(self, example: Example) -> bool:
        """Open a bundled example as an untitled copy, on its sheet, with its objective cell selected."""
        from gdsheet.solver.model import read_model

        path = example.path()
        if self._structure_locked() or not self.maybe_save() or path is None or not self.load(str(path),
                                                                                                 as_copy=True):
            return False
        wb = self.doc.wb
        names = [s.name for s in wb.sheets]
        wanted = example.sheet or next((n for n in names if read_model(wb, n) is not None), wb.active_sheet.name)
        index = [n.lower() for n in names].index(wanted.lower())
        self.show_sheet(index)
        self.select_objective()
        self.view.setFocus()
        self.statusBar().showMessage(f"{example.title}: press Solve (Ctrl+Shift+L) to minimise the selected cell.",
                                     15000)
        return True

    # ---- functions ------------------------------------------------------------------------------------------

    def show_functions(self) -> FunctionsDialog:
        if self.functions_dialog is None:
            self.functions_dialog = FunctionsDialog(self)
            self.functions_dialog.insert_requested.connect(self.insert_function)
        self.functions_dialog.show()
        self.functions_dialog.raise_()
        self.functions_dialog.activateWindow()
        return self.functions_dialog

    def insert_function(self, name: str) -> None:
        """Start `=NAME(` in the formula bar, or add `NAME(` at the cursor of a formula being typed there."""
        bar = self.formula_bar.edit
        if bar.isModified() and bar.text().startswith("="):
            bar.insert(f"{name}(")
        else:
            bar.setText(f"={name}(")
            bar.setModified(True)
        bar.setFocus()

    def about(self) -> None:
        QMessageBox.about(self, "About gdsheet", "<b>gdsheet</b><p>A spreadsheet in which gradient descent is "
                                                 "something you can see.</p>")
