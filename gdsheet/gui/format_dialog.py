"""Format Cells (Ctrl+1): Excel's dialog with its tabs (Number, Alignment, Font, Border, Fill), categories and codes.

It opens on the current cell's format; `change()` gives the edit to apply to every selected cell: only what was
changed here, so formatting a range keeps each cell's other properties, as in Excel.
"""
from __future__ import annotations

import re
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QColorDialog, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QGridLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton, QSpinBox,
                               QTabWidget, QVBoxLayout, QWidget)

from gdsheet.gui.numfmt import format_value
from gdsheet.sheet import styles as st

CATEGORIES = ("General", "Number", "Currency", "Accounting", "Date", "Time", "Percentage", "Fraction", "Scientific",
              "Text", "Custom")
DATE_CODES = ("m/d/yyyy", "d-mmm-yy", "d-mmm", "mmm-yy", "mmmm d, yyyy", "dddd, mmmm d, yyyy", "yyyy-mm-dd",
              "d/m/yyyy", "m/d/yy h:mm")
TIME_CODES = ("h:mm", "h:mm:ss", "h:mm AM/PM", "h:mm:ss AM/PM", "[h]:mm:ss", "mm:ss.0")
FRACTION_CODES = ("# ?/?", "# ??/??", "# ???/???", "# ?/2", "# ?/4", "# ?/8", "# ??/16", "# ?/10", "# ??/100")
NEGATIVES = ("-1,234.10", "1,234.10 in red", "(1,234.10)", "(1,234.10) in red")
SYMBOLS = ("$", "€", "£", "¥", "None")
SAMPLE = 1234.5678
H_ALIGN = (("General", None), ("Left (Indent)", "left"), ("Center", "center"), ("Right (Indent)", "right"),
           ("Fill", "fill"), ("Justify", "justify"), ("Center Across Selection", "centerContinuous"),
           ("Distributed (Indent)", "distributed"))
V_ALIGN = (("Top", "top"), ("Center", "center"), ("Bottom", None), ("Justify", "justify"),
           ("Distributed", "distributed"))
UNDERLINES = (("None", None), ("Single", "single"), ("Double", "double"), ("Single Accounting", "singleAccounting"),
              ("Double Accounting", "doubleAccounting"))
LINE_STYLES = ("thin", "medium", "thick", "dashed", "dotted", "double", "hair", "mediumDashed", "dashDot")
STANDARD_COLORS = ("C00000", "FF0000", "FFC000", "FFFF00", "92D050", "00B050", "00B0F0", "0070C0", "002060",
                   "7030A0", "FFFFFF", "F2F2F2", "D9D9D9", "BFBFBF", "808080", "000000", "DDEBF7", "FCE4D6",
                   "E2EFDA", "FFF2CC")


def number_code(category: str, decimals: int = 2, separator: bool = False, negative: int = 0,
                symbol: str = "$", choice: str = "") -> str:
    """The Excel format code for a category of the Number tab and its options."""
    frac = "." + "0" * decimals if decimals else ""
    if category == "General":
        return "General"
    if category == "Text":
        return "@"
    if category == "Percentage":
        return f"0{frac}%"
    if category == "Scientific":
        return f"0{frac}E+00"
    if category in ("Date", "Time", "Fraction", "Custom"):
        return choice
    if category == "Accounting":
        sym = f'"{symbol}"' if symbol != "None" else ""
        star = f"{sym}* " if sym else "* "
        dashes = '"-"' + ("??" if decimals else "")
        return f'_({star}#,##0{frac}_);_({star}\\(#,##0{frac}\\);_({star}{dashes}_);_(@_)'
    body = f"#,##0{frac}" if separator or category == "Currency" else f"0{frac}"
    if category == "Currency" and symbol != "None":
        body = (symbol if symbol == "$" else f'"{symbol}"') + body
    return (body, f"{body};[Red]{body}", f"{body}_);({body})", f"{body}_);[Red]({body})")[negative]


