"""The patched save's bulk path: blocks of rows compared with the model in bulk. Blocks are made small (CHUNK) so
that a few thousand rows make many of them; each test checks the saved rows byte for byte against the original."""
from __future__ import annotations

import re
import zipfile

import numpy as np
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdsheet.io import load_workbook, save_workbook
from gdsheet.io import sheet_bulk_compare, sheet_xml
from gdsheet.io.xlsx_patch import cached_value

ROWS = 2000
SHEET = "xl/worksheets/sheet1.xml"
_ROW = re.compile(rb'<row r="([0-9]+)"[^>]*>.*?</row>', re.S)


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(sheet_xml, "CHUNK", 8192)


@pytest.fixture
def bulk_calls(monkeypatch):
    """How many blocks were compared in bulk (a BlockDiff came back, not None)."""
    seen = {"bulk": 0, "walked": 0}
    compare = sheet_bulk_compare.BulkComparer.compare

    def spy(self, *args):
        out = compare(self, *args)
        seen["bulk" if out is not None else "walked"] += 1
        return out

    monkeypatch.setattr(sheet_bulk_compare.BulkComparer, "compare", spy)
    return seen


def rows_of(path) -> dict[int, bytes]:
    with zipfile.ZipFile(path) as z:
        xml = z.read(SHEET)
    return {int(m.group(1)): m.group(0) for m in _ROW.finditer(xml)}


