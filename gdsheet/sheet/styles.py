"""Cell formatting as the file has it: fonts, fills, borders, alignment and number formats (plain data, no Qt).

A workbook's styles part is a set of tables (fonts, fills, borders, numFmts) and a list of cell formats (cellXfs)
that point into them; a cell stores only the index of its cell format. `StyleTable` holds those tables as read,
resolves an index to a `CellFormat` (cached: the grid asks for every visible cell), and finds or appends the index
of a format the user made (`xf_for`). What it appended is what `io.xlsx_styles.write_styles` adds to the part.
"""
from __future__ import annotations

import colorsys
from dataclasses import dataclass, field, replace

# Excel's built-in number formats by id (ECMA-376 18.8.30); 0 is General.
BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)', 7: '"$"#,##0.00_);("$"#,##0.00)', 8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm",
    17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)", 38: "#,##0_);[Red](#,##0)", 39: "#,##0.00_);(#,##0.00)", 40: "#,##0.00_);[Red](#,##0.00)",
    41: '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)', 42: '_("$"* #,##0_);_("$"* \\(#,##0\\);_("$"* "-"_);_(@_)',
    43: '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)',
    44: '_("$"* #,##0.00_)_("$"* \\(#,##0.00\\)_("$"* "-"??_)_(@_)', 45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0",
    48: "##0.0E+0", 49: "@",
}
FIRST_CUSTOM_FORMAT = 164  # ids below are reserved for built-in formats

# The Office theme's colours (Office 2013+), for a workbook with no theme part; in clrScheme order:
# dk1, lt1, dk2, lt2, accent1..6, hlink, folHlink.
OFFICE_THEME = ("000000", "FFFFFF", "44546A", "E7E6E6", "4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47",
                "0563C1", "954F72")

# The legacy 64-colour palette that `indexed` colours name (64 is the system foreground, 65 the background).
INDEXED = (
    "000000", "FFFFFF", "FF0000", "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF", "000000", "FFFFFF", "FF0000",
    "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF", "800000", "008000", "000080", "808000", "800080", "008080",
    "C0C0C0", "808080", "9999FF", "993366", "FFFFCC", "CCFFFF", "660066", "FF8080", "0066CC", "CCCCFF", "000080",
    "FF00FF", "FFFF00", "00FFFF", "800080", "800000", "008080", "0000FF", "00CCFF", "CCFFFF", "CCFFCC", "FFFF99",
    "99CCFF", "FF99CC", "CC99FF", "FFCC99", "3366FF", "33CCCC", "99CC00", "FFCC00", "FF9900", "FF6600", "666699",
    "969696", "003366", "339966", "003300", "333300", "993300", "993366", "333399", "333333")

BORDER_STYLES = ("thin", "medium", "thick", "dashed", "dotted", "double", "hair", "mediumDashed", "dashDot",
                 "mediumDashDot", "dashDotDot", "mediumDashDotDot", "slantDashDot")


@dataclass(frozen=True, slots=True)
class Color:
    """A colour as a file names it: an ARGB value, a theme colour with a tint, a palette index, or automatic."""

    rgb: str | None = None  # "FFRRGGBB"
    theme: int | None = None
    tint: float = 0.0
    indexed: int | None = None
    auto: bool = False

    @staticmethod
    def of(rgb: str) -> Color:
        """A colour from '#RRGGBB' or 'RRGGBB'."""
        return Color(rgb="FF" + rgb.lstrip("#").upper()[-6:])


@dataclass(frozen=True, slots=True)
class Font:
    name: str = "Calibri"
    size: float = 11.0
    bold: bool = False
    italic: bool = False
    underline: str | None = None  # 'single', 'double', 'singleAccounting', 'doubleAccounting'
    strike: bool = False
    color: Color | None = None
    vert_align: str | None = None  # 'superscript', 'subscript'
    family: int | None = None
    charset: int | None = None
    scheme: str | None = None  # 'minor', 'major': the theme's body or heading font


@dataclass(frozen=True, slots=True)
class Fill:
    """A pattern fill (Excel's solid fill is pattern 'solid' in the foreground colour); `gradient` keeps a gradient
    fill's XML as it was, which gdsheet shows as its first stop's colour."""

    pattern: str | None = None  # None / 'none': no fill
    fg: Color | None = None
    bg: Color | None = None
    gradient: str | None = None


@dataclass(frozen=True, slots=True)
class Side:
    style: str | None = None  # one of BORDER_STYLES; None: no line
    color: Color | None = None


@dataclass(frozen=True, slots=True)
class Border:
    left: Side = Side()
    right: Side = Side()
    top: Side = Side()
    bottom: Side = Side()
    diagonal: Side = Side()
    diagonal_up: bool = False
    diagonal_down: bool = False
    outline: bool | None = None

    @property
    def any(self) -> bool:
        return bool(self.left.style or self.right.style or self.top.style or self.bottom.style)


