"""Saved formula cells carry gdsheet's values as cached results, so other readers show them before recalculating."""
from __future__ import annotations

import csv
import re
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.io import load_workbook, save_workbook
from gdsheet.io.xlsx_patch import APPLICATION, cached_value
from gdsheet.refs import Area, cell_name
from gdsheet.resources import resource_path
from gdsheet.sheet.workbook import Workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
LOSS_SHEETS = ("linear", "nnet", "mmult")  # each holds its model's loss in N1


@pytest.fixture
def wb():
    wb = Workbook()
    wb.add_sheet("Calc")
    s = "Calc"
    wb.set_value(s, 1, 1, 0.1)
    wb.set_value(s, 2, 1, "x")
    wb.set_formula(s, 1, 2, "=A1+0.2")  # 0.30000000000000004: needs all 17 digits
    wb.set_formula(s, 2, 2, '=A2&" < & >"')
    wb.set_formula(s, 3, 2, "=A1>0")
    wb.set_formula(s, 4, 2, "=A1<0")
    wb.set_formula(s, 5, 2, "=1/0")
    wb.set_formula(s, 6, 2, "=NA()")
    wb.set_formula(s, 7, 2, "={1,2;3,4}*A1", dynamic=True)  # spills over B7:C8
    wb.set_formula(s, 9, 2, '={1,2}&"!"', array=Area(s, 9, 2, 9, 3))  # legacy array over B9:C9
    wb.set_formula(s, 10, 2, "=A1*1E+300*1E+300")  # #NUM!
    wb.set_formula(s, 11, 2, "=Z99")  # a reference to an empty cell: 0
    wb.set_formula(s, 12, 2, "=1e-310")  # subnormal
    wb.set_formula(s, 13, 2, "=2^60")
    wb.recalculate()
    return wb


def _computed(wb) -> dict[tuple[str, str], object]:
    """(sheet, A1) -> value of every cell a formula computes: formula cells and the cells of their ranges."""
    out = {}
    for sheet in wb.sheets:
        keys = set(sheet.formulas) | set(sheet.spilled_from)
        for f in sheet.formulas.values():
            if f.array is not None:
                keys.update(f.array.cells())
        for key in keys:
            out[(sheet.name, cell_name(*key))] = sheet.cells.get(key)
    return out


def _as_openpyxl(value):
    """How openpyxl (data_only) reads back a cached value: errors as their text."""
    return value.code if isinstance(value, ExcelError) else value


def test_fixture_covers_every_kind_of_value(wb):
    kinds = {type(v) for v in _computed(wb).values()}
    assert kinds == {float, str, bool, ExcelError}
    assert wb.get("Calc", 8, 3) == pytest.approx(0.4) and wb.get("Calc", 9, 3) == "2!"


def test_openpyxl_data_only_reads_gdsheet_values(wb, tmp_path):
    path = tmp_path / "values.xlsx"
    save_workbook(wb, path)
    book = openpyxl.load_workbook(path, data_only=True)
    expected = _computed(wb)
    assert {key: book[s][ref].value for key in expected for s, ref in [key]} == {
        key: _as_openpyxl(v) for key, v in expected.items()}
    assert book["Calc"]["B1"].value == 0.30000000000000004  # bit for bit, not "%.16g"
    assert book["Calc"]["A1"].value == 0.1 and book["Calc"]["A2"].value == "x"  # constants untouched


def test_gdsheet_reads_them_back_as_cached_values(wb, tmp_path):
    wb.sheet("Calc").number_formats[(8, 3)] = "0.00"  # a spilled cell keeps its format too
    path = tmp_path / "values.xlsx"
    save_workbook(wb, path)
    back = load_workbook(path)  # not recalculated: what is shown is what the file holds
    assert _computed(back) == _computed(wb)
    assert back.sheet("Calc").number_formats == {(8, 3): "0.00"}
    assert back.sheet("Calc").spills[(7, 2)] == wb.sheet("Calc").spills[(7, 2)] == Area("Calc", 7, 2, 8, 3)


def test_cells_are_typed_as_excel_writes_them(wb, tmp_path):
    wb.set_formula("Calc", 14, 2, "=Z99&\"\"")  # an empty text result
    wb.set_formula("Calc", 15, 2, "=IF(TRUE,Z99)")  # no value at all: no <v>
    wb.recalculate()
    wb.sheet("Calc").cells.pop((15, 2), None)
    path = tmp_path / "values.xlsx"
    save_workbook(wb, path)
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
        app = z.read("docProps/app.xml").decode()
        workbook = z.read("xl/workbook.xml").decode()
    cells = {m.group(1): m.group(0) for m in re.finditer(r'<c [^>]*?r="([A-Z]+[0-9]+)"[^>]*?(?:/>|>.*?</c>)', xml)}
    assert re.fullmatch(r'<c r="B1"><f>A1\+0.2</f><v>0.30000000000000004</v></c>', cells["B1"])
    assert '<c r="B2" t="str">' in cells["B2"] and "<v>x &lt; &amp; &gt;</v>" in cells["B2"]
    assert '<c r="B3" t="b">' in cells["B3"] and "<v>1</v>" in cells["B3"] and "<v>0</v>" in cells["B4"]
    assert '<c r="B5" t="e">' in cells["B5"] and "<v>#DIV/0!</v>" in cells["B5"]
    assert '<c cm="1" r="B7">' in cells["B7"] and "<v>0.1</v>" in cells["B7"]
    assert re.fullmatch(r'<c r="C8" t="n"><v>0.4</v></c>', cells["C8"])  # a spilled cell: a cached value alone
    assert re.fullmatch(r'<c r="C9" t="str"><v>2!</v></c>', cells["C9"])
    assert "<v>1.152921504606847e+18</v>" in cells["B13"]  # as repr writes it
    assert re.search(r'<c r="B14" t="str"><f>.*</f><v></v></c>', cells["B14"])
    assert re.fullmatch(r'<c r="B15"><f>IF\(TRUE,Z99\)</f></c>', cells["B15"])
    assert f"<Application>{APPLICATION}</Application>" in app
    assert 'fullCalcOnLoad="1"' in workbook  # Excel still recalculates on open


