"""File actions of the main window: New, Open (and recent files), Save, Save As, Import CSV, unsaved changes."""
from __future__ import annotations

import os
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog

from gdsheet.errors import GdsheetError
from gdsheet.gui import settings
from gdsheet.gui.commands import BuildSheet
from gdsheet.gui.document import Document, empty_workbook

OPEN_FILTER = "Excel workbooks (*.xlsx *.xlsm);;All files (*)"
XLSX_FILTER = "Excel workbook (*.xlsx)"
XLSM_FILTER = "Excel macro-enabled workbook (*.xlsm)"
SAVE_FILTER = f"{XLSX_FILTER};;{XLSM_FILTER}"  # no templates, no .xls/.xlsb


def xlsx_path(path: str, suffix: str = ".xlsx") -> str:
    """The name to save under: `path` as it is when it ends in .xlsx or .xlsm, else with `suffix` in place of
    another Excel suffix, or added."""
    root, ext = os.path.splitext(path)
    if ext.lower() in (".xlsx", ".xlsm"):
        return path
    return (root if ext.lower() in (".xltm", ".xltx", ".xls", ".xlsb") else path) + suffix


def has_macros(wb) -> bool:
    source = getattr(wb, "source", None)
    return bool(source is not None and source.has_macros)


class LoadProgress:
    """The progress of opening a large file, with Cancel: shown once reading takes longer than a moment, fed by the
    reader as the worksheets decompress; the window stays responsive between updates."""

    EVERY_S = 0.05

    def __init__(self, parent, name: str):
        self.parent, self.name = parent, name
        self.dialog: QProgressDialog | None = None
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        from gdsheet.io.xlsx_read import LoadCancelled

        now = time.monotonic()
        if now - self.last < self.EVERY_S:
            return
        self.last = now
        if self.dialog is None:
            if now - self.started < 0.4:
                return
            self.dialog = QProgressDialog(f"Opening {self.name}…", "Cancel", 0, 1000, self.parent)
            self.dialog.setWindowTitle("Open")
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(0)
        self.dialog.setValue(min(int(1000 * done / max(total, 1)), 999))
        QApplication.processEvents()
        if self.dialog.wasCanceled():
            raise LoadCancelled(f"opening {self.name} was cancelled")

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None


