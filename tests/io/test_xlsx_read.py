"""Reading .xlsx: values, formulas (shared, array, dynamic), cached values, names, tables, formats, settings."""
from __future__ import annotations

import datetime

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.workbook.defined_name import DefinedName as XlName
from openpyxl.worksheet.table import Table as XlTable
from openpyxl.worksheet.table import TableStyleInfo

from gdsheet import errors as E
from gdsheet.errors import WorkbookReadError
from gdsheet.io import load_workbook
from gdsheet.io.xlsx_sheet import display_text
from gdsheet.refs import Area


def test_cell_types_and_cached_values(xlsx):
    path = xlsx(
        '<row r="1"><c r="A1"><v>1.5</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>in</t>'
        '<t>line</t></is></c><c r="D1" t="b"><v>1</v></c><c r="E1" t="e"><v>#DIV/0!</v></c>'
        '<c r="F1" t="d"><v>2024-01-31T00:00:00</v></c></row>'
        '<row r="2"><c r="A2"><f>A1*2</f><v>3</v></c><c r="B2" t="str"><f>B1&amp;"!"</f><v>two!</v></c>'
        '<c r="C2" t="b"><f>A1&gt;1</f><v>1</v></c><c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>',
        strings=["one", "two"])
    wb = load_workbook(path)
    s = wb.sheet("Sheet1")
    assert [s.cells[(1, c)] for c in range(1, 7)] == [1.5, "two", "inline", True, E.DIV0, 45322.0]
    assert [s.cells[(2, c)] for c in range(1, 5)] == [3.0, "two!", True, E.DIV0]  # cached, not yet recalculated
    assert s.formulas[(2, 1)].text == "=A1*2" and s.formulas[(2, 2)].text == '=B1&"!"'
    assert wb.load_warnings == []
    wb.recalculate()
    assert [s.cells[(2, c)] for c in range(1, 5)] == [3.0, "two!", True, E.DIV0]


def test_shared_formulas_are_expanded_with_their_cached_values(xlsx):
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}">'
                   + (f'<f t="shared" ref="B1:B4" si="0">A1*$A$1+1</f>' if r == 1 else '<f t="shared" si="0"/>')
                   + f"<v>{r + 1}</v></c></row>" for r in range(1, 5))
    s = load_workbook(xlsx(rows)).sheet("Sheet1")
    assert [s.formulas[(r, 2)].text for r in range(1, 5)] == ["=A1*$A$1+1", "=A2*$A$1+1", "=A3*$A$1+1",
                                                              "=A4*$A$1+1"]
    assert [s.cells[(r, 2)] for r in range(1, 5)] == [2.0, 3.0, 4.0, 5.0]


def test_cells_and_rows_without_addresses_follow_their_neighbours(xlsx):
    s = load_workbook(xlsx('<row><c><v>1</v></c><c r="C1"><v>3</v></c><c><v>4</v></c></row>'
                           '<row><c><v>5</v></c></row>')).sheet("Sheet1")
    assert s.cells == {(1, 1): 1.0, (1, 3): 3.0, (1, 4): 4.0, (2, 1): 5.0}


def test_legacy_array_formula_keeps_its_range(xlsx):
    rows = ('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f t="array" ref="B1:B2">A1:A2*10</f><v>10</v></c></row>'
            '<row r="2"><c r="A2"><v>2</v></c><c r="B2"><v>20</v></c></row>')
    s = load_workbook(xlsx(rows)).sheet("Sheet1")
    f = s.formulas[(1, 2)]
    assert f.array == Area("Sheet1", 1, 2, 2, 2) and not f.dynamic
    assert (2, 2) not in s.formulas and s.cells[(2, 2)] == 20.0 and not s.spills


