"""Formula text -> tokens -> syntax tree, and back; no torch, no Qt."""
from __future__ import annotations

import re

from gdsheet.formula import ast
from gdsheet.formula.parser import parse
from gdsheet.formula.unparse import FUTURE_FUNCTIONS, unparse
from gdsheet.refs import col_index

# Text outside strings, quoted sheet names and brackets whose cell references are rewritten relative to the host:
# two cells whose formulas give the same key have the same relative tree (Excel's R1C1 form), so a column filled
# with one formula is parsed once and every cell shares one tree object.
_KEY_TOKENS = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'|\[(?:[^\[\]]|\[[^\]]*\])*\]'
                         r"|(?<![\w.$\]\[])(\$?)([A-Za-z]{1,3})(\$?)(\d{1,7})(?![\w(\[.!])")
_CACHE: dict[str, ast.Node] = {}
_CACHE_LIMIT = 200_000


def relative_key(text: str, row: int, col: int) -> str:
    def sub(m: re.Match) -> str:
        if m.group(2) is None:
            return m.group(0)
        ca, letters, ra, digits = m.groups()
        c = col_index(letters) if ca else col_index(letters) - col
        r = int(digits) if ra else int(digits) - row
        return f"\x00{'$' if ca else ''}{c}\x01{'$' if ra else ''}{r}\x02"

    return _KEY_TOKENS.sub(sub, text)


# A range of whole rows (4:4, $2:10) shifts with its cell too, but is not one of the tokens above: a formula holding
# one is never given a row template (it is parsed cell by cell, as before).
_ROW_RANGE = re.compile(r"\d\s*:\s*\$?\d")
_WHOLE_LINES = re.compile(r"\d\s*:\s*\$?\d|[A-Za-z]\s*:\s*\$?[A-Za-z]")


def row_template(text: str, row: int) -> tuple | None:
    """The text of a formula written in `row` as a template: a format string and, for each of its fields, the offset
    of a relative row number from `row`. `text_at(template, r)` is then the same formula filled down to row r, in
    the same column, so a column of them is checked and kept without parsing each cell. None when the text has a
    whole-row range (4:4), which moves too but is not a cell token."""
    if _ROW_RANGE.search(text):
        return None
    pieces: list[str] = []
    offsets: list[int] = []
    at = 0
    for m in _KEY_TOKENS.finditer(text):
        if m.group(2) is None or m.group(3):  # a string, a quoted name, brackets, or an absolute row
            continue
        offset = int(m.group(4)) - row
        if offset not in offsets:
            offsets.append(offset)
        pieces.append(_braces(text[at:m.start(4)]) + "{" + str(offsets.index(offset)) + "}")
        at = m.end(4)
    pieces.append(_braces(text[at:]))
    return "".join(pieces), tuple(offsets)


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def text_at(template: tuple, row: int) -> str:
    """The text of a `row_template` in row `row`."""
    fmt, offsets = template
    if len(offsets) == 1:
        return fmt.format(row + offsets[0])
    return fmt.format(*[row + o for o in offsets])


def parse_cached(text: str, row: int = 1, col: int = 1) -> ast.Node:
    """parse() with a cache on the formula's relative form: equal relative formulas share one tree."""
    key = relative_key(text, row, col)
    if _WHOLE_LINES.search(text):  # A:A or 4:4 is relative to its cell too, but not rewritten in the key
        key = f"{key}\x03{row},{col}"
    node = _CACHE.get(key)
    if node is None:
        node = parse(text, row, col)
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[key] = node
    return node


__all__ = ["ast", "parse", "parse_cached", "unparse", "relative_key", "row_template", "text_at", "FUTURE_FUNCTIONS"]
