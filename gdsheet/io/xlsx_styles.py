"""The styles part (xl/styles.xml) and the theme's colours, read into a StyleTable and written back by appending.

`write_styles` never rewrites what the file had: the entries gdsheet added (fonts, fills, borders, number formats,
cell formats) are appended to their lists and the lists' counts updated; every other element, attribute, named
style, dxf and extLst stays as it was. lxml keeps the document's namespaces, prefixes and order.
"""
from __future__ import annotations

from lxml import etree

from gdsheet.sheet.styles import (OFFICE_THEME, Alignment, Border, Color, Fill, Font, Side, StyleTable, Xf)

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_N = "{%s}" % NS
# the file is checked for DTDs before anything is parsed (io.safety); this parser would not expand one anyway
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
# the order CT_Stylesheet requires; a missing list is created before the first list that follows it
_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles",
          "colors", "extLst")
_THEME_ORDER = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
                "hlink", "folHlink")


def _true(value: str | None, default: bool = False) -> bool:
    return default if value is None else value in ("1", "true")


# ---- reading ----------------------------------------------------------------------------------------------

def read_styles(xml: bytes) -> StyleTable:
    """The style table of a styles part. The theme's colours are Office's until `read_theme` gives the file's."""
    root = etree.fromstring(xml, _PARSER)
    table = StyleTable(fonts=[_font(e) for e in root.iterfind(f"{_N}fonts/{_N}font")],
                       fills=[_fill(e) for e in root.iterfind(f"{_N}fills/{_N}fill")],
                       borders=[_border(e) for e in root.iterfind(f"{_N}borders/{_N}border")],
                       num_fmts={int(e.get("numFmtId")): e.get("formatCode", "General")
                                 for e in root.iterfind(f"{_N}numFmts/{_N}numFmt")},
                       cell_xfs=[_xf(e) for e in root.iterfind(f"{_N}cellXfs/{_N}xf")])
    palette = [e.get("rgb", "FF000000")[-6:].upper() for e in root.iterfind(f"{_N}colors/{_N}indexedColors/"
                                                                              f"{_N}rgbColor")]
    if palette:
        table.indexed = tuple(palette)
    if not table.cell_xfs:
        table.cell_xfs = [Xf()]
    table.mark_original()
    return table


def read_theme(xml: bytes) -> tuple[str, ...]:
    """The twelve colours of a theme part's clrScheme ('RRGGBB', in clrScheme order); Office's where one is
    missing."""
    root = etree.fromstring(xml, _PARSER)
    scheme = root.find(f".//{{{_A}}}clrScheme")
    if scheme is None:
        return OFFICE_THEME
    out = []
    for name, default in zip(_THEME_ORDER, OFFICE_THEME):
        el = scheme.find(f"{{{_A}}}{name}")
        value = None
        if el is not None and len(el):
            c = el[0]
            value = c.get("val") if c.tag == f"{{{_A}}}srgbClr" else c.get("lastClr")
        out.append((value or default).upper())
    return tuple(out)


def _color(el) -> Color | None:
    if el is None:
        return None
    tint = float(el.get("tint", "0"))
    if el.get("rgb") is not None:
        return Color(rgb=el.get("rgb").upper().rjust(8, "F"), tint=tint)
    if el.get("theme") is not None:
        return Color(theme=int(el.get("theme")), tint=tint)
    if el.get("indexed") is not None:
        return Color(indexed=int(el.get("indexed")), tint=tint)
    return Color(auto=_true(el.get("auto")))


def _val(el, tag: str, default=None):
    child = el.find(_N + tag)
    if child is None:
        return default
    return child.get("val", "")


def _flag(el, tag: str) -> bool:
    child = el.find(_N + tag)
    return child is not None and _true(child.get("val"), True)


