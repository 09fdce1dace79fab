"""The main window: grid, formula bar, sheet tabs, loss plot, status bar; cell edits become undoable commands."""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (QApplication, QInputDialog, QLabel, QMainWindow, QMenu, QMessageBox,
                               QVBoxLayout, QWidget)

from gdsheet.errors import GdsheetError
from gdsheet.gui import actions, editing, settings, warmup
from gdsheet.gui.commands import AddSheet, RemoveSheet, RenameSheet, SetCells
from gdsheet.gui.copy_marquee import CopyMarquee
from gdsheet.gui.document import Document, empty_workbook
from gdsheet.gui.files import FileActions
from gdsheet.gui.format_actions import FormatActions
from gdsheet.gui.formula_bar import FormulaBar
from gdsheet.gui.gradient_overlay import GradientOverlay
from gdsheet.gui.grid_model import SheetModel
from gdsheet.gui.grid_view import GridView
from gdsheet.gui.help_actions import HelpActions
from gdsheet.gui.loading import LoadBar
from gdsheet.gui.loss_plot import LossPlot
from gdsheet.gui.sheet_tabs import SheetTabs
from gdsheet.gui.solving import SolveController, model_cells
from gdsheet.refs import Area, cell_name, parse_area
from gdsheet.sheet.workbook import CellId
from gdsheet.values import format_number


