"""One pass over a worksheet's XML: values, formulas with their cached results, spills, style ids, layout.

openpyxl's own cell reader is bypassed on purpose: the byte-level walk of gdsheet.io.sheet_xml (the one the
patched save uses) is faster, and it sees what openpyxl drops: the `cm` attribute that marks dynamic arrays, and
the cached values of formula cells. openpyxl's Translator still expands shared formulas. Each Formula keeps the
file's own text (`Formula.source`: `_xlfn.` prefixes, the author's parentheses), so a save writes it back as read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import compress
from typing import IO

import numpy as np

from openpyxl.formula.translate import Translator
from openpyxl.utils.datetime import from_ISO8601, to_excel

from gdsheet import errors as E
from gdsheet.io.sheet_layout import read_head, read_tail
from gdsheet.io.sheet_xml import (CHUNK, FAST_CELL, BulkCells, Position, RawCell, WorksheetXml, attrs, cell_spans,
                                  parse_cell, row_spans, unescape)
from gdsheet.formula import row_template, text_at
from gdsheet.refs import MAX_COL, MAX_ROW, cell_name, col_index, parse_area
from gdsheet.sheet.formulas import make_formula
from gdsheet.sheet.formulastore import FormulaBlock
from gdsheet.sheet.model import Sheet

# What one workbook may bring into memory: a number costs 8 bytes in the model's column store, text and other
# values ~150, so a file expanding to more cells (a zip bomb of tiny cells: 100 million of them fit in 4 MB) is
# refused, not loaded. Excel's own sheets go to 1,048,576 rows: a million rows of 13 columns is well inside.
MAX_CELLS = 40_000_000
MAX_OTHER_CELLS = 5_000_000  # cells that are not plain numbers (text, booleans, formulas...): ~150 bytes each
RESERVE_CELLS = 16_000_000  # column arrays made ahead from a sheet's stated size (8 bytes each)
MAX_ROW_HEIGHT = 409.0  # points, Excel's limit


class TooManyCells(ValueError):
    """The workbook holds more cells than MAX_CELLS, or more than MAX_OTHER_CELLS that are not plain numbers."""


def _too_many() -> TooManyCells:
    return TooManyCells(f"the workbook holds more than {MAX_CELLS:,} cells, or more than {MAX_OTHER_CELLS:,} cells "
                        "of text, booleans, errors or formulas, gdsheet's limits; refused")


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
    others: int = 0  # how many of them are not plain numbers


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
                   dynamic_cms: set[str], max_cells: int = MAX_CELLS,
                   max_others: int = MAX_OTHER_CELLS, part_bytes: int = 0) -> SheetExtras:
    """Fill `sheet` from the worksheet XML in `source`: cells, formulas, style ids and the layout.

    `strings` is the shared string table, `number_formats` maps a style index to its format code (None for
    General), `dynamic_cms` holds the `cm` values whose metadata marks a dynamic-array formula. The part is walked
    by gdsheet.io.sheet_xml, as the patched save walks it. Raises TooManyCells past `max_cells` cells (or
    `max_others` that are not plain numbers); cells and
    rows outside Excel's grid are dropped with a warning. `part_bytes`, the part's size, lets the reader guess how
    many rows a sheet without a <dimension> has from its first rows (see _Cells.reserve).
    """
    part = WorksheetXml(source)
    pat = part.patterns
    layout = read_head(part.head, part.root)
    cells = _Cells(sheet, strings, number_formats, dynamic_cms)
    last = re.search(r"(\d+)$", layout.dimension or "")
    cells.stated_last_row = min(int(last.group(1)), MAX_ROW) if last else 0
    read = len(part.head)
    extras = SheetExtras()
    pos = Position()
    heights, hidden_rows = sheet.row_heights, sheet.hidden_rows
    count, others, outside = 0, 0, 0
    columns: dict[bytes, int] = {}  # column letters -> number
    for block, bulk in part.bulk_blocks():
        read += len(block)
        cells.bytes_read = read
        if bulk is not None and cells.stated_last_row <= 1 and part_bytes > 2 * read:
            # no <dimension> (openpyxl's write-only mode writes none): the rows so far, scaled by the bytes left
            cells.stated_last_row = min(int(int(bulk.rows[-1]) * part_bytes / read * 1.02) + 1, MAX_ROW)
        if bulk is not None:
            if len(bulk.rows) + count > max_cells:
                raise _too_many()
            added = cells.add_bulk(bulk, heights, hidden_rows, max_others - others)
            if added is not None:
                count += len(bulk.rows)
                others += added
                pos.row = int(bulk.rows[-1])
                continue
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
                    raise _too_many()
                fast = FAST_CELL.fullmatch(c.group(0))
                if fast is not None and fast.group(5) is None and fast.group(2) == row_digits:
                    # a plain value cell (most of a sheet): no attribute dictionary, no RawCell
                    letters, _, style, t, _, text = fast.groups()
                    cc = columns.get(letters)
                    if cc is None:
                        cc = columns[letters] = col_index(letters.decode())
                    pos.col = cc
                    if cc <= MAX_COL and cells.add_value(r, cc, style, t, text):
                        if t == b"s":
                            others += 1
                        continue
                others += 1
                if others > max_others:
                    raise _too_many()
                raw = parse_cell(c, pat)
                rr, cc = pos.next_cell(raw.attrs)
                if not (1 <= rr <= MAX_ROW and 1 <= cc <= MAX_COL):
                    outside += 1
                    count -= 1
                    continue
                cells.add(raw, rr, cc)
    cells.finish()
    tail = read_tail(part.tail)
    sheet.col_widths.update(layout.col_widths)
    sheet.hidden_cols.update(layout.hidden_cols)
    sheet.freeze, sheet.zoom = layout.freeze, layout.zoom
    sheet.merged.extend(parse_area(ref, sheet.name) for ref in tail.merged)
    extras.table_rids.extend(tail.table_rids)
    extras.cells, extras.others = count, others
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
        self.runs = _FormulaRuns(sheet)
        self.data_tables = 0
        self.orphans = 0
        self._attrs: dict[bytes, tuple[dict, int, bytes | None]] = {}  # the s/t attribute text -> parsed
        self._columns: dict[bytes, int] = {}
        self._f_elements: dict[bytes, tuple[dict, bytes]] = {}  # an empty <f .../> element -> its attributes
        self.stated_last_row = 0  # the last row the sheet's <dimension> names (0: none)
        self._reserved = 0  # cells of column arrays reserved from it
        self._reserved_columns: set[int] = set()
        self.bytes_read = self._next_reserve_at = 0  # of the part, as the reader tells

    def add_bulk(self, bulk: BulkCells, heights: dict, hidden_rows: set, others_left: int) -> int | None:
        """Add the cells of a block cut by `bulk_cells`: numbers into the column store in bulk, the rest one by
        one. Returns how many were not plain numbers; None (and nothing added) when a cell lies outside Excel's
        grid: the caller walks the block instead. Raises TooManyCells past `others_left` of those."""
        columns = self._columns
        for letters in set(bulk.letters):
            if letters not in columns:
                columns[letters] = col_index(letters.decode())
        cols = np.array([columns[x] for x in bulk.letters], dtype=np.int64)
        rows = np.fromiter(map(int, bulk.rows), np.int64, len(bulk.rows))
        if cols.max() > MAX_COL or rows.max() > MAX_ROW or rows.min() < 1:
            return None
        for tag in bulk.special_rows:
            a = attrs(tag)
            r = int(a[b"r"])
            if a.get(b"customHeight") in (b"1", b"true") and a.get(b"ht"):
                heights[r] = min(max(float(a[b"ht"]), 0.0), MAX_ROW_HEIGHT)
            if a.get(b"hidden") in (b"1", b"true"):
                hidden_rows.add(r)
        # each distinct s/t attribute text (a handful per sheet) is parsed once; cells refer to it by code
        kinds = list(set(bulk.attrs))
        code_of = {text: i for i, text in enumerate(kinds)}
        parsed = self._attrs
        for text in kinds:
            if text not in parsed:
                a = attrs(text)
                parsed[text] = (a, int(a.get(b"s", b"0") or 0), a.get(b"t"))
        kinds = [parsed[text] for text in kinds]
        codes = np.array([code_of[x] for x in bulk.attrs], dtype=np.int64)
        numeric_code = np.array([t is None or t == b"n" for _, _, t in kinds])
        style_code = np.array([style for _, style, _ in kinds], dtype=np.int64)
        values, formulas = bulk.values, bulk.formulas
        nonempty = np.fromiter(map(len, values), np.int64, len(values)) > 0
        plain = numeric_code[codes] & nonempty
        pick = np.flatnonzero(plain)
        if len(values) - len(pick) > others_left:
            raise _too_many()
        if len(pick):  # straight into the column store, a column at a time (no copy of the sheet held aside)
            numbers = np.fromiter(map(float, compress(values, plain.tolist())), np.float64, len(pick))
            r, c, v = rows[pick], cols[pick], numbers
            order = np.argsort(c, kind="stable")
            r, c, v = r[order], c[order], v[order]
            cuts = np.flatnonzero(np.diff(c)) + 1
            for rr, cc, vv in zip(np.split(r, cuts), np.split(c, cuts), np.split(v, cuts)):
                self._reserve(int(cc[0]), rr)
                self.sheet.cells.put_numbers(int(cc[0]), rr, vv)
        sheet = self.sheet
        for i in np.flatnonzero(~plain & nonempty).tolist():  # shared strings, booleans, errors, text results
            t = kinds[codes[i]][2]
            sheet.cells[(int(rows[i]), int(cols[i]))] = _typed(unescape(values[i]), (t or b"n").decode(), self.strings)
        styles = style_code[codes]
        for i in np.flatnonzero(styles).tolist():
            self._style((int(rows[i]), int(cols[i])), int(styles[i]))
        runs = self.runs
        for i in [i for i, f in enumerate(formulas) if f is not None]:
            f, row, col = formulas[i], int(rows[i]), int(cols[i])
            if f.startswith(b"<f>") and len(f) > 7:  # a plain formula, as openpyxl writes every one
                body = f[3:-4]
                runs.add(row, col, "=" + (unescape(body) if b"&" in body else body.decode()))
            else:
                self._bulk_formula(f, row, col, kinds[codes[i]][0])
        return len(values) - len(pick)

    def _reserve(self, col: int, rows: np.ndarray) -> None:
        """The first block of numbers of a column, filling its rows: the column's array made as long as the
        sheet says it goes, at once. Grown by doubling instead, a million-row sheet's columns would all be copied
        in the same piece, a stall of a fifth of a second in the window. A <dimension> (or guess) that overstates
        the sheet costs at most RESERVE_CELLS cells, given back by compact() at the end."""
        if col in self._reserved_columns or self.bytes_read < self._next_reserve_at:
            return  # one column a piece of the part: making an array of a million rows is ~15 ms, ten at once a stall
        self._reserved_columns.add(col)
        first, last, stated = int(rows[0]), int(rows[-1]), self.stated_last_row
        if stated <= last or 2 * len(rows) < last - first + 1 or self._reserved + stated - first >= RESERVE_CELLS:
            return
        self.sheet.cells.reserve(col, first, stated)
        self._reserved += stated - first + 1
        self._next_reserve_at = self.bytes_read + CHUNK

    def _bulk_formula(self, element: bytes, row: int, col: int, cell_attrs: dict) -> None:
        """A formula cell of a bulk block (its value is already in): as `add` does with one walked cell."""
        parsed = self._f_elements.get(element)  # the followers of a shared formula all repeat the same bytes
        if parsed is None:
            head, sep, rest = element.partition(b">")
            if head.endswith(b"/"):
                parsed = attrs(head[2:-1]), b""
                self._f_elements[element] = parsed
            else:
                parsed = attrs(head[2:]), rest[:-4]
        f_attrs, f_text = parsed
        self._formula(RawCell(cell_attrs, None, f_attrs, f_text), row, col)

    def _style(self, key, i: int) -> None:
        self.sheet.style_ids[key] = i
        code = self.number_formats[i] if i < len(self.number_formats) else None
        if code is not None:
            self.sheet.number_formats[key] = code

    def finish(self) -> None:
        """Close the formula runs, and give back the room the column store kept for rows that did not come."""
        self.sheet.cells.compact()
        self.runs.close_all()

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
            self._style(key, int(style))
        return True

    def add(self, raw: RawCell, row: int, col: int) -> None:
        key = (row, col)
        style = raw.attrs.get(b"s")
        if style is not None and style != b"0":
            self._style(key, int(style))
        value = cell_value(raw, self.strings)
        if value is not None:
            self.sheet.cells[key] = value
        if raw.f_attrs is not None:
            self._formula(raw, row, col)

    def _formula(self, raw: RawCell, row: int, col: int) -> None:
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
        dynamic = cm is not None and cm.decode() in self.dynamic_cms
        if array_ref is None and not dynamic:
            self.runs.add(row, col, text)
        else:
            _add_formula(self.sheet, (row, col), text, array_ref.decode() if array_ref else None, dynamic)


class SharedFormulas:
    """The text of each formula cell as the file means it: shared-formula followers translated from their group's
    master (openpyxl's Translator), prefixes and the author's spelling kept."""

    def __init__(self) -> None:
        self.masters: dict[bytes, tuple[str, int, int, tuple | None]] = {}  # si -> text, row, col, row template
        self._translators: dict[bytes, Translator] = {}

    def text(self, raw: RawCell, row: int, col: int) -> str | None:
        """'=' and the formula, or None for an empty <f/> or a follower whose master was not seen."""
        f_attrs = raw.f_attrs
        text = unescape(raw.f_text) if raw.f_text else ""
        if f_attrs.get(b"t") == b"shared":
            si = f_attrs.get(b"si")
            if text:  # the master carries the text; followers only name the group
                self.masters[si] = ("=" + text, row, col, row_template("=" + text, row))
                self._translators.pop(si, None)
                return "=" + text
            master = self.masters.get(si)
            if master is None:
                return None
            m_text, m_row, m_col, template = master
            if m_col == col and template is not None:  # down the master's own column: only row numbers move
                return text_at(template, row)
            translator = self._translators.get(si)
            if translator is None:
                translator = self._translators[si] = Translator(m_text, origin=cell_name(m_row, m_col))
            return translator.translate_formula(cell_name(row, col))
        return "=" + text if text else None


class _FormulaRuns:
    """Formulas filled down a column, as the reader meets them row by row: each cell whose text is the one above
    it moved down a row (checked on the text, without parsing it) joins that cell's run; a run of two or more
    becomes one FormulaBlock of the sheet's FormulaStore, a lone cell a Formula."""

    __slots__ = ("sheet", "open")

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.open: dict[int, list] = {}  # column -> [first row, last row, Formula of the first, row template]

    def add(self, row: int, col: int, text: str) -> None:
        run = self.open.get(col)
        if run is not None:
            if row == run[1] + 1 and run[3] is not None and text_at(run[3], row) == text:
                run[1] = row
                return
            self._close(col, run)
        f = make_formula(display_text(text), row, col)
        f.source = text
        plain = f.ast is not None and f.error is None and f.array is None and not f.dynamic
        self.open[col] = [row, row, f, row_template(text, row) if plain else None]

    def _close(self, col: int, run: list) -> None:
        first, last, f, template = run
        if first == last:
            self.sheet.formulas[(first, col)] = f
            return
        shown = template if f.text == f.source else row_template(f.text, first)
        self.sheet.formulas.add_block(FormulaBlock(col, first, last, f.ast, template, shown))

    def close_all(self) -> None:
        for col, run in self.open.items():
            self._close(col, run)
        self.open = {}


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

