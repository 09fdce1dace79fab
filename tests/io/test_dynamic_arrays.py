"""Saving dynamic-array formulas: cm="1" on their cells and Excel's XLDAPR metadata, so they reopen as spills."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from gdsheet.io import load_workbook, save_workbook
from gdsheet.io.xlsx_patch import CONTENT_TYPE, METADATA_PART, REL_TYPE
from gdsheet.refs import Area, parse_area
from gdsheet.resources import resource_path
from gdsheet.sheet.workbook import Workbook

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
XDA = "{http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray}"
# xl/metadata.xml as Excel 365 saves it for a workbook with dynamic arrays (pretty-printed here).
EXCEL_METADATA = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
          xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">
  <metadataTypes count="1">
    <metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" pasteAll="1" pasteValues="1" merge="1"
                  splitFirst="1" rowColShift="1" clearFormats="1" clearComments="1" assign="1" coerce="1"
                  cellMeta="1"/>
  </metadataTypes>
  <futureMetadata name="XLDAPR" count="1">
    <bk><extLst><ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}">
      <xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/>
    </ext></extLst></bk>
  </futureMetadata>
  <cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata>
</metadata>"""


@pytest.fixture
def wb():
    wb = Workbook()
    wb.add_sheet("Plain")
    wb.add_sheet("My Model")
    wb.set_value("Plain", 1, 1, 1.0)
    m = "My Model"
    for r in range(1, 4):
        wb.set_value(m, r, 1, float(r))
    wb.set_formula(m, 1, 3, "=SEQUENCE(3,2)", dynamic=True)  # spills over C1:D3
    wb.set_formula(m, 1, 6, "=A1:A3*2", dynamic=True)  # spills over F1:F3
    wb.set_formula(m, 5, 1, "=SUM(A1:A3)", dynamic=True)  # a dynamic formula with one value
    wb.set_formula(m, 6, 1, "={1;2}*10", array=Area(m, 6, 1, 7, 1))  # legacy CSE array: no cm
    wb.set_formula(m, 8, 1, "=A1+1")
    wb.recalculate()
    return wb


def _cells(xml: str) -> dict[str, str]:
    """A1 name -> the <c ...> start tag."""
    return {m.group(1): m.group(0) for m in re.finditer(r'<c (?=[^>]*\br="([A-Z]+[0-9]+)")[^>]*>', xml)}


def test_round_trip_keeps_dynamic_formulas_dynamic(wb, tmp_path):
    path = tmp_path / "dyn.xlsx"
    save_workbook(wb, path)
    back = load_workbook(path)
    sheet = back.sheet("My Model")
    f = sheet.formulas
    assert [(k, f[k].dynamic) for k in sorted(f)] == [((1, 3), True), ((1, 6), True), ((5, 1), True),
                                                     ((6, 1), False), ((8, 1), False)]
    assert sheet.spills == {(1, 3): parse_area("'My Model'!C1:D3"), (1, 6): parse_area("'My Model'!F1:F3")}
    assert f[(6, 1)].array == Area("My Model", 6, 1, 7, 1)
    back.recalculate()
    assert back.get("My Model", 3, 4) == 6 and back.get("My Model", 3, 6) == 6 and back.get("My Model", 5, 1) == 6
    assert back.get("My Model", 7, 1) == 20 and back.get("My Model", 8, 1) == 2


def test_cm_marks_only_the_dynamic_anchors(wb, tmp_path):
    path = tmp_path / "dyn.xlsx"
    save_workbook(wb, path)
    with zipfile.ZipFile(path) as z:
        plain, model = (z.read(f"xl/worksheets/sheet{i}.xml").decode() for i in (1, 2))
    cells = _cells(model)
    assert {name for name, tag in cells.items() if "cm=" in tag} == {"C1", "F1", "A5"}
    assert all(cells[name].count('cm="1"') == 1 for name in ("C1", "F1", "A5"))
    assert "cm=" not in plain
    # the formula itself stays an array formula over the spill range, as Excel writes it
    assert re.search(r'<c cm="1" r="C1"[^>]*><f t="array" ref="C1:D3">_xlfn.SEQUENCE\(3,2\)</f>', model)
    assert re.search(r'<c cm="1" r="A5"[^>]*><f t="array" ref="A5">SUM\(A1:A3\)</f>', model)


