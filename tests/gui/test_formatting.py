"""The grid shows the file's formatting and layout, and formatting edits are undoable and saved."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from gdsheet.gui.cell_looks import column_chars, column_px
from gdsheet.gui.document import Document
from gdsheet.gui.format_dialog import CATEGORIES, FormatCellsDialog, category_of, number_code
from gdsheet.io import load_workbook
from gdsheet.refs import Area
from gdsheet.sheet import styles as st
from gdsheet.sheet.workbook import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from styled_book import build  # noqa: E402

D, F, B, FG, A = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.BackgroundRole,
                  Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole)


@pytest.fixture(scope="module")
def styled_path(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("styled") / "styled.xlsx")


def open_styled(window, path):
    """The styled workbook in the window, with the layout the file has (set here when the reader of this
    checkout does not read it yet)."""
    wb = load_workbook(path)
    sheet = wb.sheet("Sales")
    if not sheet.merged and sheet.freeze is None:
        sheet.merged, sheet.freeze, sheet.hidden_rows, sheet.hidden_cols = [Area(None, 1, 1, 1, 6)], (4, 2), {19}, {9}
        wb.sheet("Zoomed").zoom = 150
    wb.recalculate()
    window.set_document(Document(wb, str(path)))
    return wb


def data(window, row, col, role=D):
    return window.model.data(window.model.index(row - 1, col - 1), role)


def test_column_width_conversion_is_excels():
    assert column_px(8.43, 7) == 64  # Excel's standard column, Calibri 11
    assert column_px(5.63, 7) == 44
    assert column_chars(64, 7) == 8.43
    assert column_px(column_chars(100, 9), 9) == 100


def test_grid_shows_fonts_fills_alignment_and_number_formats(window, styled_path):
    wb = open_styled(window, styled_path)
    table = wb.styles
    header_font = data(window, 3, 2, F)
    assert header_font.bold() and data(window, 3, 2, FG).color() == QColor("white")
    fill = table.rgb(st.Color(theme=4, tint=-0.249977111117893))
    assert data(window, 3, 2, B).color() == QColor("#" + fill)
    align = data(window, 3, 2, A)
    assert align & Qt.AlignmentFlag.AlignHCenter and align & Qt.AlignmentFlag.AlignVCenter
    assert data(window, 1, 1, F).pointSizeF() == 16 and data(window, 2, 1, F).italic()
    assert data(window, 4, 1).startswith("  North")  # indent 1
    assert data(window, 4, 2) == "1,137.25" and data(window, 4, 6) == "36.2%"
    assert data(window, 4, 2, A) & Qt.AlignmentFlag.AlignBottom  # Excel's default vertical alignment
    assert data(window, 18, 1, A) & Qt.AlignmentFlag.AlignRight
    assert data(window, 18, 3, F).underline() and data(window, 18, 3, FG).color() == QColor("#C00000")


def test_sizes_follow_excel_units(window, styled_path):
    open_styled(window, styled_path)
    view, looks = window.view, window.model.looks
    assert view.columnWidth(7) == column_px(5.63, looks.mdw)
    assert view.rowHeight(2) == round(24 * 96 / 72)
    assert view.rowHeight(0) > looks.row_px(None)  # the 16-point title's row grows to fit it, as in Excel
    assert data(window, 14, 8) == "0.144"  # whole, in a 5.63-character column
    assert set(data(window, 15, 2)) == {"#"}  # 123,456,789,012 does not fit an 11-character column


def test_merged_hidden_frozen_and_zoom(window, styled_path):
    open_styled(window, styled_path)
    view = window.view
    assert view.columnSpan(0, 0) == 6 and view.rowSpan(0, 0) == 1
    assert view.isRowHidden(18) and view.isColumnHidden(8) and not view.isRowHidden(17)
    assert view.frozen.rows == 3 and view.frozen.cols == 1
    assert view.frozen.top.isVisible() and view.frozen.left.isVisible() and view.frozen.corner.isVisible()
    normal = data(window, 1, 1, F).pointSizeF()
    window.show_sheet(1)
    assert window.model.looks.zoom == 1.5 and view.frozen.panes == []
    assert data(window, 1, 1, F).pointSizeF() == pytest.approx(11 * 1.5)
    assert normal == 16


def test_frozen_rows_stay_while_the_grid_scrolls(window, qtbot, styled_path):
    open_styled(window, styled_path)
    view = window.view
    view.go_to(200, 3)
    top = view.frozen.top
    assert view.rowAt(view.frozen.height()) > 3  # the grid scrolled under the band
    assert top.rowAt(0) == 0 and top.verticalScrollBar().value() == 0  # the band still shows rows 1-3
    assert top.horizontalScrollBar().value() == view.horizontalScrollBar().value()
    # the row under the band is a whole row, never a cut one
    r = view.rowAt(view.frozen.height())
    assert view.rowViewportPosition(r) == view.frozen.height()
    view.go_to(4, 3)  # up again: the first unfrozen row comes back right under the band
    assert view.rowViewportPosition(3) >= view.frozen.height()


def test_widths_do_not_leak_between_sheets(window):
    wb = Workbook()
    a, b = wb.add_sheet("A"), wb.add_sheet("B")
    a.col_widths[1] = 30.0
    a.row_heights[2] = 40.0
    a.hidden_cols.add(3)
    window.set_document(Document(wb))
    view = window.view
    wide = view.columnWidth(0)
    assert wide == window.model.looks.column_px(30.0) and view.isColumnHidden(2)
    window.show_sheet(1)
    assert view.columnWidth(0) == window.model.looks.column_px(None) < wide
    assert view.rowHeight(1) == window.model.looks.row_px(None) and not view.isColumnHidden(2)
    window.show_sheet(0)
    assert view.columnWidth(0) == wide


def _pixels(window, row, col):
    """Non-white pixels inside a cell's rectangle in the viewport."""
    view = window.view
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    x, y = view.columnViewportPosition(col - 1), view.rowViewportPosition(row - 1)
    w, h = view.columnWidth(col - 1) - 2, view.rowHeight(row - 1) - 2
    white = QColor("white").rgb()
    return sum(1 for i in range(x + 1, x + w) for j in range(y + 1, y + h) if image.pixel(i, j) != white)


