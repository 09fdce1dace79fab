"""The headers highlight the sections of the selection from its rectangles: selecting a whole column (or all) of a
sheet with many rows must not make Qt visit each of its cells."""
from PySide6.QtCore import Qt

from gdsheet.gui import window as window_module
from gdsheet.gui.document import Document
from gdsheet.gui.grid_model import SheetModel
from gdsheet.sheet.workbook import Workbook


def _tall_document(rows: int) -> Document:
    wb = Workbook()
    sheet = wb.add_sheet("Data")
    for r in range(1, rows + 1):
        sheet.cells[(r, 1)] = float(r)
        sheet.cells[(r, 2)] = float(r) * 2
    return Document(wb)


def test_selecting_a_column_and_all_of_a_tall_sheet_visits_no_cell_one_by_one(window, qtbot, monkeypatch):
    calls = []

    class Counting(SheetModel):  # PySide looks a Python override up once: count in a class of its own
        def rowCount(self, *parent):
            calls.append(1)
            return super().rowCount(*parent)

    monkeypatch.setattr(window_module, "SheetModel", Counting)
    window.set_document(_tall_document(200_000))
    assert isinstance(window.view.model(), Counting)
    calls.clear()
    for select in (lambda: window.view.selectColumn(1), window.view.selectAll, lambda: window.view.selectRow(3)):
        select()
        window.view.horizontalHeader().viewport().repaint()
        window.view.verticalHeader().viewport().repaint()
        qtbot.wait(20)
    assert len(calls) < 10_000  # Qt's own highlighting made an index of every cell of the column: 200,000 each


def test_the_sections_of_the_selected_cells_are_highlighted(window):
    window.set_document(_tall_document(50))
    m = window.view.model()
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    window.view.selectionModel().select(QItemSelection(m.index(4, 0), m.index(9, 1)),
                                        QItemSelectionModel.SelectionFlag.ClearAndSelect)
    assert window.view.horizontalHeader().selected_spans() == [(0, 1)]
    assert window.view.verticalHeader().selected_spans() == [(4, 9)]
    assert window.view.horizontalHeader().orientation() == Qt.Orientation.Horizontal
