"""Cell formats and sheet layout for the fresh writer (a workbook with no original package): CellFormat -> openpyxl."""
from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.colors import Color as XlColor
from openpyxl.styles.fills import GradientFill
from openpyxl.utils import get_column_letter

from gdsheet.sheet import styles as st
from gdsheet.sheet.model import Sheet


def write_formatting(ws, sheet: Sheet, table: st.StyleTable | None) -> None:
    """Give `ws` the cell formats, merged cells, hidden rows and columns, freeze panes and zoom of `sheet`."""
    if table is not None and sheet.style_ids:
        made: dict[int, tuple] = {}  # cellXfs index -> openpyxl style objects, made once
        for (row, col), xf in sheet.style_ids.items():
            if not xf:
                continue
            look = made.get(xf)
            if look is None:
                look = made[xf] = _openpyxl_style(table.format(xf))
            cell = ws.cell(row, col)
            cell.font, cell.fill, cell.border, cell.alignment, cell.protection, cell.number_format = look
    for area in sheet.merged:
        ws.merge_cells(start_row=area.r1, start_column=area.c1, end_row=area.r2, end_column=area.c2)
    for row in sheet.hidden_rows:
        ws.row_dimensions[row].hidden = True
    for col in sheet.hidden_cols:
        ws.column_dimensions[get_column_letter(col)].hidden = True
    if sheet.freeze is not None:
        ws.freeze_panes = ws.cell(*sheet.freeze)
    if sheet.zoom != 100:
        ws.sheet_view.zoomScale = sheet.zoom


def _color(c: st.Color | None) -> XlColor | None:
    if c is None:
        return None
    if c.rgb is not None:
        return XlColor(rgb=c.rgb, tint=c.tint)
    if c.theme is not None:
        return XlColor(theme=c.theme, tint=c.tint)
    if c.indexed is not None:
        return XlColor(indexed=c.indexed, tint=c.tint)
    return XlColor(auto=True)


def _side(s: st.Side) -> Side:
    return Side(style=s.style, color=_color(s.color)) if s.style else Side()


def _openpyxl_style(fmt: st.CellFormat) -> tuple:
    f = fmt.font
    font = Font(name=f.name, sz=f.size, b=f.bold, i=f.italic, u=f.underline, strike=f.strike or None,
                color=_color(f.color), vertAlign=f.vert_align, family=f.family, charset=f.charset, scheme=f.scheme)
    if fmt.fill.gradient is not None:
        fill = GradientFill(stop=[_color(fmt.fill.fg) or XlColor()])
    elif fmt.fill.pattern:
        colors = {k: _color(c) for k, c in (("fgColor", fmt.fill.fg), ("bgColor", fmt.fill.bg)) if c is not None}
        fill = PatternFill(fmt.fill.pattern, **colors)
    else:
        fill = PatternFill()
    b = fmt.border
    border = Border(_side(b.left), _side(b.right), _side(b.top), _side(b.bottom), _side(b.diagonal),
                    diagonalUp=b.diagonal_up, diagonalDown=b.diagonal_down)
    a = fmt.alignment
    alignment = Alignment(a.horizontal, a.vertical, textRotation=a.rotation, wrapText=a.wrap or None,
                          shrinkToFit=a.shrink or None, indent=a.indent)
    return font, fill, border, alignment, Protection(fmt.locked, fmt.formula_hidden), fmt.number_format
