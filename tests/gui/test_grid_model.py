"""The sheet model without a view: display, edit text, alignment, tooltips, roles, size."""
import time

from PySide6.QtCore import Qt

from gdsheet.errors import ExcelError
from gdsheet.gui.document import DEPENDENT, OBJECTIVE, VARIABLE, Document
from gdsheet.gui.grid_model import MIN_ROWS, ROLE_BACKGROUND, SheetModel, edit_text
from gdsheet.gui.grid_view import GridView
from gdsheet.sheet.workbook import Workbook

D, E, A, T, B, F = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.TextAlignmentRole,
                    Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.FontRole)


def make():
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_value("S", 1, 1, 0.25)
    wb.sheet("S").number_formats[(1, 1)] = "0%"
    wb.set_formula("S", 1, 2, "=A1*2")
    wb.set_value("S", 1, 3, "text")
    wb.set_formula("S", 1, 4, "=1/0")
    wb.set_value("S", 1, 5, True)
    doc = Document(wb)
    return doc, SheetModel(doc, "S")


def test_display_edit_and_alignment(qapp):
    doc, m = make()
    idx = [m.index(0, c) for c in range(5)]
    assert [m.data(i, D) for i in idx] == ["25%", "0.5", "text", "#DIV/0!", "TRUE"]
    assert m.data(idx[1], E) == "=A1*2" and m.data(idx[0], E) == "0.25"
    right, left, centre = Qt.AlignmentFlag.AlignRight, Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignHCenter
    assert [bool(m.data(i, A) & h) for i, h in zip(idx, (right, right, left, centre, centre))] == [True] * 5
    assert m.data(m.index(5, 5), D) is None


def test_error_tooltip_gives_the_reason(qapp):
    doc, m = make()
    doc.wb.set_formula("S", 2, 1, "=SUM((")
    tip = m.data(m.index(1, 0), T)
    assert tip.startswith("#NAME?") and "ends too early" in tip
    assert m.data(m.index(0, 3), T).startswith("#DIV/0!")


def test_edit_text_round_trips_what_was_typed():
    assert [edit_text(v) for v in (None, 1.5, True, ExcelError("#N/A"), "12", "abc")] == \
        ["", "1.5", "TRUE", "#N/A", "'12", "abc"]


def test_roles_are_styled(qapp):
    doc, m = make()
    doc.set_roles(("S", 1, 2), [("S", 1, 1)])
    assert doc.roles == {("S", 1, 1): VARIABLE, ("S", 1, 2): OBJECTIVE}
    assert m.data(m.index(0, 0), B).color() == ROLE_BACKGROUND[VARIABLE]
    assert m.data(m.index(0, 1), F).bold()
    doc.wb.set_formula("S", 2, 2, "=A1+1")
    doc.set_roles(None, [("S", 1, 1)])
    assert doc.roles[("S", 2, 2)] == DEPENDENT and "variable cells" in m.data(m.index(1, 1), T)


def test_set_data_only_reports_the_edit(qtbot):
    doc, m = make()
    with qtbot.waitSignal(m.edit_requested) as sig:
        assert m.setData(m.index(2, 2), "=1+1") is False
    assert sig.args == [3, 3, "=1+1"] and doc.wb.get("S", 3, 3) is None


def test_a_million_cells_are_virtual(qtbot):
    wb = Workbook()
    wb.add_sheet("S")
    # filled straight into the sheet's dict: this is about the model and view, not recalculation
    wb.sheet("S").cells.update({(r, c): float(r * c) for r in range(1, 100_001) for c in range(1, 11)})
    m = SheetModel(Document(wb), "S")
    assert m.rowCount() >= 100_000 and m.data(m.index(99_999, 9), D) == "1000000"
    view = GridView()
    qtbot.addWidget(view)
    view.setModel(m)
    view.resize(1000, 700)
    view.show()
    start = time.perf_counter()
    for row in range(0, 100_000, 10_000):  # jump through the sheet, painting each screenful
        view.go_to(row + 1, 5)
        view.viewport().repaint()
    assert (time.perf_counter() - start) / 10 < 0.1


def test_grows_when_a_cell_past_the_end_changes(qtbot):
    doc, m = make()
    assert m.rowCount() == MIN_ROWS
    doc.wb.set_value("S", MIN_ROWS + 5, 1, 1.0)
    with qtbot.waitSignal(m.rowsInserted):
        doc.notify({("S", MIN_ROWS + 5, 1)})
    assert m.rowCount() > MIN_ROWS + 5


def test_a_format_colours_its_section(qapp):
    doc, m = make()
    fmt = '#,##0.00\\ "€";[Red]\\-#,##0.00\\ "€"'  # a common Excel currency format: negatives in red
    for row, v in ((2, -3.0), (3, 3.0)):
        doc.wb.set_value("S", row, 1, v)
        doc.wb.sheet("S").number_formats[(row, 1)] = fmt
    red, plain = m.data(m.index(1, 0), Qt.ItemDataRole.ForegroundRole), m.data(m.index(2, 0),
                                                                              Qt.ItemDataRole.ForegroundRole)
    assert m.data(m.index(1, 0), D) == "-3.00 €" and red.color().name() == "#ff0000" and plain is None
