"""CSV into a new sheet: numbers as numbers, TRUE/FALSE as booleans, other text as text, the header row as text."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from gdsheet.errors import GdsheetError
from gdsheet.sheet.model import Sheet
from gdsheet.sheet.workbook import Workbook
from gdsheet.values import parse_number_text

MAX_BYTES = 512 * 1024**2
_DELIMITERS = ",;\t|"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def import_csv(wb: Workbook, path: str | Path, sheet_name: str | None = None) -> Sheet:
    """Read the CSV file at `path` into a new sheet of `wb` (named after the file unless `sheet_name` is given).

    The delimiter is sniffed among , ; tab |. The text is UTF-8 (with or without BOM), else cp1252. A first row
    with no numbers above rows with numbers is a header and stays text; other cells become values as Excel reads
    them when it opens a CSV ('1,5e3', '50%' and dates are numbers). Raises GdsheetError for an unreadable file.
    """
    path = Path(path)
    rows = _parse(_decode(path), path.name)
    sheet = wb.add_sheet(_unique_name(wb, sheet_name or path.stem))
    header = _has_header(rows)
    for r, fields in enumerate(rows, start=1):
        for c, text in enumerate(fields, start=1):
            if text != "":
                sheet.cells[(r, c)] = text if header and r == 1 else _value(text)
    wb.engine.invalidate()
    return sheet


def _decode(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise GdsheetError(f"could not import {path.name}: {size / 1024**2:,.0f} MB is more than the "
                               f"{MAX_BYTES // 1024**2} MB limit")
        data = path.read_bytes()
    except OSError as e:
        raise GdsheetError(f"could not import {path.name}: {e.strerror or e}") from e
    if b"\x00" in data[:8192]:
        raise GdsheetError(f"could not import {path.name}: it is not a text file (UTF-16 or binary)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as e:
        raise GdsheetError(f"could not import {path.name}: it is neither UTF-8 nor Windows-1252 text "
                           f"(byte {e.start})") from e


def _parse(text: str, name: str) -> list[list[str]]:
    sample = text[:65536]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:  # one column, or too irregular to tell: the comma is the usual choice
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as e:
        raise GdsheetError(f"could not import {name}: {e}") from e


def _value(text: str):
    upper = text.strip().upper()
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE"
    n = parse_number_text(text)
    return text if n is None else n


def _has_header(rows: list[list[str]]) -> bool:
    if len(rows) < 2 or not any(f.strip() for f in rows[0]):
        return False
    first_has_number = any(parse_number_text(f) is not None for f in rows[0] if f.strip())
    rest_has_number = any(parse_number_text(f) is not None for row in rows[1:50] for f in row if f.strip())
    return not first_has_number and rest_has_number


def _unique_name(wb: Workbook, wanted: str) -> str:
    base = _BAD_SHEET_CHARS.sub("_", wanted).strip("'")[:31] or "Sheet"
    name, n = base, 2
    while wb.has_sheet(name):
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    return name
