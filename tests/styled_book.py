"""An Excel-styled workbook built with openpyxl: what a modeller's sheet looks like (title, coloured bold headers,
borders, number formats, frozen header rows, merged title, wrapped and indented text, a theme-coloured fill).
Used by the io and grid tests and by scripts/screenshot.py (--styled)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.colors import Color

THIN = Side(style="thin", color="FFBFBFBF")
MEDIUM = Side(style="medium", color="FF1F4E78")


def build(path: str | Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sales"
    ws["A1"] = "Quarterly sales by region"
    ws["A1"].font = Font(name="Calibri", size=16, bold=True, color=Color(theme=4))
    ws.merge_cells("A1:F1")
    ws["A2"] = "Figures in thousands; last updated by the regional leads, each quarter."
    ws["A2"].font = Font(name="Calibri", size=11, italic=True, color="FF595959")
    headers = ["Region", "Q1", "Q2", "Q3", "Q4", "Growth", "Notes"]
    header_fill = PatternFill("solid", fgColor=Color(theme=4, tint=-0.249977111117893))
    for c, text in enumerate(headers, start=1):
        cell = ws.cell(3, c, text)
        cell.font = Font(name="Calibri", size=11, bold=True, color=Color(theme=0))
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(bottom=MEDIUM, left=THIN, right=THIN, top=THIN)
    ws.row_dimensions[3].height = 24
    regions = ["North", "South", "East", "West", "Central", "Islands", "Overseas", "Online"]
    band = PatternFill("solid", fgColor=Color(theme=4, tint=0.7999816888943144))
    for i, region in enumerate(regions):
        r = 4 + i
        ws.cell(r, 1, region).alignment = Alignment(indent=1)
        for q in range(4):
            ws.cell(r, 2 + q, 1000 + 137.25 * (i + 1) * (q + 1) - 40 * i * i).number_format = "#,##0.00"
        ws.cell(r, 6, f"=E{r}/B{r}-1").number_format = "0.0%"
        for c in range(1, 7):
            cell = ws.cell(r, c)
            cell.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
            if i % 2:
                cell.fill = band
    ws["G5"] = "Two new stores opened in the spring; figures include both."
    total = 4 + len(regions)
    ws.cell(total, 1, "Total").font = Font(bold=True)
    for c in range(2, 6):
        col = "BCDE"[c - 2]
        cell = ws.cell(total, c, f"=SUM({col}4:{col}{total - 1})")
        cell.number_format = "#,##0.00"
        cell.font = Font(bold=True)
        cell.border = Border(top=THIN, bottom=Side(style="double", color="FF000000"))
    ws.cell(total + 2, 1, "Rate in H")
    ws.cell(total + 2, 8, 0.144)  # column H is 5.63 characters wide: Excel shows 0.144 whole
    ws.cell(total + 3, 1, "Big")
    ws.cell(total + 3, 2, 123456789012).number_format = "#,##0"
    ws.cell(total + 4, 1, "Due")
    ws.cell(total + 4, 2, dt.date(2026, 3, 31)).number_format = "d-mmm-yy"
    ws.cell(total + 5, 1, "Wrapped text in a tall row, as a note").alignment = Alignment(wrap_text=True,
                                                                                          vertical="top")
    ws.row_dimensions[total + 5].height = 45
    ws.cell(total + 6, 1, "Right").alignment = Alignment(horizontal="right")
    ws.cell(total + 6, 3, "Centred across").alignment = Alignment(horizontal="center")
    ws.cell(total + 6, 3).font = Font(underline="single", color="FFC00000")
    widths = {"A": 12.7, "B": 11, "C": 11, "D": 11, "E": 11, "F": 9, "G": 8.43, "H": 5.63}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "B4"
    ws.row_dimensions[total + 7].hidden = True
    ws.cell(total + 7, 1, "hidden row")
    ws.column_dimensions["I"].hidden = True
    ws["I3"] = "hidden column"
    second = book.create_sheet("Zoomed")
    second["A1"] = "At 150%"
    second["A1"].font = Font(bold=True)
    second.sheet_view.zoomScale = 150
    book.save(path)
    return Path(path)
