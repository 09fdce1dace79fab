"""The app opens a workbook whose cells once crashed it (issue 8: =ARABIC(A1) of an empty A1 stopped it at
start-up) and shows a failing cell's reason in its tooltip."""
from PySide6.QtCore import Qt

from gdsheet.functions import FUNCTIONS
from gdsheet.functions.registry import FunctionSpec
from gdsheet.io import save_workbook
from gdsheet.sheet.workbook import Workbook


def _broken(*args):
    raise AttributeError("'NoneType' object has no attribute 'strip'")


def test_a_failing_cell_does_not_stop_the_app(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setitem(FUNCTIONS, "BROKEN", FunctionSpec(
        name="BROKEN", impl=_broken, params=("scalar",), min_args=1, max_args=1, category="Test",
        syntax="BROKEN(x)", summary="always raises"))
    wb = Workbook()
    wb.add_sheet("Sheet1")
    for row, text in enumerate(["=ARABIC(A1)", "=CELL(A1)", "=BROKEN(A1)", "=B3+1", "=6*7"], start=1):
        wb.set_formula("Sheet1", row, 2, text)
    path = str(tmp_path / "once_crashed.xlsx")
    save_workbook(wb, path)

    assert window.load(path)
    shown = [window.model.data(window.model.index(r, 1), Qt.ItemDataRole.DisplayRole) for r in range(5)]
    assert shown == ["0", "#VALUE!", "#VALUE!", "#VALUE!", "42"]
    tip = window.model.data(window.model.index(2, 1), Qt.ItemDataRole.ToolTipRole)
    assert "BROKEN could not be calculated here" in tip and "NoneType" not in tip
