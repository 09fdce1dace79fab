"""Find and Replace over a workbook, as Excel's dialog does: in formulas or values, by rows or by columns, with
Excel's wildcards (`*` any run, `?` one character, `~` escapes them), optionally matching case or the whole cell.

The pattern is matched segment by segment (the literal pieces between `*`s, each placed at its earliest position),
never through a backtracking regular expression, so a long cell and a pattern like `*a*a*b` cost linear time in the
text per segment.
"""
from __future__ import annotations

from dataclasses import dataclass

from gdsheet.errors import ExcelError
from gdsheet.values import format_number

ANY = None  # a '?' in a segment


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
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def find_all(wb, options: FindOptions, sheet_name: str) -> list[tuple[str, int, int]]:
    """Every matching cell, in Excel's order: the sheet (or every sheet from it on), by rows or by columns."""
    pattern = Pattern(options.text, options.match_case, options.whole_cell)
    names = [s.name for s in wb.sheets]
    first = next((i for i, n in enumerate(names) if n.lower() == sheet_name.lower()), 0)
    order = names[first:] + names[:first] if options.workbook else [names[first]]
    found = []
    for name in order:
        sheet = wb.sheet(name)
        keys = sheet.cells.keys() | sheet.formulas.keys()
        keys = sorted(keys) if options.by_rows else sorted(keys, key=lambda k: (k[1], k[0]))
        for r, c in keys:
            text = cell_text(wb, sheet, r, c, options.look_in)
            if text is not None and text != "" and pattern.search(text) is not None:
                found.append((name, r, c))
    return found


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
