"""Excel's criteria language, shared by COUNTIF(S), SUMIF(S), AVERAGEIF(S), MAXIFS and MINIFS.

A criterion is a value (5, TRUE, #N/A, a blank cell) or text with an optional comparison prefix: ">=5", "<>a",
"=", "", "a*b?", "~*". `criterion(value)` turns it into a predicate over one cell's value; `matches(pred, array)`
applies it to every cell of a 2-D array.
"""
from __future__ import annotations

import re
from typing import Callable

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.values import is_number, parse_number_text, round15

Predicate = Callable[[object], bool]

_OPERATOR = re.compile(r"^(<=|>=|<>|<|>|=)?(.*)$", re.S)
_ORDER = {
    "=": lambda c: c == 0, "<>": lambda c: c != 0, "<": lambda c: c < 0,
    "<=": lambda c: c <= 0, ">": lambda c: c > 0, ">=": lambda c: c >= 0,
}


def criterion(value) -> Predicate:
    """The predicate a criterion stands for, following Excel's COUNTIF rules."""
    if value is None:  # a blank criterion cell means 0 (Microsoft's COUNTIFS documentation)
        value = 0.0
    if isinstance(value, ExcelError):
        return _error_equals("=", value)
    if isinstance(value, bool):
        return _bool_compare("=", value)
    if is_number(value):
        return _number_compare("=", float(value))
    op, operand = _OPERATOR.match(str(value)).groups()
    return _text_criterion(op or "", operand)


def matches(pred: Predicate, values: np.ndarray) -> np.ndarray:
    """A boolean array: which cells of `values` meet the criterion."""
    flat = [pred(v) for v in values.ravel()]
    return np.array(flat, dtype=bool).reshape(values.shape)


def _text_criterion(op: str, operand: str) -> Predicate:
    if operand == "":
        if op == "":  # "" matches empty cells and empty text
            return lambda v: v is None or v == ""
        if op == "=":  # "=" matches truly empty cells only
            return lambda v: v is None
        if op == "<>":  # "<>" matches every cell that is not empty
            return lambda v: v is not None
        return lambda v: False  # ">" or "<=" with nothing to compare against matches nothing
    cmp = op or "="
    number = parse_number_text(operand)
    if number is not None:
        return _number_compare(cmp, number)
    upper = operand.strip().upper()
    if upper in ("TRUE", "FALSE"):
        return _bool_compare(cmp, upper == "TRUE")
    if upper in E.ERRORS_BY_CODE:
        return _error_equals(cmp, E.ERRORS_BY_CODE[upper]) if cmp in ("=", "<>") else (lambda v: False)
    if cmp in ("=", "<>"):
        return _wildcard(cmp, operand)
    low = operand.lower()
    test = _ORDER[cmp]
    # ordered text comparison looks at text cells only, case-insensitively
    return lambda v: isinstance(v, str) and test((v.lower() > low) - (v.lower() < low))


def _complement(op: str, equal: Predicate) -> Predicate:
    # "<>x" is exactly the cells "=x" misses: blanks, errors and other types included
    return equal if op == "=" else (lambda v: not equal(v))


def _number_compare(op: str, number: float) -> Predicate:
    target = round15(number)
    if op in ("=", "<>"):
        # equality also matches text that reads as the same number ("1" = 1), Excel's well-known COUNTIF quirk
        def equal(v) -> bool:
            if is_number(v):
                return round15(float(v)) == target
            if isinstance(v, str):
                n = parse_number_text(v)
                return n is not None and round15(n) == target
            return False

        return _complement(op, equal)
    test = _ORDER[op]
    # ordered comparisons look at numbers only: never text, booleans or blanks
    return lambda v: is_number(v) and test((round15(float(v)) > target) - (round15(float(v)) < target))


def _bool_compare(op: str, flag: bool) -> Predicate:
    if op in ("=", "<>"):
        return _complement(op, lambda v: isinstance(v, bool) and v == flag)
    test = _ORDER[op]
    return lambda v: isinstance(v, bool) and test(int(v) - int(flag))


def _error_equals(op: str, error: ExcelError) -> Predicate:
    return _complement(op, lambda v: isinstance(v, ExcelError) and v == error)


def _wildcard(op: str, pattern: str) -> Predicate:
    """Text equality with Excel's wildcards: * any run, ? one character, ~ escapes the next character."""
    if not any(ch in pattern for ch in "*?~"):
        low = pattern.lower()
        return _complement(op, lambda v: isinstance(v, str) and v.lower() == low)
    wild = Wildcard(pattern, escape_any=True)
    return _complement(op, lambda v: isinstance(v, str) and wild.fullmatch(v))


class Wildcard:
    """Excel's wildcard pattern ('*' any run, '?' one character, '~' escapes the next), matched case-insensitively
    in time O(len(text) * len(pattern)) whatever the pattern: no backtracking regular expression.

    The pattern is cut at its stars into pieces of fixed length (literals and '?'); a full match puts the first
    piece at the start, the last at the end and each other piece at its leftmost place after the one before,
    which finds a match whenever one exists (moving a piece left never hurts the pieces after it).
    `escape_any`: '~' escapes any character (the criteria of COUNTIF and friends); otherwise only '*', '?' and
    '~' (SEARCH, MATCH, XLOOKUP), a '~' before anything else being itself."""

    __slots__ = ("pieces", "last_width", "starred")

    def __init__(self, pattern: str, escape_any: bool = False):
        pieces: list[list[str]] = [[]]
        i = 0
        while i < len(pattern):
            ch = pattern[i]
            if ch == "~" and i + 1 < len(pattern) and (escape_any or pattern[i + 1] in "*?~"):
                pieces[-1].append(re.escape(pattern[i + 1]))
                i += 2
                continue
            if ch == "*":
                pieces.append([])
            else:
                pieces[-1].append("." if ch == "?" else re.escape(ch))
            i += 1
        # each piece is a fixed-length regex (no repetition): searching it cannot backtrack
        self.pieces = [re.compile("".join(p), re.IGNORECASE | re.DOTALL) for p in pieces]
        self.last_width = len(pieces[-1])  # one regex item per character
        self.starred = len(pieces) > 1

    def fullmatch(self, text: str) -> bool:
        pieces = self.pieces
        if not self.starred:
            return pieces[0].fullmatch(text) is not None
        first = pieces[0].match(text)
        if first is None:
            return False
        pos, last = first.end(), pieces[-1]
        end = len(text) - self.last_width
        if end < pos or last.fullmatch(text, end) is None:
            return False
        for piece in pieces[1:-1]:
            m = piece.search(text, pos, end)
            if m is None:
                return False
            pos = m.end()
        return True

    def search(self, text: str, start: int = 0) -> int:
        """The 0-based start of the leftmost match at or after `start`, or -1 (SEARCH's rule: the match may end
        anywhere, so only the first piece's place decides where it starts)."""
        pieces = self.pieces
        first = pieces[0].search(text, start)
        if first is None:
            return -1
        pos = first.end()
        for piece in pieces[1:]:  # whether the rest fits after the leftmost place of the first piece
            m = piece.search(text, pos)
            if m is None:
                return -1
            pos = m.end()
        return first.start()

