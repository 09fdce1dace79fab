"""The Qt table model over one sheet: values formatted for display, formulas for editing, roles as colours.

Virtualised by construction: `data` looks up one cell in the sheet's dicts, so a million cells cost nothing until
they scroll into view. The model never writes the workbook and never opens a dialog: an edit is reported through
`edit_requested` and the window decides (pushing an undoable command, or refusing it while a solve runs).
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from gdsheet.errors import ExcelError
from gdsheet.gui.cell_looks import TEXT_MARGIN, Looks, tinted
from gdsheet.gui.document import DEPENDENT, OBJECTIVE, VARIABLE, Document
from gdsheet.gui.numfmt import GENERAL_WIDTH, format_color, format_value
from gdsheet.refs import MAX_COL, MAX_ROW, col_letter
from gdsheet.values import format_number

MIN_ROWS, MIN_COLS = 1000, 26
SPARE_ROWS, SPARE_COLS = 200, 10  # blank room past the used range, as a spreadsheet always has
MANY_CHANGES = 4096  # past this many changed cells the grid repaints what it shows instead of looking at each

ROLE_BACKGROUND = {VARIABLE: QColor("#fff4c2"), OBJECTIVE: QColor("#c9f0d0"), DEPENDENT: QColor("#eaf2fb")}
ROLE_FOREGROUND = {VARIABLE: QColor("#7a4b00"), OBJECTIVE: QColor("#0b5d1e")}
ERROR_FOREGROUND = QColor("#c0282d")
_ROLE_BACKGROUND_BRUSH = {role: QBrush(color) for role, color in ROLE_BACKGROUND.items()}
_ROLE_FOREGROUND_BRUSH = {role: QBrush(color) for role, color in ROLE_FOREGROUND.items()}
_ERROR_BRUSH = QBrush(ERROR_FOREGROUND)
_DISPLAY, _EDIT, _ALIGNMENT, _FOREGROUND, _BACKGROUND, _FONT, _TOOLTIP = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.ToolTipRole))
_HANDLED_ROLES = frozenset((_DISPLAY, _EDIT, _ALIGNMENT, _FOREGROUND, _BACKGROUND, _FONT, _TOOLTIP))
_H_RIGHT = Qt.AlignmentFlag.AlignRight
_FLAGS = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsEditable
ROLE_NAMES = {VARIABLE: "variable cell (the solver changes it)", OBJECTIVE: "objective cell (the solver's loss)",
              DEPENDENT: "depends on the variable cells"}

Index = QModelIndex | QPersistentModelIndex


def edit_text(value) -> str:
    """A constant as the user would type it back: numbers in full precision, text that reads as a number quoted."""
    from gdsheet.sheet.workbook import parse_input

    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, (int, float)):
        return format_number(float(value))
    if isinstance(value, str) and not isinstance(parse_input(value), str):
        return "'" + value
    return str(value)


class SheetModel(QAbstractTableModel):
    """One sheet of a Document as a table. `sheet_name` follows renames through `set_sheet`."""

    edit_requested = Signal(int, int, str)  # row, col (1-based), text as typed

    def __init__(self, doc: Document, sheet_name: str, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.sheet_name = sheet_name
        self._rows, self._cols = self._wanted_size()
        self.col_chars: dict[int, int] = {}  # 1-based column -> characters that fit (General shows what fits)
        # an overlay over the cells' own colours (gradients on the cells, see gradient_overlay.py): a background
        # and a tooltip line per cell, set by its owner, which repaints what it changed
        self.shades: dict = {}
        self.shade_notes: dict = {}
        self.col_px: dict[int, int] = {}  # 1-based column -> its width on screen, for '###' (set by the view)
        self.looks = Looks(doc.wb.styles)
        self.default_col_px = self.looks.column_px(None)
        self._tints: dict[str, dict[int, QBrush]] = {}  # role -> fill rgb -> the fill with the role laid over
        doc.cells_changed.connect(self.on_cells_changed)
        doc.roles_changed.connect(self.refresh)

    # ---- size -----------------------------------------------------------------------------------------------

    def _wanted_size(self) -> tuple[int, int]:
        r, c = self.doc.wb.sheet(self.sheet_name).used_bounds  # the sheet keeps it: no pass over its cells
        return min(max(MIN_ROWS, r + SPARE_ROWS), MAX_ROW), min(max(MIN_COLS, c + SPARE_COLS), MAX_COL)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._cols

    def grow_to(self, rows: int, cols: int) -> None:
        """Make room for a cell typed, pasted or jumped to past the end."""
        rows, cols = min(rows, MAX_ROW), min(cols, MAX_COL)
        if rows > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, rows - 1)
            self._rows = rows
            self.endInsertRows()
        if cols > self._cols:
            self.beginInsertColumns(QModelIndex(), self._cols, cols - 1)
            self._cols = cols
            self.endInsertColumns()

    # ---- data -----------------------------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        # called ~7 times per visible cell per repaint, and a live solve repaints a few times a second while the
        # worker holds the GIL: roles are compared as ints, brushes and fonts are made once per cell format
        role = int(role)
        if role not in _HANDLED_ROLES or not index.isValid():
            return None
        key = (index.row() + 1, index.column() + 1)
        sheet = self.doc.wb.sheet(self.sheet_name)
        xf = sheet.style_ids.get(key) if sheet.style_ids else None
        look = self.looks[xf] if xf else None
        if role == _DISPLAY:
            value = sheet.cells.get(key)
            if value is None:
                return None
            code = sheet.number_formats.get(key)
            chars = self.col_chars.get(key[1], GENERAL_WIDTH)
            text = format_value(value, code, chars)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                bold = self.doc.roles.get((sheet.name, *key)) == OBJECTIVE if self.doc.roles else False
                return self._number_fits(text, value, code, chars, key[1], look, bold)
            if look is not None and look.indent and isinstance(value, str):
                pad = "  " * look.indent  # Excel indents by about two spaces' width a level
                return text + pad if look.horizontal == _H_RIGHT else pad + text
            return text
        if role == _ALIGNMENT:
            value = sheet.cells.get(key)
            kind = 2 if isinstance(value, (bool, ExcelError)) else 1 if isinstance(value, (int, float)) else 0
            return (look or self.looks.default).align[kind]
        if role == _FOREGROUND:
            value = sheet.cells.get(key)
            if isinstance(value, ExcelError):
                return _ERROR_BRUSH
            fmt_color = format_color(value, sheet.number_formats.get(key))
            if fmt_color is not None:
                return QBrush(QColor(fmt_color))
            if look is not None and look.foreground is not None:
                return look.foreground
            return _ROLE_FOREGROUND_BRUSH.get(self.doc.roles.get((sheet.name, *key)))
        if role == _BACKGROUND:
            if self.shades:
                shade = self.shades.get((sheet.name, *key))
                if shade is not None:
                    return shade
            return self.background(sheet, key, look)
        if role == _FONT:
            if self.doc.roles.get((sheet.name, *key)) == OBJECTIVE:
                return look.bold_font if look is not None else self.looks.default.bold_font
            return look.font if look is not None else None
        if role == _EDIT:
            f = sheet.formulas.get(key)
            return f.text if f is not None else edit_text(sheet.cells.get(key))
        return self._tooltip(sheet, key)  # the only role left

    def background(self, sheet, key, look) -> QBrush | None:
        """The file's fill, with the solver role's colour laid over it (or the role's colour alone)."""
        role = self.doc.roles.get((sheet.name, *key)) if self.doc.roles else None
        if look is None or look.background is None:
            return _ROLE_BACKGROUND_BRUSH.get(role)
        if role is None:
            return look.background
        tints = self._tints.get(role)
        if tints is None:
            tints = self._tints[role] = {}
        brush = tints.get(look.fill_color.rgb())
        if brush is None:
            brush = tints[look.fill_color.rgb()] = QBrush(tinted(look.fill_color, ROLE_BACKGROUND[role]))
        return brush

    def _number_fits(self, text: str, value, code, chars: int, col: int, look, bold: bool) -> str:
        """Excel fills a cell with # when a formatted number does not fit its column; General first gives up
        decimals (and falls back to scientific notation) to fit."""
        look = look if look is not None else self.looks.default
        room = self.col_px.get(col, self.default_col_px) - 2 * TEXT_MARGIN
        if len(text) * look.width("0", bold) <= room * 0.8:  # short enough without measuring
            return text
        if look.width(text, bold) <= room:
            return text
        if code is None:
            while chars > 1:
                chars -= 1
                text = format_value(value, None, chars)
                if look.width(text, bold) <= room:
                    return text
        return "#" * max(room // max(look.width("#", bold), 1), 1)

    def _tooltip(self, sheet, key) -> str | None:
        lines = []
        value = sheet.cells.get(key)
        if isinstance(value, ExcelError):
            lines.append(f"{value.code} {value.detail}".strip())
        f = sheet.formulas.get(key)
        if f is not None and f.error is not None and f.error.detail and f.error.detail not in lines[0:1]:
            lines.append(f.error.detail)
        if (sheet.name, *key) in self.doc.wb.engine.circular:
            lines.append(f"Circular reference ({self.doc.wb.engine.circular_note}): shown as 0, as Excel does")
        role = self.doc.roles.get((sheet.name, *key))
        if role:
            lines.append(ROLE_NAMES[role])
        if self.shade_notes and (sheet.name, *key) in self.shade_notes:
            lines.append(self.shade_notes[(sheet.name, *key)])
        return "\n".join(lines) or None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return col_letter(section + 1) if orientation == Qt.Orientation.Horizontal else str(section + 1)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _FLAGS

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        self.edit_requested.emit(index.row() + 1, index.column() + 1, str(value))
        return False  # the window applies the edit (undoably) and the change comes back through cells_changed

    # ---- change notification --------------------------------------------------------------------------------

    def set_looks(self, looks: Looks) -> None:
        """Cell formats at a new zoom, or of a style table that was replaced."""
        self.looks = looks
        self.default_col_px = looks.column_px(None)

    def set_sheet(self, name: str) -> None:
        self.beginResetModel()
        self.sheet_name = name
        self._rows, self._cols = self._wanted_size()
        self.endResetModel()

    def refresh(self) -> None:
        """Repaint everything (roles changed, a sheet was renamed)."""
        if self._rows and self._cols:
            self.dataChanged.emit(self.index(0, 0), self.index(self._rows - 1, self._cols - 1))

    def repaint_cells(self, cells) -> None:
        """Repaint these cells (of any sheet; those of other sheets are skipped)."""
        low = self.sheet_name.lower()
        for s, r, c in cells:
            if s.lower() == low and r <= self._rows and c <= self._cols:
                idx = self.index(r - 1, c - 1)
                self.dataChanged.emit(idx, idx)

    def on_cells_changed(self, changed) -> None:
        if len(changed) > MANY_CHANGES:
            # a recalculation or a solve's result can change millions of cells: looking at each would stall the
            # window for seconds, and the view repaints only what is visible of a range anyway
            rows, cols = self.doc.wb.sheet(self.sheet_name).used_bounds
            if rows >= self._rows or cols >= self._cols:
                self.grow_to(rows + SPARE_ROWS, cols + SPARE_COLS)
            self.refresh()
            return
        low = self.sheet_name.lower()
        keys = [(r, c) for s, r, c in changed if s.lower() == low]
        for a in getattr(changed, "areas", ()):  # a column changed in bulk (gdsheet.sheet.changes): its corners
            if a.sheet.lower() == low:
                keys += [(a.r1, a.c1), (a.r2, a.c2)]
        if not keys:
            return
        max_r, max_c = max(r for r, _ in keys), max(c for _, c in keys)
        if max_r >= self._rows or max_c >= self._cols:
            self.grow_to(max_r + SPARE_ROWS, max_c + SPARE_COLS)
        if len(keys) <= 64:
            for r, c in keys:
                idx = self.index(r - 1, c - 1)
                self.dataChanged.emit(idx, idx)
            return
        # one rectangle: the view repaints only what is visible of it anyway
        r1, r2 = min(r for r, _ in keys), max(r for r, _ in keys)
        c1, c2 = min(c for _, c in keys), max(c for _, c in keys)
        self.dataChanged.emit(self.index(r1 - 1, c1 - 1), self.index(r2 - 1, c2 - 1))
