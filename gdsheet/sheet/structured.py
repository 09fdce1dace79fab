"""Structured references (Table1[Col], Table1[[#This Row],[A]:[B]], [@Col]) resolved to areas of a table."""
from __future__ import annotations

from gdsheet import errors as E
from gdsheet.formula import ast as A
from gdsheet.refs import Area


def resolve_structured(n: A.StructRef, ctx):
    """The Area a structured reference means when evaluated in ctx's host cell, or an error."""
    return _resolve(n, ctx.engine.wb, ctx.sheet, ctx.row, ctx.col)


def structured_area(n: A.StructRef, wb, sheet: str, row: int, col: int) -> Area | None:
    """The area a structured reference reads from a host cell, or None when it does not resolve (dependency graph)."""
    area = _resolve(n, wb, sheet, row, col)
    return area if isinstance(area, Area) else None


def _resolve(n: A.StructRef, wb, sheet: str, row: int, col: int):
    if n.table is None:
        table = wb.table_at(sheet, row, col)
        if table is None:
            return E.REF.because("[@...] is used outside a table")
    else:
        table = wb.tables.get(n.table.upper())
        if table is None:
            return E.REF.because(f"there is no table named {n.table}")
    a = table.area
    if n.col1 is None:
        c1, c2 = a.c1, a.c2
    else:
        i1 = table.column_index(n.col1)
        i2 = i1 if n.col2 is None else table.column_index(n.col2)
        if i1 is None or i2 is None:
            missing = n.col1 if i1 is None else n.col2
            return E.REF.because(f"table {table.name} has no column {missing!r}")
        c1, c2 = a.c1 + min(i1, i2), a.c1 + max(i1, i2)
    header_end = a.r1 + table.header_rows - 1
    data_r1, data_r2 = a.r1 + table.header_rows, a.r2 - table.totals_rows
    items = set(n.items) or {"#Data"}
    if "#This Row" in items:
        if not data_r1 <= row <= data_r2:
            return E.VALUE.because(f"{table.name}[#This Row] is used outside the table's data rows")
        r1 = r2 = row
    elif "#All" in items:
        r1, r2 = a.r1, a.r2
    else:
        spans = []
        if "#Headers" in items:
            if table.header_rows == 0:
                return E.REF.because(f"table {table.name} has no header row")
            spans.append((a.r1, header_end))
        if "#Data" in items:
            spans.append((data_r1, data_r2))
        if "#Totals" in items:
            if table.totals_rows == 0:
                return E.REF.because(f"table {table.name} has no totals row")
            spans.append((data_r2 + 1, a.r2))
        r1, r2 = min(s[0] for s in spans), max(s[1] for s in spans)
    return Area(table.sheet, r1, c1, r2, c2)