@dataclass(frozen=True, slots=True)
class Alignment:
    horizontal: str | None = None  # general (None), left, center, right, fill, justify, centerContinuous, distributed
    vertical: str | None = None  # bottom (None), top, center, justify, distributed
    wrap: bool = False
    indent: int = 0
    rotation: int = 0
    shrink: bool = False


@dataclass(frozen=True, slots=True)
class CellFormat:
    """Everything one cellXfs entry says about a cell, resolved: what the grid shows and the user edits."""

    font: Font = Font()
    fill: Fill = Fill()
    border: Border = Border()
    alignment: Alignment = Alignment()
    number_format: str = "General"
    locked: bool = True
    formula_hidden: bool = False
    style_xf: int = 0  # the named cell style (cellStyleXfs index) it is based on
    quote_prefix: bool = False


@dataclass(frozen=True, slots=True)
class Xf:
    """One cellXfs entry as the file stores it: indices into the tables, and its own alignment and protection."""

    num_fmt_id: int = 0
    font_id: int = 0
    fill_id: int = 0
    border_id: int = 0
    xf_id: int = 0
    alignment: Alignment = Alignment()
    locked: bool = True
    formula_hidden: bool = False
    quote_prefix: bool = False
    has_alignment: bool = False
    has_protection: bool = False


@dataclass
class StyleTable:
    """The styles part of a workbook. Lists hold what the file had, then what gdsheet appended (`dirty`); the
    `original_*` counts say where the appended entries start, so a writer adds exactly those."""

    fonts: list[Font] = field(default_factory=lambda: [Font(color=Color(theme=1), family=2, scheme="minor")])
    fills: list[Fill] = field(default_factory=lambda: [Fill(), Fill("gray125")])
    borders: list[Border] = field(default_factory=lambda: [Border()])
    num_fmts: dict[int, str] = field(default_factory=dict)  # custom number formats by id
    cell_xfs: list[Xf] = field(default_factory=lambda: [Xf()])
    theme: tuple[str, ...] = OFFICE_THEME  # RRGGBB in clrScheme order
    indexed: tuple[str, ...] = INDEXED
    dirty: bool = False

    def __post_init__(self) -> None:
        self.mark_original()

    def mark_original(self) -> None:
        """Everything now in the table is the file's own."""
        self.original_counts = (len(self.fonts), len(self.fills), len(self.borders), len(self.cell_xfs))
        self.original_num_fmts = set(self.num_fmts)
        self.dirty = False
        self._formats: dict[int, CellFormat] = {}
        self._xf_of: dict[CellFormat, int] | None = None

    # ---- reading --------------------------------------------------------------------------------------------

    @property
    def default_font(self) -> Font:
        """The Normal style's font: Excel measures column widths in its digits."""
        return self.fonts[0] if self.fonts else Font()

    def number_format_code(self, num_fmt_id: int) -> str:
        return self.num_fmts.get(num_fmt_id) or BUILTIN_FORMATS.get(num_fmt_id, "General")

    def format(self, xf_id: int) -> CellFormat:
        """The resolved format of a cellXfs index (the default format for an index the file does not have)."""
        fmt = self._formats.get(xf_id)
        if fmt is None:
            xf = self.cell_xfs[xf_id] if 0 <= xf_id < len(self.cell_xfs) else Xf()
            fmt = CellFormat(_at(self.fonts, xf.font_id, Font()), _at(self.fills, xf.fill_id, Fill()),
                             _at(self.borders, xf.border_id, Border()), xf.alignment,
                             self.number_format_code(xf.num_fmt_id), xf.locked, xf.formula_hidden, xf.xf_id,
                             xf.quote_prefix)
            self._formats[xf_id] = fmt
        return fmt

    def number_formats(self) -> list[str | None]:
        """Format code by cellXfs index, None for General: what `Sheet.number_formats` holds per cell."""
        out = []
        for i in range(len(self.cell_xfs)):
            code = self.format(i).number_format
            out.append(None if code == "General" else code)
        return out

    def rgb(self, color: Color | None, default: str | None = None) -> str | None:
        """'RRGGBB' of a colour (theme colours with their tint applied); `default` for none or automatic."""
        if color is None or color.auto:
            return default
        if color.rgb is not None:
            base = color.rgb[-6:].upper()
        elif color.theme is not None:
            # Excel's theme indices swap the first two pairs of clrScheme: 0 is lt1 (background), 1 is dk1 (text)
            i = {0: 1, 1: 0, 2: 3, 3: 2}.get(color.theme, color.theme)
            if not 0 <= i < len(self.theme):
                return default
            base = self.theme[i]
        elif color.indexed is not None:
            if color.indexed >= len(self.indexed):
                return default  # 64/65: the system's window text and background
            base = self.indexed[color.indexed]
        else:
            return default
        return apply_tint(base, color.tint) if color.tint else base

    # ---- appending ------------------------------------------------------------------------------------------

    def xf_for(self, fmt: CellFormat) -> int:
        """The cellXfs index of `fmt`: an existing one with exactly this format, else a new one appended."""
        if self._xf_of is None:
            self._xf_of = {}
            for i in range(len(self.cell_xfs) - 1, -1, -1):  # the first index wins
                self._xf_of[self.format(i)] = i
        found = self._xf_of.get(fmt)
        if found is not None:
            return found
        xf = Xf(self._num_fmt_id(fmt.number_format), _find_or_add(self.fonts, fmt.font),
                _find_or_add(self.fills, fmt.fill), _find_or_add(self.borders, fmt.border), fmt.style_xf,
                fmt.alignment, fmt.locked, fmt.formula_hidden, fmt.quote_prefix,
                has_alignment=fmt.alignment != Alignment(), has_protection=not fmt.locked or fmt.formula_hidden)
        self.cell_xfs.append(xf)
        index = len(self.cell_xfs) - 1
        self._xf_of[fmt] = index
        self.dirty = True
        return index

    def _num_fmt_id(self, code: str) -> int:
        for i, c in self.num_fmts.items():
            if c == code:
                return i
        for i, c in BUILTIN_FORMATS.items():
            if c == code:
                return i
        i = max([FIRST_CUSTOM_FORMAT - 1, *self.num_fmts]) + 1
        self.num_fmts[i] = code
        return i


