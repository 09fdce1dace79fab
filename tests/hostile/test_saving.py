"""Saving hostile names and places: sheet names quoted wherever Excel quotes them, messages that name the file."""
from __future__ import annotations

import html
import os
import zipfile

import pytest

from gdsheet.errors import WorkbookWriteError
from gdsheet.formula import parse
from gdsheet.formula.unparse import unparse
from gdsheet.io import load_workbook, save_workbook
from gdsheet.refs import quote_sheet
from gdsheet.sheet.workbook import Workbook


@pytest.mark.parametrize("name, quoted", [
    ("Ω≈ç√", True), ("Ünïcødé✓表", True), ("My Sheet", True), ("A1", True), ("R1C1", True), ("r2c", True),
    ("1st", True), ("a-b", True), ("it's", True), ("Données", False), ("表", False), ("Sheet_1.v2", False),
    ("_x", False),
])
def test_sheet_names_are_quoted_as_excel_quotes_them(name, quoted):
    text = quote_sheet(name)
    assert (text != name) is quoted
    node = parse(f"=SUM({text}!A1:B2)")
    assert unparse(node, 1, 1) == f"=SUM({text}!A1:B2)"


def test_formulas_on_sheets_named_with_symbols_survive_a_save(tmp_path):
    wb = Workbook()
    for name in ("Ω≈ç√", "Ünïcødé✓表", "Calc"):
        wb.add_sheet(name)
    wb.set_value("Ω≈ç√", 1, 1, 2.0)
    wb.set_value("Ünïcødé✓表", 1, 1, 3.0)
    wb.set_formula("Calc", 1, 1, "='Ω≈ç√'!A1*'Ünïcødé✓表'!A1")
    path = tmp_path / "symbols.xlsx"
    save_workbook(wb, path)
    with zipfile.ZipFile(path) as z:
        xml = html.unescape(z.read("xl/worksheets/sheet3.xml").decode())
    assert "'Ω≈ç√'!A1*'Ünïcødé✓表'!A1" in xml
    again = load_workbook(path)
    again.recalculate()
    assert again.get("Calc", 1, 1) == 6.0


def test_the_cli_names_the_users_file_when_a_save_fails(tmp_path, capsys):
    from gdsheet.solver.cli import main

    wb = Workbook()
    wb.add_sheet("Data")
    wb.set_value("Data", 1, 1, 2.0)
    wb.set_formula("Data", 2, 1, "=(A1-3)^2")
    book = tmp_path / "book.xlsx"
    save_workbook(wb, book)
    out = tmp_path / "missing" / "solved.xlsx"
    rc = main([str(book), "--objective", "Data!A2", "--changing", "Data!A1", "--iterations", "5", "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and "solved.xlsx" in err and ".tmp" not in err and "Traceback" not in err


def test_an_empty_name_and_a_folder_are_one_line_reasons(tmp_path):
    wb = Workbook()
    wb.add_sheet("Data")
    with pytest.raises(WorkbookWriteError, match="no file name"):
        save_workbook(wb, "")
    os.mkdir(tmp_path / "dir.xlsx")
    with pytest.raises(WorkbookWriteError, match="it is a folder"):
        save_workbook(wb, tmp_path / "dir.xlsx")
