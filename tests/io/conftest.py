"""Builders of real .xlsx files for the io tests: a minimal hand-written package, and zip surgery on saved ones."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
</Types>"""
ROOT_RELS = f"""<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1"
 Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""

# The dynamic-array metadata Excel writes: cm="1" -> XLDAPR block 0 -> fDynamic="1".
METADATA = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<metadata xmlns="{MAIN}" xmlns:xda="http://schemas.microsoft.com/office/spreadsheetml/2017/dynamicarray">
<metadataTypes count="1"><metadataType name="XLDAPR" minSupportedVersion="120000" copy="1" pasteAll="1"
 pasteValues="1" merge="1" splitFirst="1" rowColShift="1" clearFormats="1" clearComments="1" assign="1"
 coerce="1" cellMeta="1"/></metadataTypes>
<futureMetadata name="XLDAPR" count="1"><bk><extLst><ext uri="{{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}}">
<xda:dynamicArrayProperties fDynamic="1" fCollapsed="0"/></ext></extLst></bk></futureMetadata>
<cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata></metadata>"""


def write_zip(path: Path, parts: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def minimal_parts(sheet_data: str, *, sheet_extra: str = "", workbook_extra: str = "", metadata: bool = False,
                  strings: list[str] | None = None, sheets: tuple[str, ...] = ("Sheet1",)) -> dict[str, str]:
    """The parts of a small xlsx as Excel lays it out; every sheet gets `sheet_data` (inner XML of sheetData)."""
    sheet_entries = "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(sheets, 1))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(sheets) + 1))
    parts = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS}
    if metadata:
        rels += f'<Relationship Id="rIdM" Type="{REL}/sheetMetadata" Target="metadata.xml"/>'
        parts["xl/metadata.xml"] = METADATA
    if strings is not None:
        rels += f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        items = "".join(f"<si><t>{s}</t></si>" for s in strings)
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}" count="{len(strings)}">{items}</sst>'
    parts["xl/workbook.xml"] = (f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheet_entries}</sheets>'
                                f"{workbook_extra}</workbook>")
    parts["xl/_rels/workbook.xml.rels"] = f'<Relationships xmlns="{PKG_REL}">{rels}</Relationships>'
    for i in range(1, len(sheets) + 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = (f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
                                                f"<sheetData>{sheet_data}</sheetData>{sheet_extra}</worksheet>")
    return parts


def patch_zip(src: Path, dst: Path, replace: dict[str, str | bytes | None]) -> Path:
    """Copy of the zip at `src` with parts replaced, added, or (value None) removed."""
    with zipfile.ZipFile(src) as zin:
        parts = {n: zin.read(n) for n in zin.namelist()}
    for name, data in replace.items():
        if data is None:
            parts.pop(name, None)
        else:
            parts[name] = data
    return write_zip(dst, parts)


@pytest.fixture
def xlsx(tmp_path):
    """xlsx(sheet_data, **minimal_parts options) -> path of a new minimal workbook."""
    counter = iter(range(1_000_000))

    def make(sheet_data: str, **kw) -> Path:
        return write_zip(tmp_path / f"book{next(counter)}.xlsx", minimal_parts(sheet_data, **kw))

    return make


@pytest.fixture
def patched():
    """patched(src, dst, {part: data or None}) -> dst, a copy of the zip at src with parts replaced or removed."""
    return patch_zip
