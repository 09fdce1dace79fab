"""Opening a large file: progress and Cancel in the status bar, the first screen shown while the rest is read (for a
reader that announces the sheet it begins), nothing editable until the file is open; and the grid at scale (a huge
change set repainted as one range, a live solve sending only the cells the grid shows)."""
from pathlib import Path

import pytest

from gdsheet.sheet.workbook import Workbook

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


@pytest.fixture
def big_file(tmp_path):
    import openpyxl

    xl = openpyxl.Workbook()
    for r in range(1, 4001):
        xl.active.append([r, r * 2])
    path = tmp_path / "big.xlsx"
    xl.save(path)
    return path


def fake_reader(rows: int, during=None):
    """A reader that builds a sheet of `rows` rows in pieces, announcing the sheet first and reporting progress
    after each piece, as gdsheet.io's reader does with the hook; `during(wb)` runs after the first piece."""

    def load(path, progress=None):
        wb = Workbook()
        sheet = wb.add_sheet("Data")
        progress.sheet_started(wb, sheet, True)
        for start in range(1, rows + 1, 100):
            for r in range(start, min(start + 100, rows + 1)):
                sheet.cells[(r, 1)] = float(r)
            progress(start + 99, rows)
            if during is not None and start == 1:
                during(wb)
        return wb

    return load


def test_cancel_in_the_status_bar_keeps_the_open_workbook(qtbot, window, big_file, monkeypatch):
    from PySide6.QtCore import QTimer

    from gdsheet.gui.loading import LoadProgress

    monkeypatch.setattr(LoadProgress, "EVERY_S", 0.0)
    window._edit_cell(1, 1, "kept")
    before = window.doc
    shown = []
    QTimer.singleShot(0, lambda: shown.append(window.load_bar.isVisible()) or window.load_bar.cancel.click())
    assert not window.load(str(big_file))
    assert shown == [True]  # the bar was up while the file was read, and the window answered the click
    assert window.doc is before and window.doc.wb.get("Sheet1", 1, 1) == "kept"
    assert "cancelled" in window.statusBar().currentMessage() and window.load_bar.isHidden()
    assert window.acts["open"].isEnabled() and window.acts["undo"].isEnabled()


def test_the_first_screen_shows_while_the_rest_is_read(qtbot, window, tmp_path, monkeypatch):
    import gdsheet.io
    from gdsheet.gui.loading import LoadProgress

    monkeypatch.setattr(LoadProgress, "EVERY_S", 0.0)
    monkeypatch.setattr(LoadProgress, "REPAINT_S", 0.0)
    window._edit_cell(1, 1, "old")
    seen = {}

    def during(wb):  # inside the load, with only the first rows read
        seen["shown"] = window.doc.wb is wb
        seen["A1"] = window.model.data(window.model.index(0, 0))
        seen["title"] = window.windowTitle()
        window._edit_cell(1, 2, "typed")  # refused: the file is not open yet
        seen["edited"] = wb.get("Data", 1, 2)
        seen["message"] = window.statusBar().currentMessage()
        seen["solver"] = window.acts["solver"].isEnabled()

    monkeypatch.setattr(gdsheet.io, "load_workbook", fake_reader(5000, during))
    assert window.load(str(tmp_path / "rows.xlsx"))
    assert seen["shown"] and seen["A1"] == "1" and "rows.xlsx" in seen["title"]
    assert seen["edited"] is None and "still opening" in seen["message"] and not seen["solver"]
    assert window.model.rowCount() >= 5000  # the whole sheet once read, not the size it had at the first screen
    assert window.acts["solver"].isEnabled() and window.load_bar.isHidden()
    assert "as it is read" not in window.statusBar().currentMessage()
    window._edit_cell(1, 2, "typed")
    assert window.doc.wb.get("Data", 1, 2) == "typed"
    window.doc.undo.undo()
    assert window.doc.wb.get("Data", 1, 2) is None


def test_cancel_after_the_first_screen_brings_the_old_workbook_back(qtbot, window, tmp_path, monkeypatch):
    import gdsheet.io
    from gdsheet.gui.loading import LoadProgress

    monkeypatch.setattr(LoadProgress, "EVERY_S", 0.0)
    window._edit_cell(1, 1, "old")
    before = window.doc
    monkeypatch.setattr(gdsheet.io, "load_workbook", fake_reader(5000, lambda wb: window.load_bar.cancel.click()))
    assert not window.load(str(tmp_path / "rows.xlsx"))
    assert window.doc is before and window.model.data(window.model.index(0, 0)) == "old"
    window.doc.undo.undo()  # its undo history came back with it
    assert window.doc.wb.get("Sheet1", 1, 1) is None


