"""A worksheet's layout outside its cells: read from, and written back into, the head and tail of its part.

The head (before <sheetData>) holds the dimension, the sheet views (freeze panes, zoom) and the column widths; the
tail (after it) the merged cells and the table parts. The reader takes the layout from here; the patched save
compares the model with what the original part says and rewrites an element only when they differ, so an
untouched part keeps every byte.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from itertools import groupby

from gdsheet.io.sheet_xml import attrs, escape, split_ref
from gdsheet.refs import cell_name

_ANY = rb"(?:[A-Za-z_][\w.-]*:)?"
_DIMENSION = re.compile(rb"(<" + _ANY + rb"dimension\b[^>]*?\bref=)([\"'])([^\"']*)\2")
_COLS = re.compile(rb"<(" + _ANY + rb")cols\b[^>]*?(?:/>|>.*?</" + _ANY + rb"cols>)", re.S)
_SHEET_VIEW = re.compile(rb"<(" + _ANY + rb")sheetView\b([^>]*?)(?:/>|>(.*?)</" + _ANY + rb"sheetView>)", re.S)
_PANE_OR_SELECTION = re.compile(rb"<" + _ANY + rb"(?:pane|selection)\b[^>]*?(?:/>|>.*?</" + _ANY +
                                rb"(?:pane|selection)>)", re.S)
_MERGE_CELLS = re.compile(rb"<(" + _ANY + rb")mergeCells\b[^>]*?(?:/>|>.*?</" + _ANY + rb"mergeCells>)", re.S)
_MERGE_CELL = re.compile(rb"<" + _ANY + rb"mergeCell\b([^>]*?)/?>")
_TABLE_PART = re.compile(rb"<" + _ANY + rb"tablePart\b([^>]*?)/?>")
_REL_ID = re.compile(rb"(?:^|\s)[\w.-]+:id\s*=\s*[\"']([^\"']*)[\"']")
_ZOOM = re.compile(rb"\szoomScale\s*=\s*([\"'])[^\"']*\1")
# Elements that follow <mergeCells> in a worksheet (ECMA-376 CT_Worksheet order): a new one goes before them.
_AFTER_MERGE = re.compile(rb"<" + _ANY + rb"(?:phoneticPr|conditionalFormatting|dataValidations|hyperlinks|"
                          rb"printOptions|pageMargins|pageSetup|headerFooter|rowBreaks|colBreaks|customProperties|"
                          rb"cellWatches|ignoredErrors|smartTags|drawing|legacyDrawing|legacyDrawingHF|picture|"
                          rb"oleObjects|controls|webPublishItems|tableParts|extLst)\b")
# Elements that follow <cols>, and <sheetViews>, in the head.
_AFTER_VIEWS = re.compile(rb"<" + _ANY + rb"(?:sheetFormatPr|cols)\b")
_TRUE = ("1", "true")


@dataclass
class HeadLayout:
    dimension: str | None = None
    col_widths: dict[int, float] = field(default_factory=dict)
    hidden_cols: set[int] = field(default_factory=set)
    cols: list[tuple[int, int, dict[str, str]]] = field(default_factory=list)  # (min, max, attributes)
    freeze: tuple[int, int] | None = None
    zoom: int = 100


@dataclass
class TailLayout:
    merged: list[str] = field(default_factory=list)
    table_rids: list[str] = field(default_factory=list)


def read_head(head: bytes, root: bytes) -> HeadLayout:
    """The layout the head of a worksheet part declares."""
    out = HeadLayout()
    view_seen = False
    if not head.strip():
        return out
    tree = ET.fromstring(head + b"</" + root + b">")
    for el in tree.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "dimension":
            out.dimension = el.get("ref")
        elif tag == "col":
            lo, hi = int(el.get("min")), int(el.get("max"))
            out.cols.append((lo, hi, {k: v for k, v in el.attrib.items() if k not in ("min", "max")}))
            width = el.get("width")
            for c in range(max(lo, 1), min(hi, 16384) + 1):  # a file may claim any numbers
                if width is not None and el.get("customWidth") in _TRUE:
                    out.col_widths[c] = float(width)
                if el.get("hidden") in _TRUE:
                    out.hidden_cols.add(c)
        elif tag == "sheetView" and not view_seen:
            view_seen = True  # the first view is the one Excel opens with
            out.zoom = int(float(el.get("zoomScale", "100")))
            for child in el:
                if child.tag.rsplit("}", 1)[-1] == "pane" and child.get("state") in ("frozen", "frozenSplit"):
                    out.freeze = _pane_cell(child.attrib)
    return out


def _pane_cell(pane: dict) -> tuple[int, int] | None:
    top_left = pane.get("topLeftCell")
    if top_left:
        return split_ref(top_left.encode())
    x, y = int(float(pane.get("xSplit", 0))), int(float(pane.get("ySplit", 0)))
    return (y + 1, x + 1) if x or y else None


def read_tail(tail: bytes) -> TailLayout:
    out = TailLayout()
    for m in _MERGE_CELL.finditer(tail):
        ref = attrs(m.group(1)).get(b"ref")
        if ref:
            out.merged.append(ref.decode())
    for m in _TABLE_PART.finditer(tail):
        rid = _REL_ID.search(m.group(1))
        if rid:
            out.table_rids.append(rid.group(1).decode())
    return out


# ---- writing back ---------------------------------------------------------------------------------------------

def patch_head(head: bytes, root: bytes, sheet, dimension: str | None) -> bytes:
    """`head` with the dimension (when given), the columns and the first sheet view changed to what `sheet` has,
    each rewritten only where it differs from the original."""
    orig = read_head(head, root)
    if dimension is not None and orig.dimension is not None and dimension != orig.dimension:
        head = _DIMENSION.sub(lambda m: m.group(1) + b'"' + dimension.encode() + b'"', head, count=1)
    if sheet.col_widths != orig.col_widths or sheet.hidden_cols != orig.hidden_cols:
        head = _patch_cols(head, orig, sheet)
    if sheet.zoom != orig.zoom or sheet.freeze != orig.freeze:
        head = _patch_view(head, orig, sheet)
    return head


def _number(x: float) -> str:
    return repr(float(x))[:-2] if float(x).is_integer() else repr(float(x))


def _patch_cols(head: bytes, orig: HeadLayout, sheet) -> bytes:
    per_col: dict[int, dict[str, str]] = {}
    for lo, hi, a in orig.cols:
        for c in range(lo, min(hi, 16384) + 1):
            per_col[c] = dict(a)
    for c in set(per_col) | set(sheet.col_widths) | sheet.hidden_cols:
        a = per_col.setdefault(c, {})
        if c in sheet.col_widths:
            a["width"], a["customWidth"] = _number(sheet.col_widths[c]), "1"
        elif a.get("customWidth") in _TRUE:
            a.pop("width", None)
            a.pop("customWidth", None)
        if c in sheet.hidden_cols:
            a["hidden"] = "1"
        else:
            a.pop("hidden", None)
        if not a:
            del per_col[c]
    m = _COLS.search(head)
    prefix = m.group(1) if m else b""
    items = []
    cols = sorted(per_col.items())
    for _, run in groupby(enumerate(cols), key=lambda p: (p[1][0] - p[0], sorted(p[1][1].items()))):
        run = [c for _, c in run]
        a = run[0][1]
        a.setdefault("width", "9.140625")  # Excel's default width; a <col> needs one
        text = "".join(f' {k}="{escape(v, quote=True).decode()}"' for k, v in a.items())
        items.append(b"<" + prefix + f'col min="{run[0][0]}" max="{run[-1][0]}"{text}/>'.encode())
    new = b"<" + prefix + b"cols>" + b"".join(items) + b"</" + prefix + b"cols>" if items else b""
    if m is not None:
        return head[:m.start()] + new + head[m.end():]
    return head + new  # <cols> is the last element before sheetData that gdsheet writes


def _patch_view(head: bytes, orig: HeadLayout, sheet) -> bytes:
    m = _SHEET_VIEW.search(head)
    if m is None:
        view_attrs = b' workbookViewId="0"' + (f' zoomScale="{int(sheet.zoom)}"'.encode() if sheet.zoom != 100 else b"")
        view = b"<sheetViews>" + _view(b"", view_attrs, b"", sheet, True) + b"</sheetViews>"
        after = _AFTER_VIEWS.search(head)
        at = after.start() if after else len(head)
        return head[:at] + view + head[at:]
    prefix, view_attrs, inner = m.group(1), m.group(2), m.group(3) or b""
    if sheet.zoom != orig.zoom:
        view_attrs = _ZOOM.sub(b"", view_attrs)
        if sheet.zoom != 100:
            view_attrs = view_attrs.rstrip(b"/ ") + f' zoomScale="{int(sheet.zoom)}"'.encode()
    new_pane = sheet.freeze != orig.freeze
    if new_pane:
        inner = _PANE_OR_SELECTION.sub(b"", inner)
    return head[:m.start()] + _view(prefix, view_attrs, inner, sheet, new_pane) + head[m.end():]


def _view(prefix: bytes, view_attrs: bytes, inner: bytes, sheet, new_pane: bool) -> bytes:
    """A <sheetView> element holding `inner`, with the sheet's frozen pane first when `new_pane`."""
    if new_pane and sheet.freeze is not None:
        row, col = sheet.freeze
        x, y = col - 1, row - 1
        active = "bottomRight" if x and y else ("bottomLeft" if y else "topRight")
        split = (f' xSplit="{x}"' if x else "") + (f' ySplit="{y}"' if y else "")
        inner = (b"<" + prefix + f'pane{split} topLeftCell="{cell_name(row, col)}" activePane="{active}" '
                 f'state="frozen"/>'.encode() + b"<" + prefix + f'selection pane="{active}"/>'.encode()) + inner
    if not inner:
        return b"<" + prefix + b"sheetView" + view_attrs.rstrip(b"/ ") + b"/>"
    return b"<" + prefix + b"sheetView" + view_attrs.rstrip(b"/ ") + b">" + inner + b"</" + prefix + b"sheetView>"


def patch_tail(tail: bytes, sheet) -> bytes:
    """`tail` with <mergeCells> rewritten when the sheet's merged areas differ from the original's."""
    orig = read_tail(tail).merged
    mine = [a.a1(with_sheet=False) for a in sheet.merged]
    if sorted(orig) == sorted(mine):
        return tail
    m = _MERGE_CELLS.search(tail)
    prefix = m.group(1) if m else b""
    new = b""
    if mine:
        items = b"".join(b"<" + prefix + f'mergeCell ref="{ref}"/>'.encode() for ref in mine)
        new = b"<" + prefix + f'mergeCells count="{len(mine)}">'.encode() + items + b"</" + prefix + b"mergeCells>"
    if m is not None:
        return tail[:m.start()] + new + tail[m.end():]
    after = _AFTER_MERGE.search(tail)
    if after is None:
        at = tail.rfind(b"</")  # before the root's end tag
    else:
        at = after.start()
    close = tail.find(b">") + 1 if tail.lstrip().startswith(b"</") else 0  # after </sheetData>
    at = max(at, close)
    return tail[:at] + new + tail[at:]
