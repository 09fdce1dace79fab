"""Copy, paste, fill and clear as cell states: relative references shift, absolute ones stay (no Qt needed)."""
from gdsheet.gui.document import CellState, restore
from gdsheet.gui.editing import clear, copy_area, fill, paste_clip, paste_text, selection_stats, shift_formula
from gdsheet.refs import Area
from gdsheet.sheet.workbook import Workbook


def book():
    wb = Workbook()
    wb.add_sheet("S")
    for r in range(1, 4):
        wb.set_value("S", r, 1, float(r))
    wb.set_formula("S", 1, 2, "=A1*$A$1")
    return wb


def test_shift_formula_moves_relative_references_only():
    assert shift_formula("=A1+$A$1+A$1+$A1", (1, 2), (3, 4)) == "=C3+$A$1+C$1+$A3"
    assert shift_formula("=A1", (2, 2), (1, 1)) == "=#REF!"
    assert shift_formula("=SUM((", (1, 1), (2, 2)) == "=SUM(("  # unparsable text is copied as written


def test_fill_down_shifts_and_recalculates():
    wb = book()
    edits = fill(wb, Area("S", 1, 2, 3, 2), down=True)
    assert [e[3].formula for e in edits] == ["=A2*$A$1", "=A3*$A$1"]
    restore(wb, edits)
    assert [wb.get("S", r, 2) for r in (1, 2, 3)] == [1.0, 2.0, 3.0]


def test_fill_right():
    wb = book()
    edits = fill(wb, Area("S", 1, 2, 1, 3), down=False)
    assert edits[0][1:3] == (1, 3) and edits[0][3].formula == "=B1*$A$1"


def test_copy_paste_tiles_over_a_multiple_of_the_clip():
    wb = book()
    clip = copy_area(wb, Area("S", 1, 2, 1, 2))
    edits = paste_clip(clip, Area("S", 1, 3, 2, 3))
    assert [(r, c, st.formula) for _, r, c, st in edits] == [(1, 3, "=B1*$A$1"), (2, 3, "=B2*$A$1")]


def test_cut_moves_without_shifting_and_empties_the_source():
    wb = book()
    clip = copy_area(wb, Area("S", 1, 2, 1, 2), cut=True)
    edits = {(r, c): st for _, r, c, st in paste_clip(clip, Area("S", 5, 5, 5, 5))}
    assert edits[(1, 2)] == CellState() and edits[(5, 5)].formula == "=A1*$A$1"


def test_clipboard_text_is_what_cells_show():
    wb = book()
    wb.sheet("S").number_formats[(2, 1)] = "0.00"
    assert copy_area(wb, Area("S", 1, 1, 2, 2)).text == "1\t1\n2.00\t"


def test_paste_text_reads_fields_as_typed():
    edits = paste_text("1\t=A1+1\nTRUE\tabc\n", "S", 2, 2)
    states = {(r, c): st for _, r, c, st in edits}
    assert states[(2, 2)].value == 1.0 and states[(2, 3)].formula == "=A1+1"
    assert states[(3, 2)].value is True and states[(3, 3)].value == "abc"


def test_clear_keeps_number_formats_and_walks_only_held_cells():
    wb = book()
    wb.sheet("S").number_formats[(1, 1)] = "0.00"
    edits = clear(wb, [Area("S", 1, 1, 1_000_000, 2)])
    assert len(edits) == 4 and edits[0][3] == CellState(number_format="0.00")


def test_selection_stats_counts_each_cell_once():
    wb = book()
    wb.set_value("S", 4, 1, "x")
    assert selection_stats(wb, [Area("S", 1, 1, 4, 1), Area("S", 1, 1, 1, 2)]) == (7.0, 4, 5)
