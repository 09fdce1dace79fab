"""Walking a worksheet part's XML byte by byte: the reader and the patched save both go through here.

A worksheet part is cut into its head (everything before <sheetData>: sheetPr, dimension, sheetViews, cols), the
rows of <sheetData>, streamed in blocks of whole rows, and its tail (mergeCells, conditional formats, data
validation, hyperlinks, drawings, tableParts, extLst...). Rows and cells are found with regular expressions over
the bytes instead of an XML parser, because a save must copy every byte it does not change and an XML parser does
not say where an element began; the same cut also reads faster than ElementTree's iterparse (each cell is one
C-level match, no element objects).

Why a regular expression cannot run past a cell: character data cannot hold '<' (it is written &lt;), and the
attributes of <row>, <c>, <f> and <v> hold references, numbers and names, never '>'. Comments and CDATA sections,
which could break that, never occur in sheetData as Excel and the usual libraries write it; a block holding one
is normalised first (comments dropped, CDATA escaped), which keeps its meaning. A part in UTF-16 is re-encoded to
UTF-8. Namespace prefixes (<x:c>, written by the Open XML SDK) are followed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import IO, Iterator

from gdsheet.refs import col_index

CHUNK = 1 << 17  # 128 KB: the reader reports progress (and the app's window answers) once a piece, ~50 ms
_DIGITS = b"0123456789"
_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData\b[^>]*?(/?)>")
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)[\s/>]")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_CDATA = re.compile(rb"<!\[CDATA\[(.*?)\]\]>", re.S)
_DECLARED_ENCODING = re.compile(rb"""(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


# A cell as Excel and openpyxl write most of them: r, then s and t when needed, nothing else; a value, or a plain
# formula (not shared, not an array) and its value. Groups: letters, row, s, t, formula text, value text. The reader
# and the patched save take such cells without an attribute dictionary (the default namespace only).
FAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"(?: s="([0-9]+)")?(?: t="([a-z]+)")?>'
                       rb'(?:<f>([^<]*)</f>)?<v>([^<]*)</v></c>')


# The same cells in bulk: a block whose every cell is r, then s and t, maybe a formula element (plain or shared,
# not an array or a data table: those fail the check below) and a <v>, is cut by one split into parallel lists,
# instead of one match object per cell. Groups: letters, row, the s/t attributes, the <f> element, the value text.
_BULK_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"((?: [st]="[^"]*")*)>(<f(?: [^>]*)?(?:/>|>[^<]*</f>))?'
                        rb'<v>([^<]*)</v></c>')
_ROW_TAG = re.compile(rb"<row\b([^>]*)>")


@dataclass(slots=True)
class BulkCells:
    """The cells of a block in parallel lists (bytes, as in the file; `formulas` None where a cell has none), and
    the start tags of its rows that carry more than r and spans (a height, hidden)."""

    letters: list
    rows: list
    attrs: list
    formulas: list
    values: list
    special_rows: list
    between: list | None = None  # what lies before each cell (row tags, whitespace), and after the last: n + 1


def bulk_cells(block: bytes) -> BulkCells | None:
    """The cells of a block of rows in the default namespace, when every one of them is a plain cell; None when
    any is not (an inline string, a blank styled cell, an array formula, attributes beyond r, s and t), for the
    cell-by-cell walk to read."""
    parts = _BULK_CELL.split(block)
    if len(parts) < 6:
        return None
    between = b"".join(parts[0::6])  # what lies between the cells: row tags and whitespace only
    if b"<c" in between or b"<!" in between or b"<x:" in between or between.count(b"<row") != between.count(b"<row r="):
        return None
    special = []
    if b"customHeight" in between or b"hidden" in between:
        special = [m.group(1) for m in _ROW_TAG.finditer(between) if b"customHeight" in m.group(1)
                   or b"hidden" in m.group(1)]
    return BulkCells(parts[1::6], parts[2::6], parts[3::6], parts[4::6], parts[5::6], special, parts[0::6])


def replace_values(block: bytes, n: int, cells: list[int], texts: list[bytes]) -> bytes | None:
    """The block with the value texts of cells[k] (0-based, in file order) replaced by texts[k]; None when the block
    does not hold exactly `n` cells. For a block `bulk_cells` cut: every cell ends with its value's '</v></c>', and
    nothing else can (text never holds '<'), so one bytes split finds them all."""
    parts = block.split(b"</v></c>")
    if len(parts) != n + 1:
        return None
    for i, text in zip(cells, texts):
        piece = parts[i]
        parts[i] = piece[:piece.rfind(b"<v>") + 3] + text
    return b"</v></c>".join(parts)


class ScanError(ValueError):
    """The part is not a worksheet this scanner can cut (no root element, an unterminated row)."""


