"""Saving a workbook read from a file patches that file: open, change one cell, save, and nothing else changes.

The corpus checks use scripts/roundtrip_corpus.py (every part but the edited sheet byte-identical, worksheets
changed only in the edited cell and formula results, and ../shared/tools/roundtrip_check.py's cell-level checks);
a sample runs by default, the whole corpus is marked slow. The other tests build their workbooks: pivot parts, a
VBA project, the author's formula text, Excel's Solver names, layout, added cells.
"""
from __future__ import annotations

import importlib.util
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from gdsheet.io import load_workbook, save_workbook
from gdsheet.io.sheet_xml import WorksheetXml
from gdsheet.refs import Area

ROOT = Path(__file__).resolve().parents[2]


def _module(name: str, path: Path):
    """A helper module by its path: tests/io/conftest.py shares its module name with the other folders' ones."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


rc = _module("roundtrip_corpus", ROOT / "scripts" / "roundtrip_corpus.py")
_parts = _module("io_conftest", Path(__file__).with_name("conftest.py"))
MAIN, REL, minimal_parts, write_zip = _parts.MAIN, _parts.REL, _parts.minimal_parts, _parts.write_zip

SHARED = ROOT.parent / "shared" / "corpus"
ROUNDTRIP = sorted((SHARED / "roundtrip").glob("*.xls[xm]")) if (SHARED / "roundtrip").is_dir() else []
EXCEL = sorted((SHARED / "excel").rglob("*.xlsx")) if (SHARED / "excel").is_dir() else []
SAMPLE = ROUNDTRIP[::25] + [b for b in ROUNDTRIP if b.suffix == ".xlsm"] + EXCEL[::6]


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.mark.skipif(not SAMPLE, reason="../shared/corpus is not present")
@pytest.mark.parametrize("book", SAMPLE, ids=[b.name for b in SAMPLE])
def test_corpus_sample_survives_one_edit_and_a_save(book, tmp_path):
    assert rc.round_trip(book, tmp_path) == []


@pytest.mark.slow
@pytest.mark.skipif(not ROUNDTRIP, reason="../shared/corpus is not present")
@pytest.mark.skipif(os.environ.get("GDSHEET_CORPUS") != "full", reason="the whole corpus (~1,000 books, minutes): "
                    "GDSHEET_CORPUS=full, or scripts/roundtrip_corpus.py")
@pytest.mark.parametrize("book", ROUNDTRIP + EXCEL, ids=[b.name for b in ROUNDTRIP + EXCEL])
def test_whole_corpus_survives_one_edit_and_a_save(book, tmp_path):
    assert rc.round_trip(book, tmp_path) == []


@pytest.mark.skipif(not SAMPLE, reason="../shared/corpus is not present")
@pytest.mark.parametrize("book", SAMPLE[::3], ids=[b.name for b in SAMPLE[::3]])
def test_a_save_without_edits_copies_every_part(book, tmp_path):
    wb = load_workbook(book)
    out = tmp_path / book.name
    save_workbook(wb, out)
    assert parts(out) == parts(book)


# ---- built workbooks ------------------------------------------------------------------------------------------

PIVOT_CACHE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<pivotCacheDefinition xmlns="{MAIN}" xmlns:r="{REL}" r:id="rId1" refreshOnLoad="1" recordCount="2">
<cacheSource type="worksheet"><worksheetSource ref="A1:B3" sheet="Sheet1"/></cacheSource>
<cacheFields count="2"><cacheField name="k" numFmtId="0"><sharedItems/></cacheField>
<cacheField name="v" numFmtId="0"><sharedItems containsSemiMixedTypes="0" containsString="0" containsNumber="1"
 minValue="1" maxValue="2"/></cacheField></cacheFields></pivotCacheDefinition>"""
PIVOT_RECORDS = f"""<pivotCacheRecords xmlns="{MAIN}" count="2"><r><s v="a"/><n v="1"/></r><r><s v="b"/><n v="2"/></r>
</pivotCacheRecords>"""
PIVOT_TABLE = f"""<pivotTableDefinition xmlns="{MAIN}" name="Pivot1" cacheId="1" dataCaption="Values">
<location ref="D1:E4" firstHeaderRow="1" firstDataRow="1" firstDataCol="1"/>
<pivotFields count="2"><pivotField axis="axisRow" showAll="0"/><pivotField dataField="1" showAll="0"/></pivotFields>
<rowFields count="1"><field x="0"/></rowFields><dataFields count="1"><dataField name="Sum of v" fld="1"/></dataFields>
</pivotTableDefinition>"""