def sheet_xml_of(path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(SHEET)


@pytest.fixture
def openpyxl_book(tmp_path):
    """A, B numbers and C = A + B in every row, every tenth row left empty; written by openpyxl, so no formula
    has its cached value."""
    xl = openpyxl.Workbook()
    ws = xl.active
    ws.title = "Sheet1"
    for r in range(1, ROWS + 1):
        if r % 10:
            ws.cell(r, 1, r)
            ws.cell(r, 2, r * 0.5)
            ws.cell(r, 3, f"=A{r}+B{r}")
    path = tmp_path / "openpyxl.xlsx"
    xl.save(path)
    return path


@pytest.fixture
def complete_book(openpyxl_book, tmp_path):
    """The same book saved by gdsheet: every formula with its value, as Excel saves a workbook."""
    wb = load_workbook(openpyxl_book)
    wb.recalculate()
    path = tmp_path / "complete.xlsx"
    save_workbook(wb, path)
    return path


def test_cached_values_are_filled_in_and_nothing_else_changes(bulk_calls, openpyxl_book, complete_book):
    assert bulk_calls["bulk"] > 10
    before, after = sheet_xml_of(openpyxl_book), sheet_xml_of(complete_book)
    assert after != before
    assert re.sub(rb"</f><v>[^<]*</v>", b"</f><v></v>", after) == before
    back = openpyxl.load_workbook(complete_book, data_only=True)["Sheet1"]
    assert back["C1234"].value == 1234 + 617 and back["C11"].value == 16.5 and back["C10"].value is None


def test_untouched_blocks_are_copied_and_a_changed_number_changes_its_row(complete_book, tmp_path, bulk_calls):
    wb = load_workbook(complete_book)
    wb.set_value("Sheet1", 1501, 1, 7.0)
    out = tmp_path / "edited.xlsx"
    save_workbook(wb, out)
    assert bulk_calls["bulk"] > 10
    before, after = rows_of(complete_book), rows_of(out)
    assert after.keys() == before.keys()
    assert {r for r in before if before[r] != after[r]} == {1501}
    assert b'<c r="A1501"><v>7</v></c>' in after[1501] and b"<v>757.5</v>" in after[1501]
    # nothing changed at all: the part is not rewritten
    save_workbook(load_workbook(complete_book), tmp_path / "same.xlsx")
    assert sheet_xml_of(tmp_path / "same.xlsx") == sheet_xml_of(complete_book)


def test_an_edited_formula_in_a_bulk_block(complete_book, tmp_path):
    wb = load_workbook(complete_book)
    wb.set_formula("Sheet1", 1202, 3, "=A1202*3")
    out = tmp_path / "formula.xlsx"
    save_workbook(wb, out)
    before, after = rows_of(complete_book), rows_of(out)
    assert {r for r in before if before[r] != after[r]} == {1202}
    assert b"<f>A1202*3</f><v>3606</v>" in after[1202]
    back = openpyxl.load_workbook(out)["Sheet1"]
    assert back["C1202"].value == "=A1202*3" and back["C1201"].value == "=A1201+B1201"
    assert back["C1203"].value == "=A1203+B1203"


def test_cells_added_inside_a_bulk_block_s_rows(complete_book, tmp_path, bulk_calls):
    wb = load_workbook(complete_book)
    wb.set_value("Sheet1", 1300, 2, 5.0)  # a row the file lacks, between two rows of a block
    wb.set_value("Sheet1", 1301, 4, "new")  # a cell after the last one of its row
    wb.set_value("Sheet1", 1302, 5, 1.5)
    out = tmp_path / "added.xlsx"
    save_workbook(wb, out)
    before, after = rows_of(complete_book), rows_of(out)
    assert after.keys() == before.keys() | {1300}
    assert {r for r in before if before[r] != after[r]} == {1301, 1302}
    assert after[1300] == b'<row r="1300"><c r="B1300"><v>5</v></c></row>'
    back = openpyxl.load_workbook(out)["Sheet1"]
    assert back["D1301"].value == "new" and back["E1302"].value == 1.5 and back["C1301"].value == "=A1301+B1301"
    assert list(back.iter_rows(min_row=1299, max_row=1302, values_only=True))[1][:2] == (None, 5)
    assert b'<dimension ref="A1:E' in sheet_xml_of(out)


def test_a_cleared_cell_and_a_cleared_formula(complete_book, tmp_path):
    wb = load_workbook(complete_book)
    wb.clear("Sheet1", 801, 1)
    wb.clear("Sheet1", 802, 3)
    out = tmp_path / "cleared.xlsx"
    save_workbook(wb, out)
    before, after = rows_of(complete_book), rows_of(out)
    assert {r for r in before if before[r] != after[r]} == {801, 802}
    assert b'<c r="A801"' not in after[801] and b'<c r="C802"' not in after[802]
    back = openpyxl.load_workbook(out, data_only=True)["Sheet1"]
    assert back["C801"].value == 400.5  # its value follows A801, now empty


def shared_rows(n: int) -> str:
    """B = A * 2 as one shared formula over rows 1..n, Excel's way: the master holds the text, followers si."""
    out = []
    for r in range(1, n + 1):
        f = '<f t="shared" ref="B1:B%d" si="0">A1*2</f>' % n if r == 1 else '<f t="shared" si="0"/>'
        out.append(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}">{f}<v>{2 * r}</v></c></row>')
    return "".join(out)


def test_shared_formula_followers_in_bulk(xlsx, tmp_path, bulk_calls):
    book = xlsx(shared_rows(ROWS))
    wb = load_workbook(book)
    wb.set_value("Sheet1", 1700, 1, 1.0)
    out = tmp_path / "shared_out.xlsx"
    save_workbook(wb, out)
    assert bulk_calls["bulk"] > 10
    before, after = rows_of(book), rows_of(out)
    assert {r for r in before if before[r] != after[r]} == {1700}
    assert after[1700] == b'<row r="1700"><c r="A1700"><v>1</v></c><c r="B1700"><f t="shared" si="0"/><v>2</v></c></row>'


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=20))
def test_formula_results_are_written_as_cached_value_writes_each(xs):
    got = sheet_bulk_compare.number_texts(np.array(xs))
    assert got == [cached_value(x)[1].encode() for x in xs]


def test_whole_numbers_and_negative_zero():
    xs = [0.0, -0.0, 3.0, -7.0, 1e15, 1e16, 2.0 ** 53 + 2, 0.5]
    assert sheet_bulk_compare.number_texts(np.array(xs)) == [cached_value(x)[1].encode() for x in xs]
    assert sheet_bulk_compare.number_texts(np.array([4.0, 12.0])) == [b"4", b"12"]
