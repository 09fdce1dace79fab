"""Rewrite one worksheet part of the original package so that it holds what the model holds, changing only what
differs: the save's counterpart of gdsheet.io.xlsx_sheet, walking the part with the same scanner.

The part is read in blocks of rows as the reader reads it. A block the reader cuts in bulk (plain cells: r, s, t, a
plain or shared formula, a value) is compared with the model in bulk by gdsheet.io.sheet_bulk_compare: copied byte
for byte when nothing differs, its formula results put in when only they differ, and only the rows that differ
otherwise walked cell by cell. In the walk each cell is compared with the model: a cell whose value, formula and
style id are the same keeps its bytes; a changed one is rebuilt keeping its other attributes; cells and rows the
model has and the file has not are inserted in row and column order. A formula keeps the file's text (shared-formula
masters and followers as they were, `_xlfn.` prefixes, the author's parentheses) unless it was edited; an edited one
is written in Excel's stored form. Row heights and hidden rows, <cols>, the first <sheetView> (zoom, frozen pane) and
<mergeCells> are rewritten only when the model's differ from the file's; everything else in the part (conditional
formats, data validation, hyperlinks, drawings, extLst...) is copied as it is.

New text constants are written as inline strings (t="inlineStr"), not appended to the shared-string table: the
table stays byte-identical, and Excel and LibreOffice read inline strings as they read shared ones (Excel moves
them into its table at its next save). Formula results that are text are written t="str", as Excel does.
"""
from __future__ import annotations

import bisect
import re
import shutil
import tempfile
from dataclasses import dataclass
from typing import IO

from gdsheet.errors import ExcelError
from gdsheet.formula.unparse import unparse
from gdsheet.io.sheet_layout import patch_head, patch_tail
from gdsheet.io.sheet_bulk_compare import BulkComparer, ModelIndex
from gdsheet.io.sheet_xml import (FAST_CELL, Patterns, Position, RawCell, ScanError, WorksheetXml, attrs,
                                  cell_spans, escape, parse_cell, replace_values, row_spans, unescape)
from gdsheet.io.xlsx_patch import cached_value
from gdsheet.io.xlsx_sheet import cell_value, display_text
from gdsheet.refs import cell_name, col_index
from gdsheet.sheet.model import Formula, Sheet

_SPOOL_IN_MEMORY = 32 << 20
_COL_BITS, _COL_MASK = 14, (1 << 14) - 1
_TRUE = (b"1", b"true")

# Attributes that describe the value: dropped when the value is rewritten (vm points at rich-value metadata).
_VALUE_ATTRS = (b"r", b"s", b"t", b"cm", b"vm")


@dataclass
class SheetReport:
    """What the patch changed in one part: anything at all, formulas (the calc chain goes), formula results."""

    changed: bool = False
    formulas_changed: bool = False
    values_changed: bool = False
    needs_metadata: bool = False  # a new dynamic-array formula uses cm="1" and the package has no metadata yet


class NotPatchable(Exception):
    """The part cannot be patched safely (rows or cells out of order, no sheetData); the caller writes afresh."""


def formula_file_text(f: Formula, row: int, col: int, prefixes: dict[str, str]) -> str:
    """A formula as a file stores it, '=' first: the file's own text while the formula says the same, otherwise
    written out with Excel's prefixes (and those the file used for functions gdsheet does not know)."""
    if f.source is not None and display_text(f.source) == f.text:
        return f.source
    if f.ast is None:
        return f.text
    return unparse(f.ast, row, col, for_file=True, prefixes=prefixes)


