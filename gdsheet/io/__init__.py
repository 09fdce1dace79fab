"""Workbooks in and out of files: .xlsx (read and write) and CSV (import)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from gdsheet.io.csv_import import import_csv
from gdsheet.io.package import SourcePackage
from gdsheet.io.xlsx_read import read_xlsx
from gdsheet.io.xlsx_write import write_xlsx
from gdsheet.sheet.workbook import Workbook


def load_workbook(path: str | Path, progress=None) -> Workbook:
    """Open an .xlsx file. Formula cells show the values Excel saved until the workbook is recalculated; what
    could not be kept is listed in `wb.load_warnings`. Raises WorkbookReadError naming the file and the part.
    `progress(done, total)` follows the worksheets' decompression and may cancel by raising LoadCancelled."""
    return read_xlsx(path, progress)


def save_workbook(wb: Workbook, path: str | Path) -> list[str]:
    """Save as .xlsx (or .xlsm), atomically, patching the file the workbook came from; returns what the user should
    be told (macros left out, parts that could not be kept). Raises WorkbookWriteError, leaving any existing file
    untouched."""
    warnings = write_xlsx(wb, path)
    wb.path = str(path)
    source = wb.source
    if source is not None and source.data is None:
        # held by path: the next save patches the file just written (the one read may be gone, or replaced by it)
        wb.source = dataclasses.replace(SourcePackage.capture(path), function_prefixes=source.function_prefixes,
                                        has_macros=source.has_macros and str(path).lower().endswith(".xlsm"))
    return warnings


__all__ = ["load_workbook", "save_workbook", "import_csv"]
