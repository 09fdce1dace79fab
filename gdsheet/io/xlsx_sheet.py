"""One pass over a worksheet's XML: values, formulas with their cached results, spills, style ids, layout.

openpyxl's own cell reader is bypassed on purpose: the byte-level walk of gdsheet.io.sheet_xml (the one the
patched save uses) is faster, and it sees what openpyxl drops: the `cm` attribute that marks dynamic arrays, and
the cached values of formula cells. openpyxl's Translator still expands shared formulas. Each Formula keeps the
file's own text (`Formula.source`: `_xlfn.` prefixes, the author's parentheses), so a save writes it back as read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO

from openpyxl.formula.translate import Translator
from openpyxl.utils.datetime import from_ISO8601, to_excel

from gdsheet import errors as E
from gdsheet.io.sheet_layout import read_head, read_tail
from gdsheet.io.sheet_xml import (FAST_CELL, Position, RawCell, WorksheetXml, attrs, cell_spans, parse_cell, row_spans,
                                  unescape)
from gdsheet.refs import MAX_COL, MAX_ROW, cell_name, col_index, parse_area
from gdsheet.sheet.formulas import make_formula
from gdsheet.sheet.model import Sheet

# What one workbook may bring into memory: each cell costs ~150 bytes in the model (more with its formula), so a
# file expanding to more (a zip bomb of tiny cells: 100 million of them fit in 4 MB) is refused, not loaded.
MAX_CELLS = 5_000_000
MAX_ROW_HEIGHT = 409.0  # points, Excel's limit


class TooManyCells(ValueError):
    """The workbook holds more cells than MAX_CELLS."""


# Excel writes the newer functions as _xlfn.NAME (_xlfn._xlws.SORT), LET/LAMBDA names as _xlpm.x and a function
# passed by name as _xleta.SUM; shown text drops those, string literals kept. A trim reference A1:.C9 is stored as
# _xlfn._TRO_TRAILING(A1:C9) and shown with its dots again.
_FILE_PREFIX = re.compile(r'("(?:[^"]|"")*")|_xlfn\.(?:_xlws\.)?|_xlws\.|_xlpm\.|_xleta\.', re.IGNORECASE)
_TRIM_REF = re.compile(r'("(?:[^"]|"")*")|_TRO_(ALL|LEADING|TRAILING)\(([^()"]*)\)', re.IGNORECASE)
_TRIM_DOTS = {"ALL": ".:.", "LEADING": ".:", "TRAILING": ":."}


@dataclass
class SheetExtras:
    """What the pass found besides cells: table part ids and notes for the user."""

    table_rids: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cells: int = 0  # how many cells the part holds


def display_text(formula: str) -> str:
    """Formula text from a file as the user sees it: without the _xlfn./_xlws./_xlpm./_xleta. prefixes."""
    if "_xl" not in formula and "_XL" not in formula:
        return formula
    text = _FILE_PREFIX.sub(lambda m: m.group(1) or "", formula)
    return _TRIM_REF.sub(_trim_dots, text) if "_TRO_" in text.upper() else text


def _trim_dots(m: re.Match) -> str:
    if m.group(1) or ":" not in m.group(3):
        return m.group(0)
    ref = m.group(3)
    colon = ref.rindex(":")
    return ref[:colon] + _TRIM_DOTS[m.group(2).upper()] + ref[colon + 1:]


def read_sheet_xml(source: IO[bytes], sheet: Sheet, strings: list, number_formats: list[str | None],
                   dynamic_cms: set[str], max_cells: int = MAX_CELLS) -> SheetExtras:
    """Fill `sheet` from the worksheet XML in `source`: cells, formulas, style ids and the layout.

    `strings` is the shared string table, `number_formats` maps a style index to its format code (None for
    General), `dynamic_cms` holds the `cm` values whose metadata marks a dynamic-array formula. The part is walked
    by gdsheet.io.sheet_xml, as the patched save walks it. Raises TooManyCells past `max_cells` cells; cells and
    rows outside Excel's grid are dropped with a warning.
    """
    part = WorksheetXml(source)
    pat = part.patterns
    layout = read_head(part.head, part.root)
    cells = _Cells(sheet, strings, number_formats, dynamic_cms)
    extras = SheetExtras()
    pos = Position()
    heights, hidden_rows = sheet.row_heights, sheet.hidden_rows
    count, outside = 0, 0
    columns: dict[bytes, int] = {}  # column letters -> number
    for block in part.blocks():
        for row in row_spans(block, pat):
            row_attrs = attrs(row.group(1))
            r = pos.next_row(row_attrs)
            if not 1 <= r <= MAX_ROW:
                outside += 1
                continue
            if row_attrs.get(b"customHeight") in (b"1", b"true") and row_attrs.get(b"ht"):
                heights[r] = min(max(float(row_attrs[b"ht"]), 0.0), MAX_ROW_HEIGHT)  # NaN -> 0
            if row_attrs.get(b"hidden") in (b"1", b"true"):
                hidden_rows.add(r)
            row_digits = row_attrs.get(b"r")
            for c in cell_spans(row, pat):
                count += 1
                if count > max_cells:
                    raise TooManyCells(f"the workbook holds more than {MAX_CELLS:,} cells, gdsheet's limit; refused")
                fast = FAST_CELL.fullmatch(c.group(0))
                if fast is not None and fast.group(5) is None and fast.group(2) == row_digits:
                    # a plain value cell (most of a sheet): no attribute dictionary, no RawCell
                    letters, _, style, t, _, text = fast.groups()
                    cc = columns.get(letters)
                    if cc is None:
                        cc = columns[letters] = col_index(letters.decode())
                    pos.col = cc
                    if cc <= MAX_COL and cells.add_value(r, cc, style, t, text):
                        continue
                raw = parse_cell(c, pat)
                rr, cc = pos.next_cell(raw.attrs)
                if not (1 <= rr <= MAX_ROW and 1 <= cc <= MAX_COL):
                    outside += 1
                    count -= 1
                    continue
                cells.add(raw, rr, cc)
    tail = read_tail(part.tail)
    sheet.col_widths.update(layout.col_widths)
    sheet.hidden_cols.update(layout.hidden_cols)
    sheet.freeze, sheet.zoom = layout.freeze, layout.zoom
    sheet.merged.extend(parse_area(ref, sheet.name) for ref in tail.merged)
    extras.table_rids.extend(tail.table_rids)
    extras.cells = count
    if outside:
        extras.warnings.append(f"sheet {sheet.name}: {outside} row(s) or cell(s) outside Excel's grid of "
                               f"{MAX_ROW:,} rows and {MAX_COL:,} columns were dropped")
    if cells.data_tables:
        extras.warnings.append(f"sheet {sheet.name}: {cells.data_tables} what-if data table cell(s) kept as "
                               "values only")
    if cells.orphans:
        extras.warnings.append(f"sheet {sheet.name}: {cells.orphans} shared formula cell(s) without their group's "
                               "master formula kept as values only")
    return extras


class _Cells:
    """Turns cells of the file into values, style ids, formats and formulas of one sheet."""

    def __init__(self, sheet: Sheet, strings: list, number_formats: list[str | None], dynamic_cms: set[str]):
        self.sheet, self.strings, self.number_formats, self.dynamic_cms = sheet, strings, number_formats, dynamic_cms
        self.shared = SharedFormulas()
        self.data_tables = 0
        self.orphans = 0

    def add_value(self, row: int, col: int, style: bytes | None, t: bytes | None, text: bytes) -> bool:
        """Add a plain value cell (a number or a shared string) matched by FAST_CELL; False for any other kind,
        which goes through `add`."""
        if not text or not (t is None or t == b"n" or t == b"s"):
            return False
        key = (row, col)
        if t == b"s":
            s = self.strings[int(text)]
            self.sheet.cells[key] = s if isinstance(s, str) else str(s)
        else:
            self.sheet.cells[key] = float(text)
        if style is not None and style != b"0":
            i = int(style)
            self.sheet.style_ids[key] = i
            code = self.number_formats[i] if i < len(self.number_formats) else None
            if code is not None:
                self.sheet.number_formats[key] = code
        return True

    def add(self, raw: RawCell, row: int, col: int) -> None:
        key = (row, col)
        style = raw.attrs.get(b"s")
        if style is not None and style != b"0":
            i = int(style)
            self.sheet.style_ids[key] = i
            code = self.number_formats[i] if i < len(self.number_formats) else None
            if code is not None:
                self.sheet.number_formats[key] = code
        value = cell_value(raw, self.strings)
        if value is not None:
            self.sheet.cells[key] = value
        if raw.f_attrs is None:
            return
        kind = raw.f_attrs.get(b"t")
        if kind == b"dataTable":
            self.data_tables += 1
            return
        text = self.shared.text(raw, row, col)
        if text is None:
            if kind == b"shared":
                self.orphans += 1
            return
        array_ref = raw.f_attrs.get(b"ref") if kind == b"array" else None
        cm = raw.attrs.get(b"cm")
        _add_formula(self.sheet, key, text, array_ref.decode() if array_ref else None,
                     cm is not None and cm.decode() in self.dynamic_cms)


class SharedFormulas:
    """The text of each formula cell as the file means it: shared-formula followers translated from their group's
    master (openpyxl's Translator), prefixes and the author's spelling kept."""

    def __init__(self) -> None:
        self.masters: dict[bytes, Translator] = {}

    def text(self, raw: RawCell, row: int, col: int) -> str | None:
        """'=' and the formula, or None for an empty <f/> or a follower whose master was not seen."""
        f_attrs = raw.f_attrs
        text = unescape(raw.f_text) if raw.f_text else ""
        if f_attrs.get(b"t") == b"shared":
            si = f_attrs.get(b"si")
            if text:  # the master carries the text; followers only name the group
                self.masters[si] = Translator("=" + text, origin=cell_name(row, col))
                return "=" + text
            master = self.masters.get(si)
            return None if master is None else master.translate_formula(cell_name(row, col))
        return "=" + text if text else None


def cell_value(raw: RawCell, strings: list):
    """The value a cell shows (a formula's cached result), or None for an empty cell."""
    if raw.value_text:  # an empty <v/> is no value (openpyxl writes one for every formula)
        return _typed(unescape(raw.value_text), raw.attrs.get(b"t", b"n").decode(), strings)
    if raw.inline is not None or raw.attrs.get(b"t") == b"inlineStr":
        return raw.inline or ""
    return None


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
    f = make_formula(display_text(text), row, col, array=area, dynamic=dynamic)
    f.source = text
    sheet.formulas[key] = f
    area = f.array  # make_formula drops a range larger than an array may be
    if dynamic and area is not None and area.size > 1:  # the spill range Excel saved, with its cached values
        sheet.spills[key] = area
        for cell in area.cells():
            if cell != key:
                sheet.spilled_from[cell] = key

