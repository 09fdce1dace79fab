"""Copy, paste, fill and clear as lists of new cell states (no Qt): relative references shift as in Excel."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from gdsheet.errors import FormulaSyntaxError
from gdsheet.formula.parser import parse
from gdsheet.formula.unparse import unparse
from gdsheet.gui.document import CellState, capture
from gdsheet.gui.numfmt import format_value
from gdsheet.refs import Area
from gdsheet.sheet.workbook import Workbook, parse_input

Edit = tuple[str, int, int, CellState]


def shift_formula(text: str, src: tuple[int, int], dst: tuple[int, int]) -> str:
    """A formula copied from cell `src` to `dst` (row, col): relative references move, absolute ones stay, and a
    reference pushed off the sheet becomes #REF!. A formula that does not parse is copied as written."""
    if src == dst:
        return text
    try:
        return unparse(parse(text, *src), *dst)
    except FormulaSyntaxError:
        return text


def _moved(state: CellState, src: tuple[int, int], dst: tuple[int, int]) -> CellState:
    if state.formula is None:
        return state
    array = state.array
    if array is not None:
        dr, dc = dst[0] - src[0], dst[1] - src[1]
        array = Area(array.sheet, array.r1 + dr, array.c1 + dc, array.r2 + dr, array.c2 + dc)
    return replace(state, formula=shift_formula(state.formula, src, dst), array=array)


@dataclass(frozen=True, slots=True)
class Clip:
    """Cells copied (or cut) from `area`, row by row; `text` is what went on the system clipboard."""

    area: Area
    states: tuple[tuple[CellState, ...], ...]
    text: str
    cut: bool = False


def copy_area(wb: Workbook, area: Area, cut: bool = False) -> Clip:
    sheet = wb.sheet(area.sheet)
    states, lines = [], []
    for r in range(area.r1, area.r2 + 1):
        row = tuple(capture(wb, sheet.name, r, c) for c in range(area.c1, area.c2 + 1))
        states.append(row)
        lines.append("\t".join(format_value(sheet.cells.get((r, c)), sheet.number_formats.get((r, c)))
                               for c in range(area.c1, area.c2 + 1)))
    return Clip(Area(sheet.name, area.r1, area.c1, area.r2, area.c2), tuple(states), "\n".join(lines), cut)


def paste_clip(clip: Clip, target: Area) -> list[Edit]:
    """The clip pasted with its top-left at the target's; tiled over the whole target when the target is a
    multiple of the clip's size (Excel's rule). A cut pastes once, formulas unchanged, and empties its source."""
    rows, cols = len(clip.states), len(clip.states[0])
    reps_r = target.rows // rows if not clip.cut and target.rows % rows == 0 else 1
    reps_c = target.cols // cols if not clip.cut and target.cols % cols == 0 else 1
    edits: dict[tuple[str, int, int], CellState] = {}
    if clip.cut:
        for r, c in clip.area.cells():
            edits[(clip.area.sheet, r, c)] = CellState()
    for i in range(rows * reps_r):
        for j in range(cols * reps_c):
            state = clip.states[i % rows][j % cols]
            src = (clip.area.r1 + i % rows, clip.area.c1 + j % cols)
            dst = (target.r1 + i, target.c1 + j)
            edits[(target.sheet, *dst)] = state if clip.cut else _moved(state, src, dst)
    return [(s, r, c, st) for (s, r, c), st in edits.items()]


def paste_text(text: str, sheet: str, row: int, col: int) -> list[Edit]:
    """Tab-separated text from another program, each field read as if typed."""
    edits = []
    for i, line in enumerate(text.rstrip("\r\n").splitlines()):
        for j, field in enumerate(line.split("\t")):
            edits.append((sheet, row + i, col + j, typed_state(field)))
    return edits


def typed_state(text: str) -> CellState:
    """A cell entry as typed: '=...' is a formula (dynamic, as current Excel makes typed formulas)."""
    if text.startswith("=") and len(text) > 1:
        return CellState(formula=text, dynamic=True)
    return CellState(parse_input(text))


def fill(wb: Workbook, area: Area, down: bool) -> list[Edit]:
    """Ctrl+D / Ctrl+R: the first row (or column) of `area` copied over the rest of it."""
    edits = []
    sheet = wb.sheet(area.sheet).name
    for r, c in area.cells():
        src = (area.r1, c) if down else (r, area.c1)
        if (r, c) != src:
            edits.append((sheet, r, c, _moved(capture(wb, sheet, *src), src, (r, c))))
    return edits


def clear(wb: Workbook, areas: list[Area]) -> list[Edit]:
    """Delete: empty the cells that hold something, keeping their number formats (as Excel's Delete key does)."""
    edits = []
    for area in areas:
        sheet = wb.sheet(area.sheet)
        corners = (area.r1, area.c1, area.r2, area.c2)
        keys = set(sheet.cells.keys_in(*corners)) | set(sheet.formulas.keys_in(*corners))
        for r, c in sorted(keys):
            if (r, c) in sheet.spilled_from and (r, c) not in sheet.formulas:
                continue  # a spilled value goes with its formula
            edits.append((sheet.name, r, c, CellState(number_format=sheet.number_formats.get((r, c)))))
    return edits