class FileActions:
    """Mixed into MainWindow: uses its `doc`, `set_document`, `statusBar` and `_structure_locked`."""

    # ---- files ----------------------------------------------------------------------------------------------

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False when the user cancels."""
        if self.doc.undo.isClean():
            return True
        answer = QMessageBox.question(
            self, "gdsheet", f"Save changes to {self.doc.title}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def new_file(self) -> None:
        if not self._structure_locked() and self.maybe_save():
            self.set_document(Document(empty_workbook()))

    def open_file(self, path: str | None = None) -> bool:
        if self._structure_locked() or not self.maybe_save():
            return False
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Open", "", OPEN_FILTER)
            if not path:
                return False
        return self.load(path)

    def load(self, path: str, as_copy: bool = False) -> bool:
        """Open `path`; a file that fails leaves the open workbook as it was and says why. `as_copy` (the bundled
        examples) opens it untitled, so Save asks where and never writes over the original."""
        from gdsheet.io import load_workbook

        # One error boundary around everything opening does (reading, the recalculation, showing the stored
        # Solver model): whatever goes wrong, the user sees the file and the problem, and the app goes on.
        from gdsheet.io.xlsx_read import LoadCancelled

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        progress = LoadProgress(self, os.path.basename(path))
        try:
            wb = load_workbook(path, progress)
            if not wb.values_are_cached():
                wb.recalculate()  # a file saved without cached values (openpyxl, scripts) shows them computed
        except LoadCancelled:
            progress.close()
            QApplication.restoreOverrideCursor()
            self.statusBar().showMessage(f"Opening {os.path.basename(path)} was cancelled.", 5000)
            return False
        except Exception as exc:  # noqa: BLE001
            progress.close()
            QApplication.restoreOverrideCursor()
            QMessageBox.critical(self, "Open", f"Could not open {os.path.basename(path)}:\n\n{_reason(exc)}")
            return False
        progress.close()
        QApplication.restoreOverrideCursor()
        doc = Document(wb, None if as_copy else path)
        if as_copy:
            doc.name = os.path.basename(path)
        try:
            self.set_document(doc)
            if not as_copy:
                self.select_objective()
        except Exception as exc:  # noqa: BLE001 - the workbook is open; only its display is incomplete
            QMessageBox.warning(self, "Open", f"{os.path.basename(path)} is open, but not all of it could be "
                                f"shown:\n\n{_reason(exc)}")
        warnings = getattr(wb, "load_warnings", None)
        if warnings:
            self.statusBar().showMessage(f"Opened with {len(warnings)} warning(s): {warnings[0]}", 15000)
        if not as_copy:
            settings.add_recent(path)
        return True

    def save(self) -> bool:
        path = self.doc.path
        return self.save_to(path) if path and path.lower().endswith((".xlsx", ".xlsm")) else self.save_as()

    def save_as(self) -> bool:
        # a workbook without a file (new, or an example opened as a copy) is offered in the folder last used,
        # else the user's documents: never a relative name, which lands wherever the app was started from
        # (for the bundle, next to the examples it ships)
        macros = has_macros(self.doc.wb)
        start = xlsx_path(self.doc.path or os.path.join(settings.last_folder(), self.doc.name or "Untitled.xlsx"),
                          ".xlsm" if macros else ".xlsx")
        path, chosen = QFileDialog.getSaveFileName(self, "Save As", start, SAVE_FILTER,
                                                   XLSM_FILTER if start.lower().endswith(".xlsm") else XLSX_FILTER)
        if not path:
            return False
        path = xlsx_path(path, ".xlsm" if chosen == XLSM_FILTER else ".xlsx")
        if macros and path.lower().endswith(".xlsx"):
            answer = QMessageBox.question(
                self, "Save As", f"{os.path.basename(path)} is an .xlsx workbook: the macros will be left out.\n\n"
                "Save as .xlsm to keep them.", QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Save:
                return False
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        from gdsheet.io import save_workbook

        try:
            notes = save_workbook(self.doc.wb, path)
        except Exception as exc:  # the file on disk is untouched; the user decides what to do
            QMessageBox.critical(self, "Save", f"Could not save {os.path.basename(path)}:\n\n{exc}")
            return False
        if notes:
            self.statusBar().showMessage(f"Saved {os.path.basename(path)}: {notes[0]}", 15000)
        self.doc.path = path
        self.doc.undo.setClean()
        self._update_title()
        settings.add_recent(path)
        return True

    def import_csv(self, path: str | None = None) -> bool:
        from gdsheet.io import import_csv

        if self._structure_locked():
            return False
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import CSV", "", "CSV files (*.csv *.tsv *.txt)")
            if not path:
                return False
        try:
            self.doc.undo.push(BuildSheet(self.doc, "Import CSV", lambda wb: import_csv(wb, path).name))
        except Exception as exc:  # an unreadable file: say so, nothing changed
            QMessageBox.critical(self, "Import CSV", f"Could not import {os.path.basename(path)}:\n\n{exc}")
            return False
        return True

    def fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in settings.recent_files():
            self.recent_menu.addAction(path, lambda p=path: self.open_file(p))
        self.recent_menu.setEnabled(True)


def _reason(exc: BaseException) -> str:
    """What to tell the user: gdsheet's own message, or in words what kind of failure a bug or a limit was."""
    if isinstance(exc, GdsheetError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "there is not enough memory to open it"
    if isinstance(exc, RecursionError):
        return "it nests formulas or names too deeply to be calculated"
    return f"an internal error in gdsheet ({type(exc).__name__}); please report it with the file"
