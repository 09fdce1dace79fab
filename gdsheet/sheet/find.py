"""Find and Replace over a workbook, as Excel's dialog does: in formulas or values, by rows or by columns, with
Excel's wildcards (`*` any run, `?` one character, `~` escapes them), optionally matching case or the whole cell.

The pattern is matched segment by segment (the literal pieces between `*`s, each placed at its earliest position),
never through a backtracking regular expression, so a long cell and a pattern like `*a*a*b` cost linear time in the
text per segment.
"""
from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

import numpy as np

from gdsheet.errors import ExcelError
from gdsheet.formula import text_at
from gdsheet.values import format_number, format_numbers

ANY = None  # a '?' in a segment
_NUMBER_CHARS = frozenset("0123456789.-E+")  # all format_number writes
_NUMBER_CHARS_FOLDED = frozenset("0123456789.-e+")


@dataclass(frozen=True, slots=True)
class FindOptions:
    text: str
    match_case: bool = False
    whole_cell: bool = False
    look_in: str = "formulas"  # or "values": what Excel calls Look in
    by_rows: bool = True  # Search: By Rows (else By Columns)
    workbook: bool = False  # Within: Workbook (else Sheet)


class Pattern:
    """A compiled Find pattern: `search(text, start)` gives the (begin, end) of the first match at or after start."""

    def __init__(self, text: str, match_case: bool = False, whole: bool = False):
        self.match_case, self.whole = match_case, whole
        self.segments: list[list[str | None]] = [[]]  # the pieces between '*'
        self.leading_star = self.trailing_star = False
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "~" and i + 1 < len(text) and text[i + 1] in "*?~":
                self.segments[-1].append(self._fold(text[i + 1]))
                i += 2
                continue
            if ch == "*":
                if not self.segments[-1] and len(self.segments) == 1:
                    self.leading_star = True
                if self.segments[-1]:
                    self.segments.append([])
            elif ch == "?":
                self.segments[-1].append(ANY)
            else:
                self.segments[-1].append(self._fold(ch))
            i += 1
        self.trailing_star = text.endswith("*") and not text.endswith("~*")
        if not self.segments[-1] and len(self.segments) > 1:
            self.segments.pop()

    def literals(self) -> set[str]:
        """The characters the pattern asks for (case-folded unless it matches case), its wildcards aside."""
        return {ch for seg in self.segments for ch in seg if ch is not ANY}

    def may_match_number(self) -> bool:
        """Whether some number's text in General format (digits, '.', '-', 'E', '+') could match."""
        return self.literals() <= (_NUMBER_CHARS if self.match_case else _NUMBER_CHARS_FOLDED)

    def row_blind(self) -> bool:
        """Whether texts that differ only in their runs of digits (a filled-down formula's rows: each row number is
        at least one digit, so the runs of other characters are the same in every row) all match or all fail:
        true when no literal is a digit and no '?' could stand for one."""
        return not any(ch is ANY or ch.isdigit() for seg in self.segments for ch in seg)

    def _fold(self, ch: str) -> str:
        return ch if self.match_case else ch.lower()

    def _at(self, text: str, seg: list, i: int) -> bool:
        return i + len(seg) <= len(text) and all(c is ANY or text[i + k] == c for k, c in enumerate(seg))

    def _find_segment(self, text: str, seg: list, start: int) -> int:
        if not seg:
            return start
        if ANY not in seg:
            return text.find("".join(seg), start)
        for i in range(start, len(text) - len(seg) + 1):
            if self._at(text, seg, i):
                return i
        return -1

    def search(self, text: str, start: int = 0) -> tuple[int, int] | None:
        folded = text if self.match_case else text.lower()
        if self.whole:
            return (0, len(text)) if start == 0 and self._whole(folded) else None
        first = self._find_segment(folded, self.segments[0], start)
        if first < 0:
            return None
        begin = start if self.leading_star else first
        end = first + len(self.segments[0])
        for seg in self.segments[1:]:
            at = self._find_segment(folded, seg, end)
            if at < 0:
                return None
            end = at + len(seg)
        if self.trailing_star:
            end = len(text)
        return begin, end

    def _whole(self, text: str) -> bool:
        """Whether the pattern matches all of `text`: the first piece at the start (unless a '*' leads), the last
        at the end (unless a '*' ends it), the pieces between placed in order in what is left."""
        segs = list(self.segments)
        if len(segs) == 1 and not self.leading_star and not self.trailing_star:
            return len(text) == len(segs[0]) and self._at(text, segs[0], 0)
        lo, hi = 0, len(text)
        if not self.leading_star:
            head = segs.pop(0)
            if not self._at(text, head, 0):
                return False
            lo = len(head)
        if not self.trailing_star and segs:
            tail = segs.pop()
            if len(tail) > hi - lo or not self._at(text, tail, hi - len(tail)):
                return False
            hi -= len(tail)
        for seg in segs:
            at = self._find_segment(text[:hi], seg, lo)
            if at < 0:
                return False
            lo = at + len(seg)
        return lo <= hi