def _at(items: list, i: int, default):
    return items[i] if 0 <= i < len(items) else default


def _find_or_add(items: list, item) -> int:
    try:
        return items.index(item)
    except ValueError:
        items.append(item)
        return len(items) - 1


def apply_tint(rgb: str, tint: float) -> str:
    """A theme colour lightened (tint > 0) or darkened (tint < 0) in HLS luminance, as Excel does."""
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, lum, s = colorsys.rgb_to_hls(r, g, b)
    lum = lum * (1 + tint) if tint < 0 else lum * (1 - tint) + tint
    r, g, b = colorsys.hls_to_rgb(h, min(max(lum, 0.0), 1.0), s)
    return "".join(f"{round(v * 255):02X}" for v in (r, g, b))


# ---- formats the user changes -----------------------------------------------------------------------------

def with_font(fmt: CellFormat, **changes) -> CellFormat:
    return replace(fmt, font=replace(fmt.font, **changes))


def with_alignment(fmt: CellFormat, **changes) -> CellFormat:
    return replace(fmt, alignment=replace(fmt.alignment, **changes))


def with_fill(fmt: CellFormat, rgb: str | None) -> CellFormat:
    """A solid fill in `rgb` ('RRGGBB'), or no fill for None."""
    return replace(fmt, fill=Fill() if rgb is None else Fill("solid", Color.of(rgb), Color(indexed=64)))


def with_border(fmt: CellFormat, **sides: Side) -> CellFormat:
    return replace(fmt, border=replace(fmt.border, **sides))


def sync_number_formats(wb) -> None:
    """Give every cell whose number format was set outside the style table (typed as '10%', a solve's results)
    a cellXfs entry with that format, so a writer that stores style ids stores the format too."""
    table = wb.styles
    for sheet in wb.sheets:
        ids = sheet.style_ids
        keys = set(sheet.number_formats) | set(ids)
        for key in keys:
            code = sheet.number_formats.get(key) or "General"
            if table is None:
                if code == "General":
                    continue
                table = wb.styles = StyleTable()
            fmt = table.format(ids.get(key, 0))
            if fmt.number_format != code:
                xf = table.xf_for(replace(fmt, number_format=code))
                if xf:
                    ids[key] = xf
                else:
                    ids.pop(key, None)


def restyle(wb, sheet, keys, change) -> dict[tuple[int, int], int]:
    """The new cellXfs index of each cell in `keys` after `change(CellFormat) -> CellFormat`; each distinct
    format is changed once. Creates the workbook's style table when it has none (a new workbook)."""
    if wb.styles is None:
        wb.styles = StyleTable()
    table, ids = wb.styles, sheet.style_ids
    memo: dict[int, int] = {}
    out = {}
    for key in keys:
        old = ids.get(key, 0)
        new = memo.get(old)
        if new is None:
            new = memo[old] = table.xf_for(change(table.format(old)))
        out[key] = new
    return out


def border_edits(r1: int, c1: int, r2: int, c2: int, kind: str, side: Side) -> dict[tuple[int, int], dict]:
    """The sides each cell of a range gets for one of Excel's border buttons: 'all', 'outline', 'inside',
    'none', 'top', 'bottom', 'left', 'right'. A cell's sides not named are left as they are."""
    none = Side()
    out: dict[tuple[int, int], dict] = {}
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            sides = {}
            edge = {"top": r == r1, "bottom": r == r2, "left": c == c1, "right": c == c2}
            for name in ("top", "bottom", "left", "right"):
                if kind == "all":
                    sides[name] = side
                elif kind == "none":
                    sides[name] = none
                elif kind == "outline" and edge[name]:
                    sides[name] = side
                elif kind == "inside" and not edge[name]:
                    sides[name] = side
                elif kind == name and edge[name]:
                    sides[name] = side
            if sides:
                out[(r, c)] = sides
    return out