@dataclass(frozen=True)
class Patterns:
    """The expressions for one namespace prefix ('' for Excel's default namespace, 'x:' for the Open XML SDK)."""

    row: re.Pattern
    cell: re.Pattern
    f: re.Pattern
    v: re.Pattern
    inline: re.Pattern
    t: re.Pattern
    phonetic: re.Pattern
    row_end: bytes
    sheet_data_end: bytes


@lru_cache(maxsize=8)
def patterns(prefix: bytes = b"") -> Patterns:
    p = re.escape(prefix)
    # <row ...>cells</row> or <row .../>; group 1 the attributes, group 2 the cells (None for an empty row)
    row = re.compile(rb"<" + p + rb"row\b([^>]*?)(?:/>|>(.*?)</" + p + rb"row>)", re.S)
    cell = re.compile(rb"<" + p + rb"c\b([^>]*?)(?:/>|>(.*?)</" + p + rb"c>)", re.S)
    f = re.compile(rb"<" + p + rb"f\b([^>]*?)(?:/>|>(.*?)</" + p + rb"f>)", re.S)
    v = re.compile(rb"<" + p + rb"v\b[^>]*?(?:/>|>(.*?)</" + p + rb"v>)", re.S)
    inline = re.compile(rb"<" + p + rb"is\b[^>]*?(?:/>|>(.*?)</" + p + rb"is>)", re.S)
    t = re.compile(rb"<" + p + rb"t\b[^>]*?(?:/>|>(.*?)</" + p + rb"t>)", re.S)
    phonetic = re.compile(rb"<" + p + rb"rPh\b.*?</" + p + rb"rPh>", re.S)
    return Patterns(row, cell, f, v, inline, t, phonetic, b"</" + prefix + b"row>", b"</" + prefix + b"sheetData>")


def attrs(raw: bytes) -> dict[bytes, bytes]:
    """The attributes of a start tag, by their qualified names (values still XML-escaped)."""
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTR.finditer(raw)}


def unescape(raw: bytes) -> str:
    """XML character data or an attribute value as text."""
    text = raw.decode("utf-8")
    if "&" not in text:
        return text
    return _ENTITY.sub(_entity, text)


def _entity(m: re.Match) -> str:
    name = m.group(1)
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
    return _NAMED[name]