class MainWindow(FileActions, HelpActions, FormatActions, QMainWindow):
    """The app's window over one Document at a time; File and Help actions come from their mixins."""

    def __init__(self, doc: Document | None = None):
        super().__init__()
        self.undo_group = QUndoGroup(self)
        self.view = GridView()
        self.formula_bar = FormulaBar()
        self.tabs = SheetTabs()
        self.loss_plot = LossPlot(self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.loss_plot)
        self.loss_plot.hide()
        self.solver = SolveController(self)
        self.gradients = GradientOverlay(self)
        self.loss_plot.set_provider(self.solver.view_source)
        self.loss_plot.landscape.point_chosen.connect(self.solver.set_point)
        self.loss_plot.lr.rate_chosen.connect(self.solver.use_rate)
        self.clip: editing.Clip | None = None
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.formula_bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.tabs)
        self.setCentralWidget(central)
        self.stats = QLabel()
        self.stats.setContentsMargins(18, 0, 6, 0)  # the sums stand apart from the solve's text, as in Excel
        self.solve_status = QLabel()
        self.load_bar = LoadBar()
        self.statusBar().addPermanentWidget(self.load_bar)
        self.statusBar().addPermanentWidget(self.gradients.legend)
        self.statusBar().addPermanentWidget(self.solve_status)
        self.statusBar().addPermanentWidget(self.stats)
        self.acts = actions.build(self)
        self.formula_bar.committed.connect(self._formula_committed)
        self.formula_bar.cancelled.connect(self._formula_cancelled)
        self.formula_bar.goto_requested.connect(self.goto)
        self.tabs.selected.connect(self.show_sheet)
        self.tabs.add_requested.connect(self.add_sheet)
        self.tabs.rename_requested.connect(self.rename_sheet)
        self.tabs.delete_requested.connect(self.delete_sheet)
        self.view.clear_requested.connect(self.clear_selection)
        self.marquee = CopyMarquee(self.view)
        self.view.escape_pressed.connect(self.cancel_copy)
        self.view.editor_text.connect(self.formula_bar.show_typing)
        self.view.columns_resized.connect(lambda sizes: self.resize_sections(True, sizes))
        self.view.rows_resized.connect(lambda sizes: self.resize_sections(False, sizes))
        self.view.zoom_requested.connect(self.set_zoom)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.solver.progressed.connect(self.solve_status.setText)
        self.solver.running_changed.connect(self._running_changed)
        self.doc: Document | None = None
        self.model: SheetModel | None = None
        self.set_document(doc or Document(empty_workbook()))
        geometry, state = settings.load_layout()
        if geometry is not None:
            self.restoreGeometry(geometry)
            self.restoreState(state)
        self.fit_to_screen(first_start=geometry is None)
        warmup.start()

    def fit_to_screen(self, first_start: bool) -> None:
        """On first start, 1280x800 or 90% of the available screen, whichever is smaller, centred (at scale 1.5 on
        a 1600x1000 screen 1280x800 would push the tabs and the status bar off it); later, a remembered geometry
        that no longer fits (another monitor, another scale) is shrunk and moved back onto the screen."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        avail = screen.availableGeometry()
        frame = self.frameGeometry()
        extra_w, extra_h = frame.width() - self.width(), frame.height() - self.height()  # title bar, borders
        max_w, max_h = avail.width() - extra_w, avail.height() - extra_h
        if first_start:
            w, h = min(1280, int(max_w * 0.9)), min(800, int(max_h * 0.9))
        elif self.width() <= max_w and self.height() <= max_h and avail.contains(frame):
            return
        else:
            w, h = min(self.width(), max_w), min(self.height(), max_h)
        self.resize(w, h)
        self.move(avail.x() + (avail.width() - w - extra_w) // 2, avail.y() + (avail.height() - h - extra_h) // 2)

    def doc_undo_action(self, which: str):
        if which == "undo":
            a = self.undo_group.createUndoAction(self, "&Undo")
            a.setShortcut(QKeySequence.StandardKey.Undo)
        else:
            a = self.undo_group.createRedoAction(self, "&Redo")
            a.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence.StandardKey.Redo])
        return a

    # ---- the document ---------------------------------------------------------------------------------------

    def set_document(self, doc: Document, keep_old: bool = False) -> None:
        """Show `doc`; the document shown before is deleted, or with `keep_old` only set aside (a file being
        opened shows its first screen, and Cancel brings the workbook that was open back)."""
        old = self.doc
        if doc is old:
            return  # replacing a document by itself would delete it (its undo stack with it) below
        if old is not None:  # the old document goes: nothing it still emits may reach this window
            old.undo.cleanChanged.disconnect(self._update_title)
            old.cells_changed.disconnect(self._cells_changed)
            old.cells_changed.disconnect(self.gradients.cells_changed)
            old.sheets_changed.disconnect(self._sheets_changed)
            old.layout_changed.disconnect(self._layout_changed)
        self.doc = doc
        self.undo_group.addStack(doc.undo)
        self.undo_group.setActiveStack(doc.undo)
        doc.undo.cleanChanged.connect(self._update_title)
        doc.cells_changed.connect(self._cells_changed)
        doc.cells_changed.connect(self.gradients.cells_changed)
        doc.sheets_changed.connect(self._sheets_changed)
        doc.layout_changed.connect(self._layout_changed)
        old_model, self.model = self.model, SheetModel(doc, doc.wb.active_sheet.name, self)
        self.model.edit_requested.connect(self._edit_cell)
        self.view.setModel(self.model)
        if old_model is not None:
            old_model.deleteLater()  # it holds its workbook: a large one must not outlive the switch
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.selectionModel().currentChanged.connect(self._selection_changed)
        self.view.apply_sheet_layout()
        self._refresh_tabs()
        self._show_stored_roles()
        self.view.go_to(1, 1)
        self._places: dict[int, tuple] = {}  # id(sheet) -> (sheet, row, col, h scroll, v scroll), to come back to
        self._update_title()
        # the plots and the gradients belong to the workbook they came from: a new one starts clean
        self.solver.stepping = None
        self.loss_plot.reset()
        self.gradients.gradient = {}
        self.gradients.recompute()
        if old is not None and not keep_old:
            self._forget_document(old)

    def _forget_document(self, doc: Document) -> None:
        self.undo_group.removeStack(doc.undo)
        doc.setParent(None)
        doc.deleteLater()

    def _show_stored_roles(self, aside: bool = False) -> None:
        """Style the cells of the active sheet's solver model (else the first sheet's that has one); `aside`
        while a solve runs: beside the run's own roles, for the active sheet only."""
        from gdsheet.solver.model import read_model

        wb = self.doc.wb
        sheets = [wb.active_sheet.name] + ([] if aside else [s.name for s in wb.sheets])
        for name in sheets:
            try:
                model = read_model(wb, name)
                if model is not None:
                    cells = model_cells(wb, model, name)
                    if aside:
                        self.doc.show_roles_aside(*cells)
                    else:
                        self.doc.set_roles(*cells)
                    return
            except (GdsheetError, ValueError, KeyError):
                continue  # a stored model that cannot be read styles nothing; the Solver dialog says why

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.doc.title}[*] — gdsheet")
        self.setWindowModified(not self.doc.undo.isClean())

    def _refresh_tabs(self) -> None:
        wb = self.doc.wb
        self.tabs.set_sheets([s.name for s in wb.sheets], wb.active)

    def _sheets_changed(self) -> None:
        wb = self.doc.wb
        self._refresh_tabs()
        if self.model.sheet_name.lower() != wb.active_sheet.name.lower() or not wb.has_sheet(self.model.sheet_name):
            self.show_sheet(wb.active)
        else:
            self.model.sheet_name = wb.active_sheet.name
            self.model.refresh()

    def show_sheet_named(self, name: str) -> None:
        index = next((i for i, s in enumerate(self.doc.wb.sheets) if s.name.lower() == name.lower()), None)
        if index is not None and index != self.doc.wb.active:
            self.show_sheet(index)

    def show_sheet(self, index: int) -> None:
        """Show a sheet where it was left (the current cell and the scroll position), A1 the first time."""
        wb = self.doc.wb
        if wb.has_sheet(self.model.sheet_name):
            left = wb.sheet(self.model.sheet_name)
            self._places[id(left)] = (left, *self.view.current_cell(), self.view.horizontalScrollBar().value(),
                                      self.view.verticalScrollBar().value())
        wb.active = index
        self.model.set_sheet(wb.sheets[index].name)
        self.view.apply_sheet_layout()
        if not self.solver.running:
            self._show_stored_roles()  # the roles of this sheet's own solver model, when it has one
        else:  # the run keeps its roles; this sheet's own model is coloured beside them
            self._show_stored_roles(aside=True)
        self.tabs.set_sheets([s.name for s in wb.sheets], index)
        place = self._places.get(id(wb.sheets[index]))
        if place is None or place[0] is not wb.sheets[index]:  # never shown, or an id reused by a new sheet
            self.view.go_to(1, 1)
            return
        _, row, col, h, v = place
        self.view.go_to(row, col)
        self.view.updateGeometries()  # the scroll bars' ranges for this sheet, before moving them
        self.view.horizontalScrollBar().setValue(h)
        self.view.verticalScrollBar().setValue(v)

    def current_id(self) -> CellId:
        return (self.model.sheet_name, *self.view.current_cell())

    def selected_areas(self) -> list[Area]:
        sel = self.view.selectionModel().selection()
        areas = [Area(self.model.sheet_name, r.top() + 1, r.left() + 1, r.bottom() + 1, r.right() + 1) for r in sel]
        if not areas:
            s, r, c = self.current_id()
            areas = [Area(s, r, c, r, c)]
        return areas

    # ---- cell edits -----------------------------------------------------------------------------------------

    def _refused(self, cells) -> bool:
        """True (with the reason in the status bar) when a running solve depends on one of these cells."""
        cell = self.solver.locks(cells)
        if cell is not None:
            self.statusBar().showMessage(
                "The Solver is preparing the model: edits wait until it runs (or stop it: Esc)"
                if self.solver.preparing else f"{cell_name(*cell[1:])} is used by the running solve: stop it "
                "first (Esc)", 5000)
            QApplication.beep()
            return True
        return False

    def push_edits(self, text: str, edits: list) -> bool:
        if (self.loading and self._structure_locked()) or not edits or self._refused([(s, r, c) for s, r, c, _ in edits]):
            return False
        self.doc.undo.push(SetCells(self.doc, text, edits))
        return True

    def _edit_cell(self, row: int, col: int, text: str) -> None:
        sheet = self.model.sheet_name
        anchor = self.doc.wb.sheet(sheet).spilled_from.get((row, col))
        f = self.doc.wb.formula(sheet, *anchor) if anchor else None
        if f is not None and f.array is not None and anchor != (row, col):
            self.statusBar().showMessage("You can't change part of an array formula.", 5000)
            return
        # typing replaces the content, never the cell's number format (as in Excel: 0.5 in a % cell shows 50%)
        state = dataclasses.replace(editing.typed_state(text),
                                    number_format=self.doc.wb.sheet(sheet).number_formats.get((row, col)))
        if self.push_edits(f"Edit {cell_name(row, col)}", [(sheet, row, col, state)]):
            self.marquee.clear()  # typing into a cell ends copy mode, as in Excel

    def _formula_committed(self, text: str) -> None:
        row, col = self.view.current_cell()
        self._edit_cell(row, col, text)
        self.view.setFocus()
        self._update_formula_bar()

    def _formula_cancelled(self) -> None:
        self._update_formula_bar()
        self.view.setFocus()

    def clear_selection(self) -> None:
        self.push_edits("Clear", editing.clear(self.doc.wb, self.selected_areas()))

    def copy(self, cut: bool = False) -> None:
        area = self.selected_areas()[0]
        if area.size > 1_000_000:
            self.statusBar().showMessage("The selection is too large to copy.", 5000)
            return
        self.clip = editing.copy_area(self.doc.wb, area, cut)
        QGuiApplication.clipboard().setText(self.clip.text)
        self.marquee.show_area(self.model.sheet_name, area)

    def cut(self) -> None:
        self.copy(cut=True)

    def paste(self) -> None:
        text = QGuiApplication.clipboard().text()
        target = self.selected_areas()[0]
        if self.clip is not None and text == self.clip.text:
            edits = editing.paste_clip(self.clip, target)
            if self.clip.cut and self.push_edits("Move", edits):
                self.clip = None
                self.marquee.clear()  # a cut is pasted once, as in Excel
                self._select_edited(edits)
                return
        else:
            edits = editing.paste_text(text, target.sheet, target.r1, target.c1) if text else []
        if self.push_edits("Paste", edits):
            self._select_edited(edits)

    def _select_edited(self, edits: list) -> None:
        """Select the range a paste filled, as Excel does, so it can be formatted or copied on at once."""
        if edits:
            rows = [r for _, r, _, _ in edits]
            cols = [c for _, _, c, _ in edits]
            self.view.select_area(min(rows), min(cols), max(rows), max(cols))

    def find(self, replace: bool = False):
        """Ctrl+F / Ctrl+H: one Find and Replace dialog per window, kept open beside the grid."""
        from gdsheet.gui.find_dialog import FindDialog

        if getattr(self, "find_dialog", None) is None:
            self.find_dialog = FindDialog(self)
        self.find_dialog.set_replace_mode(replace)
        self.find_dialog.show()
        self.find_dialog.raise_()
        self.find_dialog.activateWindow()
        return self.find_dialog

    # ---- inserting and deleting rows and columns -------------------------------------------------------------

    def shift_cells(self, insert: bool, axis: str | None = None) -> bool:
        """Insert (before the selection) or delete (the selection's) rows or columns. Ctrl++ and Ctrl+- with whole
        rows or columns selected act on those; otherwise `axis` or a question decides, as Excel asks."""
        from gdsheet.gui.commands import ShiftCells

        if self._structure_locked():
            return False
        area = self.selected_areas()[0]
        model = self.model
        if axis is None:
            if area.c1 == 1 and area.c2 >= model.columnCount():
                axis = "row"
            elif area.r1 == 1 and area.r2 >= model.rowCount():
                axis = "col"
            else:
                choice, ok = QInputDialog.getItem(self, "Insert" if insert else "Delete", "Shift:",
                                                  ["Entire row", "Entire column"], 0, False)
                if not ok:
                    return False
                axis = "row" if choice == "Entire row" else "col"
        at, count = (area.r1, area.r2 - area.r1 + 1) if axis == "row" else (area.c1, area.c2 - area.c1 + 1)
        what = ("row" if axis == "row" else "column") + ("s" if count > 1 else "")
        try:
            self.doc.undo.push(ShiftCells(self.doc, f"{'Insert' if insert else 'Delete'} {count} {what}",
                                          model.sheet_name, axis, at, count if insert else -count))
        except GdsheetError as exc:
            QMessageBox.warning(self, "gdsheet", str(exc))
            return False
        if getattr(self.doc.wb, "source", None) is not None:
            # the package's parts gdsheet keeps byte for byte are not rewritten: say so rather than let it surprise
            self.statusBar().showMessage(
                f"{'Inserted' if insert else 'Deleted'} {count} {what}. Formulas, names and tables follow; charts, "
                "conditional formats, data validation and drawings kept from the file still name their old cells.",
                15000)
        return True

    def sort(self, descending: bool = False) -> bool:
        """Data → Sort A to Z / Z to A by the current cell's column: the selection, or the current region around
        a single cell, below a header row when the first row looks like one (Excel's guess)."""
        area = self.selected_areas()[0]
        row, col = self.view.current_cell()
        if area.size == 1:
            area = editing.current_region(self.doc.wb, self.model.sheet_name, row, col)
        try:
            edits = editing.sort_rows(self.doc.wb, area, col, descending, editing.has_header(self.doc.wb, area))
        except ValueError as exc:
            QMessageBox.warning(self, "Sort", str(exc))
            return False
        self.push_edits("Sort", edits)
        return True

    def chart_selection(self, kind: str | None = None) -> bool:
        from gdsheet.gui.selection_chart import SelectionChart

        if getattr(self, "chart", None) is None:
            self.chart = SelectionChart(self)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.chart)
            # a third of the window: the cells it charts stay in sight above it
            self.resizeDocks([self.chart], [max(self.height() // 3, 220)], Qt.Orientation.Vertical)
        return self.chart.show_area(self.selected_areas()[0], kind)

    def cancel_copy(self) -> None:
        """Escape: a file being opened is cancelled; else the marching ants stop (the clipboard keeps its text for
        other programs)."""
        if self.cancel_loading():
            return
        self.marquee.clear()
        self.clip = None

    def fill(self, down: bool) -> None:
        area = self.selected_areas()[0]
        self.push_edits("Fill down" if down else "Fill right", editing.fill(self.doc.wb, area, down))

    def recalculate(self) -> None:
        self.doc.notify(self.doc.wb.recalculate_volatile())

    # ---- selection, formula bar, status bar -----------------------------------------------------------------

    def _selection_changed(self, *_) -> None:
        self._update_formula_bar()
        self._update_stats()

    def _update_stats(self) -> None:
        """Average, Count and Sum of the selection, shown as Excel does: when more than one cell holds a value."""
        total, numbers, count = editing.selection_stats(self.doc.wb, self.selected_areas())
        parts = []
        if count > 1:
            if numbers:
                parts.append(f"Average: {format_number(round(total / numbers, 10))}")
            parts.append(f"Count: {count}")
            if numbers:
                parts.append(f"Sum: {format_number(round(total, 10))}")
        self.stats.setText("    ".join(parts))

    def _update_formula_bar(self) -> None:
        if self.formula_bar.edit.hasFocus():
            return
        row, col = self.view.current_cell()
        text = self.model.data(self.model.index(row - 1, col - 1), Qt.ItemDataRole.EditRole) or ""
        self.formula_bar.show_cell(cell_name(row, col), text)

    def _cells_changed(self, changed) -> None:
        circular = self.doc.wb.engine.circular
        if circular and not circular.isdisjoint(changed):
            # Excel shows 0 in the cells of a circular reference and warns; so do we
            self.statusBar().showMessage(f"Circular reference: {self.doc.wb.engine.circular_note}. Those cells "
                                         "show 0 until the cycle is broken (or iterative calculation is on).", 15000)
        if self.current_id() in changed:
            self._update_formula_bar()
        if self.stats.text() or len(changed) < 10_000:
            self._update_stats()

    def focus_name_box(self) -> None:
        self.formula_bar.name_box.setFocus()
        self.formula_bar.name_box.selectAll()

    def goto(self, text: str) -> bool:
        """Go to a cell, range, Sheet!ref, defined name or table name typed in the name box."""
        wb, sheet = self.doc.wb, self.model.sheet_name
        target = None
        dn = wb.get_name(text, sheet)
        table = wb.tables.get(text.upper())
        try:
            if table is not None:
                target = Area(table.sheet, table.area.r1, table.area.c1, table.area.r2, table.area.c2)
            else:
                target = parse_area(dn.formula if dn is not None else text, sheet)
        except ValueError:
            target = None
        if target is None or not wb.has_sheet(target.sheet or sheet):
            self.statusBar().showMessage(f"There is no cell, name or table called {text!r}.", 5000)
            self._update_formula_bar()
            return False
        name = wb.sheet(target.sheet or sheet).name
        if name.lower() != sheet.lower():
            self.show_sheet([s.name for s in wb.sheets].index(name))
        self.view.select_area(target.r1, target.c1, target.r2, target.c2)
        self.view.setFocus()
        return True

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        for name in ("cut", "copy", "paste", "clear"):
            menu.addAction(self.acts[name])
        cell = self.current_id()
        if self.doc.wb.formula(*cell) is not None:
            menu.addSeparator()
            menu.addAction("Solve for this cell…", lambda: self.open_solver(cell))
        self._descent_menu(menu)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def _descent_menu(self, menu: QMenu) -> None:
        """On selected variable cells: their landscape (two cells) or the loss along one."""
        src = self.solver.view_source()
        if isinstance(src, str):
            return
        variables = [(s.lower(), r, c) for s, r, c in src.solve.variables]
        picked = []
        for area in self.selected_areas():
            for r, c in area.cells() if area.size <= 10_000 else ():
                key = (area.sheet.lower(), r, c)
                if key in variables and variables.index(key) not in picked:
                    picked.append(variables.index(key))
        if not picked:
            return
        menu.addSeparator()
        if len(picked) >= 2:
            menu.addAction(f"Loss Landscape over {src.names[picked[0]]} and {src.names[picked[1]]}",
                           lambda: self.show_descent_view("landscape", picked[0], picked[1]))
        menu.addAction(f"Loss Along {src.names[picked[0]]}", lambda: self.show_descent_view("profile", picked[0]))

    def show_descent_view(self, which: str, i: int, j: int | None = None) -> None:
        plot = self.loss_plot
        plot.show()
        view = plot.landscape if which == "landscape" else plot.profile
        plot.tabs.setCurrentWidget(view)
        view.refresh(plot.trace)  # fills the pickers
        if j is None:
            view.choose(i)
        else:
            view.choose(i, j)
        view.refresh(plot.trace, force=True)

    def export_plot(self) -> None:
        if self.loss_plot.isHidden():
            self.loss_plot.show()
        path = self.loss_plot.save_as()
        if path:
            self.statusBar().showMessage(f"Saved {path}", 5000)

    # ---- sheets ---------------------------------------------------------------------------------------------

    def _structure_locked(self) -> bool:
        if self.loading:
            self.statusBar().showMessage("The file is still opening: wait for it, or press Cancel.", 5000)
            return True
        if self.solver.running:
            self.statusBar().showMessage("Stop the running solve first (Esc).", 5000)
            return True
        return False

    def add_sheet(self) -> None:
        if not self._structure_locked():
            self.doc.undo.push(AddSheet(self.doc, None, self.doc.wb.active + 1))

    def rename_sheet(self, index: int | None) -> None:
        if self._structure_locked():
            return
        wb = self.doc.wb
        old = wb.sheets[wb.active if index is None else index].name
        new, ok = QInputDialog.getText(self, "Rename Sheet", "New name:", text=old)
        if not ok or not new.strip() or new == old:
            return
        try:
            self.doc.undo.push(RenameSheet(self.doc, old, new.strip()))
        except GdsheetError as exc:
            QMessageBox.warning(self, "Rename Sheet", str(exc))

    def delete_sheet(self, index: int | None) -> None:
        if self._structure_locked():
            return
        wb = self.doc.wb
        if len(wb.sheets) == 1:
            QMessageBox.information(self, "Delete Sheet", "A workbook must keep at least one sheet.")
            return
        name = wb.sheets[wb.active if index is None else index].name
        self.doc.undo.push(RemoveSheet(self.doc, name))

    # ---- solving --------------------------------------------------------------------------------------------

    def open_solver(self, cell: CellId | None = None) -> None:
        if not self.solver.running and not self.loading:
            self.solver.open_dialog(cell or self.current_id())

    def _running_changed(self, running: bool) -> None:
        if running:
            self.statusBar().clearMessage()  # a hint such as "press Solve" is out of date now
        self.acts["stop"].setEnabled(running)
        self.acts["solver"].setEnabled(not running)
        # the run's cells show transient values and its model is stored when it ends: nothing may save, replace
        # the workbook or change its sheets meanwhile
        for name in ("new", "open", "save", "save_as", "import_csv", "examples", "add_sheet", "rename_sheet",
                     "delete_sheet"):
            self.acts[name].setEnabled(not running)
        self.recent_menu.setEnabled(not running)
        # undo while the run owns the variable cells would fight it: no active stack disables Undo and Redo
        self.undo_group.setActiveStack(None if running else self.doc.undo)

    def closeEvent(self, event) -> None:
        if self.cancel_loading():  # the load unwinds first; the window closes when it has
            self._close_when_loaded = True
            event.ignore()
            return
        self.solver.shutdown()
        if not self.maybe_save():
            event.ignore()
            return
        settings.save_layout(self.saveGeometry(), self.saveState())
        event.accept()