def category_of(code: str) -> str:
    if code in ("General", ""):
        return "General"
    if code == "@":
        return "Text"
    if code in DATE_CODES or code in ("mm-dd-yy", "d-mmm-yy", "d-mmm", "mmm-yy", "m/d/yy h:mm"):
        return "Date"
    if code in TIME_CODES or code in ("h:mm AM/PM", "h:mm:ss AM/PM", "mm:ss", "mmss.0"):
        return "Time"
    if code in FRACTION_CODES:
        return "Fraction"
    if re.fullmatch(r"0(\.0+)?%", code):
        return "Percentage"
    if re.fullmatch(r"0(\.0+)?E\+00", code):
        return "Scientific"
    if code.startswith("_("):
        return "Accounting"
    if re.fullmatch(r'(\$|"[€£¥]")#,##0(\.0+)?((_\))?;(\[Red\])?\(?(\$|"[€£¥]")#,##0(\.0+)?\)?)?', code):
        return "Currency"
    if re.fullmatch(r"(#,##)?0(\.0+)?((_\))?;(\[Red\])?\(?(#,##)?0(\.0+)?\)?)?", code):
        return "Number"
    return "Custom"


class ColorButton(QPushButton):
    """A colour picker button: its colour, or None for Automatic / No Color."""

    def __init__(self, rgb: str | None, none_text: str):
        super().__init__()
        self.none_text = none_text
        self.set(rgb)
        self.clicked.connect(self._choose)

    def set(self, rgb: str | None) -> None:
        self.rgb = rgb
        self.setText(none_text if (none_text := self.none_text) and rgb is None else f"#{rgb}")
        self.setStyleSheet("" if rgb is None else f"background: #{rgb}; color: "
                           f"{'white' if QColor('#' + rgb).lightness() < 128 else 'black'};")

    def _choose(self) -> None:
        color = QColorDialog.getColor(QColor("#" + (self.rgb or "000000")), self, "Colors")
        if color.isValid():
            self.set(color.name()[1:].upper())


