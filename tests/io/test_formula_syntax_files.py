"""LAMBDA, LET, functions passed by name, trim references and 3-D references through a saved file and back: the
file spells them as Excel does (_xlfn., _xlpm., _xleta., _TRO_*), the app shows them as typed, values survive."""
from __future__ import annotations

import re
import zipfile

import pytest

from gdsheet.io.xlsx_read import read_xlsx
from gdsheet.io.xlsx_sheet import display_text
from gdsheet.io.xlsx_write import write_xlsx
from gdsheet.sheet.workbook import Workbook

FORMULAS = [  # (as typed, as the file stores it, value)
    ("=SUM(Jan:Feb!A1)", "SUM(Jan:Feb!A1)", 3.0),
    ("=LAMBDA(x,x*2)(21)", "_xlfn.LAMBDA(_xlpm.x,_xlpm.x*2)(21)", 42.0),
    ("=SUM(MAP(Jan!A1:A1,LAMBDA(v,v+1)))", "SUM(_xlfn.MAP(Jan!A1:A1,_xlfn.LAMBDA(_xlpm.v,_xlpm.v+1)))", 2.0),
    ("=ROWS(Jan!A:.A)", "ROWS(_xlfn._TRO_TRAILING(Jan!A:A))", 3.0),
    ("=TAKE(GROUPBY(Jan!A2:A3,Jan!A2:A3,COUNTA,0,0),1,1)",
     "_xlfn.TAKE(_xlfn.GROUPBY(Jan!A2:A3,Jan!A2:A3,_xleta.COUNTA,0,0),1,1)", "a"),
    ("=LET(a,2,a*a)", "_xlfn.LET(_xlpm.a,2,_xlpm.a*_xlpm.a)", 4.0),
]


def test_new_syntax_survives_a_save(tmp_path):
    wb = Workbook()
    for name in ("Jan", "Feb", "Out"):
        wb.add_sheet(name)
    wb.set_values([("Jan", 1, 1, 1.0), ("Feb", 1, 1, 2.0), ("Jan", 2, 1, "a"), ("Jan", 3, 1, "b")])
    for i, (text, _, _) in enumerate(FORMULAS):
        wb.set_formula("Out", i + 1, 1, text, dynamic=True)
    wb.recalculate()
    write_xlsx(wb, tmp_path / "new.xlsx")
    xml = zipfile.ZipFile(tmp_path / "new.xlsx").read("xl/worksheets/sheet3.xml").decode()
    assert re.findall(r"<f[^>]*>([^<]*)</f>", xml) == [stored for _, stored, _ in FORMULAS]
    back = read_xlsx(tmp_path / "new.xlsx")
    back.recalculate()
    for i, (text, _, value) in enumerate(FORMULAS):
        assert back.formula("Out", i + 1, 1).text == text
        assert back.get("Out", i + 1, 1) == value


@pytest.mark.parametrize("stored,shown", [
    ("_xlfn._TRO_ALL($A$1:$B$9)", "$A$1.:.$B$9"), ("_xlfn._TRO_LEADING(Sheet1!A1:C9)", "Sheet1!A1.:C9"),
    ('CONCAT("_xlpm.x",_xlpm.x)', 'CONCAT("_xlpm.x",x)'), ("_xlfn.BYROW(A1:B2,_xleta.SUM)", "BYROW(A1:B2,SUM)"),
])
def test_file_spellings_are_shown_as_typed(stored, shown):
    assert display_text(stored) == shown
