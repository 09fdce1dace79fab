"""What a QTableView does not paint and Excel does: fills over gridlines, cell borders, wrapped text, and text that
overflows into empty neighbouring cells.

Runs after the view's own paint, over the visible cells only, and only for cells that have a format or long text:
an unformatted sheet costs one pass over the visible text cells.
"""
from __future__ import annotations

from PySide6.QtCore import QLine, QRect, Qt
from PySide6.QtGui import QColor, QPainter

from gdsheet.gui.cell_looks import TEXT_MARGIN

OVERSCAN = 8  # columns left and right of the view whose text may overflow into it
_TEXT_FLAGS = Qt.TextFlag.TextSingleLine
_WRAP_FLAGS = Qt.TextFlag.TextWordWrap
_A = Qt.AlignmentFlag


def visible_range(view, rect=None) -> tuple[int, int, int, int] | None:
    """(first row, last row, first column, last column), 0-based, of what the viewport shows within `rect`
    (viewport coordinates; the whole viewport for None)."""
    model = view.model()
    if model is None or not model.rowCount() or not model.columnCount():
        return None
    if rect is None:
        rect = view.viewport().rect()
    r0, c0 = view.rowAt(max(rect.top(), 0)), view.columnAt(max(rect.left(), 0))
    if r0 < 0 or c0 < 0:
        return None
    r1, c1 = view.rowAt(rect.bottom()), view.columnAt(rect.right())
    return r0, model.rowCount() - 1 if r1 < 0 else r1, c0, model.columnCount() - 1 if c1 < 0 else c1


def paint_extras(view, selection: QColor, base: QColor, rect=None) -> None:
    """Paint over the cells within `rect` (the paint event's), after the view painted them."""
    span = visible_range(view, rect)
    if span is None:
        return
    r0, r1, c0, c1 = span
    model = view.model()
    sheet = model.doc.wb.sheet(model.sheet_name)
    painter = QPainter(view.viewport())
    if rect is not None:
        painter.setClipRect(rect)
    try:
        merged = _merged_cells(sheet, r0, r1)
        rows = [r for r in range(r0, r1 + 1) if not view.isRowHidden(r)]
        cols = [c for c in range(c0, c1 + 1) if not view.isColumnHidden(c)]
        geometry = _Geometry(view)
        if sheet.style_ids:
            _cover_gridlines(view, painter, model, sheet, rows, cols, geometry, merged)
        _paint_long_text(view, painter, model, sheet, rows, c0, c1, geometry, selection, base, merged)
        if sheet.style_ids:
            _paint_borders(painter, model, sheet, rows, cols, geometry)
    finally:
        painter.end()


def _merged_cells(sheet, r0: int, r1: int) -> set[tuple[int, int]]:
    """0-based cells inside merged ranges that reach rows r0..r1 (asking the view per cell costs ~40 us)."""
    out: set[tuple[int, int]] = set()
    for a in sheet.merged:
        if a.r2 - 1 >= r0 and a.r1 - 1 <= r1 and a.size > 1:
            out.update((r - 1, c - 1) for r in range(max(a.r1, r0 + 1), min(a.r2, r1 + 1) + 1)
                       for c in range(a.c1, a.c2 + 1))
    return out


class _Geometry:
    """Cell rectangles in viewport pixels, the gridline pixel excluded (it is each cell's last column and row)."""

    def __init__(self, view):
        self.view = view
        self.x: dict[int, tuple[int, int]] = {}
        self.y: dict[int, tuple[int, int]] = {}

    def col(self, c: int) -> tuple[int, int]:
        got = self.x.get(c)
        if got is None:
            got = self.x[c] = (self.view.columnViewportPosition(c), self.view.columnWidth(c))
        return got

    def row(self, r: int) -> tuple[int, int]:
        got = self.y.get(r)
        if got is None:
            got = self.y[r] = (self.view.rowViewportPosition(r), self.view.rowHeight(r))
        return got


def _cover_gridlines(view, painter, model, sheet, rows, cols, geometry, merged) -> None:
    """A filled cell hides the gridlines around it, as in Excel: its right and bottom gridline pixels, and the
    left and top ones it shares with the previous cells, drawn in its fill colour, batched by colour."""
    ids, looks = sheet.style_ids, model.looks
    selected = view.selectionModel().isSelected
    lines: dict[int, tuple[QColor, list[QLine]]] = {}
    for r in rows:
        for c in cols:
            xf = ids.get((r + 1, c + 1))
            if not xf:
                continue
            look = looks[xf]
            if look.background is None or (r, c) in merged or selected(model.index(r, c)):
                continue
            x, w = geometry.col(c)
            y, h = geometry.row(r)
            color = model.background(sheet, (r + 1, c + 1), look).color()
            entry = lines.get(color.rgb())
            if entry is None:
                entry = lines[color.rgb()] = (color, [])
            right, bottom = x + w - 1, y + h - 1
            entry[1].extend((QLine(x - 1, y - 1, right, y - 1), QLine(x - 1, bottom, right, bottom),
                             QLine(x - 1, y, x - 1, bottom - 1), QLine(right, y, right, bottom - 1)))
    for color, batch in lines.values():
        painter.setPen(color)
        painter.drawLines(batch)


