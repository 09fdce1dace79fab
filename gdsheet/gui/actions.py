"""Menus, toolbar and keyboard shortcuts of the main window, as QActions wired to the window's methods."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QStyle, QToolBar

from gdsheet.gui import format_menu

Key = QKeySequence.StandardKey


def build(win) -> dict[str, QAction]:
    """Create every action, put them in menus and the toolbar, and return them by name."""
    style = win.style()
    icon = style.standardIcon
    acts: dict[str, QAction] = {}

    def act(name: str, text: str, slot, shortcut=None, tip: str = "", std_icon=None) -> QAction:
        a = QAction(text, win)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        if std_icon is not None:
            a.setIcon(icon(std_icon))
        a.triggered.connect(lambda checked=False: slot())
        acts[name] = a
        return a

    sp = QStyle.StandardPixmap
    mb = win.menuBar()
    file = mb.addMenu("&File")
    file.addAction(act("new", "&New", win.new_file, Key.New, "Start an empty workbook", sp.SP_FileIcon))
    file.addAction(act("open", "&Open…", win.open_file, Key.Open, "Open an .xlsx workbook", sp.SP_DialogOpenButton))
    win.recent_menu = file.addMenu("Open &Recent")
    win.recent_menu.aboutToShow.connect(win.fill_recent_menu)
    file.addAction(act("save", "&Save", win.save, Key.Save, "Save the workbook", sp.SP_DialogSaveButton))
    file.addAction(act("save_as", "Save &As…", win.save_as, QKeySequence("Ctrl+Shift+S"),
                       "Save the workbook under a new name"))
    file.addAction(act("import_csv", "&Import CSV…", win.import_csv, None, "Read a CSV file into a new sheet"))
    file.addAction(act("export_plot", "&Export Plot…", win.export_plot, None,
                       "Save the plot in front (loss, variables, landscape, ...) as PNG or SVG"))
    file.addSeparator()
    file.addAction(act("quit", "&Quit", win.close, Key.Quit))

    edit = mb.addMenu("&Edit")
    undo = win.doc_undo_action("undo")
    redo = win.doc_undo_action("redo")
    edit.addAction(undo)
    edit.addAction(redo)
    edit.addSeparator()
    edit.addAction(act("cut", "Cu&t", win.cut, Key.Cut))
    edit.addAction(act("copy", "&Copy", win.copy, Key.Copy))
    edit.addAction(act("paste", "&Paste", win.paste, Key.Paste))
    edit.addAction(act("clear", "C&lear Contents", win.clear_selection, None, "Empty the selected cells"))
    edit.addSeparator()
    edit.addAction(act("fill_down", "Fill &Down", lambda: win.fill(down=True), QKeySequence("Ctrl+D"),
                       "Copy the top row of the selection down, shifting relative references"))
    edit.addAction(act("fill_right", "Fill &Right", lambda: win.fill(down=False), QKeySequence("Ctrl+R"),
                       "Copy the left column of the selection right, shifting relative references"))
    edit.addSeparator()
    edit.addAction(act("find", "&Find…", lambda: win.find(replace=False), Key.Find,
                       "Find text in the cells' formulas or values"))
    edit.addAction(act("replace", "R&eplace…", lambda: win.find(replace=True), QKeySequence("Ctrl+H"),
                       "Replace text in the cells' formulas and constants"))
    edit.addAction(act("goto", "&Go To…", win.focus_name_box, QKeySequence("Ctrl+G"), "Type a cell, range or name"))

    insert = mb.addMenu("&Insert")
    insert.addAction(act("insert_rows", "Insert Sheet &Rows", lambda: win.shift_cells(True, "row"), None,
                         "Insert as many rows as are selected, above them; references follow"))
    insert.addAction(act("insert_cols", "Insert Sheet &Columns", lambda: win.shift_cells(True, "col"), None,
                         "Insert as many columns as are selected, left of them; references follow"))
    insert.addAction(act("insert_cells", "&Insert…", lambda: win.shift_cells(True), QKeySequence("Ctrl+Shift+="),
                         "Insert rows or columns: the selected whole rows or columns, else asked"))
    insert.addSeparator()
    insert.addAction(act("delete_rows", "&Delete Sheet Rows", lambda: win.shift_cells(False, "row"), None,
                         "Delete the selected rows; references to them become #REF!"))
    insert.addAction(act("delete_cols", "Delete Sheet Co&lumns", lambda: win.shift_cells(False, "col"), None,
                         "Delete the selected columns; references to them become #REF!"))
    insert.addAction(act("delete_cells", "D&elete…", lambda: win.shift_cells(False), QKeySequence("Ctrl+-"),
                         "Delete rows or columns: the selected whole rows or columns, else asked"))
    insert.addSeparator()
    insert.addAction(act("chart", "&Chart of Selection", win.chart_selection, QKeySequence("Alt+F1"),
                         "Draw the selected cells as a line or scatter chart (first column x, a header row names)"))

    sheet = mb.addMenu("&Sheet")
    sheet.addAction(act("add_sheet", "&Insert Sheet", win.add_sheet, QKeySequence("Shift+F11")))
    sheet.addAction(act("rename_sheet", "&Rename Sheet…", lambda: win.rename_sheet(None)))
    sheet.addAction(act("delete_sheet", "&Delete Sheet", lambda: win.delete_sheet(None)))

    win.acts = acts  # the format menu's toolbar reads actions made so far
    format_menu.build_format_menu(win, act, mb)

    data = mb.addMenu("&Data")
    data.addAction(act("solver", "&Solver…", win.open_solver, QKeySequence("Ctrl+Shift+L"),
                       "Minimise, maximise or target a cell by changing variable cells", sp.SP_MediaPlay))
    data.addAction(act("stop", "S&top Solving", win.solver.stop, QKeySequence("Esc"), "Stop the running solve",
                       sp.SP_MediaStop))
    data.addAction(act("sort_asc", "Sort &A to Z", lambda: win.sort(descending=False), None,
                       "Sort the rows of the selection (or of the table around the cell) by the current column"))
    data.addAction(act("sort_desc", "Sort &Z to A", lambda: win.sort(descending=True), None,
                       "Sort the rows, largest or last first, by the current column"))
    data.addAction(act("recalc", "&Calculate Now", win.recalculate, QKeySequence("F9"),
                       "Recalculate volatile formulas (RAND, NOW, ...)"))
    acts["stop"].setEnabled(False)

    view = mb.addMenu("&View")
    plot_toggle = win.loss_plot.toggleViewAction()
    plot_toggle.setText("&Descent Plots")
    view.addAction(plot_toggle)
    log = QAction("Loss Plot &Log Scale", win, checkable=True)
    log.toggled.connect(win.loss_plot.log.setChecked)
    win.loss_plot.log.toggled.connect(log.setChecked)
    view.addAction(log)
    acts["log_scale"] = log
    grads = QAction("&Gradients on Cells", win, checkable=True)
    grads.setShortcut(QKeySequence("Ctrl+Shift+G"))
    grads.setStatusTip("Shade each variable cell by d objective / d cell: blue lowers the objective as the cell "
                       "grows, red raises it")
    grads.toggled.connect(win.gradients.set_enabled)
    view.addAction(grads)
    acts["gradients"] = grads
    format_menu.add_view_items(win, act, view)

    help_menu = mb.addMenu("&Help")
    help_menu.addAction(act("examples", "&Examples…", win.show_examples, None,
                            "Open a bundled example, ready to solve"))
    help_menu.addAction(act("functions", "&Functions…", win.show_functions, QKeySequence("Shift+F3"),
                            "Every supported function with its syntax; Insert starts a formula with it"))
    help_menu.addSeparator()
    help_menu.addAction(act("about", "&About gdsheet", win.about))

    bar = QToolBar("Main")
    bar.setObjectName("main_toolbar")
    bar.setMovable(False)
    for name in ("new", "open", "save"):
        bar.addAction(acts[name])
    bar.addSeparator()
    undo.setIcon(icon(sp.SP_ArrowBack))
    redo.setIcon(icon(sp.SP_ArrowForward))
    bar.addAction(undo)
    bar.addAction(redo)
    bar.addSeparator()
    solve = acts["solver"]
    solve.setIconText("Solve")
    bar.addAction(solve)
    bar.addAction(acts["stop"])
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for a in (undo, redo):  # their text names the edit ("Undo Solver solution"): a tooltip, not a label
        bar.widgetForAction(a).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    QMainWindow.addToolBar(win, bar)
    acts["undo"], acts["redo"] = undo, redo
    format_menu.build_format_toolbar(win)
    return acts
