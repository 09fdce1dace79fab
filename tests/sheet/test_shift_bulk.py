"""Inserting and deleting rows and columns in bulk (a column's numbers as one array, a formula block as a few
blocks) gives exactly what moving every cell one by one gave: the per-cell algorithm is kept here as the reference
and both are run on random small workbooks."""
import dataclasses

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gdsheet.errors import GdsheetError
from gdsheet.formula import parse_cached, row_template
from gdsheet.sheet import shift as S
from gdsheet.sheet.cellstore import CellStore
from gdsheet.sheet.formulastore import FormulaBlock, FormulaStore
from gdsheet.sheet.model import DefinedName
from gdsheet.sheet.workbook import Workbook


# ---- the reference: every cell moved one by one (gdsheet's algorithm before the bulk one) --------------------------

def reference_insert(wb, sheet, axis, at, count):
    shift = S.Shift(sheet, axis, at, count)
    held = wb.sheet(sheet).cells.keys() | wb.sheet(sheet).formulas.keys()
    index = 0 if axis == "row" else 1
    if any(k[index] >= at and k[index] + count > shift.limit for k in held):
        raise GdsheetError("off the sheet")
    reference_shift_workbook(wb, shift)


def reference_shift_workbook(wb, shift):
    target = wb.sheet(shift.sheet)
    shift = dataclasses.replace(shift, sheet=target.name)
    for sheet in wb.sheets:
        moved_formulas = {}
        for (r, c), f in sheet.formulas.items():
            new = S.shift_cell(shift, r, c) if sheet is target else (r, c)
            if new is None:
                continue
            moved_formulas[new] = S._moved_formula(f, shift, sheet.name, (r, c), new)
        sheet.formulas = FormulaStore(moved_formulas)

    def moved_dict(d):
        out = {}
        for (r, c), v in d.items():
            new = S.shift_cell(shift, r, c)
            if new is not None:
                out[new] = v
        return out

    target.cells = CellStore(moved_dict(target.cells))
    target.number_formats = moved_dict(target.number_formats)
    target.style_ids = moved_dict(target.style_ids)
    target.spills, target.spilled_from = {}, {}
    lines, hidden = ("row_heights", "hidden_rows") if shift.axis == "row" else ("col_widths", "hidden_cols")
    setattr(target, lines, {shift.place(i): v for i, v in getattr(target, lines).items()
                            if shift.place(i) is not None})
    setattr(target, hidden, {shift.place(i) for i in getattr(target, hidden) if shift.place(i) is not None})
    target.merged = [a for a in (S.shift_area(shift, m) for m in target.merged) if a is not None and a.size > 1]
    target.forget_bounds()
    for dn in wb.names.values():
        dn.formula = S._shift_name(dn.formula, shift, dn.scope or target.name)
    wb.engine.invalidate()
    wb.recalculate()


# ---- random workbooks -------------------------------------------------------------------------------------------

# formulas filled down a column, written for row {r} (the block's first row; offsets stay within 3 rows up)
PATTERNS = [
    "=A{r}+1", "=A{r1}-A{r}", "=B{r}-B{rm}", "=$A$5*B{r}", "=A$3+C{r}", "=SUM(A{r}:A$6)", "=SUM($A$2:A{r})",
    "=SUM(A{rm}:B{r2})", "=sum(a{r}, 1)", "=IF(ISNUMBER(C{r}),C{r},0)", "=SUM(nm)+A{r}", "=SUM(A:A)-B{r}",
    "=S!A{r}*2", "=SUM(S!A$4:A{r})", "=S!$B$4+S!C{rm}", "=COUNT(S!A{r}:C{r})", "=SUM($A{r}:$C{r})",
]
FUTURE = ["=CONCAT(A{r},\"x\")", "=CONCAT(A{rm},B$2)"]  # blocks whose file text differs from the shown one


@st.composite
def workbooks(draw):
    spec = {"nums": draw(st.lists(st.tuples(st.integers(1, 14), st.integers(1, 3), st.floats(-9, 9).map(round)),
                                  max_size=30)),
            "texts": draw(st.lists(st.tuples(st.integers(1, 14), st.integers(1, 3)), max_size=3)),
            "blocks": draw(st.lists(st.tuples(st.sampled_from(["S", "T"]), st.integers(5, 8), st.integers(4, 12),
                                              st.integers(1, 8), st.sampled_from(PATTERNS + FUTURE)),
                                    max_size=6)),
            "singles": draw(st.lists(st.tuples(st.integers(1, 16), st.integers(9, 10),
                                               st.sampled_from(["=A{r}*3", "=SUM(A1:A9)", "=$B$6+E{r}"])),
                                     max_size=3)),
            "formats": draw(st.lists(st.tuples(st.integers(1, 16), st.integers(1, 8)), max_size=6))}
    axis = draw(st.sampled_from(["row", "row", "col"]))
    op = (draw(st.sampled_from(["S", "S", "S", "T"])), axis, draw(st.integers(1, 17 if axis == "row" else 9)),
          draw(st.integers(1, 3)) * draw(st.sampled_from([1, -1])))
    return spec, op