def _paint_borders(painter, model, sheet, rows, cols, geometry) -> None:
    """Each side lies on the gridline: left and top on the previous cell's last pixel. Lines are batched by pen."""
    ids, looks = sheet.style_ids, model.looks
    batches: dict[int, tuple] = {}  # id(pen) -> (pen, lines)
    for r in rows:
        for c in cols:
            xf = ids.get((r + 1, c + 1))
            if not xf:
                continue
            look = looks[xf]
            if look.plain or not look.any_border:
                continue
            x, w = geometry.col(c)
            y, h = geometry.row(r)
            left, right, top, bottom = look.borders
            for side, x1, y1, x2, y2, dx, dy in ((left, x - 1, y - 1, x - 1, y + h - 1, 1, 0),
                                                 (right, x + w - 1, y - 1, x + w - 1, y + h - 1, 1, 0),
                                                 (top, x - 1, y - 1, x + w - 1, y - 1, 0, 1),
                                                 (bottom, x - 1, y + h - 1, x + w - 1, y + h - 1, 0, 1)):
                if side is None:
                    continue
                pen, double = side
                entry = batches.get(id(pen))
                if entry is None:
                    entry = batches[id(pen)] = (pen, [])
                if double:
                    entry[1].append(QLine(x1 - dx, y1 - dy, x2 - dx, y2 - dy))
                    entry[1].append(QLine(x1 + dx, y1 + dy, x2 + dx, y2 + dy))
                else:
                    entry[1].append(QLine(x1, y1, x2, y2))
    for pen, lines in batches.values():
        painter.setPen(pen)
        painter.drawLines(lines)


def _empty(sheet, r: int, c: int) -> bool:
    key = (r + 1, c + 1)
    return sheet.cells.get(key) is None and key not in sheet.formulas


def _paint_long_text(view, painter, model, sheet, rows, c0, c1, geometry, selection, base, merged) -> None:
    """Text wider than its cell: over empty neighbours (left-aligned to the right, right-aligned to the left,
    centred both ways), clipped at the first cell that holds something; wrapped text on several lines."""
    cells, ids, looks = sheet.cells, sheet.style_ids, model.looks
    n_cols = model.columnCount()
    lo, hi = max(c0 - OVERSCAN, 0), min(c1 + OVERSCAN, n_cols - 1)
    vp_width = view.viewport().width()
    selected = view.selectionModel().isSelected
    for r in rows:
        for c in range(lo, hi + 1):
            value = cells.get((r + 1, c + 1))
            if not isinstance(value, str) or not value or view.isColumnHidden(c):
                continue
            xf = ids.get((r + 1, c + 1)) if ids else None
            look = looks[xf] if xf else looks.default
            if (r, c) in merged:
                continue  # merged cells keep their text inside
            text = model.data(model.index(r, c))
            if not text:
                continue
            x, w = geometry.col(c)
            if look.wrap:
                if c0 <= c <= c1:
                    y, h = geometry.row(r)
                    _redraw(painter, model, sheet, view, [c], r, geometry, selection, base, selected)
                    _draw_text(painter, model, look, r, c, QRect(x, y, w - 1, h - 1), text, look.align[0],
                               _WRAP_FLAGS)
                continue
            need = look.width(text) + 2 * TEXT_MARGIN
            if need <= w:
                continue
            h_align = look.horizontal or _A.AlignLeft
            if h_align not in (_A.AlignLeft, _A.AlignRight, _A.AlignHCenter):
                continue
            span = _overflow_span(view, sheet, r, c, need, h_align, geometry, n_cols, merged)
            left_x = geometry.col(span[0])[0]
            right_x = sum(geometry.col(span[-1]))
            if right_x < 0 or left_x > vp_width:
                continue
            y, h = geometry.row(r)
            _redraw(painter, model, sheet, view, span, r, geometry, selection, base, selected)
            rect = QRect(left_x, y, right_x - left_x - 1, h - 1)
            _draw_text(painter, model, look, r, c, rect, text, look.align[0], _TEXT_FLAGS)


def _overflow_span(view, sheet, r, c, need, h_align, geometry, n_cols, merged) -> list[int]:
    span = [c]
    width = geometry.col(c)[1]
    if h_align == _A.AlignHCenter:
        left, right = c - 1, c + 1
        while (width < need and left >= 0 and right < n_cols and _empty(sheet, r, left) and _empty(sheet, r, right)
               and (r, left) not in merged and (r, right) not in merged):
            span = [left, *span, right]
            width += geometry.col(left)[1] + geometry.col(right)[1]
            left, right = left - 1, right + 1
        return span
    step = 1 if h_align == _A.AlignLeft else -1
    nxt = c + step
    while width < need and 0 <= nxt < n_cols and _empty(sheet, r, nxt) and (r, nxt) not in merged:
        if not view.isColumnHidden(nxt):
            width += geometry.col(nxt)[1]
        span.append(nxt) if step > 0 else span.insert(0, nxt)
        nxt += step
    return [s for s in span if not view.isColumnHidden(s)]


def _redraw(painter, model, sheet, view, span, r, geometry, selection, base, selected) -> None:
    """Clear the cells the text covers (and the gridlines between them) to their own backgrounds."""
    y, h = geometry.row(r)
    for i, c in enumerate(span):
        x, w = geometry.col(c)
        idx = model.index(r, c)
        if selected(idx):
            color = selection
        else:
            brush = model.data(idx, Qt.ItemDataRole.BackgroundRole)
            color = brush.color() if brush is not None else base
        last = i == len(span) - 1
        painter.fillRect(x, y, w if not last else w - 1, h - 1, color)


def _draw_text(painter, model, look, r, c, rect: QRect, text: str, align, flags) -> None:
    idx = model.index(r, c)
    font = model.data(idx, Qt.ItemDataRole.FontRole)
    painter.setFont(font if font is not None else model.looks.base_font)
    brush = model.data(idx, Qt.ItemDataRole.ForegroundRole)
    painter.setPen(brush.color() if brush is not None else QColor("black"))
    painter.save()
    painter.setClipRect(rect)
    painter.drawText(rect.adjusted(TEXT_MARGIN, 0, -TEXT_MARGIN, 0), int(align) | int(flags), text)
    painter.restore()
