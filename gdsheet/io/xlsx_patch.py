"""Finish the .xlsx package openpyxl wrote: cached values of formula cells, dynamic-array marks, application name.

openpyxl writes a formula cell as <f> and an empty <v>, and cannot write Excel's `cm` attribute; one streamed
pass over each worksheet part fills in both, so the file shows gdsheet's values in any reader before it
recalculates, and Excel 365 reopens dynamic arrays as spills.
"""
from __future__ import annotations

import math
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from concurrent.futures import ThreadPoolExecutor
from typing import IO

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.xml.constants import ARC_APP, ARC_CONTENT_TYPES, ARC_WORKBOOK, ARC_WORKBOOK_RELS

from gdsheet.errors import NUM, ExcelError
from gdsheet.refs import col_index
from gdsheet.sheet.model import Sheet
from gdsheet.sheet.workbook import Workbook

APPLICATION = "gdsheet"  # docProps/app.xml: the cached values were computed by gdsheet, not by Excel
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

MAIN_XLSX = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MAIN_XLSM = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CHUNK = 1 << 20
# A formula cell as openpyxl writes it (etree or lxml): start tag, <f>, empty <v>. Text inside a part cannot
# hold '<', so a match never runs past its cell.
_FORMULA_CELL = re.compile(rb"<c ([^>]*)>(<f\b[^>]*?(?:/>|>[^<]*</f>))<v\s*(?:/>|></v>)</c>")
_REF = re.compile(rb'(?:^|\s)r="([A-Z]{1,3})([0-9]+)"')
_APPLICATION = re.compile(rb"<Application>[^<]*</Application>")


def cached_value(value) -> tuple[str | None, str] | None:
    """A formula result as Excel caches it: (the cell's t attribute, None for a number; the <v> text, not yet
    XML-escaped), or None for an empty result, which has no <v>."""
    if type(value) is float and math.isfinite(value):  # most cells: no more type tests
        return None, _number_text(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, ExcelError):
        return "e", value.code
    if isinstance(value, str):
        # Characters XML cannot hold are written as Excel writes them, _xHHHH_
        return "str", ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    x = float(value)
    if not math.isfinite(x):  # never a cell value in Excel; a file cannot hold it as a number
        return "e", NUM.code
    return None, _number_text(x)


def _number_text(x: float) -> str:
    text = repr(x)  # the shortest text that reads back as the same double; "%.16g" would not
    return text[:-2] if text.endswith(".0") else text


def patch_package(src: IO[bytes], dst: IO[bytes], wb: Workbook, macro_enabled: bool = False) -> None:
    """Copy the package openpyxl wrote from `wb` in `src` to `dst`, finished:

    - every formula cell carries its current value in `wb` as the cached result (<v>, typed by t);
    - dynamic-array anchors get cm="1", and xl/metadata.xml is added and registered in [Content_Types].xml and
      the workbook relationships, as Excel does; without them Excel reads the array formulas as legacy (CSE) ones;
    - docProps/app.xml names gdsheet as the application that computed the values;
    - for an .xlsm name (`macro_enabled`), the workbook's content type says macro-enabled, as Excel requires.

    Worksheet parts are streamed, so memory stays flat whatever the size of a sheet.
    """
    dynamic = any(f.dynamic for s in wb.sheets for f in s.formulas.values())
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        parts = _sheet_parts(zin)
        sheets = {parts[s.name]: s for s in wb.sheets if s.formulas}
        for info in zin.infolist():
            name = info.filename
            if name in sheets:
                out = zipfile.ZipInfo(name, info.date_time)
                out.compress_type = zipfile.ZIP_DEFLATED
                # values make the part longer than openpyxl's; ask for zip64 well before the 4 GiB limit
                with zin.open(info) as fin, zout.open(out, "w", force_zip64=info.file_size > 1 << 30) as fout:
                    _patch_sheet(fin, fout, sheets[name])
                continue
            data = zin.read(info)
            if name == ARC_APP:
                data = _APPLICATION.sub(f"<Application>{APPLICATION}</Application>".encode(), data, count=1)
            elif name == ARC_CONTENT_TYPES:
                if dynamic:
                    data = _insert_before(data, b"</Types>",
                                          f'<Override PartName="/{METADATA_PART}" ContentType="{CONTENT_TYPE}"/>')
                if macro_enabled:
                    data = data.replace(MAIN_XLSX, MAIN_XLSM)
            elif dynamic and name == ARC_WORKBOOK_RELS:
                data = _insert_before(data, b"</Relationships>", f'<Relationship Id="{_free_id(data)}" '
                                      f'Type="{REL_TYPE}" Target="{posixpath.basename(METADATA_PART)}"/>')
            zout.writestr(info, data)
        if dynamic:
            zout.writestr(METADATA_PART, METADATA_XML)


def _patch_sheet(src: IO[bytes], dst: IO[bytes], sheet: Sheet) -> None:
    """Stream one worksheet part, filling in its formula cells; cut between rows so no cell is split. Each block
    is compressed on a second thread while the next one is rewritten: zlib runs without the GIL."""
    fill = _FormulaCells(sheet)
    pending = b""
    with ThreadPoolExecutor(1) as writer:
        written = writer.submit(lambda: None)
        while chunk := src.read(_CHUNK):
            pending += chunk
            cut = pending.rfind(b"</row>")
            if cut >= 0:
                cut += len(b"</row>")
                block, pending = _FORMULA_CELL.sub(fill, pending[:cut]), pending[cut:]
                written.result()  # in order, one block at a time
                written = writer.submit(dst.write, block)
        written.result()
    dst.write(_FORMULA_CELL.sub(fill, pending))
    # A formula openpyxl wrote otherwise (text '=' alone becomes text) only goes without a cached value; a dynamic
    # array without its cm would reopen as a legacy one, so that is an error.
    missing = sum(f.dynamic for f in sheet.formulas.values()) - fill.dynamic
    if missing:
        raise ValueError(f"{missing} dynamic-array cell(s) of sheet {sheet.name} were not found in the part "
                         "openpyxl wrote")


class _FormulaCells:
    """The regex callback that rewrites one formula cell: cm for dynamic arrays, t and <v> for its value."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.columns: dict[bytes, int] = {}
        self.dynamic = 0  # dynamic-array anchors marked

    def __call__(self, m: re.Match) -> bytes:
        attrs, formula = m.group(1), m.group(2)
        letters, digits = _REF.search(attrs).groups()
        col = self.columns.get(letters)
        if col is None:
            col = self.columns[letters] = col_index(letters.decode())
        key = (int(digits), col)
        f = self.sheet.formulas.get(key)
        if f is None:
            return m.group(0)
        start = b"<c "
        if f.dynamic:
            start = b'<c cm="1" '
            self.dynamic += 1
        cached = cached_value(self.sheet.cells.get(key))
        if cached is None:
            return b"".join((start, attrs, b">", formula, b"</c>"))
        t, text = cached
        if t is not None:
            attrs += b' t="' + t.encode() + b'"'
        if t == "str":
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
        return b"".join((start, attrs, b">", formula, b"<v>", text.encode(), b"</v></c>"))


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


def _insert_before(xml: bytes, closing: bytes, element: str) -> bytes:
    at = xml.rindex(closing)
    return xml[:at] + element.encode() + xml[at:]


def _free_id(rels: bytes) -> str:
    taken = set(re.findall(rb'\bId="([^"]*)"', rels))
    return next(f"rId{i}" for i in range(1, len(taken) + 2) if f"rId{i}".encode() not in taken)