def pivot_book(path: Path) -> Path:
    """A workbook with a pivot table, its cache definition and records, related as Excel relates them."""
    p = minimal_parts('<row r="1"><c r="A1" t="inlineStr"><is><t>k</t></is></c><c r="B1" t="inlineStr"><is><t>v'
                      '</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c><c r="B2"><v>1'
                      '</v></c><c r="C2"><f>B2*10</f><v>10</v></c></row><row r="3"><c r="A3" t="inlineStr"><is>'
                      '<t>b</t></is></c><c r="B3"><v>2</v></c></row>',
                      workbook_extra='<pivotCaches><pivotCache cacheId="1" r:id="rIdP"/></pivotCaches>')
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml."
    p["[Content_Types].xml"] = p["[Content_Types].xml"].replace("</Types>", (
        f'<Override PartName="/xl/pivotCache/pivotCacheDefinition1.xml" ContentType="{ct}pivotCacheDefinition+xml"/>'
        f'<Override PartName="/xl/pivotCache/pivotCacheRecords1.xml" ContentType="{ct}pivotCacheRecords+xml"/>'
        f'<Override PartName="/xl/pivotTables/pivotTable1.xml" ContentType="{ct}pivotTable+xml"/></Types>'))
    p["xl/_rels/workbook.xml.rels"] = p["xl/_rels/workbook.xml.rels"].replace("</Relationships>", (
        f'<Relationship Id="rIdP" Type="{REL}/pivotCacheDefinition" '
        'Target="pivotCache/pivotCacheDefinition1.xml"/></Relationships>'))
    p["xl/pivotCache/pivotCacheDefinition1.xml"] = PIVOT_CACHE
    p["xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels"] = (
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1"'
        f' Type="{REL}/pivotCacheRecords" Target="pivotCacheRecords1.xml"/></Relationships>')
    p["xl/pivotCache/pivotCacheRecords1.xml"] = PIVOT_RECORDS
    p["xl/pivotTables/pivotTable1.xml"] = PIVOT_TABLE
    p["xl/pivotTables/_rels/pivotTable1.xml.rels"] = (
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1"'
        f' Type="{REL}/pivotCacheDefinition" Target="../pivotCache/pivotCacheDefinition1.xml"/></Relationships>')
    p["xl/worksheets/_rels/sheet1.xml.rels"] = (
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1"'
        f' Type="{REL}/pivotTable" Target="../pivotTables/pivotTable1.xml"/></Relationships>')
    return write_zip(path, p)


def test_pivot_tables_and_their_caches_are_kept_and_said_so(tmp_path):
    book = pivot_book(tmp_path / "pivot.xlsx")
    wb = load_workbook(book)
    assert "a pivot table is kept as it is; it is not updated by gdsheet" in wb.load_warnings
    wb.set_value("Sheet1", 2, 2, 5.0)
    assert save_workbook(wb, tmp_path / "out.xlsx") == []
    before, after = parts(book), parts(tmp_path / "out.xlsx")
    assert before.keys() == after.keys()
    assert [n for n in before if before[n] != after[n]] == ["xl/worksheets/sheet1.xml"]
    s = load_workbook(tmp_path / "out.xlsx").sheet("Sheet1")
    assert s.cells[(2, 2)] == 5.0 and s.cells[(2, 3)] == 50.0 and s.formulas[(2, 3)].text == "=B2*10"