def same_value(a, b) -> bool:
    """Equal as cell values: numbers by value (True is not 1), text exactly, errors by code."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, ExcelError) and isinstance(b, ExcelError):
        return a.code == b.code
    return type(a) is type(b) and a == b


class SheetPatcher:
    """Patches one worksheet part from `sheet`. `strings` is the package's shared-string table, `dynamic_cm` the
    `cm` value that marks a dynamic array in this package (None: there is no such metadata yet), `prefixes` the
    file prefixes of functions by name (for edited formulas)."""

    def __init__(self, sheet: Sheet, strings: list, dynamic_cm: str | None, prefixes: dict[str, str]):
        self.sheet, self.strings, self.prefixes = sheet, strings, prefixes
        self.dynamic_cm = (dynamic_cm or "1").encode()
        self.report = SheetReport()
        # Formula blocks (a formula filled down a column) are never arrays or dynamic: only single cells are looked at.
        singles = _single_formulas(sheet)
        self.pending_dynamic = dynamic_cm is None and any(f.dynamic for f in singles.values())
        # What the model has, in row and column order, for the rows being walked: cells with a value, a formula or a
        # style id, walked along with the file's cells (a merge join), so cells the file lacks are inserted where
        # they belong. Keys as row << 14 | column (Excel has 16,384 columns): ints sort and compare several times
        # faster. Loaded from the stores one block of rows at a time (`_load_keys`), or for a block compared in bulk
        # just the cells the file lacks.
        self.index = ModelIndex(sheet)
        self.bulk = BulkComparer(self, self.index)
        self.keys: list[int] = []
        self.loaded_to = 0  # the rows up to here have their keys in self.keys (or were compared in bulk)
        self.k = 0
        self.attr_rows = sorted(set(sheet.row_heights) | sheet.hidden_rows)  # rows with a height or hidden
        self.a = 0
        self.arrays = [f.array for f in singles.values() if f.array is not None and not f.dynamic]
        self.masters_seen: set[bytes] = set()
        self.broken_groups: set[bytes] = set()  # shared formulas whose master changed: followers written in full
        self.group_trees: dict[bytes, object] = {}  # si -> the kept master's parsed formula (relative form)
        self.added = self.removed = 0
        self.columns: dict[bytes, int] = {}  # column letters -> number, for the fast path

    def _covered(self, key: tuple[int, int]) -> bool:
        """A cell an array formula or a spill fills (its text value is a formula result: t="str")."""
        if key in self.sheet.spilled_from:
            return True
        return any(a.r1 <= key[0] <= a.r2 and a.c1 <= key[1] <= a.c2 and key != (a.r1, a.c1) for a in self.arrays)

    # ---- the part -----------------------------------------------------------------------------------------------

    def patch(self, src: IO[bytes], dst: IO[bytes]) -> SheetReport:
        part = WorksheetXml(src)
        if not part.open_tag:
            raise NotPatchable("the worksheet has no sheetData")
        pat = part.patterns
        pos = Position()
        with tempfile.SpooledTemporaryFile(_SPOOL_IN_MEMORY) as body:
            last_row = 0
            for block, bulk in part.bulk_blocks():
                last_row = self._block(block, bulk, last_row, pat, pos, body)
            self._load_keys(last_row + 1, self.index.last_row())
            tail_rows = self._new_rows_before(None, pat)
            body.write(tail_rows)
            open_tag, tail = part.open_tag, part.tail
            if open_tag.endswith(b"/>") and body.tell():
                open_tag = open_tag[:-2].rstrip() + b">"
                tail = b"</" + part.prefix + b"sheetData>" + tail
            dimension = self._dimension() if self.added or self.removed else None
            head = patch_head(part.head, part.root, self.sheet, dimension)
            tail = patch_tail(tail, self.sheet)
            if head != part.head or tail != part.tail or open_tag != part.open_tag:
                self.report.changed = True
            dst.write(head)
            dst.write(open_tag)
            body.seek(0)
            shutil.copyfileobj(body, dst, 1 << 20)
            dst.write(tail)
        return self.report

    def _block(self, block: bytes, bulk, last_row: int, pat: Patterns, pos: Position, body) -> int:
        """Write one block of rows; returns the last row number written. A block the reader's bulk cut takes is
        compared with the model in bulk: copied as it is when nothing differs, its formula results put in when only
        they differ, and only its differing rows walked cell by cell; any other block is walked whole."""
        first = last_row + 1
        block_last = _last_row(block, pat)
        diff = None
        if (bulk is not None and not bulk.special_rows and block_last is not None and self.loaded_to < first
                and self.k == len(self.keys) and not self._attr_rows_in(first, block_last)):
            diff = self.bulk.compare(bulk, first, block_last)
        if diff is not None and diff.cells:
            rebuilt = replace_values(block, len(bulk.rows), diff.cells, diff.texts)
            if rebuilt is None:
                diff = None
            else:
                block = rebuilt
                self.report.changed = self.report.values_changed = True
        dirty = None
        if diff is not None:
            self.loaded_to = block_last
            if not diff.dirty_rows and not len(diff.missing):
                body.write(block)
                pos.row = block_last
                return block_last
            self.keys, self.k = diff.missing.tolist(), 0
            dirty = diff.dirty_rows
        else:
            self._load_keys(first, block_last if block_last is not None else self.index.last_row())
        out, pos_in_block = [], 0
        for row in row_spans(block, pat):
            row_attrs = attrs(row.group(1))
            r = pos.next_row(row_attrs)
            if r <= last_row:
                raise NotPatchable("rows out of order")
            last_row = r
            out.append(block[pos_in_block:row.start()])
            out.append(self._new_rows_before(r, pat))
            if dirty is None or r in dirty:
                out.append(self._row(row, row_attrs, r, pat, pos))
            else:  # compared in bulk and found the same: the file's bytes
                out.append(row.group(0))
            pos_in_block = row.end()
        out.append(block[pos_in_block:])
        body.write(b"".join(out))
        return last_row

    def _load_keys(self, a: int, b: int) -> None:
        """Append the model's keys of rows a..b (those not loaded yet) to the keys still to be walked."""
        a = max(a, self.loaded_to + 1)
        if b < a:
            return
        self.keys = self.keys[self.k:] + self.index.keys_in(a, b).tolist()
        self.k = 0
        self.loaded_to = b

    def _attr_rows_in(self, a: int, b: int) -> bool:
        """Whether the model gives a height or hides a row among rows a..b (such blocks are walked)."""
        i = bisect.bisect_left(self.attr_rows, a, self.a)
        return i < len(self.attr_rows) and self.attr_rows[i] <= b

    # ---- rows ---------------------------------------------------------------------------------------------------

    def _new_rows_before(self, r: int | None, pat: Patterns) -> bytes:
        """<row> elements for the model's rows before row `r` (all remaining ones for None) that the file lacks."""
        keys, attr_rows = self.keys, self.attr_rows
        rows: dict[int, list[int]] = {}
        while self.k < len(keys) and (r is None or keys[self.k] >> _COL_BITS < r):
            rows.setdefault(keys[self.k] >> _COL_BITS, []).append(keys[self.k] & _COL_MASK)
            self.k += 1
        while self.a < len(attr_rows) and (r is None or attr_rows[self.a] < r):
            rows.setdefault(attr_rows[self.a], [])
            self.a += 1
        if self.a < len(attr_rows) and attr_rows[self.a] == r:
            self.a += 1  # the file has this row: _row compares its attributes
        return b"".join(self._new_row(row, rows[row], pat) for row in sorted(rows))

    def _dimension(self) -> str:
        """The used range of what is written: the model's cells (the file's cells gdsheet does not hold, data
        tables and orphan shared formulas, are in the model as values)."""
        keys = self.index.keys_in(1, self.index.last_row())
        if not len(keys):
            return "A1"
        r1, r2 = int(keys[0]) >> _COL_BITS, int(keys[-1]) >> _COL_BITS
        cols = keys & _COL_MASK
        c1, c2 = int(cols.min()), int(cols.max())
        return cell_name(r1, c1) if (r1, c1) == (r2, c2) else f"{cell_name(r1, c1)}:{cell_name(r2, c2)}"

    def _row_attrs(self, r: int) -> bytes:
        out = b""
        h = self.sheet.row_heights.get(r)
        if h is not None:
            out += f' ht="{_number(h)}" customHeight="1"'.encode()
        if r in self.sheet.hidden_rows:
            out += b' hidden="1"'
        return out

    def _new_row(self, r: int, cols: list[int], pat: Patterns) -> bytes:
        cells = [self._new_cell(r, c, pat) for c in cols]
        cells = [c for c in cells if c]
        extra = self._row_attrs(r)
        if not cells and not extra:
            return b""
        self.report.changed = True
        p = _prefix(pat)
        start = b"<" + p + f'row r="{r}"'.encode() + extra
        if not cells:
            return start + b"/>"
        return start + b">" + b"".join(cells) + b"</" + p + b"row>"

    def _row(self, row, row_attrs: dict, r: int, pat: Patterns, pos: Position) -> bytes:
        """The bytes of one original row: as they were, unless a cell or the row's attributes changed."""
        keys, n = self.keys, len(self.keys)
        sheet = self.sheet
        cells, formulas, style_ids, strings = sheet.cells, sheet.formulas, sheet.style_ids, self.strings
        columns = self.columns
        pieces, changed = [], False
        block = row.string
        inner_start = row.start(2) if row.group(2) is not None else None
        at = inner_start
        last_col = 0
        pos.col = 0
        row_digits = row_attrs.get(b"r")
        for c in cell_spans(row, pat):
            # Most cells are written by Excel and openpyxl as <c r= s= t=><v>..</v></c> or with one plain <f>:
            # matched whole, they are compared with the model without building an attribute dictionary.
            fast = FAST_CELL.fullmatch(c.group(0))
            if fast is not None:
                letters, digits, s_attr, t, f_text, text = fast.groups()
                col = columns.get(letters)
                if col is None:
                    col = columns[letters] = col_index(letters.decode())
                if digits != row_digits:
                    raise NotPatchable("a cell outside its row")
                pos.col = col
                raw = None
            else:
                raw = parse_cell(c, pat)
                rr, col = pos.next_cell(raw.attrs)
                if rr != r:
                    raise NotPatchable("a cell outside its row")
            if col <= last_col:
                raise NotPatchable("cells out of order")
            last_col = col
            key = (r, col)
            key_int = r << _COL_BITS | col
            k = self.k
            while k < n and keys[k] < key_int:  # the model's cells before this one that the file lacks
                new = self._new_cell(r, keys[k] & _COL_MASK, pat) if keys[k] >> _COL_BITS == r else b""
                if new:
                    pieces.append(block[at:c.start()])
                    at = c.start()
                    pieces.append(new)
                    changed = True
                k += 1
            if k < n and keys[k] == key_int:
                k += 1
            self.k = k
            if fast is not None:
                if style_ids.get(key, 0) == (int(s_attr) if s_attr else 0):
                    v = cells.get(key)
                    f = formulas.get(key)
                    if not text:  # <v></v>: no value (a formula written without its result)
                        same = v is None and (f_text is None and f is None or f_text is not None and f is not None
                                              and f.source is not None and f.array is None and not f.dynamic
                                              and b"&" not in f_text and f.source[1:] == f_text.decode()
                                              and f.source == f.text)
                    elif f_text is None:
                        same = f is None and (
                            (t is None or t == b"n") and type(v) is float and float(text) == v
                            or t == b"s" and type(v) is str and strings[int(text)] == v)
                    else:  # a plain formula: the model's is the file's, and so is its cached result
                        same = (f is not None and f.source is not None and f.array is None and not f.dynamic
                                and b"&" not in f_text and f.source[1:] == f_text.decode()
                                and (f.source == f.text or display_text(f.source) == f.text)
                                and ((t is None or t == b"n") and type(v) is float and float(text) == v
                                     or t == b"str" and type(v) is str and b"&" not in text and text.decode() == v))
                    if same:
                        continue
                raw = parse_cell(c, pat)
            out = self._cell(c, raw, r, col, pat)
            if out is not None:
                changed = True
                pieces.append(block[at:c.start()])
                pieces.append(out)
                at = c.end()
        tail_new = []
        while self.k < n and keys[self.k] >> _COL_BITS == r:
            new = self._new_cell(r, keys[self.k] & _COL_MASK, pat)
            if new:
                tail_new.append(new)
            self.k += 1
        if tail_new:
            changed = True
        orig_height = row_attrs.get(b"ht") if row_attrs.get(b"customHeight") in _TRUE else None
        orig_hidden = row_attrs.get(b"hidden") in _TRUE
        height = sheet.row_heights.get(r)
        new_attrs = None
        if ((None if orig_height is None else float(orig_height)) != height
                or orig_hidden != (r in sheet.hidden_rows)):
            kept = {k: v for k, v in row_attrs.items() if k not in (b"ht", b"customHeight", b"hidden")}
            if height is None and orig_height is None and b"ht" in row_attrs:
                kept[b"ht"] = row_attrs[b"ht"]  # a height Excel computed, not set by hand: kept
            new_attrs = b"".join(b" " + k + b'="' + v + b'"' for k, v in kept.items()) + self._row_attrs(r)
        if not changed and new_attrs is None:
            return row.group(0)
        self.report.changed = True
        p = _prefix(pat)
        start = b"<" + p + b"row" + (new_attrs if new_attrs is not None else row.group(1).rstrip(b"/ "))
        if inner_start is None:
            body = b"".join(tail_new)
        else:
            body = b"".join(pieces) + block[at:row.end(2)] + b"".join(tail_new)
        if not body:
            return start + b"/>"
        return start + b">" + body + b"</" + p + b"row>"

    # ---- cells --------------------------------------------------------------------------------------------------

    def _cell(self, m, raw: RawCell, r: int, c: int, pat: Patterns) -> bytes | None:
        """None when the original cell stays as it is; otherwise its new bytes (b'' to drop it)."""
        key = (r, c)
        sheet = self.sheet
        f = sheet.formulas.get(key)
        value = sheet.cells.get(key)
        style = sheet.style_ids.get(key, 0)
        orig_style = int(raw.attrs.get(b"s", b"0") or 0)
        f_attrs = raw.f_attrs
        keep_f = False  # the original <f> element is written back as it is
        if f_attrs is not None:
            kind = f_attrs.get(b"t")
            si = f_attrs.get(b"si")
            is_master = kind == b"shared" and bool(raw.f_text)
            if is_master:
                self.masters_seen.add(si)
            # what the reader made a formula of: not a data table, an empty <f/> or a follower without its master
            in_model = kind != b"dataTable" and (bool(raw.f_text) or (kind == b"shared" and si in self.masters_seen))
            if not in_model:  # kept as long as the value is the file's
                if f is None and same_value(value, cell_value(raw, self.strings)) and style == orig_style:
                    return None
            elif f is not None and self._same_formula(f, raw, kind, si, is_master):
                keep_f = True
                if is_master:
                    self.group_trees[si] = f.ast
            elif is_master:
                self.broken_groups.add(si)
            if not keep_f and in_model:
                self.report.formulas_changed = True
        elif f is not None:
            self.report.formulas_changed = True
        if keep_f or (f_attrs is None and f is None):
            if same_value(value, cell_value(raw, self.strings)) and style == orig_style:
                return None
        self.report.changed = True
        if f is not None or keep_f:
            self.report.values_changed = True
        if f is None and value is None and style == 0:
            self.removed += 1
            return b""
        other = b"".join(b" " + k + b'="' + v + b'"' for k, v in raw.attrs.items()
                         if k not in _VALUE_ATTRS or (k == b"cm" and keep_f))
        f_bytes = _f_element(m.group(2), pat) if keep_f else None
        return self._cell_bytes(r, c, f, value, style, other, f_bytes, pat)

    def _same_formula(self, f: Formula, raw: RawCell, kind, si, is_master: bool) -> bool:
        """The model's formula is the one the file has for this cell (so its <f> element can stay)."""
        if f.source is None or display_text(f.source) != f.text:
            return False  # edited since it was read
        if kind == b"array":
            if f.array is None or f.array.a1(with_sheet=False) != (raw.f_attrs.get(b"ref") or b"").decode():
                return False
        elif f.array is not None or f.dynamic:
            return False
        if kind == b"shared" and not is_master:
            # Its text lives in the master, which is unchanged: the model's formula must be the master's read from
            # here (the same tree: trees are parsed relative to their cell), not one moved here by a row insert.
            tree = self.group_trees.get(si)
            return si not in self.broken_groups and tree is not None and (f.ast is tree or f.ast == tree)
        return f.source == "=" + unescape(raw.f_text or b"")

    def _new_cell(self, r: int, c: int, pat: Patterns) -> bytes:
        sheet = self.sheet
        key = (r, c)
        f, value, style = sheet.formulas.get(key), sheet.cells.get(key), sheet.style_ids.get(key, 0)
        if f is None and value is None and style == 0:
            return b""
        self.added += 1
        self.report.changed = True
        if f is not None:
            self.report.formulas_changed = self.report.values_changed = True
        return self._cell_bytes(r, c, f, value, style, b"", None, pat)

    def _cell_bytes(self, r: int, c: int, f: Formula | None, value, style: int, other: bytes,
                    f_bytes: bytes | None, pat: Patterns) -> bytes:
        p = _prefix(pat)
        start = b"<" + p + f'c r="{cell_name(r, c)}"'.encode()
        if style:
            start += f' s="{style}"'.encode()
        start += other
        if f is not None or f_bytes is not None:
            if f_bytes is None:
                f_bytes = self._f_bytes(f, r, c, p)
                if f.dynamic:
                    start += b' cm="' + self.dynamic_cm + b'"'
                    if self.pending_dynamic:
                        self.report.needs_metadata = True
            cached = cached_value(value)
            if cached is None:
                return start + b">" + f_bytes + b"</" + p + b"c>"
            t, text = cached
            if t is not None:
                start += b' t="' + t.encode() + b'"'
            return start + b">" + f_bytes + b"<" + p + b"v>" + escape(text) + b"</" + p + b"v></" + p + b"c>"
        if value is None:
            return start + b"/>"
        if isinstance(value, str) and not self._covered((r, c)):
            t_attr = b' xml:space="preserve"' if value != value.strip() else b""
            text = cached_value(value)[1]
            return (start + b' t="inlineStr"><' + p + b"is><" + p + b"t" + t_attr + b">" + escape(text) + b"</" + p
                    + b"t></" + p + b"is></" + p + b"c>")
        t, text = cached_value(value)
        if t is not None:
            start += b' t="' + t.encode() + b'"'
        return start + b"><" + p + b"v>" + escape(text) + b"</" + p + b"v></" + p + b"c>"

    def _f_bytes(self, f: Formula, r: int, c: int, p: bytes) -> bytes:
        text = formula_file_text(f, r, c, self.prefixes)[1:]
        if f.dynamic:
            area = self.sheet.spills.get((r, c))
            ref = area.a1(with_sheet=False) if area is not None else cell_name(r, c)
            return b"<" + p + f'f t="array" ref="{ref}">'.encode() + escape(text) + b"</" + p + b"f>"
        if f.array is not None:
            ref = f.array.a1(with_sheet=False)
            return b"<" + p + f'f t="array" ref="{ref}">'.encode() + escape(text) + b"</" + p + b"f>"
        return b"<" + p + b"f>" + escape(text) + b"</" + p + b"f>"


def _f_element(inner: bytes, pat: Patterns) -> bytes:
    m = pat.f.search(inner)
    if m is None:
        raise ScanError("a formula cell lost its <f> element")
    return m.group(0)


def _single_formulas(sheet: Sheet) -> dict:
    """The formulas of a sheet that are not in a FormulaBlock, by cell."""
    singles = getattr(sheet.formulas, "singles", None)
    return singles() if singles is not None else sheet.formulas


_ROW_R = re.compile(rb'\s+r="([0-9]+)"')


def _last_row(block: bytes, pat: Patterns) -> int | None:
    """The number of the last row of a block, None when its start tag has no r."""
    at = block.rfind(b"<" + _prefix(pat) + b"row")
    if at < 0:
        return None
    end = block.find(b">", at)
    m = _ROW_R.match(block, at + 4 + len(_prefix(pat)), end) if end > 0 else None
    if m is None:
        m = _ROW_R.search(block, at, end) if end > 0 else None
    return int(m.group(1)) if m is not None else None


def _prefix(pat: Patterns) -> bytes:
    return pat.row_end[2:-4]  # b'</x:row>' -> b'x:'


def _number(x: float) -> str:
    return repr(float(x))[:-2] if float(x).is_integer() else repr(float(x))
