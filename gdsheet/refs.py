"""A1 addresses: column letters, cell and area coordinates (1-based, as Excel and openpyxl count)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MAX_ROW = 1_048_576
MAX_COL = 16_384
# The most cells one array formula's range or one spill may fill (two full columns): every filled cell is kept in
# memory, so a whole-sheet array (17 billion cells) is refused with an error instead of exhausting it.
MAX_ARRAY_CELLS = 2 * MAX_ROW

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


@lru_cache(maxsize=20_000)
def col_letter(col: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    if not 1 <= col <= MAX_COL:
        raise ValueError(f"column {col} is outside 1..{MAX_COL}")
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


@lru_cache(maxsize=20_000)
def col_index(letters: str) -> int:
    """'A' -> 1, 'aa' -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def cell_name(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


def parse_cell(text: str) -> tuple[int, int]:
    """'B7' or '$B$7' -> (7, 2); raises ValueError for anything else."""
    m = _CELL.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a cell address")
    row, col = int(m.group(2)), col_index(m.group(1))
    if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
        raise ValueError(f"{text!r} is outside the grid")
    return row, col


def sheet_span(name: str | None) -> tuple[str, str] | None:
    """The first and last sheet of a 3-D reference's 'Sheet1:Sheet3' (no sheet name can hold ':'), else None."""
    if name is None or ":" not in name:
        return None
    first, last = name.split(":", 1)
    return first, last


def quote_sheet(name: str) -> str:
    """A sheet name (or a 3-D reference's 'Sheet1:Sheet3') as it must appear before '!' in a formula."""
    span = sheet_span(name)
    if span is not None:
        plain = all(quote_sheet(part) == part for part in span)
        return name if plain else "'" + name.replace("'", "''") + "'"
    # Excel leaves a name bare only when it is letters (of any script), digits, '_' and '.', starting with a letter
    # or '_', and cannot be read as a cell reference: 'Ω≈ç√'!A1 and 'Ünïcødé✓表'!A1 are quoted, Données!A1 not
    if name and (name[0].isalpha() or name[0] == "_") and all(ch.isalnum() or ch in "_." for ch in name) \
            and not _looks_like_ref(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def _looks_like_ref(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*|[Rr]|[Cc]|TRUE|FALSE", name, re.I))


@dataclass(frozen=True, slots=True)
class Area:
    """A rectangle of cells on one sheet, inclusive, 1-based. `sheet` may be None (the host's sheet)."""

    sheet: str | None
    r1: int
    c1: int
    r2: int
    c2: int

    @property
    def rows(self) -> int:
        return self.r2 - self.r1 + 1

    @property
    def cols(self) -> int:
        return self.c2 - self.c1 + 1

    @property
    def size(self) -> int:
        return self.rows * self.cols

    @property
    def is_cell(self) -> bool:
        return self.r1 == self.r2 and self.c1 == self.c2

    def __contains__(self, rc: tuple[int, int]) -> bool:
        r, c = rc
        return self.r1 <= r <= self.r2 and self.c1 <= c <= self.c2

    def cells(self):
        """(row, col) pairs, row by row."""
        for r in range(self.r1, self.r2 + 1):
            for c in range(self.c1, self.c2 + 1):
                yield r, c

    def a1(self, with_sheet: bool = True, absolute: bool = False) -> str:
        d = "$" if absolute else ""
        first = f"{d}{col_letter(self.c1)}{d}{self.r1}"
        text = first if self.is_cell else f"{first}:{d}{col_letter(self.c2)}{d}{self.r2}"
        return f"{quote_sheet(self.sheet)}!{text}" if with_sheet and self.sheet else text

    def __str__(self) -> str:
        return self.a1()


def parse_area(text: str, default_sheet: str | None = None) -> Area:
    """'Sheet 1'!$A$1:B3, A1, or B3:A1 (normalised) -> Area. Raises ValueError for anything else."""
    text = text.strip()
    sheet = default_sheet
    if "!" in text:
        sheet_part, text = text.rsplit("!", 1)
        sheet = sheet_part[1:-1].replace("''", "'") if sheet_part.startswith("'") else sheet_part
        sheet = sheet.lstrip("=")
    parts = text.split(":")
    if len(parts) == 1:
        r, c = parse_cell(parts[0])
        return Area(sheet, r, c, r, c)
    if len(parts) == 2:
        (ra, ca), (rb, cb) = parse_cell(parts[0]), parse_cell(parts[1])
        return Area(sheet, min(ra, rb), min(ca, cb), max(ra, rb), max(ca, cb))
    raise ValueError(f"{text!r} is not a range")