def test_escape_cancels_a_file_being_opened(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt

    import gdsheet.io
    from gdsheet.gui.loading import LoadProgress

    monkeypatch.setattr(LoadProgress, "EVERY_S", 0.0)
    before = window.doc
    monkeypatch.setattr(gdsheet.io, "load_workbook",
                        fake_reader(5000, lambda wb: qtbot.keyClick(window.view, Qt.Key.Key_Escape)))
    assert not window.load(str(tmp_path / "rows.xlsx"))
    assert window.doc is before and "cancelled" in window.statusBar().currentMessage()


def test_closing_the_window_while_a_file_opens_cancels_it(qtbot, window, tmp_path, monkeypatch):
    import gdsheet.io
    from gdsheet.gui.loading import LoadProgress

    monkeypatch.setattr(LoadProgress, "EVERY_S", 0.0)
    window.show()
    monkeypatch.setattr(gdsheet.io, "load_workbook", fake_reader(5000, lambda wb: window.close()))
    assert not window.load(str(tmp_path / "rows.xlsx"))
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)


def test_a_huge_change_set_repaints_as_one_range(qtbot, window):
    model = window.model
    sheet = window.doc.wb.sheet(model.sheet_name)
    for r in range(1, 5001):
        sheet.cells[(r, 1)] = float(r)
    sheet.forget_bounds()
    ranges = []
    model.dataChanged.connect(lambda a, b: ranges.append((a.row(), a.column(), b.row(), b.column())))
    window.doc.notify({(sheet.name, r, 1) for r in range(1, 5001)})
    assert len(ranges) == 1 and ranges[0][:2] == (0, 0) and ranges[0][2] >= 4999
    assert model.rowCount() >= 5000


def test_a_live_solve_sends_only_the_cells_the_grid_shows(qtbot, window):
    from gdsheet.gui.solve_runner import program_cells
    from gdsheet.io import load_workbook
    from gdsheet.solver.model import read_model
    from gdsheet.solver.run import prepare
    wb = load_workbook(EXAMPLES / "titanic.xlsx")
    solve = prepare(wb, read_model(wb, "linear"), "linear")
    every = program_cells(solve, solve.start)
    rect = ("LINEAR", 100, 1, 140, 26)
    some = program_cells(solve, solve.start, [rect])
    assert some and len(some) < len(every) / 10
    assert some == {k: v for k, v in every.items() if k[0] == "linear" and 100 <= k[1] <= 140}


def test_shown_areas_cover_the_viewport_and_the_frozen_panes(qtbot, window):
    window.resize(900, 600)
    window.show()
    qtbot.waitExposed(window)
    sheet = window.doc.wb.sheet(window.model.sheet_name)
    window.model.grow_to(5000, 30)
    window.view.go_to(3000, 5)
    areas = window.view.shown_areas()
    (name, r1, c1, r2, c2), *frozen = areas
    assert name == sheet.name and r1 < 3000 < r2 and r2 - r1 < 300 and c1 <= 5 <= c2 and not frozen
    sheet.freeze = (3, 2)  # rows 1-2 and column A stay in sight
    main, *bands = window.view.shown_areas()
    assert main == areas[0]
    assert bands[0] == (sheet.name, 1, 1, 2, c2)
    assert bands[1][:3] == (sheet.name, 1, 1) and bands[1][3] >= 3000 and bands[1][4] == 1


def test_ctrl_up_and_down_jump_as_cell_by_cell_over_a_column_read_in_bulk():
    import random

    from gdsheet.gui.grid_view import _jump_in_column

    def reference(cells, row, col, dr, n_rows):  # the rule, one cell at a time
        def filled(r):
            return cells.get((r, col)) is not None
        r = row + dr
        if filled(row) and filled(r):
            while 1 <= r + dr <= n_rows and filled(r + dr):
                r += dr
            return r
        while 1 <= r <= n_rows and not filled(r):
            if not 1 <= r + dr <= n_rows:
                return r
            r += dr
        return r

    rng = random.Random(1)
    for trial in range(40):
        wb = Workbook()
        sheet = wb.add_sheet("S")
        n_rows = rng.choice([50, 300, 3000])
        r = 1
        while r <= n_rows:  # blocks of values (numbers, some text) and gaps of every length
            length = rng.choice([1, 2, 5, 70, 400])
            if rng.random() < 0.5:
                for rr in range(r, min(r + length, n_rows + 1)):
                    sheet.cells[(rr, 2)] = float(rr) if rng.random() < 0.9 else "t"
            r += length
        for row in rng.sample(range(1, n_rows + 1), 20):
            for dr in (1, -1):
                if 1 <= row + dr <= n_rows:
                    assert _jump_in_column(sheet.cells, row, 2, dr, n_rows) == \
                        reference(sheet.cells, row, 2, dr, n_rows), (trial, row, dr)


def test_selection_sums_read_in_bulk_count_each_cell_once():
    from gdsheet.gui.editing import selection_stats
    from gdsheet.refs import Area

    wb = Workbook()
    sheet = wb.add_sheet("S")
    for r in range(1, 101):
        sheet.cells[(r, 1)] = float(r)
    sheet.cells[(5, 2)] = "text"
    sheet.cells[(6, 2)] = True
    sheet.cells[(7, 2)] = 2.5
    sheet.forget_bounds()
    whole = [Area("S", 1, 1, 1_048_576, 3)]
    assert selection_stats(wb, whole) == (5050.0 + 2.5, 101, 103)
    overlapping = [Area("S", 1, 1, 10, 1), Area("S", 5, 1, 20, 2)]  # A5:A10 in both
    assert selection_stats(wb, overlapping) == (210.0 + 2.5, 21, 23)
