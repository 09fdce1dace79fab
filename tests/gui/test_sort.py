"""Data → Sort: Excel's order (numbers, text, booleans, errors, blanks last), rows move together, relative
references move with their row, a header row stays, one undo step."""
from gdsheet.gui.editing import current_region, has_header, sort_key, sort_rows
from gdsheet.refs import Area
from gdsheet.sheet.workbook import Workbook


def test_excel_sort_order_blanks_last_both_ways():
    values = ["b", 3.0, None, True, "A", -1.0, False]
    up = sorted(values, key=lambda v: sort_key(v))
    down = sorted(values, key=lambda v: sort_key(v, True))
    assert up == [-1.0, 3.0, "A", "b", False, True, None]
    assert down == [True, False, "b", "A", 3.0, -1.0, None]


def book():
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_values([("S", 1, 1, "name"), ("S", 1, 2, "score"), ("S", 2, 1, "cy"), ("S", 2, 2, 5.0),
                   ("S", 3, 1, "al"), ("S", 3, 2, 9.0), ("S", 4, 1, "bo"), ("S", 4, 2, 1.0), ("S", 1, 3, "double")])
    for r in (2, 3, 4):
        wb.set_formula("S", r, 3, f"=B{r}*2")
    return wb


def test_region_and_header_guess():
    wb = book()
    region = current_region(wb, "S", 3, 2)
    assert region == Area("S", 1, 1, 4, 3) and has_header(wb, region)


def test_sort_rows_moves_whole_rows_and_relative_references():
    wb = book()
    edits = sort_rows(wb, Area("S", 1, 1, 4, 3), 2, descending=True, header=True)
    states = {(r, c): st for _, r, c, st in edits}
    assert states[(2, 1)].value == "al" and states[(2, 2)].value == 9.0 and states[(2, 3)].formula == "=B2*2"
    assert states[(3, 1)].value == "cy" and (4, 1) not in states  # bo stays where it was


def test_sort_through_the_window_and_undo(qtbot, window):
    for r, (name, score) in enumerate((("name", "score"), ("cy", "5"), ("al", "9"), ("bo", "1")), 1):
        window._edit_cell(r, 1, name)
        window._edit_cell(r, 2, score)
    window._edit_cell(2, 3, "=B2*2")
    window.view.go_to(3, 1)  # a single cell: the table around it is sorted, by its column
    assert window.sort()
    wb = window.doc.wb
    assert [wb.get("Sheet1", r, 1) for r in range(1, 5)] == ["name", "al", "bo", "cy"]
    assert wb.formula("Sheet1", 4, 3).text == "=B4*2" and wb.get("Sheet1", 4, 3) == 10.0  # moved with cy's row
    window.doc.undo.undo()
    assert [wb.get("Sheet1", r, 1) for r in range(1, 5)] == ["name", "cy", "al", "bo"]
