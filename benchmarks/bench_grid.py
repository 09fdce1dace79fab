"""The grid's repaint: the CPU time of one full viewport repaint (frozen panes over it included) of a 100,000-row sheet, plain and with Excel formatting (fonts,
fills, borders, number formats on every cell), median over repeats. A benchmark, not a test: it prints its figures.

Usage: python benchmarks/bench_grid.py [--rows 100000] [--repeat 30]
Run it with another checkout on PYTHONPATH to compare code side by side (the plain sheet works on any version).
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def workbook(rows: int, formatted: bool):
    from gdsheet.sheet.workbook import Workbook

    wb = Workbook()
    sheet = wb.add_sheet("Data")
    for r in range(1, rows + 1):
        sheet.cells[(r, 1)] = f"row {r}"
        sheet.cells[(r, 2)] = r * 1.25
        sheet.cells[(r, 3)] = r / 7
        sheet.cells[(r, 4)] = r % 3 == 0
    for c in range(1, 5):
        sheet.cells[(1, c)] = f"Header {c}"
    if formatted:
        from gdsheet.sheet import styles as st

        wb.styles = table = st.StyleTable()
        base = table.format(0)
        thin = st.Side("thin", st.Color.of("BFBFBF"))
        header = st.with_fill(st.with_font(base, bold=True, color=st.Color(theme=0)), "1F4E78")
        body = st.with_border(base, left=thin, right=thin, top=thin, bottom=thin)
        band = st.with_fill(body, "DDEBF7")
        money = st.replace(body, number_format="#,##0.00")
        money_band = st.with_fill(money, "DDEBF7")
        pct = st.replace(st.with_font(body, italic=True), number_format="0.0%")
        ids = sheet.style_ids
        for c in range(1, 5):
            ids[(1, c)] = table.xf_for(header)
        for r in range(2, rows + 1):
            even = r % 2 == 0
            ids[(r, 1)] = table.xf_for(band if even else body)
            ids[(r, 2)] = table.xf_for(money_band if even else money)
            ids[(r, 3)] = table.xf_for(pct)
            sheet.number_formats[(r, 2)] = "#,##0.00"
            sheet.number_formats[(r, 3)] = "0.0%"
        sheet.freeze = (2, 2)
    return wb


def repaint_ms(app, wb, repeat: int) -> float:
    from gdsheet.gui.document import Document
    from gdsheet.gui.window import MainWindow

    win = MainWindow(Document(wb))
    win.resize(1500, 900)
    win.show()
    for _ in range(5):
        app.processEvents()
    vp = win.view.viewport()
    times = []
    for i in range(repeat):
        win.view.verticalScrollBar().setValue((i * 37) % 50_000)
        app.processEvents()
        start = time.process_time()  # CPU time of this process: the machine's other load does not count
        vp.repaint()
        times.append((time.process_time() - start) * 1000)
    win.doc.undo.setClean()
    win.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    plain = repaint_ms(app, workbook(args.rows, False), args.repeat)
    print(f"plain sheet:     {plain:6.1f} ms CPU per viewport repaint (1500x900 window)")
    try:
        from gdsheet.sheet import styles  # noqa: F401
    except ImportError:
        return
    styled = repaint_ms(app, workbook(args.rows, True), args.repeat)
    print(f"formatted sheet: {styled:6.1f} ms CPU per viewport repaint (fonts, fills, borders, frozen panes)")


if __name__ == "__main__":
    main()
