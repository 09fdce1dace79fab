"""The styles part: read into a StyleTable (fonts, fills, borders, alignment, number formats, theme colours),
and written back with only what gdsheet appended added."""
from __future__ import annotations

import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from gdsheet.io import load_workbook, save_workbook
from gdsheet.io.xlsx_styles import NS, read_styles, read_theme, write_styles
from gdsheet.sheet.styles import Color, Side, StyleTable, apply_tint, with_fill, with_font

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from styled_book import build  # noqa: E402

N = "{%s}" % NS


@pytest.fixture(scope="module")
def styled(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("styled") / "styled.xlsx")


def test_reads_fonts_fills_borders_alignment_and_formats(styled):
    wb = load_workbook(styled)
    sheet, table = wb.sheet("Sales"), wb.styles
    title = table.format(sheet.style_ids[(1, 1)])
    assert title.font.bold and title.font.size == 16 and title.font.color == Color(theme=4)
    header = table.format(sheet.style_ids[(3, 2)])
    assert header.fill.pattern == "solid" and header.fill.fg.theme == 4 and header.fill.fg.tint < 0
    assert header.alignment.horizontal == "center" and header.alignment.vertical == "center"
    assert header.alignment.wrap
    assert header.border.bottom.style == "medium" and table.rgb(header.border.bottom.color) == "1F4E78"
    assert header.border.left.style == "thin"
    assert table.format(sheet.style_ids[(4, 1)]).alignment.indent == 1
    assert table.format(sheet.style_ids[(4, 2)]).number_format == "#,##0.00"
    assert sheet.number_formats[(4, 2)] == "#,##0.00"  # the reader's per-cell formats agree with the table
    assert table.format(sheet.style_ids[(4, 6)]).number_format == "0.0%"
    assert table.format(sheet.style_ids[(12, 2)]).border.bottom.style == "double"


def test_theme_colours_and_tints():
    table = StyleTable()
    assert table.rgb(Color(theme=1)) == "000000"  # dk1: text
    assert table.rgb(Color(theme=0)) == "FFFFFF"  # lt1: background
    assert table.rgb(Color(theme=4)) == "4472C4"
    assert table.rgb(Color(theme=4, tint=0.8)) == apply_tint("4472C4", 0.8)
    assert table.rgb(Color(rgb="FF123456")) == "123456"
    assert table.rgb(Color(indexed=2)) == "FF0000"
    assert table.rgb(Color(auto=True), "000000") == "000000"
    assert apply_tint("4472C4", 0.0) == "4472C4"
    assert apply_tint("000000", 0.5) == "808080"
    assert apply_tint("FFFFFF", -0.5) == "808080"


def test_read_theme_reads_clr_scheme(styled):
    with zipfile.ZipFile(styled) as z:
        theme = read_theme(z.read("xl/theme/theme1.xml"))
    assert len(theme) == 12 and theme[4] == "4F81BD"  # openpyxl's theme is Office 2007's


def test_xf_for_finds_existing_and_appends_new(styled):
    wb = load_workbook(styled)
    table = wb.styles
    xf = wb.sheet("Sales").style_ids[(3, 2)]
    assert table.xf_for(table.format(xf)) == xf and not table.dirty
    bold = with_font(table.format(0), bold=True)
    n = len(table.cell_xfs)
    new = table.xf_for(bold)
    assert table.dirty and table.format(new) == bold
    assert table.xf_for(bold) == new and len(table.cell_xfs) == n + 1 or new < n


def test_write_styles_appends_and_keeps_everything_else(styled):
    with zipfile.ZipFile(styled) as z:
        original = z.read("xl/styles.xml")
    table = read_styles(original)
    fmt = with_fill(with_font(table.format(0), italic=True, size=13, color=Color.of("#C00000")), "FFFF00")
    fmt = replace(fmt, number_format="0.000;[Red]-0.000",
                  border=replace(fmt.border, left=Side("dashed", Color.of("00FF00"))))
    xf = table.xf_for(fmt)
    out = write_styles(original, table)
    again = read_styles(out)
    assert again.format(xf) == fmt
    for i in range(len(table.cell_xfs)):
        assert again.format(i) == table.format(i)
    old, new = etree.fromstring(original), etree.fromstring(out)
    for name in ("fonts", "fills", "borders", "cellXfs", "cellStyleXfs", "cellStyles", "dxfs", "tableStyles"):
        o, n = old.find(N + name), new.find(N + name)
        if o is None:
            continue
        assert [etree.tostring(c) for c in o] == [etree.tostring(c) for c in n][:len(o)], name
        if name in ("fonts", "fills", "borders", "cellXfs"):
            assert int(n.get("count")) == len(n)
    assert new.find(N + "numFmts") is not None and new[0].tag == N + "numFmts"  # first, as the schema wants


def test_write_styles_without_original_makes_a_whole_part():
    table = StyleTable()
    fmt = with_font(table.format(0), bold=True)
    xf = table.xf_for(fmt)
    again = read_styles(write_styles(None, table))
    assert again.format(xf) == fmt and again.format(0) == table.format(0)


def test_fresh_writer_keeps_formats_and_layout(tmp_path, styled):
    wb = load_workbook(styled)
    sheet = wb.sheet("Sales")
    wb.path = None
    out = tmp_path / "out.xlsx"
    save_workbook(wb, out)
    back = load_workbook(out)
    s2 = back.sheet("Sales")
    for key in ((1, 1), (3, 2), (4, 1), (4, 2), (12, 2)):
        assert back.styles.format(s2.style_ids[key]) == wb.styles.format(sheet.style_ids[key]), key


def test_typed_number_format_gets_a_style_on_save(tmp_path):
    from gdsheet.sheet.workbook import Workbook

    wb = Workbook()
    sheet = wb.add_sheet()
    sheet.cells[(1, 1)] = 0.25
    sheet.number_formats[(1, 1)] = "0%"
    save_workbook(wb, tmp_path / "p.xlsx")
    back = load_workbook(tmp_path / "p.xlsx")
    assert back.sheet("Sheet1").number_formats[(1, 1)] == "0%"
    assert back.styles.format(back.sheet("Sheet1").style_ids[(1, 1)]).number_format == "0%"