def build(spec) -> Workbook:
    wb = Workbook()
    sheets = {"S": wb.add_sheet("S"), "T": wb.add_sheet("T")}
    for r, c, v in spec["nums"]:
        sheets["S"].cells[(r, c)] = float(v)
        sheets["T"].cells[(r + 1, c)] = float(v) / 2
    for r, c in spec["texts"]:
        sheets["S"].cells[(r, c)] = "t"
    wb.names["nm"] = DefinedName("nm", "S!$A$3:$A$8")
    taken = set()
    for name, col, r1, n, pattern in spec["blocks"]:
        sheet, r2 = sheets[name], r1 + n - 1
        if any((name, r, col) in taken for r in range(r1, r2 + 1)):
            continue
        taken.update((name, r, col) for r in range(r1, r2 + 1))
        shown = pattern.format(r=r1, r1=r1 + 1, r2=r1 + 2, rm=r1 - 3)
        tree = parse_cached(shown, r1, col)
        template = row_template(shown, r1)
        source = row_template(shown.replace("CONCAT", "_xlfn.CONCAT"), r1) if pattern in FUTURE else template
        sheet.formulas.add_block(FormulaBlock(col, r1, r2, tree, source, template))
    for r, c, text in spec["singles"]:
        wb.set_formula("S", r, c, text.format(r=r))
    for r, c in spec["formats"]:
        sheets["S"].number_formats[(r, c)] = "0.00"
        sheets["S"].style_ids[(r, c)] = r + c
    sheets["S"].row_heights = {3: 20.0, 9: 30.0}
    sheets["S"].col_widths = {2: 12.0}
    wb.engine.invalidate()
    wb.recalculate()
    return wb


def state(wb):
    out = {}
    for sheet in wb.sheets:
        out[sheet.name] = (
            {k: (f.text, f.source, f.ast, f.array) for k, f in sheet.formulas.items()},
            {k: repr(v) for k, v in sheet.cells.items()}, len(sheet.cells), sheet.cells.bounds(),
            sheet.number_formats, sheet.style_ids, sheet.row_heights, sheet.col_widths,
            [(a.r1, a.c1, a.r2, a.c2) for a in sheet.merged])
    out["names"] = {k: dn.formula for k, dn in wb.names.items()}
    return out


def apply(wb, op, bulk: bool):
    sheet, axis, at, count = op
    try:
        if count > 0:
            (S.insert if bulk else reference_insert)(wb, sheet, axis, at, count)
        elif bulk:
            S.delete(wb, sheet, axis, at, -count)
        else:
            reference_shift_workbook(wb, S.Shift(sheet, axis, at, count))
    except GdsheetError:
        return "refused"
    return "done"


ONE_BLOCK = {"nums": [(r, 1, float(r)) for r in range(1, 15)], "texts": [], "singles": [], "formats": []}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workbooks())
# a text that stays the same in moved rows (=CONCAT(A4,..) a row lower): the file's spelling moves with them
@example(({**ONE_BLOCK, "blocks": [("S", 5, 6, 4, FUTURE[1])]}, ("S", "row", 5, 1)))
# a range turning round (A$6:A4 in the block's first rows) across deleted rows
@example(({**ONE_BLOCK, "blocks": [("S", 5, 4, 8, "=SUM(A{r}:A$6)")]}, ("S", "row", 6, -2)))
@example(({**ONE_BLOCK, "blocks": [("T", 5, 4, 8, "=SUM(S!A$4:A{r})")]}, ("S", "row", 7, 2)))
def test_bulk_shift_is_the_cell_by_cell_shift(case):
    spec, op = case
    old, new = build(spec), build(spec)
    whole = S._moved_piece
    cell_by_cell = []
    S._moved_piece = lambda b, lo, hi, *rest: whole(b, lo, hi, *rest) or cell_by_cell.append((lo, hi))
    try:
        done = apply(new, op, bulk=True)
    finally:
        S._moved_piece = whole
    assert apply(old, op, bulk=False) == done
    assert state(new) == state(old)
    # the rows where a block is cut are found from its tree, so each piece moves whole; but for the rows whose
    # range ends in deleted rows (the end then stops at the band, a different place relative to each row)
    sheet, axis, at, count = op
    if count > 0 or axis == "col":
        assert cell_by_cell == []
    else:
        assert all(hi - lo < -count for lo, hi in cell_by_cell)


