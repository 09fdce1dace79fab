"""A patched save with sheets added (a report), renamed, removed or moved: every part the change does not concern
stays byte for byte, and each sheet-scoped name follows its sheet."""
import zipfile

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.workbook.defined_name import DefinedName as XlName

from gdsheet.io import load_workbook, save_workbook


@pytest.fixture
def book(tmp_path):
    """Two sheets, a chart on the first, a sheet-scoped name on each, a workbook name."""
    xl = openpyxl.Workbook()
    ws = xl.active
    ws.title = "Data"
    for r in range(1, 6):
        ws.append([r, r * r])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=5))
    ws.add_chart(chart, "D2")
    model = xl.create_sheet("Model")
    model["A1"] = 3
    model["B1"] = "=A1^2"
    ws.defined_names["solver_opt"] = XlName("solver_opt", attr_text="Data!$B$1", hidden=True)
    model.defined_names["solver_opt"] = XlName("solver_opt", attr_text="Model!$B$1", hidden=True)
    xl.defined_names["Squares"] = XlName("Squares", attr_text="Data!$B$1:$B$5")
    path = tmp_path / "book.xlsx"
    xl.save(path)
    return path


def parts(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def scoped(path):
    xl = openpyxl.load_workbook(path)
    return {ws.title: {n: d.attr_text for n, d in ws.defined_names.items()} for ws in xl.worksheets}


def unchanged_except(before, after, allowed):
    return [n for n in before if n not in allowed and after.get(n) != before[n]]


def test_a_report_sheet_is_added_and_nothing_else_is_lost(book, tmp_path):
    wb = load_workbook(book)
    wb.add_sheet("Answer Report 1")
    wb.set_values([("Answer Report 1", 1, 1, "Objective"), ("Answer Report 1", 1, 2, 9.0)])
    out = tmp_path / "out.xlsx"
    assert save_workbook(wb, out) == []  # no "written afresh" warning
    before, after = parts(book), parts(out)
    assert unchanged_except(before, after, {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                            "[Content_Types].xml"}) == []
    assert any("chart" in n for n in after)
    again = load_workbook(out)
    again.recalculate()
    assert [s.name for s in again.sheets] == ["Data", "Model", "Answer Report 1"]
    assert again.get("Answer Report 1", 1, 2) == 9.0 and again.get("Model", 1, 2) == 9.0
    assert scoped(out) == {"Data": {"solver_opt": "Data!$B$1"}, "Model": {"solver_opt": "Model!$B$1"},
                           "Answer Report 1": {}}


def test_rename_remove_and_move_keep_names_with_their_sheets(book, tmp_path):
    wb = load_workbook(book)
    wb.add_sheet("Front", index=0)
    wb.set_value("Front", 1, 1, 1.0)
    wb.rename_sheet("Model", "My Model")
    out = tmp_path / "out.xlsx"
    assert save_workbook(wb, out) == []
    assert openpyxl.load_workbook(out).sheetnames == ["Front", "Data", "My Model"]
    assert scoped(out)["My Model"] == {"solver_opt": "'My Model'!$B$1"}
    assert scoped(out)["Data"] == {"solver_opt": "Data!$B$1"}
    wb = load_workbook(out)
    wb.remove_sheet("Data")
    out2 = tmp_path / "out2.xlsx"
    assert save_workbook(wb, out2) == []
    xl = openpyxl.load_workbook(out2)
    assert xl.sheetnames == ["Front", "My Model"] and scoped(out2)["My Model"] == {"solver_opt": "'My Model'!$B$1"}
    again = load_workbook(out2)
    again.recalculate()
    assert again.get("My Model", 1, 2) == 9.0