def _font(el) -> Font:
    size = _val(el, "sz")
    family, charset = _val(el, "family"), _val(el, "charset")
    underline = _val(el, "u")
    return Font(name=_val(el, "name", "Calibri") or "Calibri", size=float(size) if size else 11.0,
                bold=_flag(el, "b"), italic=_flag(el, "i"),
                underline=(underline or "single") if underline is not None and underline != "none" else None,
                strike=_flag(el, "strike"), color=_color(el.find(_N + "color")), vert_align=_val(el, "vertAlign"),
                family=int(family) if family else None, charset=int(charset) if charset else None,
                scheme=_val(el, "scheme"))


def _fill(el) -> Fill:
    pattern = el.find(_N + "patternFill")
    if pattern is not None:
        kind = pattern.get("patternType")
        return Fill(None if kind == "none" else kind, _color(pattern.find(_N + "fgColor")),
                    _color(pattern.find(_N + "bgColor")))
    gradient = el.find(_N + "gradientFill")
    if gradient is not None:
        stop = gradient.find(f"{_N}stop/{_N}color")
        return Fill("gradient", _color(stop), None, etree.tostring(gradient, encoding="unicode"))
    return Fill()


def _side(el) -> Side:
    if el is None or not el.get("style"):
        return Side()
    return Side(el.get("style"), _color(el.find(_N + "color")))


def _border(el) -> Border:
    outline = el.get("outline")
    return Border(_side(el.find(_N + "left") if el.find(_N + "left") is not None else el.find(_N + "start")),
                  _side(el.find(_N + "right") if el.find(_N + "right") is not None else el.find(_N + "end")),
                  _side(el.find(_N + "top")), _side(el.find(_N + "bottom")), _side(el.find(_N + "diagonal")),
                  _true(el.get("diagonalUp")), _true(el.get("diagonalDown")),
                  None if outline is None else _true(outline))


def _xf(el) -> Xf:
    a = el.find(_N + "alignment")
    alignment = Alignment()
    if a is not None:
        alignment = Alignment(a.get("horizontal") if a.get("horizontal") != "general" else None,
                              a.get("vertical") if a.get("vertical") != "bottom" else None,
                              _true(a.get("wrapText")), int(a.get("indent", "0")), int(a.get("textRotation", "0")),
                              _true(a.get("shrinkToFit")))
    p = el.find(_N + "protection")
    return Xf(int(el.get("numFmtId", "0")), int(el.get("fontId", "0")), int(el.get("fillId", "0")),
              int(el.get("borderId", "0")), int(el.get("xfId", "0")), alignment,
              _true(p.get("locked"), True) if p is not None else True,
              _true(p.get("hidden")) if p is not None else False, _true(el.get("quotePrefix")),
              a is not None, p is not None)


# ---- writing ----------------------------------------------------------------------------------------------

_MINIMAL = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<styleSheet xmlns="' + NS.encode() + b'"><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
            b'fillId="0" borderId="0"/></cellStyleXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
            b'builtinId="0"/></cellStyles></styleSheet>')


def write_styles(original_xml: bytes | None, table: StyleTable) -> bytes:
    """The styles part with what `table` appended since it was read; `original_xml` None writes a whole part
    (a new workbook: every entry of the table counts as appended)."""
    if original_xml is None:
        root = etree.fromstring(_MINIMAL, _PARSER)
        fonts0 = fills0 = borders0 = xfs0 = 0
        fmts0: set[int] = set()
    else:
        root = etree.fromstring(original_xml, _PARSER)
        fonts0, fills0, borders0, xfs0 = table.original_counts
        fmts0 = table.original_num_fmts
    new_fmts = sorted(i for i in table.num_fmts if i not in fmts0)
    if new_fmts:
        _append(root, "numFmts", [_num_fmt_el(i, table.num_fmts[i]) for i in new_fmts])
    _append(root, "fonts", [_font_el(f) for f in table.fonts[fonts0:]])
    _append(root, "fills", [_fill_el(f) for f in table.fills[fills0:]])
    _append(root, "borders", [_border_el(b) for b in table.borders[borders0:]])
    _append(root, "cellXfs", [_xf_el(x) for x in table.cell_xfs[xfs0:]])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _append(root, name: str, elements: list) -> None:
    if not elements:
        return
    container = root.find(_N + name)
    if container is None:
        container = etree.Element(_N + name)
        later = _ORDER[_ORDER.index(name) + 1:]
        for i, child in enumerate(root):
            if isinstance(child.tag, str) and etree.QName(child).localname in later:
                root.insert(i, container)
                break
        else:
            root.append(container)
    for el in elements:
        container.append(el)
    container.set("count", str(sum(1 for c in container if isinstance(c.tag, str))))