def test_dynamic_array_formula_is_recognised_by_its_cell_metadata(xlsx):
    rows = ('<row r="1"><c r="A1"><v>1</v></c><c r="B1" cm="1"><f t="array" ref="B1:B3">_xlfn.SEQUENCE(3)*A1</f>'
            '<v>1</v></c><c r="C1"><f t="array" ref="C1:C2">A1:A2</f><v>1</v></c></row>'
            '<row r="2"><c r="B2"><v>2</v></c></row><row r="3"><c r="B3"><v>3</v></c></row>')
    wb = load_workbook(xlsx(rows, metadata=True))
    s = wb.sheet("Sheet1")
    dyn = s.formulas[(1, 2)]
    assert dyn.dynamic and dyn.text == "=SEQUENCE(3)*A1"
    assert s.spills[(1, 2)] == Area("Sheet1", 1, 2, 3, 2)
    assert s.spilled_from == {(2, 2): (1, 2), (3, 2): (1, 2)}
    assert not s.formulas[(1, 3)].dynamic  # no cm: a legacy array formula
    wb.set_value("Sheet1", 1, 1, 2.0)
    assert [s.cells[(r, 2)] for r in (1, 2, 3)] == [2.0, 4.0, 6.0]


def test_cm_without_metadata_part_reads_as_legacy_array(xlsx):
    rows = '<row r="1"><c r="A1" cm="1"><f t="array" ref="A1:A2">{1;2}</f><v>1</v></c></row>'
    f = load_workbook(xlsx(rows)).sheet("Sheet1").formulas[(1, 1)]
    assert not f.dynamic and f.array == Area("Sheet1", 1, 1, 2, 1)


@pytest.mark.parametrize("stored, shown", [
    ("_xlfn.XLOOKUP(1,A1:A3,B1:B3)", "=XLOOKUP(1,A1:A3,B1:B3)"),
    ("_xlfn._xlws.SORT(A1:A3)", "=SORT(A1:A3)"),
    ('"_xlfn.kept"&_xlfn.CONCAT("a","b")', '="_xlfn.kept"&CONCAT("a","b")'),
    ("SUM(A1:A3)", "=SUM(A1:A3)"),
])
def test_file_prefixes_are_dropped_from_the_shown_text(stored, shown):
    assert display_text("=" + stored) == shown