def test_text_overflows_into_empty_neighbours_only(window):
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_value("S", 2, 1, "A long line of instructions that runs on")
    wb.set_value("S", 4, 3, "right-aligned text that is long")
    wb.styles = st.StyleTable()
    wb.sheet("S").style_ids[(4, 3)] = wb.styles.xf_for(st.with_alignment(st.CellFormat(), horizontal="right"))
    window.set_document(Document(wb))
    assert _pixels(window, 2, 2) > 0  # B2 shows the end of A2's text
    assert _pixels(window, 3, 2) == 0
    assert _pixels(window, 4, 2) > 0 and _pixels(window, 4, 4) == 0  # right-aligned text spills to the left


def test_text_stops_at_a_filled_neighbour(window):
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_value("S", 2, 1, "A long line of instructions that runs on")
    wb.set_value("S", 2, 2, "x")
    window.set_document(Document(wb))
    view = window.view
    # B2 shows only its own 'x': far fewer ink pixels than the overflowing text would leave there
    wb2 = Workbook()
    wb2.add_sheet("S")
    wb2.set_value("S", 2, 1, "A long line of instructions that runs on")
    blocked = _pixels(window, 2, 2)
    window.set_document(Document(wb2))
    free = _pixels(window, 2, 2)
    assert 0 < blocked < free and view is window.view


def test_role_colours_stay_visible_over_a_fill(window):
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_value("S", 1, 1, 2.0)
    wb.set_formula("S", 1, 2, "=A1^2")
    wb.styles = st.StyleTable()
    yellow = wb.styles.xf_for(st.with_fill(st.CellFormat(), "FFFF00"))
    wb.sheet("S").style_ids[(1, 1)] = yellow
    window.set_document(Document(wb))
    plain_fill = data(window, 1, 1, B).color()
    window.doc.set_roles(("S", 1, 2), [("S", 1, 1)])
    tinted = data(window, 1, 1, B).color()
    assert plain_fill == QColor("#FFFF00") and tinted != plain_fill and tinted != QColor("#fff4c2")


# ---- edits ------------------------------------------------------------------------------------------------

def _new(window, value=1.5):
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_value("S", 1, 1, value)
    wb.set_value("S", 1, 2, "text")
    window.set_document(Document(wb))
    window.view.select_area(1, 1, 1, 2)
    return wb


def _reopen(window, tmp_path):
    path = tmp_path / "saved.xlsx"
    assert window.save_to(str(path))
    return load_workbook(path)


