"""What a cell format looks like on screen: its QFont, brushes, alignment and border pens, made once per format.

The grid asks for a cell's font, colours and alignment several times per visible cell per repaint; a `Look` per
cellXfs index (and zoom) makes those answers dictionary lookups. Sizes follow Excel: column widths are in the
default font's maximum digit widths, row heights in points.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPen

from gdsheet.sheet.styles import CellFormat, Font, Side, StyleTable

DEFAULT_COL_CHARS = 8.43  # Excel's standard column width, in characters
DEFAULT_ROW_POINTS = 15.0  # Excel's default row height for an 11-point font
POINT_PX = 96 / 72  # Excel lays sheets out at 96 dpi
TEXT_MARGIN = 3  # what Qt's item delegate leaves either side of a cell's text (PM_FocusFrameHMargin + 1)

_H = Qt.AlignmentFlag
_HORIZONTAL = {"left": _H.AlignLeft, "center": _H.AlignHCenter, "centerContinuous": _H.AlignHCenter,
               "right": _H.AlignRight, "justify": _H.AlignJustify, "distributed": _H.AlignHCenter,
               "fill": _H.AlignLeft}
_VERTICAL = {None: _H.AlignBottom, "bottom": _H.AlignBottom, "top": _H.AlignTop, "center": _H.AlignVCenter,
             "justify": _H.AlignVCenter, "distributed": _H.AlignVCenter}
_PEN_STYLE = {"dashed": Qt.PenStyle.DashLine, "mediumDashed": Qt.PenStyle.DashLine, "dotted": Qt.PenStyle.DotLine,
              "hair": Qt.PenStyle.DotLine, "dashDot": Qt.PenStyle.DashDotLine,
              "mediumDashDot": Qt.PenStyle.DashDotLine, "slantDashDot": Qt.PenStyle.DashDotLine,
              "dashDotDot": Qt.PenStyle.DashDotDotLine, "mediumDashDotDot": Qt.PenStyle.DashDotDotLine}
_PEN_WIDTH = {"medium": 2, "mediumDashed": 2, "mediumDashDot": 2, "mediumDashDotDot": 2, "slantDashDot": 2,
              "thick": 3}


def column_px(chars: float, mdw: int) -> int:
    """Excel's pixel width of a column `chars` characters wide, for a font whose widest digit is `mdw` px."""
    return math.trunc((256 * chars + math.trunc(128 / mdw)) / 256 * mdw) + 5


def column_chars(px: int, mdw: int) -> float:
    """The character width Excel stores for a column dragged to `px` pixels (two decimals)."""
    return max(math.trunc((px - 5) / mdw * 100 + 0.5) / 100, 0.0)


def max_digit_width(font: QFont) -> int:
    metrics = QFontMetrics(font)
    return max(1, max(metrics.horizontalAdvance(d) for d in "0123456789"))


def qfont(font: Font, scale: float = 1.0) -> QFont:
    q = QFont(font.name)
    q.setPointSizeF(max(font.size * scale, 1.0))
    q.setBold(font.bold)
    q.setItalic(font.italic)
    q.setUnderline(bool(font.underline))
    q.setStrikeOut(font.strike)
    return q


@dataclass(slots=True)
class Look:
    """One cell format, ready to paint. None means 'as an unformatted cell'."""

    font: QFont | None
    bold_font: QFont  # the objective cell is shown bold on top of its own font
    metrics: QFontMetrics
    bold_metrics: QFontMetrics
    foreground: QBrush | None
    background: QBrush | None
    fill_color: QColor | None
    horizontal: Qt.AlignmentFlag | None  # None: General (by the value's type)
    vertical: Qt.AlignmentFlag
    wrap: bool
    indent: int
    borders: tuple  # (left, right, top, bottom): (QPen, double) or None
    any_border: bool
    align: tuple  # alignment flags for text, numbers, and logical values or errors (General aligns by type)
    plain: bool  # nothing but the number format: the fast path
    widths: dict  # text -> its width in this font, measured once (measuring is ~50 us a call)
    bold_widths: dict

    def width(self, text: str, bold: bool = False) -> int:
        cache = self.bold_widths if bold else self.widths
        w = cache.get(text)
        if w is None:
            if len(cache) > 20_000:
                cache.clear()
            w = cache[text] = (self.bold_metrics if bold else self.metrics).horizontalAdvance(text)
        return w


