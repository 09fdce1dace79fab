"""Mark dynamic-array formulas in a saved .xlsx package: cm="1" on their cells and the XLDAPR metadata part."""
from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from typing import IO

from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_WORKBOOK, ARC_WORKBOOK_RELS

from gdsheet.refs import cell_name
from gdsheet.sheet.workbook import Workbook

METADATA_PART = "xl/metadata.xml"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sheetMetadata"
# What Excel writes: cell metadata 1 (cm="1") -> metadata type 1 (XLDAPR), future block 0 -> fDynamic="1".
METADATA_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<metadata xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">'
    '<metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" pasteAll="1" '
    'pasteValues="1" merge="1" splitFirst="1" rowColShift="1" clearFormats="1" clearComments="1" assign="1" '
    'coerce="1" cellMeta="1"/></metadataTypes>'
    '<futureMetadata name="XLDAPR" count="1"><bk><extLst><ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}">'
    '<xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/></ext></extLst></bk></futureMetadata>'
    '<cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata></metadata>').encode()

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# A cell's start tag, whatever the order of its attributes; the text of a part cannot hold '<', so no false hits.
_CELL_START = re.compile(rb'<c (?=[^>]*?\br="([A-Z]{1,3}[0-9]+)")')


def dynamic_anchors(wb: Workbook) -> dict[str, set[str]]:
    """Sheet name -> A1 names of the cells holding a dynamic-array formula; sheets without one are left out."""
    out = {}
    for sheet in wb.sheets:
        cells = {cell_name(row, col) for (row, col), f in sheet.formulas.items() if f.dynamic}
        if cells:
            out[sheet.name] = cells
    return out


def mark_dynamic(src: IO[bytes], dst: IO[bytes], anchors: dict[str, set[str]]) -> None:
    """Copy the package openpyxl wrote in `src` to `dst`, marking the `anchors` cells as dynamic arrays.

    Each anchor's <c> gets cm="1", and xl/metadata.xml is added and registered in [Content_Types].xml and the
    workbook relationships, as Excel does; without them Excel reads the array formulas as legacy (CSE) ones.
    """
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        parts = _sheet_parts(zin)
        edits = {parts[name]: cells for name, cells in anchors.items()}
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in edits:
                data = _mark_cells(data, edits[info.filename])
            elif info.filename == ARC_CONTENT_TYPES:
                data = _insert_before(data, b"</Types>",
                                      f'<Override PartName="/{METADATA_PART}" ContentType="{CONTENT_TYPE}"/>')
            elif info.filename == ARC_WORKBOOK_RELS:
                data = _insert_before(data, b"</Relationships>", f'<Relationship Id="{_free_id(data)}" '
                                      f'Type="{REL_TYPE}" Target="{posixpath.basename(METADATA_PART)}"/>')
            zout.writestr(info, data)
        zout.writestr(METADATA_PART, METADATA_XML)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part's path in the package, through workbook.xml and its relationships."""
    rels = ET.fromstring(archive.read(ARC_WORKBOOK_RELS))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_PKG}Relationship")}
    base = posixpath.dirname(ARC_WORKBOOK)
    out = {}
    for sheet in ET.fromstring(archive.read(ARC_WORKBOOK)).iter(f"{_NS}sheet"):
        target = targets[sheet.get(_R_ID)]
        # openpyxl writes absolute targets ('/xl/worksheets/sheet1.xml'); relative ones start at the workbook
        out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
    return out


def _mark_cells(xml: bytes, cells: set[str]) -> bytes:
    todo = {c.encode() for c in cells}
    marked = _CELL_START.sub(lambda m: b'<c cm="1" ' if m.group(1) in todo else m.group(0), xml)
    if marked.count(b'<c cm="1" ') != len(todo):
        raise ValueError(f"dynamic-array cells {sorted(cells)} were not all found in the saved sheet")
    return marked


def _insert_before(xml: bytes, closing: bytes, element: str) -> bytes:
    at = xml.rindex(closing)
    return xml[:at] + element.encode() + xml[at:]


def _free_id(rels: bytes) -> str:
    taken = set(re.findall(rb'\bId="([^"]*)"', rels))
    return next(f"rId{i}" for i in range(1, len(taken) + 2) if f"rId{i}".encode() not in taken)
