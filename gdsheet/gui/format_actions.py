"""Mixed into MainWindow: formatting the selection (bold, italic, fonts, colours, borders, alignment, number
formats), column widths and row heights, hiding, merging, frozen panes and zoom; every change an undoable command."""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog

from gdsheet.gui.format_commands import SetFreeze, SetHidden, SetMerged, SetSizes, SetStyles
from gdsheet.refs import Area
from gdsheet.sheet import styles as st

MAX_FORMAT_CELLS = 2_000_000  # Excel formats whole columns with a column style; gdsheet formats cells one by one


class FormatActions:
    """Uses the window's `doc`, `model`, `view`, `selected_areas`, `current_id`, `statusBar` and `_refused`."""

    # ---- the cells to format --------------------------------------------------------------------------------

    def _format_areas(self) -> list[Area] | None:
        """The selection clipped to the grid's rows and columns (a whole column means its cells in use)."""
        rows, cols = self.model.rowCount(), self.model.columnCount()
        sheet = self.doc.wb.sheet(self.model.sheet_name)
        max_r, max_c = sheet.used_bounds
        out = []
        for a in self.selected_areas():
            r2 = min(a.r2, rows if a.r1 > 1 or a.r2 < rows else max(max_r, 1))
            c2 = min(a.c2, cols if a.c1 > 1 or a.c2 < cols else max(max_c, 1))
            out.append(Area(a.sheet, a.r1, a.c1, max(r2, a.r1), max(c2, a.c1)))
        if sum(a.size for a in out) > MAX_FORMAT_CELLS:
            self.statusBar().showMessage("The selection is too large to format.", 5000)
            return None
        return out

    def current_format(self) -> st.CellFormat:
        sheet = self.doc.wb.sheet(self.model.sheet_name)
        xf = sheet.style_ids.get(self.view.current_cell(), 0)
        table = self.doc.wb.styles
        fmt = table.format(xf) if table is not None else st.CellFormat()
        code = sheet.number_formats.get(self.view.current_cell())
        return replace(fmt, number_format=code or "General")

    def restyle_selection(self, text: str, change) -> bool:
        """Apply `change(CellFormat) -> CellFormat` to every selected cell, as one undoable step."""
        areas = self._format_areas()
        if not areas:
            return False
        keys = [key for a in areas for key in a.cells()]
        return self.restyle_cells(text, keys, change)

    def restyle_cells(self, text: str, keys, change) -> bool:
        sheet = self.doc.wb.sheet(self.model.sheet_name)
        after = st.restyle(self.doc.wb, sheet, keys, lambda fmt: change(fmt))
        if all(sheet.style_ids.get(k, 0) == xf for k, xf in after.items()):
            return False
        if self.model.looks.table is not self.doc.wb.styles:  # the first format of a new workbook
            self.view.apply_sheet_layout()
        self.doc.undo.push(SetStyles(self.doc, text, sheet.name, after))
        return True

    # ---- the Home tab's buttons -----------------------------------------------------------------------------

    def toggle_font(self, attr: str) -> None:
        """Bold, italic or underline on every selected cell, or off when the current cell has it (Excel)."""
        now = getattr(self.current_format().font, attr)
        value = (None if now else "single") if attr == "underline" else not now
        names = {"bold": "Bold", "italic": "Italic", "underline": "Underline", "strike": "Strikethrough"}
        self.restyle_selection(names[attr], lambda f: st.with_font(f, **{attr: value}))

    def set_font_size(self, size: float) -> None:
        self.restyle_selection("Font size", lambda f: st.with_font(f, size=float(size)))

    def set_font_name(self, name: str) -> None:
        self.restyle_selection("Font", lambda f: st.with_font(f, name=name))

    def choose_font_color(self) -> None:
        color = QColorDialog.getColor(QColor("#C00000"), self, "Font Color")
        if color.isValid():
            self.set_font_color(color.name())

    def set_font_color(self, rgb: str | None) -> None:
        c = None if rgb is None else st.Color.of(rgb)
        self.restyle_selection("Font color", lambda f: st.with_font(f, color=c))

    def choose_fill_color(self) -> None:
        color = QColorDialog.getColor(QColor("#FFFF00"), self, "Fill Color")
        if color.isValid():
            self.set_fill_color(color.name())

    def set_fill_color(self, rgb: str | None) -> None:
        self.restyle_selection("Fill color" if rgb else "No fill", lambda f: st.with_fill(f, rgb))

    def set_alignment(self, **changes) -> None:
        self.restyle_selection("Alignment", lambda f: st.with_alignment(f, **changes))

    def toggle_wrap(self) -> None:
        self.set_alignment(wrap=not self.current_format().alignment.wrap)

    def set_number_format(self, code: str) -> None:
        self.restyle_selection("Number format", lambda f: replace(f, number_format=code))

    def set_borders(self, kind: str, style: str | None = "thin", rgb: str | None = None) -> None:
        """One of Excel's border buttons over each selected range ('all', 'outline', 'inside', 'none', 'top',
        'bottom', 'left', 'right')."""
        areas = self._format_areas()
        if not areas:
            return
        side = st.Side(style, st.Color.of(rgb) if rgb else None) if style else st.Side()
        edits: dict = {}
        for a in areas:
            edits.update(st.border_edits(a.r1, a.c1, a.r2, a.c2, kind, side))
        wb = self.doc.wb
        sheet = wb.sheet(self.model.sheet_name)
        if wb.styles is None:
            wb.styles = st.StyleTable()
        table = wb.styles
        after = {}
        for key, sides in edits.items():
            fmt = table.format(sheet.style_ids.get(key, 0))
            after[key] = table.xf_for(st.with_border(fmt, **sides))
        if all(sheet.style_ids.get(k, 0) == xf for k, xf in after.items()):
            return
        if self.model.looks.table is not table:
            self.view.apply_sheet_layout()
        self.doc.undo.push(SetStyles(self.doc, "Borders", sheet.name, after))

    def format_cells(self) -> None:
        """Ctrl+1: Excel's Format Cells dialog, on the current cell's format; what was changed there is applied
        to every selected cell."""
        from gdsheet.gui.format_dialog import FormatCellsDialog

        value = self.doc.wb.sheet(self.model.sheet_name).cells.get(self.view.current_cell())
        sample = value if isinstance(value, (int, float)) and not isinstance(value, bool) else 1234.5678
        dialog = FormatCellsDialog(self.current_format(), self.doc.wb.styles, self, sample)
        if not dialog.exec():
            return
        change, ops = dialog.change(), dialog.border_ops
        if change is None and not ops:
            return
        self.doc.undo.beginMacro("Format Cells")
        if change is not None:
            self.restyle_selection("Format cells", change)
        for kind, style, rgb in ops:
            self.set_borders(kind, style, rgb)
        self.doc.undo.endMacro()

    # ---- rows and columns -----------------------------------------------------------------------------------

    def resize_sections(self, columns: bool, sizes: dict) -> None:
        """Column widths (characters) or row heights (points) dragged on a header or typed in a dialog."""
        if sizes and not self._structure_locked():
            self.doc.undo.push(SetSizes(self.doc, self.model.sheet_name, columns, sizes))

    def ask_section_size(self, columns: bool) -> None:
        """Format → Column Width… / Row Height…: one size for every selected column or row."""
        sheet = self.doc.wb.sheet(self.model.sheet_name)
        areas = self.selected_areas()
        if columns:
            indices = sorted({c for a in areas for c in range(a.c1, a.c2 + 1)})
            current = sheet.col_widths.get(indices[0], 8.43)
            value, ok = QInputDialog.getDouble(self, "Column Width", "Column width:", current, 0, 255, 2)
            sizes = {c: (sheet.col_widths.get(c), value) for c in indices}
        else:
            indices = sorted({r for a in areas for r in range(a.r1, a.r2 + 1)})
            current = sheet.row_heights.get(indices[0], 15.0)
            value, ok = QInputDialog.getDouble(self, "Row Height", "Row height:", current, 0, 409, 2)
            sizes = {r: (sheet.row_heights.get(r), value) for r in indices}
        if ok and len(indices) <= 100_000:
            self.resize_sections(columns, sizes)

    def hide_sections(self, columns: bool, hide: bool) -> None:
        areas = self.selected_areas()
        if columns:
            indices = {c for a in areas for c in range(a.c1, a.c2 + 1)}
        else:
            indices = {r for a in areas for r in range(a.r1, a.r2 + 1)}
        if not hide:  # unhide: the hidden ones within the selection, or just beside it
            sheet = self.doc.wb.sheet(self.model.sheet_name)
            hidden = sheet.hidden_cols if columns else sheet.hidden_rows
            lo, hi = min(indices), max(indices)
            indices = {i for i in hidden if lo - 1 <= i <= hi + 1} or indices
        if len(indices) <= 100_000:
            self.doc.undo.push(SetHidden(self.doc, self.model.sheet_name, columns, indices, hide))

    def merge_and_center(self) -> None:
        """Merge the selected range and centre its text; on a merged cell, unmerge (Excel's toggle)."""
        area = self.selected_areas()[0]
        sheet = self.doc.wb.sheet(self.model.sheet_name)
        touching = [m for m in sheet.merged if not (m.r2 < area.r1 or m.r1 > area.r2 or m.c2 < area.c1
                                                    or m.c1 > area.c2)]
        if touching:
            after = [m for m in sheet.merged if m not in touching]
            self.doc.undo.push(SetMerged(self.doc, sheet.name, after, "Unmerge cells"))
            return
        if area.size < 2:
            return
        filled = [k for k in area.cells() if sheet.cells.get(k) is not None and k != (area.r1, area.c1)]
        if filled:
            self.statusBar().showMessage("Merging cells keeps only the upper-left value: clear the others first.",
                                         6000)
            return
        self.doc.undo.beginMacro("Merge & Center")
        self.doc.undo.push(SetMerged(self.doc, sheet.name, [*sheet.merged, Area(None, area.r1, area.c1, area.r2,
                                                                                  area.c2)]))
        self.restyle_cells("Center", [(area.r1, area.c1)], lambda f: st.with_alignment(f, horizontal="center"))
        self.doc.undo.endMacro()

    # ---- view -----------------------------------------------------------------------------------------------

    def freeze_panes(self, where: str) -> None:
        """View → Freeze Panes: 'cell' (above and left of the current cell), 'row' (top row), 'column' (first
        column) or 'none'; on a sheet with frozen panes, 'cell' unfreezes, as Excel's button does."""
        sheet = self.doc.wb.sheet(self.model.sheet_name)
        row, col = self.view.current_cell()
        cell = {"row": (2, 1), "column": (1, 2), "none": None}.get(where, (row, col))
        if where == "cell" and (sheet.freeze is not None or (row, col) == (1, 1)):
            cell = None
        if cell != sheet.freeze:
            self.doc.undo.push(SetFreeze(self.doc, sheet.name, cell))

    def set_zoom(self, percent: int) -> None:
        """The sheet's zoom (10-400 %), saved with it; not an undoable edit, as in Excel."""
        sheet = self.doc.wb.sheet(self.model.sheet_name)
        percent = min(max(int(percent), 10), 400)
        if percent != sheet.zoom:
            sheet.zoom = percent
            self.view.apply_sheet_layout()
            self.statusBar().showMessage(f"Zoom {percent}%", 2000)

    def _layout_changed(self, sheet_name: str) -> None:
        if sheet_name.lower() == self.model.sheet_name.lower():
            self.view.apply_sheet_layout()