def test_bold_and_italic_are_undoable_and_saved(window, tmp_path):
    wb = _new(window)
    window.acts["bold"].trigger()
    assert data(window, 1, 1, F).bold() and data(window, 1, 2, F).bold()
    window.acts["italic"].trigger()
    assert data(window, 1, 2, F).italic()
    window.doc.undo.undo()
    assert not data(window, 1, 2, F).italic() and data(window, 1, 2, F).bold()
    window.doc.undo.undo()
    assert data(window, 1, 1, F) is None and wb.sheet("S").style_ids == {}
    window.doc.undo.redo()
    back = _reopen(window, tmp_path)
    assert back.styles.format(back.sheet("S").style_ids[(1, 1)]).font.bold
    window.acts["bold"].trigger()  # on a bold cell, Ctrl+B takes bold off
    assert data(window, 1, 1, F) is None and wb.sheet("S").style_ids == {}  # back to the default format


def test_font_size_colours_and_alignment(window, tmp_path):
    _new(window)
    window.set_font_size(16)
    window.set_font_color("#C00000")
    window.set_fill_color("FFFF00")
    window.set_alignment(horizontal="center", vertical="top")
    assert data(window, 1, 1, F).pointSizeF() == 16
    assert data(window, 1, 1, FG).color() == QColor("#C00000")
    assert data(window, 1, 1, B).color() == QColor("#FFFF00")
    assert data(window, 1, 1, A) & Qt.AlignmentFlag.AlignHCenter and data(window, 1, 1, A) & Qt.AlignmentFlag.AlignTop
    back = _reopen(window, tmp_path)
    fmt = back.styles.format(back.sheet("S").style_ids[(1, 2)])
    assert fmt.font.size == 16 and back.styles.rgb(fmt.font.color) == "C00000"
    assert back.styles.rgb(fmt.fill.fg) == "FFFF00" and fmt.alignment.horizontal == "center"
    for _ in range(4):
        window.doc.undo.undo()
    assert window.doc.wb.sheet("S").style_ids == {}


def test_borders_outline_a_range(window, tmp_path):
    wb = _new(window)
    window.view.select_area(1, 1, 2, 2)
    window.acts["border_outline"].trigger()
    table = wb.styles
    top_left = table.format(wb.sheet("S").style_ids[(1, 1)]).border
    bottom_right = table.format(wb.sheet("S").style_ids[(2, 2)]).border
    assert top_left.top.style == "thin" and top_left.left.style == "thin" and top_left.right.style is None
    assert bottom_right.bottom.style == "thin" and bottom_right.right.style == "thin"
    back = _reopen(window, tmp_path)
    assert back.styles.format(back.sheet("S").style_ids[(2, 2)]).border.bottom.style == "thin"
    window.doc.undo.undo()
    assert wb.sheet("S").style_ids == {}


def test_number_format_keeps_the_sheet_formats_in_sync(window, tmp_path):
    wb = _new(window, 0.256)
    window.view.select_area(1, 1, 1, 1)
    window.set_number_format("0.0%")
    assert wb.sheet("S").number_formats[(1, 1)] == "0.0%" and data(window, 1, 1) == "25.6%"
    window.doc.undo.undo()
    assert (1, 1) not in wb.sheet("S").number_formats and data(window, 1, 1) == "0.256"
    window.doc.undo.redo()
    back = _reopen(window, tmp_path)
    assert back.sheet("S").number_formats[(1, 1)] == "0.0%"


def test_column_width_and_row_height_edits(window, tmp_path):
    wb = _new(window)
    view = window.view
    window.resize_sections(True, {1: (None, 20.0)})
    window.resize_sections(False, {1: (None, 30.0)})
    assert view.columnWidth(0) == window.model.looks.column_px(20.0)
    assert view.rowHeight(0) == 40
    back = _reopen(window, tmp_path)
    assert back.sheet("S").col_widths[1] == 20.0 and back.sheet("S").row_heights[1] == 30.0
    window.doc.undo.undo()
    window.doc.undo.undo()
    assert view.columnWidth(0) == window.model.looks.column_px(None) and wb.sheet("S").col_widths == {}


def test_dragging_a_header_is_an_undoable_width(window, qtbot):
    wb = _new(window)
    view = window.view
    hh = view.horizontalHeader()
    before = hh.sectionSize(1)
    view._dragged["col"][1] = before  # what the header drag records while the mouse is down
    with view.sized_programmatically():
        hh.resizeSection(1, before + 50)
    view.finish_drag()
    assert wb.sheet("S").col_widths[2] == window.model.looks.column_chars(before + 50)
    window.doc.undo.undo()
    assert 2 not in wb.sheet("S").col_widths and hh.sectionSize(1) == before


