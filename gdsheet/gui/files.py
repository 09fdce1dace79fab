"""File actions of the main window: New, Open (and recent files), Save, Save As, Import CSV, unsaved changes."""
from __future__ import annotations

import atexit
import gc
import os

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gdsheet.errors import GdsheetError
from gdsheet.gui import settings
from gdsheet.gui.commands import BuildSheet
from gdsheet.gui.document import Document, empty_workbook
from gdsheet.gui.loading import LoadProgress

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


class FileActions:
    """Mixed into MainWindow: uses its `doc`, `set_document`, `statusBar`, `load_bar`, `acts` and
    `_structure_locked`."""

    _loading: LoadProgress | None = None  # the file being opened
    _close_when_loaded = False
    _preview_full: tuple | None = None  # the last row and first column of a preview screen seen filled
    _enabled_before_load: dict = {}

    @property
    def loading(self) -> bool:
        """A file is being opened: the window answers, shows the first screen, but changes nothing."""
        return self._loading is not None

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
        """Open `path`; a file that fails or is cancelled leaves the open workbook as it was and says why.
        `as_copy` (the bundled examples) opens it untitled, so Save asks where and never writes over the original.
        While it reads, the status bar shows the progress with Cancel, and the window keeps answering."""
        from gdsheet.io import load_workbook
        from gdsheet.io.xlsx_read import LoadCancelled

        name = os.path.basename(path)
        before = self.doc
        progress = LoadProgress(self.load_bar, name, preview=lambda wb, sheet: self._preview(wb, sheet, path),
                                repaint=self._repaint_preview)
        self._begin_loading(progress)
        # Python's cycle collector walks every object each time it runs its oldest generation: over the millions of
        # cells of a large workbook a pass takes long enough to be seen (100 ms at 100,000 rows, growing with the
        # sheet). It is off while the file is read, and what is loaded is then frozen out of its passes; thawed at
        # the next open, so a workbook replaced meanwhile (its engine refers back to it) can still be collected.
        gc.unfreeze()
        gc.disable()
        # One error boundary around everything opening does (reading, the recalculation, showing the stored
        # Solver model): whatever goes wrong, the user sees the file and the problem, and the app goes on.
        try:
            try:
                wb = load_workbook(path, progress)
                if not wb.values_are_cached():
                    progress.stage(f"Calculating {name}…")
                    # a file saved without cached values (openpyxl, scripts) shows them computed; the bar moves and
                    # the window answers between formulas
                    wb.recalculate(progress)
            finally:
                progress.close()
                self._end_loading()
                gc.enable()
        except LoadCancelled:
            self._drop_preview(before)
            self.statusBar().showMessage(f"Opening {name} was cancelled.", 5000)
            return False
        except Exception as exc:  # noqa: BLE001
            self._drop_preview(before)
            QMessageBox.critical(self, "Open", f"Could not open {name}:\n\n{_reason(exc)}")
            return False
        previewed = self.doc is not before
        if previewed:  # a preview showed the sheet half read: its size is known only now
            for sheet in wb.sheets:
                sheet.forget_bounds()
        doc = Document(wb, None if as_copy else path)
        if as_copy:
            doc.name = name
        try:
            self.set_document(doc)
            if not as_copy:
                self.select_objective()
        except Exception as exc:  # noqa: BLE001 - the workbook is open; only its display is incomplete
            QMessageBox.warning(self, "Open", f"{name} is open, but not all of it could be shown:\n\n{_reason(exc)}")
        if previewed:
            self._forget_document(before)  # kept while the preview showed, in case of Cancel
            self.statusBar().clearMessage()  # "Showing … as it is read" is over
        gc.freeze()
        # thawed at exit, so that the objects are torn down in their usual order (a document's undo stack must not
        # outlive the window's connection to it)
        atexit.unregister(gc.unfreeze)
        atexit.register(gc.unfreeze)
        warnings = getattr(wb, "load_warnings", None)
        if warnings:
            self.statusBar().showMessage(f"Opened with {len(warnings)} warning(s): {warnings[0]}", 15000)
        if not as_copy:
            settings.add_recent(path)
        return True

    def _preview(self, wb, sheet, path: str) -> None:
        """Show the sheet the reader has begun (the one in front), its rows appearing as they are read; the
        workbook that was open is kept aside until the load ends, and comes back on Cancel."""
        wb.active = next(i for i, s in enumerate(wb.sheets) if s is sheet)
        self._preview_full = None
        self.set_document(Document(wb, path), keep_old=True)
        self.statusBar().showMessage(f"Showing {sheet.name} as it is read; editing waits until it has opened.")

    def _repaint_preview(self) -> None:
        """Show the rows read since the last look, until the screen is full: once its last row holds something,
        repainting it again would only cost the reader time (scrolling paints what it shows anyway)."""
        from gdsheet.gui.grid_paint import visible_range

        span = visible_range(self.view)
        if span is None:
            return
        _, last, first_col, last_col = span
        cells = self.doc.wb.sheet(self.model.sheet_name).cells
        if any(cells.get((last + 1, c + 1)) is not None for c in range(first_col, last_col + 1)):
            if self._preview_full == (last, first_col):
                return
            self._preview_full = (last, first_col)  # one repaint more: the screen's rows all arrived
        self.model.refresh()

    def _drop_preview(self, before: Document) -> None:
        """After a failed or cancelled load: the workbook that was open before, as it was."""
        if self.doc is not before:
            self.set_document(before)
            self.statusBar().clearMessage()

    def _begin_loading(self, progress: LoadProgress) -> None:
        self._loading = progress
        # nothing may change the workbook, save it or open another while one is read (the grid still scrolls)
        self._enabled_before_load = {name: a.isEnabled() for name, a in self.acts.items()
                                     if name not in ("undo", "redo")}
        for name in self._enabled_before_load:
            self.acts[name].setEnabled(False)
        self.recent_menu.setEnabled(False)
        self.undo_group.setActiveStack(None)

    def _end_loading(self) -> None:
        self._loading = None
        for name, enabled in self._enabled_before_load.items():
            self.acts[name].setEnabled(enabled)
        self.recent_menu.setEnabled(True)
        self.undo_group.setActiveStack(self.doc.undo)
        if self._close_when_loaded:
            QTimer.singleShot(0, self.close)

    def cancel_loading(self) -> bool:
        """Cancel the file being opened (Cancel in the status bar, Esc, closing the window)."""
        if self._loading is None:
            return False
        self._loading.cancel()
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