def selection_stats(wb: Workbook, areas: list[Area]) -> tuple[float, int, int]:
    """(sum, count of numbers, count of non-empty cells) over the selection, each cell once. Read a column at a
    time from the sheet's store in bulk: a whole column selected is a million rows."""
    rows_of: dict[tuple[str, int], list[tuple[int, int]]] = {}  # (sheet, column) -> its selected row spans
    for area in areas:
        sheet = wb.sheet(area.sheet)
        max_r, max_c = sheet.used_bounds
        for c in range(area.c1, min(area.c2, max_c) + 1):
            if area.r1 <= max_r:
                rows_of.setdefault((sheet.name, c), []).append((area.r1, min(area.r2, max_r)))
    total, numbers, count = 0.0, 0, 0
    for (name, c), spans in rows_of.items():
        cells = wb.sheet(name).cells
        for r1, r2 in _disjoint(spans):  # overlapping selections count a cell once
            values, is_number = cells.numbers(c, r1, r2)
            total += float(values.sum())
            numbers += int(np.count_nonzero(is_number))
            count += int(np.count_nonzero(cells.held(c, r1, r2)))
    return total, numbers, count


def _disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for r1, r2 in sorted(spans):
        if out and r1 <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], r2))
        else:
            out.append((r1, r2))
    return out


def sort_key(value, descending: bool = False):
    """Excel's sort order: numbers, then text (ignoring case), then FALSE and TRUE, then errors; blank cells last
    whichever the direction. Ties keep their order (the sort is stable)."""
    if value is None or value == "":
        return (1, 0, 0)
    if isinstance(value, bool):
        rank, v = 2, int(value)
    elif isinstance(value, (int, float)):
        rank, v = 0, float(value)
    elif isinstance(value, str):
        rank, v = 1, value.lower()
    else:  # an error value: all equal
        rank, v = 3, 0
    if not descending:
        return (0, rank, v)
    return (0, -rank, _Reversed(v))


class _Reversed:
    """Orders its value backwards, so a descending sort can stay stable."""

    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return other.v < self.v

    def __eq__(self, other):
        return self.v == other.v


def sort_rows(wb: Workbook, area: Area, key_col: int, descending: bool, header: bool) -> list[Edit]:
    """Data → Sort: the rows of `area` reordered by column `key_col` (below a header row when `header`), each row's
    cells moving together; relative references in moved formulas shift with their row, as in Excel."""
    sheet = wb.sheet(area.sheet)
    first = area.r1 + (1 if header else 0)
    rows = list(range(first, area.r2 + 1))
    for r in rows:
        for c in range(area.c1, area.c2 + 1):
            f = sheet.formulas.get((r, c))
            if f is not None and f.array is not None or (r, c) in sheet.spilled_from:
                raise ValueError("You can't change part of an array: the range to sort holds an array formula.")
    order = sorted(rows, key=lambda r: sort_key(sheet.cells.get((r, key_col)), descending))
    edits = []
    for dst, src in zip(rows, order):
        if dst == src:
            continue
        for c in range(area.c1, area.c2 + 1):
            state = capture(wb, sheet.name, src, c)
            edits.append((sheet.name, dst, c, _moved(state, (src, c), (dst, c))))
    return edits


def current_region(wb: Workbook, sheet_name: str, row: int, col: int) -> Area:
    """Excel's current region (Ctrl+*): the block of filled cells around (row, col), grown until the ring of cells
    around it (diagonals included) is empty."""
    sheet = wb.sheet(sheet_name)

    def held(key) -> bool:
        return sheet.cells.get(key) is not None or key in sheet.formulas

    r1 = r2 = row
    c1 = c2 = col
    while True:
        ring = [(r, c) for r in range(r1 - 1, r2 + 2) for c in (c1 - 1, c2 + 1)]
        ring += [(r, c) for c in range(c1, c2 + 1) for r in (r1 - 1, r2 + 1)]
        hits = [k for k in ring if held(k)]
        if not hits:
            return Area(sheet.name, r1, c1, r2, c2)
        r1, r2 = min(r1, *(k[0] for k in hits)), max(r2, *(k[0] for k in hits))
        c1, c2 = min(c1, *(k[1] for k in hits)), max(c2, *(k[1] for k in hits))


def has_header(wb: Workbook, area: Area) -> bool:
    """Excel's guess: the first row is a header when it is all text over a column that holds something else."""
    sheet = wb.sheet(area.sheet)
    if area.rows < 2:
        return False
    top = [sheet.cells.get((area.r1, c)) for c in range(area.c1, area.c2 + 1)]
    below = [sheet.cells.get((area.r1 + 1, c)) for c in range(area.c1, area.c2 + 1)]
    return all(isinstance(v, str) for v in top if v is not None) and any(isinstance(v, str) for v in top) and any(
        v is not None and not isinstance(v, str) for v in below)