def test_freeze_panes_from_the_view_menu(window, tmp_path):
    wb = _new(window)
    window.view.go_to(3, 2)
    window.acts["freeze_panes"].trigger()
    assert wb.sheet("S").freeze == (3, 2) and window.view.frozen.rows == 2 and window.view.frozen.cols == 1
    window.doc.undo.undo()
    assert wb.sheet("S").freeze is None and window.view.frozen.panes == []
    window.acts["freeze_row"].trigger()
    assert wb.sheet("S").freeze == (2, 1) and window.view.frozen.rows == 1
    path = tmp_path / "frozen.xlsx"
    assert window.save_to(str(path))
    import openpyxl

    assert openpyxl.load_workbook(path)["S"].freeze_panes == "A2"


def test_merge_and_hide(window):
    wb = _new(window, None)
    window.view.select_area(1, 2, 1, 4)
    window.acts["merge"].trigger()
    assert wb.sheet("S").merged == [Area(None, 1, 2, 1, 4)] and window.view.columnSpan(0, 1) == 3
    window.doc.undo.undo()
    assert wb.sheet("S").merged == [] and window.view.columnSpan(0, 1) == 1
    window.view.select_area(1, 3, 1, 3)
    window.acts["hide_columns"].trigger()
    assert window.view.isColumnHidden(2)
    window.doc.undo.undo()
    assert not window.view.isColumnHidden(2)


def test_zoom_scales_fonts_and_sizes(window):
    wb = _new(window)
    width = window.view.columnWidth(0)
    window.acts["zoom_in"].trigger()
    assert wb.sheet("S").zoom == 110 and window.view.columnWidth(0) > width
    window.set_zoom(200)
    assert window.view.font().pointSizeF() == pytest.approx(22)


def test_new_workbook_formats_save_fresh(window, tmp_path):
    wb = _new(window)
    assert wb.styles is None
    window.acts["bold"].trigger()
    assert wb.styles is not None and data(window, 1, 1, F).bold()
    back = _reopen(window, tmp_path)
    assert back.styles.format(back.sheet("S").style_ids[(1, 2)]).font.bold


# ---- the Format Cells dialog ------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["General", "0.00", "#,##0", "#,##0.00_);[Red](#,##0.00)", "$#,##0.00", "0.0%",
                                  "0.00E+00", "# ?/?", "d-mmm-yy", "h:mm", "@", '0.0 "kg"'])
def test_category_of_excel_codes(code):
    category = category_of(code)
    assert category in CATEGORIES
    if category in ("Number", "Percentage", "Scientific", "Currency"):
        decimals = len(code.split(".")[1].split("%")[0].split("E")[0].split("_")[0]) if "." in code else 0
        rebuilt = number_code(category, decimals, "#,##" in code, (2 if "(" in code else 0) + ("[Red]" in code),
                              "$")
        assert rebuilt == code


def test_format_cells_dialog_applies_only_what_changed(window, qtbot):
    wb = _new(window, 0.5)
    window.set_font_size(14)
    dialog = FormatCellsDialog(window.current_format(), wb.styles, window, 0.5)
    qtbot.addWidget(dialog)
    dialog.category.setCurrentRow(CATEGORIES.index("Percentage"))
    dialog.decimals.setValue(1)
    assert dialog.code.text() == "0.0%" and dialog.sample.text() == "50.0%"
    dialog.font_style.setCurrentIndex(2)  # Bold
    change = dialog.change()
    fmt = change(st.with_font(st.CellFormat(), size=9))
    assert fmt.number_format == "0.0%" and fmt.font.bold and fmt.font.size == 9  # the size was not touched
    dialog._add_border("outline")
    assert dialog.border_ops == [("outline", "thin", None)]


def test_a_cell_under_a_frozen_band_is_edited_in_the_band(window, styled_path):
    open_styled(window, styled_path)
    view = window.view
    view.go_to(50, 5)
    index = window.model.index(2, 4)  # E3, a frozen header cell, covered by the top band
    view.setCurrentIndex(index)
    assert view.edit(index)
    assert view.frozen.top.state() == view.frozen.top.State.EditingState
    assert view.state() != view.State.EditingState


def test_text_does_not_run_into_a_merged_range(window):
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_value("S", 2, 1, "A long line of instructions that runs on")
    wb.sheet("S").merged = [Area(None, 2, 2, 2, 3)]
    window.set_document(Document(wb))
    assert _pixels(window, 2, 2) == 0