def macro_book(path: Path) -> Path:
    p = minimal_parts('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f><v>2</v></c></row>')
    p["[Content_Types].xml"] = p["[Content_Types].xml"].replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    p["[Content_Types].xml"] = p["[Content_Types].xml"].replace(
        "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    p["xl/_rels/workbook.xml.rels"] = p["xl/_rels/workbook.xml.rels"].replace("</Relationships>", (
        '<Relationship Id="rIdV" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
        'Target="vbaProject.bin"/></Relationships>'))
    p["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 not really a VBA project, kept byte for byte"
    return write_zip(path, p)


def test_xlsm_in_xlsm_out_and_xlsx_leaves_the_macros_out(tmp_path):
    book = macro_book(tmp_path / "m.xlsm")
    assert b"macroEnabled" in parts(book)["[Content_Types].xml"]
    wb = load_workbook(book)
    assert any("macros" in w and "never runs them" in w for w in wb.load_warnings)
    wb.set_value("Sheet1", 1, 1, 3.0)
    assert save_workbook(wb, tmp_path / "out.xlsm") == []
    kept = parts(tmp_path / "out.xlsm")
    assert kept["xl/vbaProject.bin"] == parts(book)["xl/vbaProject.bin"]
    assert kept["[Content_Types].xml"] == parts(book)["[Content_Types].xml"]
    notes = save_workbook(wb, tmp_path / "out.xlsx")
    assert notes and "macros" in notes[0] and "left out" in notes[0]
    plain = parts(tmp_path / "out.xlsx")
    assert "xl/vbaProject.bin" not in plain and b"vbaProject" not in plain["xl/_rels/workbook.xml.rels"]
    types = plain["[Content_Types].xml"]
    assert b"macroEnabled" not in types and b"vbaProject" not in types and b"spreadsheetml.sheet.main+xml" in types
    assert openpyxl.load_workbook(tmp_path / "out.xlsx")["Sheet1"]["A1"].value == 3


def test_the_authors_formula_text_is_kept_and_edits_are_written_as_excel_stores_them(tmp_path):
    rows = ('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>(((A1+0.01)+A1*2)-1)^2</f><v>4.0401</v></c>'
            '<c r="C1"><f>_xlfn.SINGLE(A1:A2)</f><v>1</v></c><c r="D1"><f t="shared" ref="D1:D3" si="0">A1+$A$1</f>'
            '<v>2</v></c></row><row r="2"><c r="A2"><v>2</v></c><c r="D2"><f t="shared" si="0"/><v>3</v></c></row>'
            '<row r="3"><c r="D3"><f t="shared" si="0"/><v>1</v></c></row>')
    book = write_zip(tmp_path / "f.xlsx", minimal_parts(rows))
    wb = load_workbook(book)
    assert wb.sheet("Sheet1").formulas[(1, 3)].text == "=SINGLE(A1:A2)"  # shown without the prefix
    wb.set_value("Sheet1", 2, 1, 5.0)
    save_workbook(wb, tmp_path / "a.xlsx")
    xml = parts(tmp_path / "a.xlsx")["xl/worksheets/sheet1.xml"]
    for kept in (b"<f>(((A1+0.01)+A1*2)-1)^2</f>", b"<f>_xlfn.SINGLE(A1:A2)</f>",
                 b'<f t="shared" ref="D1:D3" si="0">A1+$A$1</f>', b'<c r="D2"><f t="shared" si="0"/><v>6</v>'):
        assert kept in xml
    wb.set_formula("Sheet1", 1, 4, "=A1*3")  # the shared master edited: its followers get their own text
    wb.set_formula("Sheet1", 4, 1, "=SINGLE(A1:A2)+SUM(SORT(A1:A2))")
    save_workbook(wb, tmp_path / "b.xlsx")
    xml = parts(tmp_path / "b.xlsx")["xl/worksheets/sheet1.xml"]
    assert b"<f>A1*3</f>" in xml and b"<f>A2+$A$1</f>" in xml and b"<f>A3+$A$1</f>" in xml
    assert b"<f>_xlfn.SINGLE(A1:A2)+SUM(_xlfn._xlws.SORT(A1:A2))</f>" in xml
    back = openpyxl.load_workbook(tmp_path / "b.xlsx")["Sheet1"]
    assert back["D2"].value == "=A2+$A$1" and back["B1"].value == "=(((A1+0.01)+A1*2)-1)^2"


def test_calc_chain_goes_when_a_formula_changes_and_stays_otherwise(tmp_path):
    p = minimal_parts('<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f><v>2</v></c></row>')
    p["xl/calcChain.xml"] = f'<calcChain xmlns="{MAIN}"><c r="B1" i="1"/></calcChain>'
    p["[Content_Types].xml"] = p["[Content_Types].xml"].replace("</Types>", (
        '<Override PartName="/xl/calcChain.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>'))
    p["xl/_rels/workbook.xml.rels"] = p["xl/_rels/workbook.xml.rels"].replace(
        "</Relationships>", f'<Relationship Id="rIdC" Type="{REL}/calcChain" Target="calcChain.xml"/></Relationships>')
    book = write_zip(tmp_path / "c.xlsx", p)
    wb = load_workbook(book)
    wb.set_value("Sheet1", 1, 1, 4.0)
    save_workbook(wb, tmp_path / "values.xlsx")
    assert parts(tmp_path / "values.xlsx")["xl/calcChain.xml"] == parts(book)["xl/calcChain.xml"]
    wb.set_formula("Sheet1", 1, 2, "=A1*3")
    save_workbook(wb, tmp_path / "formula.xlsx")
    saved = parts(tmp_path / "formula.xlsx")
    assert "xl/calcChain.xml" not in saved
    assert b"calcChain" not in saved["[Content_Types].xml"] and b"calcChain" not in saved["xl/_rels/workbook.xml.rels"]


SOLVER_NAMES = {"solver_adj": "Sheet1!$A$1", "solver_opt": "Sheet1!$B$1", "solver_typ": "2", "solver_itr":
                "2147483647", "solver_tim": "2147483647", "solver_drv": "1", "solver_est": "1", "solver_nwt": "1",
                "solver_neg": "1", "solver_num": "0", "solver_eng": "1", "solver_ver": "3"}


def test_a_solve_saved_with_o_changes_only_the_variable_cells_and_results(tmp_path, capsys):
    from gdsheet.solver.cli import main

    names = "".join(f'<definedName name="{n}" localSheetId="0" hidden="1">{v}</definedName>'
                    for n, v in sorted(SOLVER_NAMES.items()))
    names = names.replace("<definedName", '<definedName comment="kept"', 1)
    rows = ('<row r="1" ht="30" customHeight="1"><c r="A1" s="0"><v>3</v></c><c r="B1"><f>(A1-2)^2+1</f><v>2</v>'
            '</c><c r="C1" t="inlineStr"><is><t>loss</t></is></c></row>')
    book = write_zip(tmp_path / "s.xlsx", minimal_parts(
        rows, workbook_extra=f"<definedNames>{names}</definedNames>",
        sheet_extra='<mergeCells count="1"><mergeCell ref="C2:D3"/></mergeCells>'))
    out = tmp_path / "solved.xlsx"
    assert main([str(book), "--method", "lbfgs", "-o", str(out)]) == 0
    before, after = parts(book), parts(out)
    assert [n for n in before if before[n] != after[n]] == ["xl/worksheets/sheet1.xml"]
    assert after["xl/workbook.xml"] == before["xl/workbook.xml"]  # every Solver name kept as Excel wrote it
    changed = rc.cell_changes(before["xl/worksheets/sheet1.xml"], after["xl/worksheets/sheet1.xml"])
    assert changed == ["A1"]
    assert openpyxl.load_workbook(out)["Sheet1"]["A1"].value == pytest.approx(2, abs=1e-4)


def test_cells_and_rows_are_inserted_in_order_and_the_dimension_follows(tmp_path):
    rows = ('<row r="2" spans="1:3"><c r="A2"><v>1</v></c><c r="C2"><v>3</v></c></row>'
            '<row r="5"><c r="B5"><v>5</v></c></row>')
    book = write_zip(tmp_path / "i.xlsx", minimal_parts(rows).copy())
    p = parts(book)
    p["xl/worksheets/sheet1.xml"] = p["xl/worksheets/sheet1.xml"].replace(b"<sheetData>",
                                                                           b'<dimension ref="A2:C5"/><sheetData>')
    book = write_zip(tmp_path / "i2.xlsx", p)
    wb = load_workbook(book)
    for r, c, v in ((2, 2, 2.0), (1, 1, "top"), (3, 4, 4.0), (7, 1, 7.0)):
        wb.set_value("Sheet1", r, c, v)
    wb.clear("Sheet1", 5, 2)
    save_workbook(wb, tmp_path / "out.xlsx")
    xml = parts(tmp_path / "out.xlsx")["xl/worksheets/sheet1.xml"]
    part = WorksheetXml(io.BytesIO(xml))
    refs = [m for m in b"".join(part.blocks()).split(b'r="')[1:]]
    order = [r.split(b'"')[0].decode() for r in refs]
    assert order == ["1", "A1", "2", "A2", "B2", "C2", "3", "D3", "5", "7", "A7"]
    assert b'<dimension ref="A1:D7"/>' in xml
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Sheet1"]
    assert [ws["A1"].value, ws["B2"].value, ws["D3"].value, ws["B5"].value, ws["A7"].value] == ["top", 2, 4, None, 7]


def test_layout_changes_are_written_and_an_untouched_layout_keeps_its_bytes(tmp_path):
    book = write_zip(tmp_path / "l.xlsx", minimal_parts(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="2" ht="20" customHeight="1"><c r="A2"><v>2</v></c></row>'))
    p = parts(book)
    p["xl/worksheets/sheet1.xml"] = p["xl/worksheets/sheet1.xml"].replace(b"<sheetData>", (
        b'<sheetViews><sheetView workbookViewId="0"/></sheetViews><cols><col min="1" max="2" width="12.5" '
        b'customWidth="1" bestFit="1"/></cols><sheetData>'))
    book = write_zip(tmp_path / "l2.xlsx", p)
    wb = load_workbook(book)
    s = wb.sheet("Sheet1")
    assert s.col_widths == {1: 12.5, 2: 12.5} and s.row_heights == {2: 20.0}
    save_workbook(wb, tmp_path / "same.xlsx")
    assert parts(tmp_path / "same.xlsx") == parts(book)
    s.col_widths[2] = 30.0
    s.hidden_cols.add(3)
    s.row_heights[1] = 40.0
    s.hidden_rows.add(2)
    s.freeze, s.zoom = (2, 2), 85
    s.merged.append(Area("Sheet1", 4, 1, 5, 2))
    save_workbook(wb, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Sheet1"]
    assert ws.column_dimensions["A"].width == 12.5 and ws.column_dimensions["B"].width == 30
    assert ws.column_dimensions["C"].hidden and ws.row_dimensions[1].height == 40 and ws.row_dimensions[2].hidden
    assert ws.freeze_panes == "B2" and ws.sheet_view.zoomScale == 85
    assert [str(m) for m in ws.merged_cells.ranges] == ["A4:B5"]
    back = load_workbook(tmp_path / "out.xlsx").sheet("Sheet1")
    assert (back.freeze, back.zoom, back.hidden_rows, back.hidden_cols) == ((2, 2), 85, {2}, {3})


def test_saving_over_the_file_it_came_from(tmp_path):
    book = pivot_book(tmp_path / "p.xlsx")
    wb = load_workbook(book)
    wb.set_value("Sheet1", 2, 2, 7.0)
    save_workbook(wb, book)
    wb.set_value("Sheet1", 3, 2, 8.0)
    save_workbook(wb, book)  # patches what it read, not the file it just wrote over
    s = load_workbook(book).sheet("Sheet1")
    assert (s.cells[(2, 2)], s.cells[(3, 2)]) == (7.0, 8.0) and "xl/pivotTables/pivotTable1.xml" in parts(book)


def test_a_large_original_changed_on_disk_is_not_patched(tmp_path, monkeypatch):
    from gdsheet.io import package

    monkeypatch.setattr(package, "MEMORY_LIMIT", 0)  # held by path, size and time, as a large file is
    book = pivot_book(tmp_path / "p.xlsx")
    wb = load_workbook(book)
    assert wb.source.data is None
    shutil.copy(macro_book(tmp_path / "other.xlsm"), book)  # another program replaced it
    notes = save_workbook(wb, tmp_path / "out.xlsx")
    assert notes and "changed by another program" in notes[0] and "written afresh" in notes[0]
    assert load_workbook(tmp_path / "out.xlsx").sheet("Sheet1").cells[(2, 2)] == 1.0


def test_a_large_original_saved_over_twice_is_patched_both_times(tmp_path, monkeypatch):
    from gdsheet.io import package

    monkeypatch.setattr(package, "MEMORY_LIMIT", 0)
    book = pivot_book(tmp_path / "p.xlsx")
    wb = load_workbook(book)
    for value in (7.0, 8.0):
        wb.set_value("Sheet1", 2, 2, value)
        assert save_workbook(wb, book) == []  # the second save patches what the first one wrote
    assert "xl/pivotTables/pivotTable1.xml" in parts(book)
    assert load_workbook(book).sheet("Sheet1").cells[(2, 2)] == 8.0


def test_an_added_sheet_is_patched_in_and_the_pivot_parts_stay(tmp_path):
    book = pivot_book(tmp_path / "p.xlsx")
    wb = load_workbook(book)
    wb.add_sheet("new")
    wb.set_value("new", 1, 1, 2.0)
    notes = save_workbook(wb, tmp_path / "out.xlsx")
    assert notes == []  # patched, not written afresh
    with zipfile.ZipFile(book) as a, zipfile.ZipFile(tmp_path / "out.xlsx") as b:
        pivots = [n for n in a.namelist() if "pivot" in n.lower()]
        assert pivots and all(a.read(n) == b.read(n) for n in pivots)
    again = load_workbook(tmp_path / "out.xlsx")
    assert again.sheets[1].name == "new" and again.get("new", 1, 1) == 2.0


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_changed_value_and_the_formulas(tmp_path):
    from gdsheet.solver.cli import main  # noqa: F401  (imports the same as gdsheet)

    book = pivot_book(tmp_path / "p.xlsx")
    wb = load_workbook(book)
    wb.set_value("Sheet1", 2, 2, 5.0)
    wb.set_formula("Sheet1", 3, 3, "=B3*100+SUM(B2:B3)")
    save_workbook(wb, tmp_path / "out.xlsx")
    subprocess.run(["soffice", "--headless", "--convert-to", "csv", "--outdir", str(tmp_path / "csv"),
                    str(tmp_path / "out.xlsx")], check=True, capture_output=True, timeout=180)
    lines = (tmp_path / "csv" / "out.csv").read_text().splitlines()
    assert lines[1].split(",")[:3] == ["a", "5", "50"] and lines[2].split(",")[:3] == ["b", "2", "207"]


# ---- held-out-like: Excel-saved books of the corpus, solved from the command line with -o --------------------

_NAMES_BLOCK = re.compile(rb"<definedNames>.*?</definedNames>", re.S)


def solve_and_compare(book: Path, out: Path, args: list[str], variables: set[str]) -> None:
    """`gdsheet solve BOOK ARGS -o OUT`; then every part of OUT is the original's but the solved sheet (changed in
    the variable cells and formula results only) and workbook.xml (the stored model's names added)."""
    from gdsheet.solver.cli import main

    assert main([str(book), *args, "-o", str(out)]) == 0
    before, after = parts(book), parts(out)
    assert before.keys() == after.keys()
    for name in before:
        if before[name] == after[name]:
            continue
        if name == "xl/workbook.xml":
            assert _NAMES_BLOCK.sub(b"", before[name]) == _NAMES_BLOCK.sub(b"", after[name])
            kept = re.findall(rb"<definedName [^>]*>[^<]*</definedName>", before[name])
            assert all(k in after[name] for k in kept)  # the file's own names, byte for byte
        else:
            assert name.startswith("xl/worksheets/sheet")
            assert set(rc.cell_changes(before[name], after[name])) <= variables


@pytest.mark.skipif(not (SHARED / "roundtrip" / "table10.xlsx").exists(), reason="../shared/corpus is not present")
def test_an_excel_table_book_solved_with_o_changes_only_its_variables(tmp_path):
    solve_and_compare(SHARED / "roundtrip" / "table10.xlsx", tmp_path / "out.xlsx",
                      ["--objective", "Sheet1!K4", "--changing", "Sheet1!B4:D4", "--value-of", "6"],
                      {"B4", "C4", "D4"})
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Sheet1"]
    assert sum(ws[c].value for c in ("B4", "C4", "D4")) == pytest.approx(6, abs=1e-3)
    assert ws.tables["Table1"].ref == "B3:K6" and ws["K4"].value == "=SUM(Table1[[#This Row],[Column1]:[Column3]])"


@pytest.mark.parametrize("name", ["button07.xlsm", "panes01.xlsx", "macro04.xlsm"])
def test_excel_books_with_macros_buttons_and_panes_solved_with_o_keep_everything(tmp_path, name):
    original = SHARED / "roundtrip" / name
    if not original.exists():
        pytest.skip("../shared/corpus is not present")
    wb = load_workbook(original)  # a model added in gdsheet, saved into the Excel-saved package
    sheet = wb.sheets[0].name
    wb.set_value(sheet, 20, 1, 3.0)
    wb.set_formula(sheet, 20, 2, "=(A20-2)^2+1")
    book = tmp_path / name
    assert save_workbook(wb, book) == []
    solve_and_compare(book, tmp_path / ("out" + original.suffix),
                      ["--objective", f"{sheet}!B20", "--changing", f"{sheet}!A20"], {"A20"})
    kept = parts(tmp_path / ("out" + original.suffix))
    assert all(kept[n] == data for n, data in parts(original).items() if not n.startswith("xl/worksheets/sheet")
               and n != "xl/workbook.xml")
    assert openpyxl.load_workbook(tmp_path / ("out" + original.suffix))[sheet]["A20"].value == pytest.approx(2)


def test_a_row_inserted_in_a_shared_formula_block_saves_each_cell_its_own_formula(tmp_path):
    from gdsheet.sheet.shift import insert

    # B1:B4 share =$A$1+0 style formulas whose relative part points above the block: after an insert at row 3,
    # B4 holds B3's old formula (same text, =A1*10, a reference that did not move): not the group's =A2*10
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}">'
                   + ('<f t="shared" ref="B2:B5" si="0">A1*10</f>' if r == 2 else
                      '<f t="shared" si="0"/>' if r > 2 else "") + f"<v>{(r - 1) * 10}</v></c></row>"
                   for r in range(1, 6))
    rows = rows.replace('<c r="B1"><v>0</v></c>', "")
    book = write_zip(tmp_path / "s.xlsx", minimal_parts(rows))
    wb = load_workbook(book)
    insert(wb, "Sheet1", "row", 4, 1)  # rows 4 and 5 move to 5 and 6
    expected = {(r, 2): f.text for (r, c), f in wb.sheet("Sheet1").formulas.items() if c == 2}
    save_workbook(wb, tmp_path / "out.xlsx")
    back = load_workbook(tmp_path / "out.xlsx").sheet("Sheet1")
    assert {(r, 2): f.text for (r, c), f in back.formulas.items() if c == 2} == expected
    back_values = openpyxl.load_workbook(tmp_path / "out.xlsx")["Sheet1"]
    assert back_values["B5"].value == expected[(5, 2)]


@pytest.mark.skipif(not (SHARED / "roundtrip" / "format01.xlsx").exists(), reason="../shared/corpus is not present")
def test_a_new_cell_format_goes_into_styles_xml_and_the_cell_s_index(tmp_path):
    from gdsheet.sheet.styles import with_font

    book = SHARED / "roundtrip" / "format01.xlsx"
    wb = load_workbook(book)
    sheet = wb.sheets[0]
    key = next(iter(sorted(sheet.cells)))
    fmt = wb.styles.format(sheet.style_ids.get(key, 0))
    sheet.style_ids[key] = wb.styles.xf_for(with_font(fmt, bold=not fmt.font.bold, size=23.0))
    assert wb.styles.dirty
    save_workbook(wb, tmp_path / "out.xlsx")
    before, after = parts(book), parts(tmp_path / "out.xlsx")
    assert {n for n in before if before[n] != after[n]} == {"xl/styles.xml", "xl/worksheets/sheet1.xml"}
    cell = openpyxl.load_workbook(tmp_path / "out.xlsx")[sheet.name].cell(*key)
    assert cell.font.sz == 23 and cell.font.b == (not fmt.font.bold)
