"""Copy, paste, fill and clear as lists of new cell states (no Qt): relative references shift as in Excel."""
from __future__ import annotations

from dataclasses import dataclass, replace

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
        held = sheet.cells.keys() | sheet.formulas.keys()
        # walk whichever is smaller: the selected rectangle or the cells the sheet holds
        keys = ((r, c) for r, c in held if (r, c) in area) if area.size > len(held) else (
            k for k in area.cells() if k in held)
        for r, c in sorted(keys):
            if (r, c) in sheet.spilled_from and (r, c) not in sheet.formulas:
                continue  # a spilled value goes with its formula
            edits.append((sheet.name, r, c, CellState(number_format=sheet.number_formats.get((r, c)))))
    return edits


def selection_stats(wb: Workbook, areas: list[Area]) -> tuple[float, int, int]:
    """(sum, count of numbers, count of non-empty cells) over the selection, each cell once."""
    seen: set[tuple[str, int, int]] = set()
    total, numbers, count = 0.0, 0, 0
    for area in areas:
        sheet = wb.sheet(area.sheet)
        keys = (k for k in sheet.cells if k in area) if area.size > len(sheet.cells) else area.cells()
        for r, c in keys:
            v = sheet.cells.get((r, c))
            if v is None or (sheet.name, r, c) in seen:
                continue
            seen.add((sheet.name, r, c))
            count += 1
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                total += v
                numbers += 1
    return total, numbers, count
