"""One pass over a worksheet's XML: values, formulas with their cached results, spills, formats, widths, heights.

openpyxl's own cell reader is bypassed on purpose: C-accelerated iterparse over the part is about twice as fast,
and the same pass sees what openpyxl drops: the `cm` attribute that marks dynamic arrays, and the cached values
of formula cells. openpyxl's Translator still expands shared formulas.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import IO

from openpyxl.formula.translate import Translator
from openpyxl.utils.datetime import from_ISO8601, to_excel

from gdsheet import errors as E
from gdsheet.refs import cell_name, col_index, parse_area
from gdsheet.sheet.formulas import make_formula
from gdsheet.sheet.model import Sheet

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
C, V, F, IS, T = (_NS + t for t in ("c", "v", "f", "is", "t"))
ROW, COL, TABLE_PART = _NS + "row", _NS + "col", _NS + "tablePart"
_DIGITS = "0123456789"
# Excel writes the newer functions as _xlfn.NAME (_xlfn._xlws.SORT); shown text drops that, string literals kept.
_FILE_PREFIX = re.compile(r'("(?:[^"]|"")*")|_xlfn\.(?:_xlws\.)?|_xlws\.', re.IGNORECASE)


@dataclass
class SheetExtras:
    """What the pass found besides cells: table part ids and notes for the user."""

    table_rids: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def display_text(formula: str) -> str:
    """Formula text from a file as the user sees it: without the _xlfn./_xlws. prefixes."""
    if "_xl" not in formula and "_XL" not in formula:
        return formula
    return _FILE_PREFIX.sub(lambda m: m.group(1) or "", formula)


def read_sheet_xml(source: IO[bytes], sheet: Sheet, strings: list, number_formats: list[str | None],
                   dynamic_cms: set[str]) -> SheetExtras:
    """Fill `sheet` from the worksheet XML in `source`.

    `strings` is the shared string table, `number_formats` maps a style index to its format code (None for
    General), `dynamic_cms` holds the `cm` values whose metadata marks a dynamic-array formula.
    """
    cells = _Cells(sheet, strings, number_formats, dynamic_cms)
    extras = SheetExtras()
    pending: list[tuple[ET.Element, int]] = []  # cells without an r attribute wait for their row's number
    last_row, col_no = 0, 0
    # Only end events: half the callbacks of start+end, and a cell's children are complete when it ends.
    for _, el in ET.iterparse(source):
        tag = el.tag
        if tag == C:
            ref = el.get("r")
            if ref:
                letters = ref.rstrip(_DIGITS)
                col_no = col_index(letters)
                cells.add(el, int(ref[len(letters):]), col_no, ref)
                el.clear()
            else:  # writers other than Excel may omit r: the cell follows the previous one
                col_no += 1
                pending.append((el, col_no))
        elif tag == ROW:
            r_attr = el.get("r")
            last_row = int(r_attr) if r_attr else last_row + 1
            for c_el, col in pending:
                cells.add(c_el, last_row, col, cell_name(last_row, col))
            pending.clear()
            col_no = 0
            if el.get("customHeight") in ("1", "true") and el.get("ht"):
                sheet.row_heights[last_row] = float(el.get("ht"))
            el.clear()
        elif tag == COL:
            width = el.get("width")
            if width is not None and el.get("customWidth") in ("1", "true"):
                for c in range(int(el.get("min")), int(el.get("max")) + 1):
                    sheet.col_widths[c] = float(width)
        elif tag == TABLE_PART:
            extras.table_rids.append(el.get(_REL_NS + "id"))
    if cells.data_tables:
        extras.warnings.append(f"sheet {sheet.name}: {cells.data_tables} what-if data table cell(s) kept as "
                               "values only")
    if cells.orphans:
        extras.warnings.append(f"sheet {sheet.name}: {cells.orphans} shared formula cell(s) without their group's "
                               "master formula kept as values only")
    return extras


class _Cells:
    """Turns <c> elements into values, formats and formulas of one sheet."""

    def __init__(self, sheet: Sheet, strings: list, number_formats: list[str | None], dynamic_cms: set[str]):
        self.sheet, self.strings, self.number_formats, self.dynamic_cms = sheet, strings, number_formats, dynamic_cms
        self.shared: dict[str, Translator] = {}
        self.data_tables = 0
        self.orphans = 0

    def add(self, el: ET.Element, row: int, col: int, ref: str) -> None:
        key = (row, col)
        style = el.get("s")
        if style is not None and style != "0":
            i = int(style)
            self.sheet.style_ids[key] = i
            code = self.number_formats[i] if i < len(self.number_formats) else None
            if code is not None:
                self.sheet.number_formats[key] = code
        value, f_el = None, None
        for child in el:
            ctag = child.tag
            if ctag == V:
                value = child.text
            elif ctag == F:
                f_el = child
            elif ctag == IS:
                value = "".join(t.text or "" for t in child.iter(T))
        t = el.get("t")
        if value is not None:
            self.sheet.cells[key] = _typed(value, t, self.strings)
        elif t == "inlineStr":
            self.sheet.cells[key] = ""
        if f_el is None:
            return
        kind = f_el.get("t")
        if kind == "dataTable":
            self.data_tables += 1
            return
        text = self.formula_text(f_el, kind, ref)
        if text is not None:
            _add_formula(self.sheet, key, text, f_el.get("ref") if kind == "array" else None,
                         el.get("cm") in self.dynamic_cms)

    def formula_text(self, f_el: ET.Element, kind: str | None, ref: str) -> str | None:
        """The formula of a cell, '=' first; shared-formula followers are translated from their group's master."""
        text = f_el.text
        if kind == "shared":
            si = f_el.get("si")
            if text:  # the master carries the text; followers only name the group
                self.shared[si] = Translator("=" + text, origin=ref)
                return "=" + text
            master = self.shared.get(si)
            if master is None:
                self.orphans += 1
                return None
            return master.translate_formula(ref)
        return "=" + text if text else None


def _typed(text: str, t: str | None, strings: list):
    """A <v> text as a value, by the cell's type attribute."""
    if t is None or t == "n":
        return float(text)
    if t == "s":
        s = strings[int(text)]
        return s if isinstance(s, str) else str(s)
    if t == "str" or t == "inlineStr":
        return text
    if t == "b":
        return text.strip() in ("1", "true")
    if t == "e":
        return E.ERRORS_BY_CODE.get(text.strip().upper(), E.VALUE)
    if t == "d":
        return float(to_excel(from_ISO8601(text)))
    return text


def _add_formula(sheet: Sheet, key: tuple[int, int], text: str, array_ref: str | None, dynamic: bool) -> None:
    row, col = key
    area = parse_area(array_ref, sheet.name) if array_ref else None
    sheet.formulas[key] = make_formula(display_text(text), row, col, array=area, dynamic=dynamic)
    if dynamic and area is not None and area.size > 1:  # the spill range Excel saved, with its cached values
        sheet.spills[key] = area
        for cell in area.cells():
            if cell != key:
                sheet.spilled_from[cell] = key