def test_metadata_part_is_what_excel_writes(wb, tmp_path):
    path = tmp_path / "dyn.xlsx"
    save_workbook(wb, path)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        meta = ET.fromstring(z.read(METADATA_PART))
        types = z.read("[Content_Types].xml").decode()
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    excel = ET.fromstring(EXCEL_METADATA)
    assert _shape(meta) == _shape(excel)
    props = meta.find(f"{MAIN}futureMetadata/{MAIN}bk/{MAIN}extLst/{MAIN}ext/{XDA}dynamicArrayProperties")
    assert props.attrib == {"fDynamic": "1", "fCollapsed": "0"}
    assert f'<Override PartName="/{METADATA_PART}" ContentType="{CONTENT_TYPE}"/>' in types
    ids = [r.get("Id") for r in rels]
    assert len(ids) == len(set(ids))
    assert [r.get("Target") for r in rels if r.get("Type") == REL_TYPE] == ["metadata.xml"]


def _shape(el: ET.Element) -> list:
    """Every element's tag and attributes, in document order: what two parts must share to mean the same."""
    return [(e.tag, dict(e.attrib)) for e in el.iter()]


def test_openpyxl_still_loads_the_file(wb, tmp_path):
    path = tmp_path / "dyn.xlsx"
    save_workbook(wb, path)
    book = openpyxl.load_workbook(path)
    cell = book["My Model"]["C1"].value
    assert isinstance(cell, ArrayFormula) and (cell.ref, cell.text) == ("C1:D3", "=_xlfn.SEQUENCE(3,2)")
    assert book.sheetnames == ["Plain", "My Model"]


def test_no_dynamic_formulas_means_no_metadata_part(wb, tmp_path):
    for sheet in wb.sheets:
        for key in [k for k, f in sheet.formulas.items() if f.dynamic]:
            wb.set_value(sheet.name, *key, 1.0)
    path = tmp_path / "plain.xlsx"
    save_workbook(wb, path)
    with zipfile.ZipFile(path) as z:
        assert METADATA_PART not in z.namelist()
        assert "metadata" not in z.read("[Content_Types].xml").decode()
        assert "sheetMetadata" not in z.read("xl/_rels/workbook.xml.rels").decode()
        assert "cm=" not in z.read("xl/worksheets/sheet2.xml").decode()


def test_resaving_a_loaded_dynamic_workbook_keeps_one_metadata_part(wb, tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    save_workbook(wb, first)
    save_workbook(load_workbook(first), second)
    with zipfile.ZipFile(second) as z:
        assert z.namelist().count(METADATA_PART) == 1
    assert load_workbook(second).sheet("My Model").formulas[(1, 3)].dynamic


@pytest.mark.slow
def test_titanic_round_trip(tmp_path):
    source = load_workbook(resource_path("examples", "titanic.xlsx"))
    mmult = source.sheet("mmult")
    anchor = mmult.formulas[(4, 16)]
    assert anchor.array == parse_area("mmult!P4:Q715") and not anchor.dynamic
    path = tmp_path / "titanic.xlsx"
    save_workbook(source, path)
    back = load_workbook(path)
    assert [s.name for s in back.sheets] == [s.name for s in source.sheets]
    for s in source.sheets:
        assert {k: f.text for k, f in back.sheet(s.name).formulas.items()} == {
            k: f.text for k, f in s.formulas.items()}, s.name
    assert back.sheet("mmult").formulas[(4, 16)].array == parse_area("mmult!P4:Q715")
    with zipfile.ZipFile(path) as z:
        assert METADATA_PART not in z.namelist()
    # the same MMULT made dynamic survives a save as a dynamic spill over the same range
    back.set_formula("mmult", 4, 16, anchor.text, dynamic=True)
    back.recalculate()
    save_workbook(back, path)
    again = load_workbook(path)
    assert again.sheet("mmult").formulas[(4, 16)].dynamic
    assert again.sheet("mmult").spills[(4, 16)] == parse_area("mmult!P4:Q715")
    again.recalculate()  # the spilled MMULT feeds the same loss as the SUMPRODUCT version of the net
    assert again.get("mmult", 1, 14) == pytest.approx(again.get("nnet", 1, 14), rel=1e-12)
