"""CSV import: types, header, delimiters, encodings, and clear errors."""
from __future__ import annotations

import pytest

from gdsheet.errors import GdsheetError
from gdsheet.io import import_csv
from gdsheet.sheet.workbook import Workbook


@pytest.fixture
def wb():
    wb = Workbook()
    wb.add_sheet("Sheet1")
    return wb


def rows(sheet, n_rows, n_cols):
    return [[sheet.cells.get((r, c)) for c in range(1, n_cols + 1)] for r in range(1, n_rows + 1)]


def test_values_are_typed_and_the_header_stays_text(wb, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text('name,age,score,alive\n"Smith, J",42,1.5e3,TRUE\nLee,,50%,false\n')
    sheet = import_csv(wb, path)
    assert sheet.name == "people" and wb.sheets[-1] is sheet
    assert rows(sheet, 3, 4) == [["name", "age", "score", "alive"], ["Smith, J", 42.0, 1500.0, True],
                                 ["Lee", None, 0.5, False]]
    wb.set_formula("people", 4, 2, "=SUM(B2:B3)")
    assert wb.get("people", 4, 2) == 42


def test_numeric_first_row_is_data(wb, tmp_path):
    path = tmp_path / "nums.csv"
    path.write_text("1,2\n3,4\n")
    assert rows(import_csv(wb, path), 2, 2) == [[1.0, 2.0], [3.0, 4.0]]


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_delimiter_is_sniffed(wb, tmp_path, sep):
    path = tmp_path / "d.csv"
    path.write_text(sep.join(["a", "b", "c"]) + "\n" + sep.join(["1", "x y", "3.5"]) + "\n")
    assert rows(import_csv(wb, path), 2, 3) == [["a", "b", "c"], [1.0, "x y", 3.5]]


@pytest.mark.parametrize("data", [
    "city,n\ncafé,1\n".encode("utf-8"),
    "\ufeffcity,n\ncafé,1\n".encode("utf-8"),  # the BOM Excel writes in "CSV UTF-8"
    "city,n\ncafé,1\n".encode("cp1252"),
])
def test_encodings(wb, tmp_path, data):
    path = tmp_path / "e.csv"
    path.write_bytes(data)
    assert rows(import_csv(wb, path), 2, 2) == [["city", "n"], ["café", 1.0]]


def test_sheet_name_is_made_valid_and_unique(wb, tmp_path):
    path = tmp_path / "a[1].csv"
    path.write_text("x\n1\n")
    assert import_csv(wb, path).name == "a_1_"
    assert import_csv(wb, path).name == "a_1_ (2)"
    assert import_csv(wb, path, sheet_name="Sheet1").name == "Sheet1 (2)"


def test_titanic_data(wb):
    from gdsheet.resources import resource_path

    sheet = import_csv(wb, resource_path("data", "titanic_train.csv"))
    assert sheet.used_bounds == (892, 12)
    assert sheet.cells[(1, 4)] == "Name" and sheet.cells[(2, 6)] == 22.0
    assert sheet.cells[(2, 4)] == "Braund, Mr. Owen Harris"
    assert sheet.cells[(7, 1)] == 6 and (7, 6) not in sheet.cells  # passenger 6 has no Age: an empty cell


@pytest.mark.parametrize("content, message", [
    (b"\x00\x01\x02binary", "not a text file"),
    ("a,b\n".encode("utf-16"), "not a text file"),
    (b"a,b\n\x81\x8d,1\n", "neither UTF-8 nor Windows-1252"),
])
def test_unreadable_files(wb, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(GdsheetError, match=f"could not import bad.csv: .*{message}"):
        import_csv(wb, path)
    assert [s.name for s in wb.sheets] == ["Sheet1"]


def test_missing_file(wb, tmp_path):
    with pytest.raises(GdsheetError, match="could not import gone.csv: No such file"):
        import_csv(wb, tmp_path / "gone.csv")