def test_calculation_settings_are_kept(wb, tmp_path):
    wb.calc.iterate, wb.calc.iterate_count, wb.calc.iterate_delta = True, 7, 0.5
    path = tmp_path / "values.xlsx"
    save_workbook(wb, path)
    calc = load_workbook(path).calc
    assert (calc.iterate, calc.iterate_count, calc.iterate_delta, calc.full_calc_on_load) == (True, 7, 0.5, True)


@pytest.mark.parametrize("value,expected", [
    (None, None), (2.0, (None, "2")), (-0.5, (None, "-0.5")), (1e-310, (None, "1e-310")), (3, (None, "3")),
    (True, ("b", "1")), (False, ("b", "0")), ("", ("str", "")), ("a\x07b", ("str", "a_x0007_b")),
    (E.NA, ("e", "#N/A")), (E.SPILL, ("e", "#SPILL!")), (float("inf"), ("e", "#NUM!")),
])
def test_cached_value(value, expected):
    assert cached_value(value) == expected


def test_a_text_result_xml_cannot_hold_still_saves(wb, tmp_path):
    wb.set_formula("Calc", 14, 2, "=CHAR(7)&\"bell\"")
    wb.recalculate()
    path = tmp_path / "values.xlsx"
    save_workbook(wb, path)
    assert openpyxl.load_workbook(path, data_only=True)["Calc"]["B14"].value == "_x0007_bell"


@pytest.fixture(scope="module")
def titanic(tmp_path_factory):
    """The Titanic example, recalculated by gdsheet and saved: (workbook, path)."""
    wb = load_workbook(resource_path("examples", "titanic.xlsx"))
    wb.recalculate()
    path = tmp_path_factory.mktemp("titanic") / "titanic.xlsx"
    save_workbook(wb, path)
    return wb, path


@pytest.mark.slow
def test_titanic_round_trip_carries_the_losses(titanic):
    wb, path = titanic
    book = openpyxl.load_workbook(path, data_only=True)
    losses = {s: book[s]["N1"].value for s in LOSS_SHEETS}
    assert losses == {s: wb.get(s, 1, 14) for s in LOSS_SHEETS}
    assert all(isinstance(v, float) and 0 < v < 1 for v in losses.values())
    mmult = book["mmult"]  # the MMULT array formula's range, cached cell by cell
    assert [mmult.cell(r, c).value for r in (4, 715) for c in (16, 17)] == [
        wb.get("mmult", r, c) for r in (4, 715) for c in (16, 17)]
    assert _computed(load_workbook(path)) == _computed(wb)


def _libreoffice_csv(path, tmp_path) -> dict[str, list[list[str]]]:
    """Sheet name -> rows of the CSV LibreOffice exports, headless, with a profile of its own."""
    out = tmp_path / "csv"
    # 44,34,76: comma, double quote, UTF-8; the last token (-1) exports every sheet, as <name>-<sheet>.csv (7.2+)
    options = "44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", f"csv:Text - txt - csv (StarCalc):{options}", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    sheets = {}
    for file in out.glob(f"{path.stem}-*.csv"):
        with open(file, newline="", encoding="utf-8") as fh:
            sheets[file.stem[len(path.stem) + 1:]] = list(csv.reader(fh))
    if not sheets:
        pytest.skip("this LibreOffice cannot export one CSV per sheet (7.2 or later can)")
    return sheets


def _shown(rows: list[list[str]], ref: str) -> str:
    m = re.fullmatch(r"([A-Z]+)([0-9]+)", ref)
    col = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(m.group(1))))
    row = rows[int(m.group(2)) - 1]
    return row[col - 1] if col <= len(row) else ""


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_shows_the_values(wb, tmp_path):
    path = tmp_path / "values.xlsx"
    save_workbook(wb, path)
    rows = _libreoffice_csv(path, tmp_path)["Calc"]
    shown = {ref: _shown(rows, ref) for ref in ("B2", "B3", "B4", "B5", "B6", "C9", "B11")}
    assert shown == {"B2": "x < & >", "B3": "TRUE", "B4": "FALSE", "B5": "#DIV/0!", "B6": "#N/A", "C9": "2!",
                     "B11": "0"}
    for ref, value in [("B1", 0.3), ("B7", 0.1), ("C7", 0.2), ("B8", 0.3), ("C8", 0.4), ("B13", 2.0**60)]:
        assert float(_shown(rows, ref)) == pytest.approx(value, rel=1e-12), ref


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_shows_the_titanic_losses(titanic, tmp_path):
    wb, path = titanic
    sheets = _libreoffice_csv(path, tmp_path)
    for s in LOSS_SHEETS:
        assert float(_shown(sheets[s], "N1")) == pytest.approx(wb.get(s, 1, 14), rel=1e-12), s
    assert float(_shown(sheets["mmult"], "Q715")) == pytest.approx(wb.get("mmult", 715, 17), rel=1e-12)
