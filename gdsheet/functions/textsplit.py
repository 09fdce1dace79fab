"""Text cut at delimiters: TEXTBEFORE, TEXTAFTER and TEXTSPLIT."""
from __future__ import annotations

import re

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.registry import excel
from gdsheet.functions.text import cell_texts
from gdsheet.values import array2d

CAT = "Text"


def _delimiters(arr):
    """The delimiters of an argument (a text or an array of texts), or an error; None when omitted."""
    if arr is None:
        return None
    if not isinstance(arr, np.ndarray):
        arr = array2d(arr)
    return cell_texts(arr)


def _pattern(delims: list[str], ignore_case: bool, reverse: bool = False) -> re.Pattern:
    # Longer delimiters first so that "--" wins over "-" at the same position.
    alts = sorted({d[::-1] if reverse else d for d in delims if d}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alts)), re.IGNORECASE if ignore_case else 0)


def _cut(text, delimiter, instance, match_mode, match_end, if_not_found):
    """Where TEXTBEFORE/TEXTAFTER cut: (start, end) of the chosen delimiter occurrence; an error, or [if_not_found]
    when it is not found."""
    delims = _delimiters(delimiter)
    if isinstance(delims, ExcelError):
        return delims
    text = text or ""
    instance = 0 if instance is None else int(instance)
    if instance == 0 or abs(instance) > len(text) or match_mode not in (0, 1, None) \
            or match_end not in (0, 1, None):
        return E.VALUE.because("instance_num is 0 or longer than the text, or a mode is not 0 or 1")
    forward = instance > 0
    if not delims or any(d == "" for d in delims):
        # An empty delimiter matches at once: at the start searching forward, at the end searching backward.
        pos = 0 if forward else len(text)
        return pos, pos
    pat = _pattern(delims, bool(match_mode), reverse=not forward)
    hay = text if forward else text[::-1]
    spans = [m.span() for m in pat.finditer(hay)]
    if match_end:
        spans.append((len(hay), len(hay)))  # the text's end (its start, searching backward) counts as one more
    n = abs(instance)
    if n > len(spans):
        return E.NA.because("the delimiter was not found") if if_not_found is None else [if_not_found]
    s, e = spans[n - 1]
    return (s, e) if forward else (len(text) - e, len(text) - s)


_SYNTAX = "(text, delimiter, [instance_num], [match_mode], [match_end], [if_not_found])"


@excel("TEXTBEFORE", "text", "values", "int", "int", "int", "scalar?", category=CAT, min_args=2,
       syntax="TEXTBEFORE" + _SYNTAX, summary="The text that comes before a delimiter.")
def textbefore(text, delimiter, instance=1, match_mode=0, match_end=0, if_not_found=None):
    # A negative instance counts occurrences from the end; several delimiters may be given as an array.
    cut = _cut(text, delimiter, instance, match_mode, match_end, if_not_found)
    return cut if isinstance(cut, ExcelError) else cut[0] if isinstance(cut, list) else (text or "")[:cut[0]]


@excel("TEXTAFTER", "text", "values", "int", "int", "int", "scalar?", category=CAT, min_args=2,
       syntax="TEXTAFTER" + _SYNTAX, summary="The text that comes after a delimiter.")
def textafter(text, delimiter, instance=1, match_mode=0, match_end=0, if_not_found=None):
    cut = _cut(text, delimiter, instance, match_mode, match_end, if_not_found)
    return cut if isinstance(cut, ExcelError) else cut[0] if isinstance(cut, list) else (text or "")[cut[1]:]


def _split(text: str, delims: list[str] | None, ignore_case: bool, ignore_empty: bool) -> list[str]:
    if not delims or all(d == "" for d in delims):
        return [text]
    parts = _pattern(delims, ignore_case).split(text)
    return [p for p in parts if p] if ignore_empty else parts


@excel("TEXTSPLIT", "text", "values", "values", "bool", "int", "scalar?", category=CAT, min_args=2,
       syntax="TEXTSPLIT(text, col_delimiter, [row_delimiter], [ignore_empty], [match_mode], [pad_with])",
       summary="Splits a text into columns and rows at delimiters.")
def textsplit(text, col_delimiter, row_delimiter=None, ignore_empty=False, match_mode=0, pad_with=None):
    # Short rows are padded with pad_with (#N/A by default); ignore_empty drops the gaps between adjacent delimiters.
    cols, rows = _delimiters(col_delimiter), _delimiters(row_delimiter)
    for d in (cols, rows):
        if isinstance(d, ExcelError):
            return d
    if match_mode not in (0, 1, None):
        return E.VALUE.because("match_mode must be 0 or 1")
    if not cols and not rows:
        return E.VALUE.because("TEXTSPLIT needs a column or a row delimiter")
    lines = _split(text or "", rows, bool(match_mode), bool(ignore_empty))
    table = [_split(line, cols, bool(match_mode), bool(ignore_empty)) for line in lines]
    table = [r for r in table if r]
    if not table:
        return E.VALUE.because("nothing is left once the empty parts are ignored")
    width = max(len(r) for r in table)
    pad = E.NA if pad_with is None else pad_with
    return array2d([r + [pad] * (width - len(r)) for r in table])