def _el(tag: str, **attrs) -> etree._Element:
    el = etree.Element(_N + tag)
    for k, v in attrs.items():
        if v is not None:
            el.set(k, v)
    return el


def _sub(parent, tag: str, **attrs):
    el = _el(tag, **attrs)
    parent.append(el)
    return el


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _color_el(tag: str, c: Color | None):
    if c is None:
        return None
    tint = _num(c.tint) if c.tint else None
    if c.rgb is not None:
        return _el(tag, rgb=c.rgb, tint=tint)
    if c.theme is not None:
        return _el(tag, theme=str(c.theme), tint=tint)
    if c.indexed is not None:
        return _el(tag, indexed=str(c.indexed), tint=tint)
    return _el(tag, auto="1")


def _num_fmt_el(i: int, code: str):
    return _el("numFmt", numFmtId=str(i), formatCode=code)


def _font_el(f: Font):
    # CT_Font's children in the order Excel writes them
    el = _el("font")
    if f.bold:
        _sub(el, "b")
    if f.italic:
        _sub(el, "i")
    if f.strike:
        _sub(el, "strike")
    if f.underline:
        _sub(el, "u", val=None if f.underline == "single" else f.underline)
    if f.vert_align:
        _sub(el, "vertAlign", val=f.vert_align)
    _sub(el, "sz", val=_num(f.size))
    color = _color_el("color", f.color)
    if color is not None:
        el.append(color)
    _sub(el, "name", val=f.name)
    if f.family is not None:
        _sub(el, "family", val=str(f.family))
    if f.charset is not None:
        _sub(el, "charset", val=str(f.charset))
    if f.scheme:
        _sub(el, "scheme", val=f.scheme)
    return el


def _fill_el(f: Fill):
    el = _el("fill")
    if f.gradient is not None:
        el.append(etree.fromstring(f.gradient, _PARSER))
        return el
    pattern = _sub(el, "patternFill", patternType=f.pattern or "none")
    for tag, c in (("fgColor", f.fg), ("bgColor", f.bg)):
        color = _color_el(tag, c)
        if color is not None:
            pattern.append(color)
    return el


def _border_el(b: Border):
    el = _el("border", diagonalUp="1" if b.diagonal_up else None, diagonalDown="1" if b.diagonal_down else None,
             outline=None if b.outline is None else ("1" if b.outline else "0"))
    for tag, side in (("left", b.left), ("right", b.right), ("top", b.top), ("bottom", b.bottom),
                      ("diagonal", b.diagonal)):
        s = _sub(el, tag, style=side.style)
        color = _color_el("color", side.color) if side.style else None
        if color is not None:
            s.append(color)
    return el


def _xf_el(x: Xf):
    el = _el("xf", numFmtId=str(x.num_fmt_id), fontId=str(x.font_id), fillId=str(x.fill_id),
             borderId=str(x.border_id), xfId=str(x.xf_id), quotePrefix="1" if x.quote_prefix else None,
             applyNumberFormat="1" if x.num_fmt_id else None, applyFont="1" if x.font_id else None,
             applyFill="1" if x.fill_id else None, applyBorder="1" if x.border_id else None,
             applyAlignment="1" if x.has_alignment else None, applyProtection="1" if x.has_protection else None)
    if x.has_alignment:
        a = x.alignment
        _sub(el, "alignment", horizontal=a.horizontal, vertical=a.vertical,
             textRotation=str(a.rotation) if a.rotation else None, wrapText="1" if a.wrap else None,
             indent=str(a.indent) if a.indent else None, shrinkToFit="1" if a.shrink else None)
    if x.has_protection:
        _sub(el, "protection", locked=None if x.locked else "0", hidden="1" if x.formula_hidden else None)
    return el