class Looks:
    """Looks by cellXfs index for one workbook's style table at one zoom."""

    def __init__(self, table: StyleTable | None, zoom: float = 1.0):
        self.table = table
        self.zoom = zoom
        default = table.default_font if table is not None else Font()
        self.base_font = qfont(default, zoom)
        self.base_metrics = QFontMetrics(self.base_font)
        self.mdw = max_digit_width(qfont(default))  # unzoomed, as Excel measures widths
        self._looks: dict[int, Look] = {}
        self.default = self._make(CellFormat(font=default))

    def __getitem__(self, xf: int) -> Look:
        look = self._looks.get(xf)
        if look is None:
            fmt = self.table.format(xf) if self.table is not None else CellFormat()
            look = self._looks[xf] = self._make(fmt)
        return look

    def column_px(self, chars: float | None) -> int:
        return max(round(column_px(DEFAULT_COL_CHARS if chars is None else chars, self.mdw) * self.zoom), 2)

    def column_chars(self, px: int) -> float:
        return column_chars(round(px / self.zoom), self.mdw)

    def row_px(self, points: float | None) -> int:
        if points is None:
            return max(round(DEFAULT_ROW_POINTS * POINT_PX * self.zoom), self.base_metrics.height() + 2)
        return max(round(points * POINT_PX * self.zoom), 2)

    def row_points(self, px: int) -> float:
        return round(px / self.zoom / POINT_PX * 4) / 4  # Excel keeps heights in quarter points

    def fitted_rows(self, sheet) -> dict[int, int]:
        """Rows without a height of their own that hold a font larger than the default: Excel grows them to fit
        (a row's height follows its largest font, about 15/11 of its size in points)."""
        ids = sheet.style_ids
        if not ids:
            return {}
        default = self.row_px(None)
        tall: dict[int, int] = {}
        for xf in set(ids.values()):
            look = self[xf]
            if look.font is not None:
                size = self.table.format(xf).font.size if self.table is not None else 11.0
                px = max(self.row_px(size * DEFAULT_ROW_POINTS / 11.0), look.metrics.height() + 2)
                if px > default:
                    tall[xf] = px
        if not tall:
            return {}
        out: dict[int, int] = {}
        for (r, _), xf in ids.items():
            px = tall.get(xf)
            if px is not None and r not in sheet.row_heights and px > out.get(r, 0):
                out[r] = px
        return out

    def color(self, color, default: str | None = None) -> QColor | None:
        rgb = self.table.rgb(color, default) if self.table is not None else default
        return QColor("#" + rgb) if rgb else None

    def _make(self, fmt: CellFormat) -> Look:
        default_font = self.table.default_font if self.table is not None else Font()
        own_font = fmt.font != default_font
        font = qfont(fmt.font, self.zoom) if own_font else self.base_font
        bold = QFont(font)
        bold.setBold(True)
        fg_color = self.color(fmt.font.color)
        if fg_color is not None and fg_color.rgb() == QColor("#000000").rgb():
            fg_color = None  # the default text colour
        fill = fmt.fill
        fill_color = None
        if fill.pattern and fill.pattern != "none":
            # solid fills show their foreground colour; other patterns are shown as their foreground colour too,
            # lightened toward the background, which is how they read at a glance
            fill_color = self.color(fill.fg, "000000" if fill.pattern == "solid" else None)
            if fill_color is not None and fill.pattern not in ("solid", "gradient"):
                back = self.color(fill.bg, "FFFFFF")
                fill_color = _mix(fill_color, back, 0.5)
        a = fmt.alignment
        borders = tuple(self._pen(s) for s in (fmt.border.left, fmt.border.right, fmt.border.top, fmt.border.bottom))
        v = _VERTICAL.get(a.vertical, _H.AlignBottom)
        h = _HORIZONTAL.get(a.horizontal)
        align = tuple((h or general) | v for general in (_H.AlignLeft, _H.AlignRight, _H.AlignHCenter))
        plain = not own_font and fill_color is None and a.horizontal is None and a.vertical is None \
            and not a.wrap and not a.indent and not any(borders)
        return Look(font if own_font else None, bold, QFontMetrics(font), QFontMetrics(bold),
                    QBrush(fg_color) if fg_color is not None else None,
                    QBrush(fill_color) if fill_color is not None else None, fill_color,
                    h, v, a.wrap, a.indent, borders, any(borders), align, plain, {}, {})

    def _pen(self, side: Side) -> tuple[QPen, bool] | None:
        """The pen of a border side, and whether it is a double line (two 1-px lines drawn 2 px apart)."""
        if not side.style:
            return None
        pen = QPen(self.color(side.color, "000000"))
        pen.setWidth(1 if side.style == "double" else _PEN_WIDTH.get(side.style, 1))
        pen.setStyle(_PEN_STYLE.get(side.style, Qt.PenStyle.SolidLine))
        pen.setCapStyle(Qt.PenCapStyle.SquareCap)
        return pen, side.style == "double"


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(round(a.red() * t + b.red() * (1 - t)), round(a.green() * t + b.green() * (1 - t)),
                  round(a.blue() * t + b.blue() * (1 - t)))


def tinted(fill: QColor, role: QColor) -> QColor:
    """A file's fill with a role colour laid over it: both stay recognisable."""
    return _mix(role, fill, 0.45)
