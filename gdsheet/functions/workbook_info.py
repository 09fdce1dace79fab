"""What a formula can learn about the workbook and its environment: FORMULATEXT, INFO, and GETPIVOTDATA (gdsheet
keeps no pivot tables, so every reference is, as Excel says of a cell outside one, #REF!)."""
from __future__ import annotations

import os
import platform

from gdsheet import errors as E
from gdsheet.functions.registry import excel
from gdsheet.refs import Area

MAX_FORMULA = 8192  # Excel's longest formula; FORMULATEXT of a longer one is #N/A


@excel("FORMULATEXT", "ref", category="Lookup & reference", needs_context=True, syntax="FORMULATEXT(reference)",
       summary="The formula in a cell, as text; #N/A when the cell holds no formula.")
def formulatext(ctx, ref):
    # Excel: the top-left cell of a range is used; a legacy array formula is shown in braces; a cell without a
    # formula is #N/A. It reads the formula, not the value, so a cell may show its own formula.
    area = ref if isinstance(ref, Area) else ref.areas[0]
    f = ctx.workbook.sheet(area.sheet).formulas.get((area.r1, area.c1))
    if f is None:
        return E.NA.because("the cell holds no formula")
    text = "{" + f.text + "}" if f.array is not None else f.text
    return text if len(text) <= MAX_FORMULA else E.NA.because("the formula is longer than 8192 characters")


@excel("INFO", "text", category="Information", needs_context=True, syntax="INFO(type_text)",
       summary='Facts about the environment: "directory", "numfile", "origin", "osversion", "recalc", "release" '
               'or "system".')
def info(ctx, type_text: str):
    # Excel: "memavail", "memused" and "totmem" were removed in Excel 2007 and are #N/A; other text is #VALUE!.
    # gdsheet answers as the Excel whose files it reads: release "16.0", system "pcdos" ("mac" on a Mac).
    key = type_text.strip().lower()
    if key == "directory":
        return os.path.join(os.getcwd(), "")
    if key == "numfile":
        return float(len(ctx.workbook.sheets))
    if key == "origin":
        return "$A:$A$1"
    if key == "osversion":
        return f"{platform.system()} {platform.release()}".strip()
    if key == "recalc":
        return "Automatic"
    if key == "release":
        return "16.0"
    if key == "system":
        return "mac" if platform.system() == "Darwin" else "pcdos"
    if key in ("memavail", "memused", "totmem"):
        return E.NA.because(f"INFO({type_text!r}) is no longer available (since Excel 2007)")
    return E.VALUE.because(f"{type_text!r} is not an INFO type")


@excel("GETPIVOTDATA", "scalar", "any", "scalar", category="Lookup & reference", min_args=2, max_args=None,
       syntax="GETPIVOTDATA(data_field, pivot_table, [field1, item1], ...)",
       summary="A value from a pivot table. gdsheet does not keep pivot tables (they are dropped when a file opens), "
               "so this is #REF!, Excel's error for a reference outside any pivot table.")
def getpivotdata(data_field, pivot_table, *pairs):
    for v in (data_field, pivot_table, *pairs):
        if isinstance(v, E.ExcelError):
            return v
    return E.REF.because("gdsheet keeps no pivot tables (a file's pivot tables are dropped when it opens)")
