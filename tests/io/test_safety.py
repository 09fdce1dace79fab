"""Malformed and hostile files: each is refused with a message naming the file and the reason."""
from __future__ import annotations

import zipfile

import openpyxl
import openpyxl.xml
import pytest

from gdsheet.errors import WorkbookReadError
from gdsheet.io import load_workbook
from gdsheet.io.safety import open_archive

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">
<c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>"""


@pytest.fixture
def good(tmp_path):
    book = openpyxl.Workbook()
    book.active["A1"] = 1
    path = tmp_path / "good.xlsx"
    book.save(path)
    return path


def test_text_file_is_not_an_xlsx(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("just text\n")
    with pytest.raises(WorkbookReadError, match=r"notes.xlsx is not an xlsx file \(not a zip archive\)"):
        load_workbook(path)


def test_truncated_file(good, tmp_path):
    data = good.read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(WorkbookReadError, match="cut.xlsx is truncated or damaged"):
        load_workbook(path)


def test_missing_file(tmp_path):
    with pytest.raises(WorkbookReadError, match="could not open nothing.xlsx"):
        load_workbook(tmp_path / "nothing.xlsx")


def test_old_xls_or_encrypted_file(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(WorkbookReadError, match="old-format .xls file or a password-protected"):
        load_workbook(path)


def test_zip_that_is_not_an_office_file(tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.txt", "hello")
    with pytest.raises(WorkbookReadError, match=r"zip archive but not an xlsx workbook"):
        load_workbook(path)


def test_office_file_that_is_not_a_workbook(good, tmp_path, patched):
    types = (b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             b'wordprocessingml.document.main+xml"/></Types>')
    path = patched(good, tmp_path / "letter.xlsx", {"[Content_Types].xml": types})
    with pytest.raises(WorkbookReadError, match="an Office file but not a workbook"):
        load_workbook(path)


def test_zip_bomb_is_refused_from_its_directory(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.bin", bytes(60 * 1024**2))  # 60 MB of zeros, ~60 KB compressed
    with pytest.raises(WorkbookReadError, match=r"part xl/worksheets/sheet1.bin expands [\d,]+-fold"):
        load_workbook(path)


def test_total_uncompressed_size_limit(good):
    with pytest.raises(WorkbookReadError, match="once uncompressed, more than the"):
        open_archive(good, max_uncompressed=1000)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml"])
def test_xml_with_a_dtd_is_refused(good, tmp_path, patched, part):
    path = patched(good, tmp_path / "laughs.xlsx", {part: BILLION_LAUGHS})
    with pytest.raises(WorkbookReadError, match=f"part {part} declares a DTD"):
        load_workbook(path)


def test_openpyxl_parses_through_defusedxml():
    # the parts gdsheet hands to openpyxl are then parsed with entity expansion forbidden as a second line
    assert openpyxl.xml.DEFUSEDXML
