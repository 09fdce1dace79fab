"""Writing .xlsx: a round trip keeps content; newer functions get _xlfn.; spills become array formulas; atomic."""
from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from gdsheet import errors as E
from gdsheet.errors import WorkbookWriteError
from gdsheet.io import load_workbook, save_workbook
from gdsheet.refs import Area
from gdsheet.sheet.model import Table
from gdsheet.sheet.workbook import Workbook


@pytest.fixture
def wb():
    wb = Workbook()
    wb.add_sheet("Data")
    wb.add_sheet("Model")
    for r, (name, score) in enumerate([("Name", "Score"), ("x", 1.0), ("y", 2.5)], start=1):
        wb.set_value("Data", r, 1, name)
        wb.set_value("Data", r, 2, score)
    wb.add_table(Table("Scores", "Data", Area("Data", 1, 1, 3, 2), ["Name", "Score"], style="TableStyleLight1"))
    wb.set_formula("Data", 1, 4, "=SUM(Scores[Score])")
    wb.set_value("Model", 1, 1, -3.0)
    wb.set_formula("Model", 1, 2, "=1.2*A1^2+4")
    wb.set_formula("Model", 2, 2, "=XLOOKUP(2.5,Data!B2:B3,Data!A2:A3)")
    wb.set_formula("Model", 1, 4, "=SEQUENCE(3,2)", dynamic=True)
    wb.set_formula("Model", 5, 1, "={1;2}*10", array=Area("Model", 5, 1, 6, 1))
    wb.set_value("Model", 8, 1, "=not a formula")
    wb.set_value("Model", 9, 1, "#N/A")
    wb.set_value("Model", 10, 1, E.NUM)
    wb.set_value("Model", 11, 1, True)
    wb.sheet("Model").number_formats[(1, 1)] = "0.00"
    wb.sheet("Model").col_widths.update({2: 20.0, 3: 20.0, 5: 9.5})
    wb.sheet("Model").row_heights[1] = 24.0
    wb.sheet("Data").hidden = True
    wb.active = 1
    wb.define_name("rate", "Model!$A$1")
    wb.define_name("solver_opt", "Model!$B$1", scope="Model", hidden=True)
    wb.define_name("solver_adj", "Model!$A$1", scope="Model", hidden=True)
    wb.define_name("gdsheet_method", '"gd"', scope="Model", hidden=True)
    wb.calc.iterate, wb.calc.iterate_count = True, 25
    return wb


def test_round_trip_keeps_content(wb, tmp_path):
    path = tmp_path / "out.xlsx"
    save_workbook(wb, path)
    back = load_workbook(path)
    assert [s.name for s in back.sheets] == ["Data", "Model"] and back.active == 1
    assert [s.hidden for s in back.sheets] == [True, False]
    model = back.sheet("Model")
    assert {k: f.text for k, f in model.formulas.items()} == {
        (1, 2): "=1.2*A1^2+4", (2, 2): "=XLOOKUP(2.5,Data!B2:B3,Data!A2:A3)", (1, 4): "=SEQUENCE(3,2)",
        (5, 1): "={1;2}*10"}
    assert model.formulas[(1, 4)].array == Area("Model", 1, 4, 3, 5)  # the spill range, as an array formula
    assert model.formulas[(5, 1)].array == Area("Model", 5, 1, 6, 1)
    assert [model.cells[(r, 1)] for r in (1, 8, 9, 10, 11)] == [-3.0, "=not a formula", "#N/A", E.NUM, True]
    assert model.number_formats == {(1, 1): "0.00"}
    assert model.col_widths == {2: 20.0, 3: 20.0, 5: 9.5} and model.row_heights == {1: 24.0}
    assert {(k, n.formula, n.hidden) for k, n in back.names.items()} == {
        ((None, "RATE"), "Model!$A$1", False), (("Model", "SOLVER_OPT"), "Model!$B$1", True),
        (("Model", "SOLVER_ADJ"), "Model!$A$1", True), (("Model", "GDSHEET_METHOD"), '"gd"', True)}
    t = back.tables["SCORES"]
    assert (t.area, t.columns, t.style) == (Area("Data", 1, 1, 3, 2), ["Name", "Score"], "TableStyleLight1")
    assert (back.calc.iterate, back.calc.iterate_count) == (True, 25)
    assert back.calc.full_calc_on_load  # Excel recalculates on open; the cached values are for readers that do not
    back.recalculate()
    assert back.get("Model", 1, 2) == pytest.approx(14.8) and back.get("Model", 2, 2) == "y"
    assert back.get("Data", 1, 4) == 3.5 and back.get("Model", 3, 5) == 6 and back.get("Model", 6, 1) == 20


def test_file_text_carries_the_prefixes_excel_needs(wb, tmp_path):
    path = tmp_path / "out.xlsx"
    save_workbook(wb, path)
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>_xlfn.XLOOKUP(2.5,Data!B2:B3,Data!A2:A3)</f>" in xml
    assert '<f t="array" ref="D1:E3">_xlfn.SEQUENCE(3,2)</f>' in xml
    cols = re.findall(r"<col [^>]*>", xml)  # equal neighbours are grouped, as Excel writes them
    assert len(cols) == 2 and 'min="2"' in cols[0] and 'max="3"' in cols[0]
    cell = openpyxl.load_workbook(path)["Model"]["D1"].value
    assert isinstance(cell, ArrayFormula) and cell.ref == "D1:E3"


def test_save_is_atomic_when_writing_fails(wb, tmp_path, monkeypatch):
    path = tmp_path / "keep.xlsx"
    path.write_bytes(b"old content")

    def fail(self, filename):
        filename.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", fail)
    with pytest.raises(WorkbookWriteError, match="could not save keep.xlsx: disk full"):
        save_workbook(wb, path)
    assert path.read_bytes() == b"old content"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.xlsx"]


def test_save_into_a_missing_folder_fails_cleanly(wb, tmp_path):
    with pytest.raises(WorkbookWriteError, match="could not save out.xlsx"):
        save_workbook(wb, tmp_path / "missing" / "out.xlsx")


def test_save_replaces_an_existing_file_and_keeps_its_permissions(wb, tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"old")
    path.chmod(0o640)
    save_workbook(wb, path)
    assert path.stat().st_mode & 0o777 == 0o640 and zipfile.is_zipfile(path) and wb.path == str(path)


def test_templates_and_other_names_are_refused_before_writing(wb, tmp_path):
    for name in ("book.xltx", "book.xltm", "book.csv"):
        with pytest.raises(WorkbookWriteError, match="could not save " + name):
            save_workbook(wb, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_a_new_workbook_saved_as_xlsm_is_labelled_macro_enabled(wb, tmp_path):
    save_workbook(wb, tmp_path / "book.xlsm")
    with zipfile.ZipFile(tmp_path / "book.xlsm") as z:
        assert b"sheet.macroEnabled.main+xml" in z.read("[Content_Types].xml")