def escape(text: str, quote: bool = False) -> bytes:
    """Text as XML character data (or, with `quote`, as a double-quoted attribute value); CR kept as &#13;."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if quote:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return text.encode("utf-8")


def split_ref(ref: bytes) -> tuple[int, int]:
    """b'AB12' -> (12, 28)."""
    letters = ref.rstrip(_DIGITS)
    return int(ref[len(letters):]), col_index(letters.decode())


@dataclass(slots=True)
class RawCell:
    """One <c> element as the file has it: attributes, the <f> element's attributes and text, the <v> text, the text
    of an inline string. Texts are still XML-escaped bytes; `value_text` is None when there is no <v>."""

    attrs: dict[bytes, bytes]
    value_text: bytes | None = None
    f_attrs: dict[bytes, bytes] | None = None
    f_text: bytes | None = None
    inline: str | None = None


def parse_cell(m: re.Match, pat: Patterns) -> RawCell:
    """The parts of a cell matched by `pat.cell`."""
    cell = RawCell(attrs(m.group(1)))
    inner = m.group(2)
    if not inner:
        return cell
    if inner.startswith(b"<v>") and inner.endswith(b"</v>") and inner.count(b"<") == 2:  # most cells: a value
        cell.value_text = inner[3:-4]
        return cell
    fm = pat.f.search(inner)
    if fm is not None:
        cell.f_attrs = attrs(fm.group(1))
        cell.f_text = fm.group(2) if fm.group(2) is not None else b""
        inner = inner[:fm.start()] + inner[fm.end():]  # a <v> inside the formula text cannot exist, but be sure
    vm = pat.v.search(inner)
    if vm is not None:
        cell.value_text = vm.group(1) if vm.group(1) is not None else b""
    im = pat.inline.search(inner)
    if im is not None:
        body = pat.phonetic.sub(b"", im.group(1) or b"")  # phonetic guides are not part of the text
        cell.inline = "".join(unescape(t.group(1)) for t in pat.t.finditer(body) if t.group(1))
    return cell


class Position:
    """Row and column numbers of rows and cells, following Excel's rules for writers that leave out r attributes:
    a row without r follows the previous row, a cell without r follows the previous cell of its row."""

    __slots__ = ("row", "col")

    def __init__(self) -> None:
        self.row, self.col = 0, 0

    def next_row(self, row_attrs: dict[bytes, bytes]) -> int:
        r = row_attrs.get(b"r")
        self.row = int(r) if r else self.row + 1
        self.col = 0
        return self.row

    def next_cell(self, cell_attrs: dict[bytes, bytes]) -> tuple[int, int]:
        ref = cell_attrs.get(b"r")
        if ref:
            row, self.col = split_ref(ref)
            return row, self.col
        self.col += 1
        return self.row, self.col


@dataclass
class WorksheetXml:
    """A worksheet part, cut: `head` up to <sheetData>, `open_tag` (b'' when the part has no sheetData), blocks of
    whole rows from `blocks()`, then `tail` from </sheetData> (included) to the end."""

    source: IO[bytes]
    head: bytes = b""
    open_tag: bytes = b""
    prefix: bytes = b""
    root: bytes = b"worksheet"
    tail: bytes = b""
    _pending: bytes = field(default=b"", repr=False)

    def __post_init__(self) -> None:
        data = self.source.read(CHUNK)
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: re-encode the whole part once (rare)
            text = (data + self.source.read()).decode("utf-16")
            data = _DECLARED_ENCODING.sub(rb'\1"UTF-8"', text.encode("utf-8"), count=1)
            self.source = _Empty()
        elif data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        while True:
            m = _SHEET_DATA.search(data)
            if m is not None:
                break
            more = self.source.read(CHUNK)
            if not more:
                break
            data += more
        root = _ROOT.search(data, data.find(b"<", data.find(b"?>") + 1 if data.startswith(b"<?") else 0))
        if root is None:
            raise ScanError("the worksheet has no root element")
        self.root = root.group(1)
        if m is None:
            self.head = data
            return
        self.prefix = m.group(1)
        self.head, self.open_tag = data[:m.start()], m.group(0)
        self._pending = data[m.end():]
        if m.group(2):  # <sheetData/>: no rows
            self.tail, self._pending = self._pending, b""
            self.tail += self.source.read()

    @property
    def patterns(self) -> Patterns:
        return patterns(self.prefix)

    def blocks(self) -> Iterator[bytes]:
        """Blocks of whole <row> elements (and the whitespace between them), about CHUNK bytes each; `tail` is set
        once they are exhausted."""
        if not self.open_tag or self.open_tag.endswith(b"/>"):
            return
        pat = self.patterns
        end_tag, row_end = pat.sheet_data_end, pat.row_end
        pending = self._pending
        self._pending = b""
        while True:
            end = pending.find(end_tag)
            if end >= 0:
                if end:
                    yield _normalise(pending[:end])
                self.tail = pending[end:] + self.source.read()
                return
            more = self.source.read(CHUNK)
            if not more:
                raise ScanError("the worksheet's sheetData is not closed")
            pending += more
            # Cut after the last complete row, keeping a few bytes back in case </sheetData> is split across reads.
            cut = pending.rfind(row_end, 0, len(pending) - len(end_tag))
            if cut > 0 and len(pending) >= CHUNK:
                cut += len(row_end)
                yield _normalise(pending[:cut])
                pending = pending[cut:]


    def bulk_blocks(self, parts: int = 16) -> Iterator[tuple[bytes, BulkCells | None]]:
        """(block, its cells cut by `bulk_cells`, or None) for the blocks of rows. A block that cannot be cut in
        bulk (a header of inline strings, a few styled blanks) is offered again in pieces of whole rows, so that
        only the piece holding such cells is walked cell by cell. A part with a namespace prefix is never cut."""
        for block in self.blocks():
            bulk = None if self.prefix else bulk_cells(block)
            if bulk is not None or self.prefix or len(block) < 4096:
                yield block, bulk
                continue
            step, at = len(block) // parts, 0
            while at < len(block):
                cut = block.find(b"</row>", at + step)
                end = len(block) if cut < 0 else cut + len(b"</row>")
                yield block[at:end], bulk_cells(block[at:end])
                at = end


class _Empty:
    def read(self, n: int = -1) -> bytes:
        return b""


def _normalise(block: bytes) -> bytes:
    """A block without XML comments and CDATA sections, which none of the usual writers puts in sheetData."""
    if b"<!" not in block:
        return block
    block = _COMMENT.sub(b"", block)
    return _CDATA.sub(lambda m: escape(m.group(1).decode("utf-8")), block)


def row_spans(block: bytes, pat: Patterns) -> Iterator[re.Match]:
    """The <row> elements of a block, in order."""
    return pat.row.finditer(block)


def cell_spans(row: re.Match, pat: Patterns) -> Iterator[re.Match]:
    """The <c> elements of a row match, in order (matched in the row's own block, so spans index that block)."""
    if row.group(2) is None:
        return iter(())
    return pat.cell.finditer(row.string, row.start(2), row.end(2))
