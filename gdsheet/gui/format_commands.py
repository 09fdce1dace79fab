"""Undoable formatting: cell formats (and the number formats that go with them), column widths, row heights,
frozen panes. Each command keeps what it replaced and puts it back on undo."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from gdsheet.gui.document import Document

CellKey = tuple[int, int]


class SetStyles(QUndoCommand):
    """Give cells new cellXfs indices (0: no format). The cells' number formats follow their formats, so what
    the grid and the functions (CELL, TEXT of a cell's format) see stays the format the file will store."""

    def __init__(self, doc: Document, text: str, sheet: str, after: dict[CellKey, int]):
        super().__init__(text)
        self.doc, self.sheet = doc, sheet
        sh = doc.wb.sheet(sheet)
        self.after = after
        self.before = {key: (sh.style_ids.get(key, 0), sh.number_formats.get(key)) for key in after}

    def redo(self) -> None:
        table = self.doc.wb.styles
        states = {}
        for key, xf in self.after.items():
            code = table.format(xf).number_format
            states[key] = (xf, None if code == "General" else code)
        self._apply(states)

    def undo(self) -> None:
        self._apply(self.before)

    def _apply(self, states: dict[CellKey, tuple[int, str | None]]) -> None:
        sh = self.doc.wb.sheet(self.sheet)
        for key, (xf, code) in states.items():
            if xf:
                sh.style_ids[key] = xf
            else:
                sh.style_ids.pop(key, None)
            if code is None:
                sh.number_formats.pop(key, None)
            else:
                sh.number_formats[key] = code
        self.doc.notify({(sh.name, r, c) for r, c in states})


class _LayoutCommand(QUndoCommand):
    """A change to a sheet's layout: the sheet's dict or field is set, then the views are told."""

    def __init__(self, doc: Document, text: str, sheet: str):
        super().__init__(text)
        self.doc, self.sheet = doc, sheet

    def done(self) -> None:
        self.doc.layout_changed.emit(self.doc.wb.sheet(self.sheet).name)


class SetSizes(_LayoutCommand):
    """Column widths (characters) or row heights (points); None puts a section back to the default size."""

    def __init__(self, doc: Document, sheet: str, columns: bool, sizes: dict[int, tuple[float | None, float | None]]):
        what = "column width" if columns else "row height"
        super().__init__(doc, f"Change {what}{'s' if len(sizes) > 1 else ''}", sheet)
        self.columns, self.sizes = columns, sizes

    def _set(self, which: int) -> None:
        sh = self.doc.wb.sheet(self.sheet)
        target = sh.col_widths if self.columns else sh.row_heights
        for i, pair in self.sizes.items():
            size = pair[which]
            if size is None:
                target.pop(i, None)
            else:
                target[i] = size
        self.done()

    def redo(self) -> None:
        self._set(1)

    def undo(self) -> None:
        self._set(0)


class SetHidden(_LayoutCommand):
    """Hide or unhide rows or columns."""

    def __init__(self, doc: Document, sheet: str, columns: bool, indices: set[int], hide: bool):
        what = "columns" if columns else "rows"
        super().__init__(doc, f"{'Hide' if hide else 'Unhide'} {what}", sheet)
        self.columns, self.indices, self.hide = columns, set(indices), hide
        sh = doc.wb.sheet(sheet)
        target = sh.hidden_cols if columns else sh.hidden_rows
        self.before = set(target & self.indices)

    def _target(self) -> set[int]:
        sh = self.doc.wb.sheet(self.sheet)
        return sh.hidden_cols if self.columns else sh.hidden_rows

    def redo(self) -> None:
        target = self._target()
        if self.hide:
            target |= self.indices
        else:
            target -= self.indices
        self.done()

    def undo(self) -> None:
        target = self._target()
        target -= self.indices
        target |= self.before
        self.done()


class SetFreeze(_LayoutCommand):
    """Freeze the rows above and the columns left of a cell (None unfreezes)."""

    def __init__(self, doc: Document, sheet: str, cell: CellKey | None):
        super().__init__(doc, "Unfreeze panes" if cell is None else "Freeze panes", sheet)
        self.cell = cell
        self.before = doc.wb.sheet(sheet).freeze

    def redo(self) -> None:
        self.doc.wb.sheet(self.sheet).freeze = self.cell
        self.done()

    def undo(self) -> None:
        self.doc.wb.sheet(self.sheet).freeze = self.before
        self.done()


class SetMerged(_LayoutCommand):
    """Merge a range (Merge & Center) or unmerge the merged ranges it touches."""

    def __init__(self, doc: Document, sheet: str, merged_after: list, text: str = "Merge cells"):
        super().__init__(doc, text, sheet)
        self.before = list(doc.wb.sheet(sheet).merged)
        self.after = merged_after

    def redo(self) -> None:
        self.doc.wb.sheet(self.sheet).merged = list(self.after)
        self.done()

    def undo(self) -> None:
        self.doc.wb.sheet(self.sheet).merged = list(self.before)
        self.done()
