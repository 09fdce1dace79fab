"""The Format menu, the formatting toolbar and the View menu's panes and zoom, with Excel's shortcuts."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QMainWindow, QToolBar

FONT_SIZES = (8, 9, 10, 11, 12, 14, 16, 18, 20, 24, 28, 36, 48, 72)


def build_format_menu(win, act, mb) -> None:
    """`act(name, text, slot, shortcut, tip)` makes a named action (actions.build's helper)."""
    fmt = mb.addMenu("F&ormat")
    fmt.addAction(act("format_cells", "Format &Cells…", win.format_cells, QKeySequence("Ctrl+1"),
                      "Number format, alignment, font, border and fill of the selected cells"))
    fmt.addSeparator()
    fmt.addAction(act("bold", "&Bold", lambda: win.toggle_font("bold"), QKeySequence("Ctrl+B")))
    fmt.addAction(act("italic", "&Italic", lambda: win.toggle_font("italic"), QKeySequence("Ctrl+I")))
    fmt.addAction(act("underline", "&Underline", lambda: win.toggle_font("underline"), QKeySequence("Ctrl+U")))
    fmt.addAction(act("font_color", "Font C&olor…", win.choose_font_color))
    fmt.addAction(act("fill_color", "&Fill Color…", win.choose_fill_color))
    fmt.addAction(act("no_fill", "&No Fill", lambda: win.set_fill_color(None)))
    borders = fmt.addMenu("Bo&rders")
    for name, text, kind, style in (("border_bottom", "&Bottom Border", "bottom", "thin"),
                                    ("border_top", "&Top Border", "top", "thin"),
                                    ("border_left", "&Left Border", "left", "thin"),
                                    ("border_right", "&Right Border", "right", "thin"),
                                    ("border_none", "&No Border", "none", None),
                                    ("border_all", "&All Borders", "all", "thin"),
                                    ("border_outline", "&Outside Borders", "outline", "thin"),
                                    ("border_thick", "T&hick Outside Borders", "outline", "medium"),
                                    ("border_double", "Bottom &Double Border", "bottom", "double")):
        borders.addAction(act(name, text, lambda k=kind, s=style: win.set_borders(k, s)))
    align = fmt.addMenu("&Alignment")
    for name, text, change, key in (("align_left", "Align &Left", {"horizontal": "left"}, None),
                                    ("align_center", "&Center", {"horizontal": "center"}, None),
                                    ("align_right", "Align &Right", {"horizontal": "right"}, None),
                                    ("align_top", "&Top Align", {"vertical": "top"}, None),
                                    ("align_middle", "&Middle Align", {"vertical": "center"}, None),
                                    ("align_bottom", "&Bottom Align", {"vertical": None}, None)):
        align.addAction(act(name, text, lambda c=change: win.set_alignment(**c), key))
    align.addSeparator()
    align.addAction(act("wrap", "&Wrap Text", win.toggle_wrap))
    align.addAction(act("merge", "&Merge && Center", win.merge_and_center))
    fmt.addSeparator()
    fmt.addAction(act("column_width", "Column &Width…", lambda: win.ask_section_size(True)))
    fmt.addAction(act("row_height", "Row &Height…", lambda: win.ask_section_size(False)))
    fmt.addAction(act("hide_columns", "Hide Colu&mns", lambda: win.hide_sections(True, True),
                      QKeySequence("Ctrl+0")))
    fmt.addAction(act("unhide_columns", "Unhide Colum&ns", lambda: win.hide_sections(True, False),
                      QKeySequence("Ctrl+Shift+0")))
    fmt.addAction(act("hide_rows", "Hide Ro&ws", lambda: win.hide_sections(False, True), QKeySequence("Ctrl+9")))
    fmt.addAction(act("unhide_rows", "Unhide Row&s", lambda: win.hide_sections(False, False),
                      QKeySequence("Ctrl+Shift+9")))
    for name, code in (("percent_style", "0%"), ("comma_style", "#,##0.00"), ("general_style", "General")):
        win.addAction(act(name, name, lambda c=code: win.set_number_format(c)))
    win.acts["percent_style"].setShortcut(QKeySequence("Ctrl+Shift+%"))
    win.acts["general_style"].setShortcut(QKeySequence("Ctrl+Shift+~"))


def add_view_items(win, act, view) -> None:
    view.addSeparator()
    panes = view.addMenu("&Freeze Panes")
    panes.addAction(act("freeze_panes", "&Freeze Panes", lambda: win.freeze_panes("cell"), None,
                        "Keep the rows above and the columns left of the current cell in view (again: unfreeze)"))
    panes.addAction(act("freeze_row", "Freeze &Top Row", lambda: win.freeze_panes("row")))
    panes.addAction(act("freeze_column", "Freeze First &Column", lambda: win.freeze_panes("column")))
    panes.addAction(act("unfreeze", "&Unfreeze Panes", lambda: win.freeze_panes("none")))
    # Excel's own zoom keys (Ctrl+- deletes cells there and here); Ctrl+wheel zooms too
    view.addAction(act("zoom_in", "Zoom &In", lambda: win.view.step_zoom(1), QKeySequence("Ctrl+Alt+=")))
    view.addAction(act("zoom_out", "Zoom &Out", lambda: win.view.step_zoom(-1), QKeySequence("Ctrl+Alt+-")))
    view.addAction(act("zoom_100", "&Zoom to 100%", lambda: win.set_zoom(100)))


def build_format_toolbar(win) -> QToolBar:
    """Bold, italic, font size, fill and font colour, borders, Merge & Center, as on Excel's Home tab."""
    bar = QToolBar("Format")
    bar.setObjectName("format_toolbar")
    bar.setMovable(False)
    size = QComboBox()
    size.setEditable(True)
    size.setToolTip("Font size")
    size.addItems([str(s) for s in FONT_SIZES])
    size.setCurrentText("11")
    size.setFixedWidth(60)

    def chosen(text: str) -> None:
        try:
            value = float(text)
        except ValueError:
            return
        if 1 <= value <= 409:
            win.set_font_size(value)
            win.view.setFocus()

    size.textActivated.connect(chosen)
    win.font_size_box = size
    bar.addWidget(size)
    for name, label in (("bold", "B"), ("italic", "I"), ("underline", "U")):
        a = win.acts[name]
        a.setIconText(label)
        bar.addAction(a)
    for name, label in (("fill_color", "Fill"), ("font_color", "Color"), ("border_all", "Borders"),
                        ("merge", "Merge"), ("wrap", "Wrap"), ("format_cells", "Format…")):
        win.acts[name].setIconText(label)
        bar.addAction(win.acts[name])
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    QMainWindow.addToolBar(win, bar)
    return bar