def test_a_block_not_crossing_the_point_moves_without_a_cell_by_cell_formula(monkeypatch):
    """Work done, not time: a block of 3,000 rows below inserted rows (and its references) moves as one block;
    one spanning the point splits in two; none is moved cell by cell."""
    wb = Workbook()
    sh = wb.add_sheet("S")
    other = wb.add_sheet("T")
    n = 3000
    import numpy as np
    sh.cells.put_numbers(1, np.arange(10, 10 + n), np.arange(n, dtype=float))
    for sheet, col, text in ((sh, 2, "=A10*2+$A$10"), (sh, 3, "=SUM(A$10:A10)"), (other, 1, "=S!A10+1")):
        sheet.formulas.add_block(FormulaBlock(col, 10, 9 + n, parse_cached(text, 10, col), row_template(text, 10),
                                              row_template(text, 10)))
    wb.engine.invalidate()
    wb.recalculate()
    calls = []
    per_cell = S._moved_formula
    monkeypatch.setattr(S, "_moved_formula", lambda *a: calls.append(a) or per_cell(*a))
    S.insert(wb, "S", "row", 5, 2)  # above everything: every block moves whole
    assert calls == [] and len(sh.formulas.blocks()) == 2 and len(other.formulas.blocks()) == 1
    assert wb.formula("S", 12 + n - 1, 3).text == f"=SUM(A$12:A{11 + n})"
    assert wb.formula("T", 10, 1).text == "=S!A12+1" and wb.get("T", 10, 1) == 1.0
    S.insert(wb, "S", "row", 1500, 1)  # through the middle: each block in two, then A$12:A.. grows
    assert calls == [] and len(sh.formulas.blocks()) == 4
    assert wb.formula("S", 1501, 2).text == "=A1501*2+$A$12"
    assert wb.get("S", 11 + n + 1, 3) == sum(range(n))
    S.delete(wb, "S", "row", 20, 3)
    assert calls == [] and len(sh.formulas) == 2 * n - 6
    assert wb.formula("T", 19, 1).text == "=#REF!+1" and wb.formula("T", 22, 1).text == "=S!A21+1"


def test_insert_refused_when_a_cell_would_leave_the_sheet():
    wb = Workbook()
    sh = wb.add_sheet("S")
    sh.cells[(S.MAX_ROW - 1, 2)] = 1.0
    with pytest.raises(GdsheetError):
        S.insert(wb, "S", "row", 10, 2)
    S.insert(wb, "S", "row", 10, 1)
    assert wb.get("S", S.MAX_ROW, 2) == 1.0
    with pytest.raises(GdsheetError):
        S.insert(wb, "S", "row", S.MAX_ROW, 1)
    S.insert(wb, "S", "col", 1, 3)  # nothing pushed off on the other axis
    assert wb.get("S", S.MAX_ROW, 5) == 1.0


def test_blocks_read_from_a_file_save_as_moved(tmp_path):
    """A filled-down column read from a file (a block keeping the file's `_xlfn.` text) with rows inserted and
    deleted through it: the saved file holds each cell's moved formula, written with Excel's prefixes, and reads
    back as the same formulas and values."""
    openpyxl = pytest.importorskip("openpyxl")
    from gdsheet.io import load_workbook, save_workbook

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "S"
    for r in range(1, 41):
        ws.cell(r, 1, r)
        ws.cell(r, 2, f"=_xlfn.CONCAT(A{r},\"x\")")
        ws.cell(r, 3, f"=A{r}*2+$A$3")
    book.save(tmp_path / "in.xlsx")
    wb = load_workbook(tmp_path / "in.xlsx")
    assert len(wb.sheet("S").formulas.blocks()) == 2
    S.insert(wb, "S", "row", 20, 2)
    S.delete(wb, "S", "row", 2, 2)  # the row $A$3 names goes: #REF!
    assert wb.formula("S", 30, 2).text == '=CONCAT(A30,"x")' and wb.get("S", 30, 2) == "30x"
    assert wb.formula("S", 30, 3).text == "=A30*2+#REF!"
    save_workbook(wb, tmp_path / "out.xlsx")
    saved = openpyxl.load_workbook(tmp_path / "out.xlsx")["S"]
    assert saved.cell(30, 2).value == '=_xlfn.CONCAT(A30,"x")' and saved.cell(1, 2).value == '=_xlfn.CONCAT(A1,"x")'
    back = load_workbook(tmp_path / "out.xlsx")
    for r in range(1, 41):
        for c in (2, 3):
            assert (back.formula("S", r, c) is None) == (wb.formula("S", r, c) is None)
            if wb.formula("S", r, c) is not None:
                assert back.formula("S", r, c).text == wb.formula("S", r, c).text
                assert repr(back.get("S", r, c)) == repr(wb.get("S", r, c))