class FormatCellsDialog(QDialog):
    def __init__(self, fmt: st.CellFormat, table: st.StyleTable | None, parent=None, sample=SAMPLE):
        super().__init__(parent)
        self.setWindowTitle("Format Cells")
        self.fmt, self.table, self.sample_value = fmt, table or st.StyleTable(), sample
        self.tabs = QTabWidget()
        self.tabs.addTab(self._number_tab(), "Number")
        self.tabs.addTab(self._alignment_tab(), "Alignment")
        self.tabs.addTab(self._font_tab(), "Font")
        self.tabs.addTab(self._border_tab(), "Border")
        self.tabs.addTab(self._fill_tab(), "Fill")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.initial = self._state()
        self.border_ops: list[tuple[str, str | None, str | None]] = []

    # ---- Number ---------------------------------------------------------------------------------------------

    def _number_tab(self) -> QWidget:
        w = QWidget()
        grid = QGridLayout(w)
        self.category = QListWidget()
        self.category.addItems(CATEGORIES)
        grid.addWidget(QLabel("Category:"), 0, 0)
        grid.addWidget(self.category, 1, 0, 6, 1)
        self.sample = QLabel()
        self.decimals = QSpinBox()
        self.decimals.setRange(0, 30)
        self.separator = QCheckBox("Use 1000 Separator (,)")
        self.negative = QComboBox()
        self.negative.addItems(NEGATIVES)
        self.symbol = QComboBox()
        self.symbol.addItems(SYMBOLS)
        self.choice = QListWidget()
        self.code = QLineEdit()
        form = QFormLayout()
        form.addRow("Sample:", self.sample)
        form.addRow("Decimal places:", self.decimals)
        form.addRow("", self.separator)
        form.addRow("Symbol:", self.symbol)
        form.addRow("Negative numbers:", self.negative)
        form.addRow("Type:", self.code)
        form.addRow("", self.choice)
        grid.addLayout(form, 0, 1, 7, 1)
        code = self.fmt.number_format
        category = category_of(code)
        decimals = re.search(r"\.(0+)", code)
        self.decimals.setValue(len(decimals.group(1)) if decimals else 0 if category != "General" else 2)
        self.separator.setChecked("#,##0" in code)
        self.negative.setCurrentIndex((2 if "(" in code else 0) + (1 if "[Red]" in code else 0)
                                      if category in ("Number", "Currency") else 0)
        for sym in SYMBOLS[:-1]:
            if sym in code:
                self.symbol.setCurrentText(sym)
        self.code.setText(code)
        self.category.setCurrentRow(CATEGORIES.index(category))
        self.category.currentRowChanged.connect(self._category_changed)
        for sig in (self.decimals.valueChanged, self.separator.toggled, self.negative.currentIndexChanged,
                    self.symbol.currentIndexChanged):
            sig.connect(self._update_code)
        self.choice.currentTextChanged.connect(self._choice_changed)
        self.code.textChanged.connect(self._show_sample)
        self._category_changed(CATEGORIES.index(category), initial=True)
        return w

    def _category_changed(self, row: int, initial: bool = False) -> None:
        category = CATEGORIES[row]
        choices = {"Date": DATE_CODES, "Time": TIME_CODES, "Fraction": FRACTION_CODES,
                   "Custom": tuple(dict.fromkeys([*st.BUILTIN_FORMATS.values(), *self.table.num_fmts.values()]))}
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItems(choices.get(category, ()))
        self.choice.blockSignals(False)
        self.choice.setVisible(category in choices)
        self.decimals.setEnabled(category in ("Number", "Currency", "Accounting", "Percentage", "Scientific"))
        self.separator.setEnabled(category == "Number")
        self.negative.setEnabled(category in ("Number", "Currency"))
        self.symbol.setEnabled(category in ("Currency", "Accounting"))
        self.code.setReadOnly(category != "Custom")
        if initial:
            items = self.choice.findItems(self.fmt.number_format, Qt.MatchFlag.MatchExactly)
            if items:
                self.choice.setCurrentItem(items[0])
            self._show_sample()
            return
        if category in choices and category != "Custom":
            self.choice.setCurrentRow(0)
        self._update_code()

    def _choice_changed(self, text: str) -> None:
        if text:
            self.code.setText(text)

    def _update_code(self) -> None:
        category = CATEGORIES[self.category.currentRow()]
        if category == "Custom":
            return
        choice = self.choice.currentItem().text() if self.choice.currentItem() else self.code.text()
        self.code.setText(number_code(category, self.decimals.value(), self.separator.isChecked(),
                                      self.negative.currentIndex(), self.symbol.currentText(), choice))

    def _show_sample(self) -> None:
        try:
            self.sample.setText(format_value(self.sample_value, self.code.text() or "General"))
        except (ValueError, IndexError, KeyError, OverflowError):
            self.sample.setText("(this format cannot show the value)")

    # ---- Alignment ------------------------------------------------------------------------------------------

    def _alignment_tab(self) -> QWidget:
        w = QWidget()
        form = QFormLayout(w)
        a = self.fmt.alignment
        self.horizontal = QComboBox()
        for text, value in H_ALIGN:
            self.horizontal.addItem(text, value)
        self.horizontal.setCurrentIndex(max(self.horizontal.findData(a.horizontal), 0))
        self.vertical = QComboBox()
        for text, value in V_ALIGN:
            self.vertical.addItem(text, value)
        self.vertical.setCurrentIndex(max(self.vertical.findData(a.vertical), 0))
        self.indent = QSpinBox()
        self.indent.setRange(0, 250)
        self.indent.setValue(a.indent)
        self.wrap = QCheckBox("Wrap text")
        self.wrap.setChecked(a.wrap)
        self.shrink = QCheckBox("Shrink to fit")
        self.shrink.setChecked(a.shrink)
        form.addRow("Horizontal:", self.horizontal)
        form.addRow("Indent:", self.indent)
        form.addRow("Vertical:", self.vertical)
        form.addRow("", self.wrap)
        form.addRow("", self.shrink)
        return w

    # ---- Font -----------------------------------------------------------------------------------------------

    def _font_tab(self) -> QWidget:
        w = QWidget()
        form = QFormLayout(w)
        f = self.fmt.font
        self.font_name = QComboBox()
        self.font_name.setEditable(True)
        self.font_name.addItems(sorted({f.name, "Calibri", "Arial", "Cambria", "Times New Roman", "Courier New",
                                        "Aptos", "Verdana"}))
        self.font_name.setCurrentText(f.name)
        self.font_style = QComboBox()
        self.font_style.addItems(("Regular", "Italic", "Bold", "Bold Italic"))
        self.font_style.setCurrentIndex(int(f.italic) + 2 * int(f.bold))
        self.font_size = QComboBox()
        self.font_size.setEditable(True)
        self.font_size.addItems([str(s) for s in (8, 9, 10, 11, 12, 14, 16, 18, 20, 22, 24, 26, 28, 36, 48, 72)])
        self.font_size.setCurrentText(f"{f.size:g}")
        self.underline = QComboBox()
        for text, value in UNDERLINES:
            self.underline.addItem(text, value)
        self.underline.setCurrentIndex(max(self.underline.findData(f.underline), 0))
        self.strike = QCheckBox("Strikethrough")
        self.strike.setChecked(f.strike)
        self.font_color = ColorButton(self.table.rgb(f.color) if f.color is not None and not f.color.auto else None,
                                      "Automatic")
        form.addRow("Font:", self.font_name)
        form.addRow("Font style:", self.font_style)
        form.addRow("Size:", self.font_size)
        form.addRow("Underline:", self.underline)
        form.addRow("Color:", self.font_color)
        form.addRow("", self.strike)
        return w

    # ---- Border ---------------------------------------------------------------------------------------------

    def _border_tab(self) -> QWidget:
        w = QWidget()
        layout = QVBoxLayout(w)
        self.line_style = QComboBox()
        self.line_style.addItems(LINE_STYLES)
        self.line_color = ColorButton(None, "Automatic")
        form = QFormLayout()
        form.addRow("Style:", self.line_style)
        form.addRow("Color:", self.line_color)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.border_state = QLabel("No change")
        for text, kind in (("None", "none"), ("Outline", "outline"), ("Inside", "inside"), ("All", "all"),
                           ("Top", "top"), ("Bottom", "bottom"), ("Left", "left"), ("Right", "right")):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, k=kind: self._add_border(k))
            row.addWidget(button)
        layout.addWidget(QLabel("Presets and borders (applied in the order pressed):"))
        layout.addLayout(row)
        layout.addWidget(self.border_state)
        layout.addStretch(1)
        return w

    def _add_border(self, kind: str) -> None:
        style = None if kind == "none" else self.line_style.currentText()
        if kind == "none":
            self.border_ops.clear()
        self.border_ops.append((kind, style, self.line_color.rgb))
        self.border_state.setText(", ".join(k if s is None else f"{k} ({s})" for k, s, _ in self.border_ops))

    # ---- Fill -----------------------------------------------------------------------------------------------

    def _fill_tab(self) -> QWidget:
        w = QWidget()
        layout = QVBoxLayout(w)
        fill = self.fmt.fill
        rgb = self.table.rgb(fill.fg) if fill.pattern else None
        self.fill_color = ColorButton(rgb, "No Color")
        layout.addWidget(QLabel("Background color:"))
        layout.addWidget(self.fill_color)
        none = QPushButton("No Color")
        none.clicked.connect(lambda: self.fill_color.set(None))
        grid = QGridLayout()
        for i, c in enumerate(STANDARD_COLORS):
            b = QPushButton()
            b.setFixedSize(22, 22)
            b.setStyleSheet(f"background: #{c};")
            b.setToolTip(f"#{c}")
            b.clicked.connect(lambda _=False, c=c: self.fill_color.set(c))
            grid.addWidget(b, i // 10, i % 10)
        layout.addWidget(none)
        layout.addLayout(grid)
        layout.addStretch(1)
        return w

    # ---- result ---------------------------------------------------------------------------------------------

    def _state(self) -> dict:
        size = self.font_size.currentText().strip()
        try:
            size_value = float(size)
        except ValueError:
            size_value = self.fmt.font.size
        return {"number_format": self.code.text() or "General",
                "horizontal": self.horizontal.currentData(), "vertical": self.vertical.currentData(),
                "indent": self.indent.value(), "wrap": self.wrap.isChecked(), "shrink": self.shrink.isChecked(),
                "name": self.font_name.currentText().strip() or self.fmt.font.name,
                "bold": self.font_style.currentIndex() >= 2, "italic": self.font_style.currentIndex() % 2 == 1,
                "size": min(max(size_value, 1.0), 409.0), "underline": self.underline.currentData(),
                "strike": self.strike.isChecked(), "font_color": self.font_color.rgb,
                "fill": self.fill_color.rgb}

    def change(self):
        """The edit to apply to each selected cell (only what was changed here), or None when nothing was."""
        now = self._state()
        changed = {k: v for k, v in now.items() if v != self.initial[k]}
        if not changed:
            return None
        font_keys = ("name", "bold", "italic", "size", "underline", "strike")
        align_keys = ("horizontal", "vertical", "indent", "wrap", "shrink")

        def apply(fmt: st.CellFormat) -> st.CellFormat:
            if "number_format" in changed:
                fmt = replace(fmt, number_format=changed["number_format"])
            font = {k: changed[k] for k in font_keys if k in changed}
            if "font_color" in changed:
                rgb = changed["font_color"]
                font["color"] = st.Color.of(rgb) if rgb else st.Color(theme=1)
            if font:
                fmt = st.with_font(fmt, **font)
            align = {k: changed[k] for k in align_keys if k in changed}
            if align:
                fmt = st.with_alignment(fmt, **align)
            if "fill" in changed:
                fmt = st.with_fill(fmt, changed["fill"])
            return fmt

        return apply