@pytest.fixture
def rich_book(tmp_path):
    """A workbook saved by openpyxl with most of what gdsheet keeps."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "model"
    ws["A1"] = datetime.datetime(2024, 1, 31, 12, 0)
    ws["A2"] = 0.25
    ws["A2"].number_format = "0.0%"
    ws["B1"] = "=A2*2"
    ws.column_dimensions["B"].width = 21.5
    ws.row_dimensions[3].height = 30
    ws.append(["Name", "Score"])  # row 3
    ws.append(["x", 1])
    ws.append(["y", 2])
    table = XlTable(displayName="Scores", ref="A3:B5")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium9", showRowStripes=True)
    ws.add_table(table)
    ws["D1"] = "=SUM(Scores[Score])"
    hidden = book.create_sheet("secret")
    hidden.sheet_state = "hidden"
    hidden["A1"] = 7
    book.create_sheet("third")
    book.active = 2
    book.defined_names["rate"] = XlName("rate", attr_text="model!$A$2")
    ws.defined_names["solver_opt"] = XlName("solver_opt", attr_text="model!$B$1", hidden=True)
    ws.defined_names["solver_typ"] = XlName("solver_typ", attr_text="2", hidden=True)
    book.calculation.iterate = True
    book.calculation.iterateCount = 50
    book.calculation.iterateDelta = 0.01
    path = tmp_path / "rich.xlsx"
    book.save(path)
    return path


def test_workbook_level_content(rich_book):
    wb = load_workbook(rich_book)
    assert [s.name for s in wb.sheets] == ["model", "secret", "third"]
    assert [s.hidden for s in wb.sheets] == [False, True, False]
    assert wb.active == 2 and wb.path == str(rich_book)
    model = wb.sheet("model")
    assert model.cells[(1, 1)] == pytest.approx(45322.5)  # a date is its serial number
    assert model.number_formats[(1, 1)] == "yyyy-mm-dd h:mm:ss" and model.number_formats[(2, 1)] == "0.0%"
    assert model.col_widths[2] == 21.5 and model.row_heights[3] == 30
    assert (wb.calc.iterate, wb.calc.iterate_count, wb.calc.iterate_delta) == (True, 50, 0.01)
    rate = wb.get_name("rate")
    assert (rate.formula, rate.scope, rate.hidden) == ("model!$A$2", None, False)
    opt = wb.get_name("solver_opt", "model")
    assert (opt.formula, opt.scope, opt.hidden) == ("model!$B$1", "model", True)
    assert wb.get_name("solver_typ", "model").formula == "2" and wb.get_name("solver_opt", "third") is None
    t = wb.tables["SCORES"]
    assert (t.name, t.sheet, t.area, t.columns) == ("Scores", "model", Area("model", 3, 1, 5, 2), ["Name", "Score"])
    assert (t.header_rows, t.totals_rows, t.style) == (1, 0, "TableStyleMedium9")
    wb.recalculate()
    assert wb.get("model", 1, 2) == 0.5 and wb.get("model", 1, 4) == 3


def test_charts_and_drawings_are_reported_kept_as_they_are(rich_book, tmp_path):
    book = openpyxl.load_workbook(rich_book)
    chart = BarChart()
    chart.add_data(Reference(book["model"], min_col=2, min_row=3, max_row=5), titles_from_data=True)
    book["model"].add_chart(chart, "F2")
    path = tmp_path / "chart.xlsx"
    book.save(path)
    wb = load_workbook(path)
    assert "a chart is kept as it is; it is not updated by gdsheet" \
        in wb.load_warnings


def test_broken_chart_part_does_not_stop_the_load(rich_book, tmp_path, patched):
    book = openpyxl.load_workbook(rich_book)
    chart = BarChart()
    chart.add_data(Reference(book["model"], min_col=2, min_row=3, max_row=5))
    book["model"].add_chart(chart, "F2")
    good = tmp_path / "chart.xlsx"
    book.save(good)
    broken = patched(good, tmp_path / "broken.xlsx", {"xl/charts/chart1.xml": b"<chartSpace><unclosed>"})
    with pytest.raises(Exception):
        openpyxl.load_workbook(broken)  # openpyxl itself gives up on this file
    wb = load_workbook(broken)
    assert wb.sheet("model").cells[(4, 2)] == 1 and any("a chart" in w for w in wb.load_warnings)


def test_broken_styles_lose_only_number_formats(rich_book, tmp_path, patched):
    broken = patched(rich_book, tmp_path / "b.xlsx", {"xl/styles.xml": b"<styleSheet><numFmts>"})
    wb = load_workbook(broken)
    assert wb.sheet("model").number_formats == {} and wb.sheet("model").cells[(2, 1)] == 0.25
    assert any("number formats" in w and "xl/styles.xml" in w for w in wb.load_warnings)


def test_broken_table_part_is_dropped_with_a_warning(rich_book, tmp_path, patched):
    broken = patched(rich_book, tmp_path / "b.xlsx", {"xl/tables/table1.xml": b"<table"})
    wb = load_workbook(broken)
    assert wb.tables == {} and any("table" in w and "dropped" in w for w in wb.load_warnings)


def test_broken_worksheet_raises_naming_file_and_part(rich_book, tmp_path, patched):
    broken = patched(rich_book, tmp_path / "b.xlsx", {"xl/worksheets/sheet2.xml": b"<worksheet><sheetData>"})
    with pytest.raises(WorkbookReadError, match=r"sheet secret \(xl/worksheets/sheet2.xml\) from b.xlsx"):
        load_workbook(broken)


def test_missing_worksheet_part_is_skipped_with_a_warning(rich_book, tmp_path, patched):
    wb = load_workbook(patched(rich_book, tmp_path / "b.xlsx", {"xl/worksheets/sheet3.xml": None}))
    assert [s.name for s in wb.sheets] == ["model", "secret"] and wb.active == 0
    assert any("third" in w for w in wb.load_warnings)


@pytest.mark.parametrize("calc_pr, expected", [
    ("", (False, 100, 0.001, False)),
    ('<calcPr calcId="191029" iterateCount="1"/>', (False, 1, 0.001, False)),
    ('<calcPr iterate="1" iterateCount="7" iterateDelta="0.5" fullCalcOnLoad="1"/>', (True, 7, 0.5, True)),
])
def test_calculation_settings_are_read_as_the_file_states_them(xlsx, calc_pr, expected):
    c = load_workbook(xlsx('<row r="1"><c r="A1"><v>1</v></c></row>', workbook_extra=calc_pr)).calc
    assert (c.iterate, c.iterate_count, c.iterate_delta, c.full_calc_on_load) == expected