def cell_text(wb, sheet, row: int, col: int, look_in: str) -> str | None:
    """What Find looks at in a cell: its formula (or constant as typed) for "formulas", its shown value else."""
    f = sheet.formulas.get((row, col))
    if look_in == "formulas" and f is not None:
        return f.text
    value = sheet.cells.get((row, col))
    return None if value is None else value_text(value)


def value_text(value) -> str:
    """A value as Find reads it: numbers in General format, TRUE/FALSE, an error's code."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, float):
        return format_number(value)
    return str(value)


# ---- the walk ---------------------------------------------------------------------------------------------------
# A sheet is searched in pieces that are runs of its search order: By Rows, a band of rows across every column; By
# Columns, a band of rows in one column. Each piece is read from the stores in bulk (a column array's slice, the
# blocks and the kept-apart cells that fall in it), its matches sorted into order and handed on, so Find Next stops
# at the first piece holding a match after the current cell and never looks at the rest of the sheet.

_FIRST_BAND, _MAX_BAND = 256, 65_536  # rows a piece spans: small at first (Find Next), growing as the walk goes on
_MEMO_LIMIT = 65_536  # texts remembered as matching or not (a column of a few words repeated a million times)
_DECIMAL = re.compile(r"(-?)(\d*)\.(\d*)")  # a piece of number text around its point: -12.5, 0.637, .5


def _number_candidates(pattern: Pattern, values: np.ndarray) -> np.ndarray | None:
    """A mask of the numbers whose text could match, found arithmetically, when the pattern is one piece of
    number text (no wildcards): for a whole cell, the numbers equal to it (to 15 digits); else, for a piece with a
    decimal point like 0.637 or -12.5, the numbers whose integer part ends in its digits and whose fraction begins
    with its digits. A superset (texts are rounded to 15 significant digits, so the bounds are widened by that):
    what it keeps is still tested on its text. None when no such test applies."""
    if len(pattern.segments) != 1 or pattern.leading_star or pattern.trailing_star or ANY in pattern.segments[0]:
        return None
    literal = "".join(pattern.segments[0])
    a = np.abs(values)
    slack = a * 1e-14 + 1e-300
    if pattern.whole:
        try:
            target = float(literal)
        except ValueError:
            return None
        if not math.isfinite(target):  # 1.79769313486232E+308 reads back as inf
            return None
        return np.abs(values - target) <= slack
    m = _DECIMAL.fullmatch(literal)
    if m is None:
        return None
    sign, whole, fraction = m.groups()
    modulus = 10.0 ** len(whole)
    low = float(f"{whole or 0}.{fraction or 0}")
    width = 10.0 ** -len(fraction)
    r = np.mod(a, modulus)  # the integer part's last digits and the fraction
    near = ((r >= low - slack) & (r <= low + width + slack)) | (r - modulus >= low - slack) | \
        (r + modulus <= low + width + slack)
    near |= (a < 1e-9) | (a >= 1e15)  # written with an exponent: 1.5E+20 holds "1.5" too
    if sign:
        near &= values < 0
    return near


def _order_keys(rows: np.ndarray, cols: np.ndarray, by_rows: bool) -> np.ndarray:
    """One int64 per cell that sorts as the search order does."""
    rows, cols = rows.astype(np.int64), cols.astype(np.int64)
    return (rows << 32) | cols if by_rows else (cols << 32) | rows


def _key(row: int, col: int, by_rows: bool) -> int:
    return (row << 32) | col if by_rows else (col << 32) | row


class _Index:
    """Cells held one by one (kept-apart values, single formulas) sorted in search order, to take a piece's out
    by bisection: order keys and, in the same order, what each holds."""

    def __init__(self, cells: list[tuple[int, int]], held: list, by_rows: bool):
        flat = np.fromiter(itertools.chain.from_iterable(cells), dtype=np.int64, count=2 * len(cells))
        rows, cols = flat[0::2], flat[1::2]
        keys = _order_keys(rows, cols, by_rows)
        if len(keys) > 1 and not (keys[1:] >= keys[:-1]).all():  # (a file's cells come in order by rows)
            order = np.argsort(keys, kind="stable")
            keys, rows, cols = keys[order], rows[order], cols[order]
            held = [held[i] for i in order.tolist()]
        self.keys, self.rows, self.cols, self.held = keys, rows, cols, held

    def span(self, k1: int, k2: int) -> tuple[int, int]:
        return int(np.searchsorted(self.keys, k1, "left")), int(np.searchsorted(self.keys, k2, "right"))


class _SheetScan:
    """The matches of one sheet, piece by piece in search order."""

    def __init__(self, sheet, pattern: Pattern, look_in: str, by_rows: bool):
        self.pattern, self.by_rows = pattern, by_rows
        self.in_formulas = look_in == "formulas"
        self._memo: dict[str, bool] = {}
        cells, formulas = sheet.cells, sheet.formulas
        # no number's text can hold a letter (or any character but digits . - E +): skip the arrays whole
        self.arrays = {c: (start, nums) for c, start, nums in cells.number_arrays()} \
            if pattern.may_match_number() else {}
        self.other = _Index(cells.other_keys(), cells.other_values(), by_rows)
        # the last row: of the arrays' spans (perhaps a few empty rows below their last number) and the others
        max_row = max((start + len(nums) - 1 for _, start, nums in cells.number_arrays()), default=0)
        max_row = max(max_row, int(self.other.rows.max(initial=0)))
        columns = set(cells.columns())
        self.blocks: dict[int, tuple[np.ndarray, np.ndarray, list]] = {}
        self.single_rows: dict[int, np.ndarray] = {}
        self.singles = _Index([], [], by_rows)
        if self.in_formulas:
            by_col: dict[int, list] = {}
            for b in formulas.blocks():
                by_col.setdefault(b.col, []).append(b)
            for c, bs in by_col.items():
                self.blocks[c] = (np.array([b.r1 for b in bs]), np.array([b.r2 for b in bs]), bs)
            singles = formulas.singles()
            self.singles = _Index(list(singles), [f.text for f in singles.values()], by_rows)
            for c in np.unique(self.singles.cols).tolist():
                self.single_rows[c] = np.sort(self.singles.rows[self.singles.cols == c])
            columns |= set(self.blocks) | set(self.single_rows)
            max_row = max(max_row, formulas.bounds()[0])
        self.max_row = max_row
        self.columns = sorted(columns)
        self._block_match: dict[int, bool] = {}
        self._row_blind = pattern.row_blind()
        self._literals, self._block_chars = pattern.literals(), {}
        plain = len(pattern.segments) == 1 and not pattern.whole and ANY not in pattern.segments[0]
        self._number_literal = "".join(pattern.segments[0]).upper() if plain else None

    def _number_test(self, text: str) -> bool:
        """Whether a number's text matches: a plain piece of text is looked for as it is (a number's only letter is
        'E', so the piece is upper-cased rather than every text lower-cased), anything else by the pattern."""
        if self._number_literal is not None:
            return self._number_literal in text
        return self.pattern.search(text) is not None

    def matches(self, text: str) -> bool:
        hit = self._memo.get(text)
        if hit is None:
            hit = text != "" and self.pattern.search(text) is not None
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[text] = hit
        return hit

    def pieces(self, start: tuple[int, int] | None):
        """(r1, r2, c1, c2) for each piece from the one holding `start` (the sheet's first when None) to the end."""
        band = _FIRST_BAND
        if self.by_rows:
            r = start[0] if start else 1
            while r <= self.max_row:
                yield r, min(r + band - 1, self.max_row), 0, 1 << 31
                r += band
                band = min(2 * band, _MAX_BAND)
            return
        for c in self.columns:
            if start and c < start[1]:
                continue
            r = start[0] if start and c == start[1] else 1
            while r <= self.max_row:
                yield r, min(r + band - 1, self.max_row), c, c
                r += band
                band = min(2 * band, _MAX_BAND)

    def piece_matches(self, r1: int, r2: int, c1: int, c2: int) -> np.ndarray:
        """The order keys of the matching cells of a piece, sorted."""
        found: list[np.ndarray] = []
        by_rows = self.by_rows
        cols = [c for c in self.arrays if c1 <= c <= c2] if c1 != c2 else [c1] if c1 in self.arrays else []
        for c in cols:
            start, nums = self.arrays[c]
            a, b = max(r1, start), min(r2, start + len(nums) - 1)
            if a > b:
                continue
            piece = nums[a - start:b + 1 - start]
            held = piece == piece
            if self.in_formulas:
                held &= ~self._covered(c, np.arange(a, b + 1))
            if not held.any():
                continue
            rows = np.arange(a, b + 1)[held]
            values = piece[held]
            maybe = _number_candidates(self.pattern, values)
            if maybe is not None:
                rows, values = rows[maybe], values[maybe]
            distinct, inverse = np.unique(values, return_inverse=True)
            test = self._number_test
            hit = np.fromiter(map(test, format_numbers(distinct)), dtype=bool, count=len(distinct))[inverse]
            rows = rows[hit]
            found.append(_order_keys(rows, np.full(len(rows), c), by_rows))
        k1, k2 = _key(r1, c1, by_rows), _key(r2, c2, by_rows)
        i, j = self.other.span(k1, k2)
        if i < j:
            keys = self.other.keys[i:j]
            hit = np.fromiter((self.matches(value_text(v)) for v in self.other.held[i:j]), dtype=bool, count=j - i)
            if self.in_formulas:
                hit &= ~self._covered_cells(self.other.rows[i:j], self.other.cols[i:j])
            found.append(keys[hit])
        if self.in_formulas:
            i, j = self.singles.span(k1, k2)
            if i < j:
                hit = np.fromiter((self.matches(t) for t in self.singles.held[i:j]), dtype=bool, count=j - i)
                found.append(self.singles.keys[i:j][hit])
            for c in ([c for c in self.blocks if c1 <= c <= c2] if c1 != c2 else [c1] if c1 in self.blocks else []):
                found.extend(self._block_matches(c, r1, r2))
        if not found:
            return np.empty(0, dtype=np.int64)
        keys = np.concatenate(found)
        keys.sort()
        return keys

    def _block_matches(self, c: int, r1: int, r2: int) -> list[np.ndarray]:
        starts, ends, blocks = self.blocks[c]
        out = []
        for k in range(int(np.searchsorted(ends, r1, "left")), int(np.searchsorted(starts, r2, "right"))):
            b = blocks[k]
            a, z = max(r1, b.r1), min(r2, b.r2)
            if self._row_blind:  # one test decides every row of the block
                hit = self._block_match.get(id(b))
                if hit is None:
                    hit = self._block_match[id(b)] = self.matches(text_at(b.shown, b.r1))
                if not hit:
                    continue
                rows = np.arange(a, z + 1)
            else:
                shown = b.shown
                if not self._may_hold(shown):
                    continue
                rows = np.array([r for r in range(a, z + 1) if self.matches(text_at(shown, r))], dtype=np.int64)
            out.append(_order_keys(rows, np.full(len(rows), c), self.by_rows))
        return out

    def _may_hold(self, template: tuple) -> bool:
        """Whether some row of a block could match: its rows' texts hold the template's own characters and digits
        only, so a pattern asking for another character (the '.' of 0.5 in =A4*B4) matches none of them."""
        hit = self._block_chars.get(id(template))
        if hit is None:
            fmt = template[0] if self.pattern.match_case else template[0].lower()
            hit = self._block_chars[id(template)] = all(ch.isdigit() or ch in fmt for ch in self._literals)
        return hit

    def _covered(self, c: int, rows: np.ndarray) -> np.ndarray:
        """Which of a column's rows hold a formula (whose text, not value, is what Find looks in)."""
        out = np.zeros(len(rows), dtype=bool)
        if c in self.blocks:
            starts, ends, _ = self.blocks[c]
            k = np.searchsorted(starts, rows, "right") - 1
            inside = k >= 0
            out[inside] = rows[inside] <= ends[k[inside]]
        if c in self.single_rows:
            out |= np.isin(rows, self.single_rows[c])
        return out

    def _covered_cells(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        out = np.zeros(len(rows), dtype=bool)
        for c in np.unique(cols).tolist():
            at = cols == c
            out[at] = self._covered(c, rows[at])
        return out


def _sheet_runs(scan: _SheetScan, after: int | None = None, upto: int | None = None,
                start: tuple[int, int] | None = None):
    """The order keys of the sheet's matches, a sorted array a piece, those after `after` and up to `upto`."""
    for r1, r2, c1, c2 in scan.pieces(start):
        if upto is not None and _key(r1, c1, scan.by_rows) > upto:
            return
        keys = scan.piece_matches(r1, r2, c1, c2)
        if after is not None:
            keys = keys[keys > after]
        if upto is not None:
            keys = keys[keys <= upto]
        if len(keys):
            yield keys


def match_runs(wb, options: FindOptions, sheet_name: str, after: tuple[int, int] | None = None):
    """The matches in Excel's order, as (sheet name, rows, cols) runs of numpy arrays. From the sheet's first cell
    (and on through the other sheets when searching the workbook) when `after` is None; else from the cell after
    `after`, wrapping round to end with `after` itself, as Find Next goes."""
    pattern = Pattern(options.text, options.match_case, options.whole_cell)
    names = [s.name for s in wb.sheets]
    first = next((i for i, n in enumerate(names) if n.lower() == sheet_name.lower()), 0)
    order = names[first:] + names[:first] if options.workbook else [names[first]]
    scans = {}

    def scan(name):
        if name not in scans:
            scans[name] = _SheetScan(wb.sheet(name), pattern, options.look_in, options.by_rows)
        return scans[name]

    def split(name, keys):
        hi, lo = (keys >> 32).astype(np.int64), (keys & 0xFFFFFFFF).astype(np.int64)
        return (name, hi, lo) if options.by_rows else (name, lo, hi)

    here = None if after is None else _key(after[0], after[1], options.by_rows)
    for name in order:
        for keys in _sheet_runs(scan(name), after=here if name == order[0] else None,
                                start=after if name == order[0] else None):
            yield split(name, keys)
    if here is not None:
        for keys in _sheet_runs(scan(order[0]), upto=here):
            yield split(order[0], keys)


def iter_matches(wb, options: FindOptions, sheet_name: str, after: tuple[int, int] | None = None):
    """The matching cells as (sheet name, row, col), one by one, in the order of `match_runs`."""
    for name, rows, cols in match_runs(wb, options, sheet_name, after):
        for r, c in zip(rows.tolist(), cols.tolist()):
            yield name, r, c


def find_all(wb, options: FindOptions, sheet_name: str) -> list[tuple[str, int, int]]:
    """Every matching cell, in Excel's order: the sheet (or every sheet from it on), by rows or by columns."""
    return list(iter_matches(wb, options, sheet_name))


def find_next(wb, options: FindOptions, sheet_name: str, row: int, col: int) -> tuple[str, int, int] | None:
    """The first match after (row, col) in the search order, wrapping round (to that cell itself last)."""
    return next(iter_matches(wb, options, sheet_name, after=(row, col)), None)


def find_listed(wb, options: FindOptions, sheet_name: str, limit: int) -> tuple[int, list[tuple[str, int, int]]]:
    """How many cells match, and the first `limit` of them in order (Find All's list): the rest are counted, a
    run at a time, never made into cells."""
    total, listed = 0, []
    for name, rows, cols in match_runs(wb, options, sheet_name):
        if len(listed) < limit:
            take = limit - len(listed)
            listed += [(name, r, c) for r, c in zip(rows[:take].tolist(), cols[:take].tolist())]
        total += len(rows)
    return total, listed


def replace_in(text: str, options: FindOptions, replacement: str) -> str:
    """`text` with every match replaced, left to right (the whole text for a whole-cell match), as Excel's
    Replace does."""
    if not options.text:
        return text
    pattern = Pattern(options.text, options.match_case, options.whole_cell)
    out, pos = [], 0
    while (span := pattern.search(text, pos)) is not None and span[1] > span[0]:
        out += [text[pos:span[0]], replacement]
        pos = span[1]
    out.append(text[pos:])
    return "".join(out)
