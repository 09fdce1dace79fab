"""Formulas filled down a column are read as blocks and computed as one node: the values must be exactly those of
the same formulas entered cell by cell, through edits, splits, running totals and blocks reading each other."""
from __future__ import annotations

import random

import openpyxl
import pytest

from gdsheet.io import load_workbook, save_workbook
from gdsheet.sheet.changes import Changes
from gdsheet.sheet.workbook import Workbook

N = 300
COLUMNS = {  # column letter -> formula in row {r} (row 2..N+1); A holds numbers, H the parameter
    "B": "=A{r}*2+$H$1",
    "C": "=IF(B{r}>1,SQRT(B{r}),B{r}-A{r})",
    "D": "=D{p}+A{r}",  # a running total: reads its own column, computed row by row
    "E": "=F{p}+1",  # E and F read each other a row apart: blocks in a loop, cells not
    "F": "=E{r}*0.5",
    "G": '=IF(A{r}>0.9,"big",1/(A{r}-0.5))',  # text and #DIV/0! among numbers
}


def _rows():
    rng = random.Random(7)
    return [rng.choice([rng.random(), 0.5, None]) for _ in range(N)]


def _formula(col: str, r: int) -> str:
    text = COLUMNS[col].format(r=r, p=r - 1)
    return text.replace("D1+", "0+").replace("F1+", "0+")  # the first row has no row above


@pytest.fixture
def book_path(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["H1"] = 0.25
    for i, a in enumerate(_rows()):
        r = i + 2
        ws.cell(r, 1, a)
        for col in COLUMNS:
            ws[f"{col}{r}"] = _formula(col, r)
    ws["J1"] = f"=SUM(B2:B{N + 1})+SUM(F2:F{N + 1})"
    path = tmp_path / "blocks.xlsx"
    wb.save(path)
    return path


def _cell_by_cell(read: Workbook) -> Workbook:
    """The same sheet entered cell by cell, from the constants as the file holds them (written to 17 digits)."""
    wb = Workbook()
    wb.add_sheet("Data")
    wb.set_value("Data", 1, 8, 0.25)
    for r in range(2, N + 2):
        a = read.get("Data", r, 1)
        if a is not None:
            wb.set_value("Data", r, 1, a)
    for i in range(N):
        for j, col in enumerate(COLUMNS):
            wb.set_formula("Data", i + 2, 2 + j, _formula(col, i + 2))
    wb.set_formula("Data", 1, 10, f"=SUM(B2:B{N + 1})+SUM(F2:F{N + 1})")
    return wb


def _same(a: Workbook, b: Workbook) -> None:
    for r in range(1, N + 2):
        for c in range(1, 11):
            va, vb = a.get("Data", r, c), b.get("Data", r, c)
            assert type(va) is type(vb) and (va == vb or va is vb), (r, c, va, vb)


def test_read_as_blocks_and_computed_as_entered_cell_by_cell(book_path):
    wb = load_workbook(book_path)
    blocks = wb.sheet("Data").formulas.blocks()
    assert {b.col for b in blocks} == {2, 3, 4, 5, 6, 7}
    assert all(b.n >= N - 1 for b in blocks)
    wb.recalculate()
    _same(wb, _cell_by_cell(wb))
    g = wb.engine.graph
    assert len(g.blocks) >= 3  # B, C, G stay blocks; D (itself) and E/F (each other) are cell by cell


def test_edits_keep_blocks_exact(book_path):
    wb = load_workbook(book_path)
    wb.recalculate()
    ref = _cell_by_cell(wb)
    for w in (wb, ref):
        w.set_value("Data", 1, 8, 3.5)  # the parameter every row of B reads
        w.set_value("Data", 50, 1, 0.95)
        w.set_formula("Data", 100, 2, "=A100*100")  # one cell of a block gets its own formula
        w.set_value("Data", 120, 3, "typed")  # a constant over a formula of a block
    _same(wb, ref)
    assert wb.formula("Data", 101, 2).text == "=A101*2+$H$1"
    assert wb.formula("Data", 99, 2).text == "=A99*2+$H$1"
    assert wb.formula("Data", 120, 3) is None


def test_an_edit_reports_what_changed(book_path):
    wb = load_workbook(book_path)
    wb.recalculate()
    changed = wb.set_value("Data", 1, 8, 1.0)
    assert isinstance(changed, Changes)
    assert changed.touches("Data", 2, 2) and changed.touches("Data", 1, 10)
    assert not changed.touches("Data", 2, 4)  # the running total does not read H1


def test_precedents_and_dependents_of_a_cell_in_a_block(book_path):
    wb = load_workbook(book_path)
    wb.recalculate()
    assert wb.precedents("Data", 10, 2) == {("Data", 10, 1), ("Data", 1, 8)}
    assert ("Data", 10, 2) in wb.dependents("Data", 10, 1, transitive=False)
    assert ("Data", 11, 2) not in wb.dependents("Data", 10, 1, transitive=False)
    assert ("Data", 10, 3) in wb.dependents("Data", 10, 1, transitive=True)


def test_a_block_survives_a_save(book_path, tmp_path):
    wb = load_workbook(book_path)
    wb.recalculate()
    out = tmp_path / "saved.xlsx"
    save_workbook(wb, out)
    again = load_workbook(out)
    assert again.formula("Data", 200, 2).text == "=A200*2+$H$1"
    sheet = again.sheet("Data")
    assert all(key in sheet.cells for key in sheet.formulas)  # every formula saved with its value
    _same(again, wb)


def test_rows_of_a_block_that_read_a_circular_reference_show_0_as_in_excel(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for r in range(1, 21):
        ws[f"A{r}"] = r
        ws[f"B{r}"] = f"=A{r}*2"
        ws[f"C{r}"] = f"=B{r}+1"  # a block over B
    ws["B5"] = "=C5"  # B5 and C5 read each other
    path = tmp_path / "cycle.xlsx"
    wb.save(path)
    book = load_workbook(path)
    book.recalculate()
    assert [book.get("Data", r, 3) for r in (4, 5, 6)] == [9.0, 0.0, 13.0]
    assert ("Data", 5, 3) in book.engine.circular and ("Data", 6, 3) not in book.engine.circular


def test_a_table_column_and_a_named_parameter_are_blocks_too(tmp_path):
    from openpyxl.worksheet.table import Table as XlTable

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["x", "y"])
    for r in range(2, 202):
        ws.append([r * 0.5, f"=[@x]*rate+Data!$D$1"])
    ws["D1"] = 1.0
    ws["D2"] = 2.0
    ws.add_table(XlTable(displayName="T", ref="A1:B201"))
    wb.defined_names["rate"] = openpyxl.workbook.defined_name.DefinedName("rate", attr_text="Data!$D$2")
    path = tmp_path / "table.xlsx"
    wb.save(path)
    book = load_workbook(path)
    book.recalculate()
    assert [book.get("Data", r, 2) for r in (2, 201)] == [3.0, 202.0]
    assert book.engine.graph.blocks  # the calculated column is one node
    book.set_value("Data", 2, 4, 3.0)  # the named parameter
    assert book.get("Data", 201, 2) == 100.5 * 3 + 1


def test_the_solver_guesses_its_variables_from_a_block_once(book_path):
    from gdsheet.solver.model import guess_model

    wb = load_workbook(book_path)
    wb.recalculate()
    model = guess_model(wb, ("Data", 1, 10))
    assert model.variables == ["Data!$H$1"]
