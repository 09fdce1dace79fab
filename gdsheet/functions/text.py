"""Text functions: joining, slicing, searching, case and cleaning, character codes, numbers read from text."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.criteria import Wildcard
from gdsheet.functions.registry import excel
from gdsheet.values import parse_number_text, to_text

CAT = "Text"
MAX_TEXT = 32_767  # Excel's cell text limit: longer results are #VALUE!


def _fit(s: str):
    return s if len(s) <= MAX_TEXT else E.VALUE.because("the result is longer than 32,767 characters")


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def utf16_units(s: str) -> str:
    """s with each character beyond U+FFFF (an emoji, say) as its two UTF-16 surrogates: Excel counts, slices and
    finds text in UTF-16 code units (LEN("😀") is 2), so the positions functions work on this form."""
    if s.isascii() or not _ASTRAL.search(s):
        return s
    units = np.frombuffer(s.encode("utf-16-le", "surrogatepass"), dtype="<u2")
    return "".join(map(chr, units.tolist()))


def from_utf16_units(u: str) -> str:
    """The inverse of utf16_units: surrogate pairs joined back into characters. Where MID or LEFT cut a pair in two
    (Excel keeps the lone half), the half becomes U+FFFD, the replacement character: still one unit long, and a
    text every file format, the clipboard and Qt can carry (a lone surrogate cannot be written as UTF-8)."""
    if u.isascii() or not _SURROGATE.search(u):
        return u
    return u.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def cell_texts(arr: np.ndarray):
    """Cells of an array as text, row by row; the first error is returned in place of the list."""
    out = []
    for v in arr.ravel():
        t = to_text(v)
        if isinstance(t, ExcelError):
            return t
        out.append(t)
    return out


# ---- joining ------------------------------------------------------------------------------------------------

@excel("CONCAT", "values", category=CAT, min_args=1, max_args=None, syntax="CONCAT(text1, [text2], ...)",
       summary="Joins texts, and every cell of ranges, into one text.")
def concat(*arrays):
    # Ranges join row by row; blanks add nothing; the first error wins.
    pieces = []
    for a in arrays:
        t = cell_texts(a)
        if isinstance(t, ExcelError):
            return t
        pieces.extend(t)
    return _fit("".join(pieces))


@excel("CONCATENATE", "text", category=CAT, min_args=1, max_args=None, syntax="CONCATENATE(text1, [text2], ...)",
       summary="Joins several texts into one (a range spills one result per cell).")
def concatenate(*texts):
    # Each argument is one value: a range argument is lifted by the engine, unlike CONCAT.
    return _fit("".join("" if t is None else t for t in texts))


@excel("TEXTJOIN", "values", "bool", "values", category=CAT, min_args=3, max_args=None,
       syntax="TEXTJOIN(delimiter, ignore_empty, text1, [text2], ...)",
       summary="Joins texts with a delimiter between them, optionally skipping empty ones.")
def textjoin(delimiter, ignore_empty, *arrays):
    # Several delimiters are used in turn; an empty text counts as empty whether typed "" or a blank cell.
    delims = cell_texts(delimiter)
    if isinstance(delims, ExcelError):
        return delims
    pieces = []
    for a in arrays:
        t = cell_texts(a)
        if isinstance(t, ExcelError):
            return t
        pieces.extend(p for p in t if p or not ignore_empty)
    if not pieces:
        return ""
    out = [pieces[0]]
    for i, p in enumerate(pieces[1:]):
        out.append(delims[i % len(delims)] if delims else "")
        out.append(p)
    return _fit("".join(out))


# ---- slicing ------------------------------------------------------------------------------------------------

def _count(n):
    """A character count argument: omitted is 1, empty is 0, negative is #VALUE!."""
    n = 0 if n is None else n
    return E.VALUE.because("the number of characters is negative") if n < 0 else int(n)


@excel("LEFT", "text", "int", category=CAT, min_args=1, syntax="LEFT(text, [num_chars])",
       summary="The first characters of a text (one by default).", aliases=("LEFTB",))
def left(text, n=1):
    # LEFTB counts bytes only under a double-byte default language; like Excel elsewhere, it equals LEFT.
    # Positions and counts are in UTF-16 units here and in RIGHT, MID, LEN, REPLACE, FIND and SEARCH.
    n = _count(n)
    return n if isinstance(n, ExcelError) else from_utf16_units(utf16_units(text or "")[:n])


@excel("RIGHT", "text", "int", category=CAT, min_args=1, syntax="RIGHT(text, [num_chars])",
       summary="The last characters of a text (one by default).", aliases=("RIGHTB",))
def right(text, n=1):
    n = _count(n)
    if isinstance(n, ExcelError):
        return n
    text = utf16_units(text or "")
    return from_utf16_units(text[len(text) - n:]) if n < len(text) else from_utf16_units(text)


@excel("MID", "text", "int", "int", category=CAT, syntax="MID(text, start_num, num_chars)",
       summary="Characters from the middle of a text, from a start position.", aliases=("MIDB",))
def mid(text, start, n):
    # A start before the first character is #VALUE!; past the end gives "".
    start = 0 if start is None else int(start)
    if start < 1:
        return E.VALUE.because("MID's start is less than 1")
    n = _count(n)
    return n if isinstance(n, ExcelError) else from_utf16_units(utf16_units(text or "")[start - 1:start - 1 + n])


@excel("LEN", "text", category=CAT, syntax="LEN(text)", summary="The number of characters in a text.",
       aliases=("LENB",))
def len_(text):
    # Excel counts UTF-16 units: a character beyond U+FFFF (most emoji) counts 2
    return float(len(utf16_units(text or "")))


@excel("REPLACE", "text", "int", "int", "text", category=CAT,
       syntax="REPLACE(old_text, start_num, num_chars, new_text)", summary="Replaces part of a text, by position, with another text.", aliases=("REPLACEB",))
def replace(text, start, n, new):
    start = 0 if start is None else int(start)
    if start < 1:
        return E.VALUE.because("REPLACE's start is less than 1")
    n = _count(n)
    if isinstance(n, ExcelError):
        return n
    text = utf16_units(text or "")
    return _fit(from_utf16_units(text[:start - 1] + utf16_units(new or "") + text[start - 1 + n:]))


# ---- case, spaces, repetition -------------------------------------------------------------------------------

@excel("LOWER", "text", category=CAT, syntax="LOWER(text)", summary="A text in lower case.")
def lower(text):
    return (text or "").lower()


@excel("UPPER", "text", category=CAT, syntax="UPPER(text)", summary="A text in upper case.")
def upper(text):
    return (text or "").upper()


@excel("PROPER", "text", category=CAT, syntax="PROPER(text)",
       summary="Capitalises the first letter of each word and lowers the rest.")
def proper(text):
    # A letter after any non-letter starts a word, so "don't" -> "Don'T" and "76budget" -> "76Budget", as Excel.
    return (text or "").title()


@excel("TRIM", "text", category=CAT, syntax="TRIM(text)",
       summary="Removes leading and trailing spaces and shrinks runs of spaces inside to one.")
def trim(text):
    # Only the ASCII space (32) is trimmed; non-breaking spaces (160) stay, as in Excel.
    return " ".join(p for p in (text or "").split(" ") if p)


@excel("CLEAN", "text", category=CAT, syntax="CLEAN(text)",
       summary="Removes non-printable characters (codes 0 to 31) from a text.")
def clean(text):
    return "".join(ch for ch in (text or "") if ord(ch) >= 32)


@excel("REPT", "text", "int", category=CAT, syntax="REPT(text, number_times)", summary="Repeats a text.")
def rept(text, n):
    n = 0 if n is None else int(n)
    if n < 0:
        return E.VALUE.because("REPT's count is negative")
    text = text or ""
    return _fit(text * n) if len(text) * n <= MAX_TEXT else E.VALUE.because("the result is too long")


@excel("EXACT", "text", "text", category=CAT, syntax="EXACT(text1, text2)",
       summary="TRUE when two texts are the same, upper and lower case included.")
def exact(a, b):
    return (a or "") == (b or "")


# ---- searching ----------------------------------------------------------------------------------------------

def _start(within: str, start):
    start = 0 if start is None else int(start)
    if start < 1 or start > len(within):
        return E.VALUE.because("the start position is outside the text")
    return start - 1


@excel("FIND", "text", "text", "int", category=CAT, min_args=2, syntax="FIND(find_text, within_text, [start_num])",
       summary="The position of one text inside another (case-sensitive).", aliases=("FINDB",))
def find(needle, within, start=1):
    # Case-sensitive, no wildcards; a start past the end is #VALUE! even for an empty find_text.
    needle, within = utf16_units(needle or ""), utf16_units(within or "")
    i = _start(within, start)
    if isinstance(i, ExcelError):
        return i
    pos = within.find(needle, i)
    return E.VALUE.because(f"{needle!r} was not found") if pos < 0 else float(pos + 1)


@excel("SEARCH", "text", "text", "int", category=CAT, min_args=2,
       syntax="SEARCH(find_text, within_text, [start_num])",
       summary="The position of one text inside another, ignoring case; * and ? are wildcards.",
       aliases=("SEARCHB",))
def search(needle, within, start=1):
    # Case-insensitive with wildcards (~ escapes them), unlike FIND.
    needle, within = utf16_units(needle or ""), utf16_units(within or "")
    i = _start(within, start)
    if isinstance(i, ExcelError):
        return i
    pos = Wildcard(needle).search(within, i)
    return E.VALUE.because(f"{needle!r} was not found") if pos < 0 else float(pos + 1)


@excel("SUBSTITUTE", "text", "text", "text", "int", category=CAT, min_args=3,
       syntax="SUBSTITUTE(text, old_text, new_text, [instance_num])",
       summary="Replaces occurrences of a text with another (all, or only the n-th).")
def substitute(text, old, new, instance=None):
    # Case-sensitive; occurrences are counted left to right without overlapping; old "" changes nothing.
    text, old, new = text or "", old or "", new or ""
    if instance is not None and instance < 1:
        return E.VALUE.because("SUBSTITUTE's instance_num is less than 1")
    if not old:
        return text
    if instance is None:
        return _fit(text.replace(old, new))
    pos = -len(old)
    for _ in range(min(int(instance), len(text) + 1)):
        pos = text.find(old, pos + len(old))
        if pos < 0:
            return text
    return _fit(text[:pos] + new + text[pos + len(old):])


# ---- numbers and text ---------------------------------------------------------------------------------------

_CURRENCY = re.compile(r"^\s*([+-]?)\s*\$\s*([+-]?)(.*)$")


@excel("VALUE", "scalar", category=CAT, syntax="VALUE(text)",
       summary="Converts a text that looks like a number, date or time into that number.")
def value(v):
    # Reads what typing the text into a cell would make a number: "$1,000", "(12)", "50%", "2024-01-31", "9:30".
    if isinstance(v, bool):
        return E.VALUE.because("VALUE does not convert TRUE or FALSE")
    if isinstance(v, (int, float)):
        return float(v)
    if v is None:
        return 0.0
    text, sign = v.strip(), 1.0
    if len(text) > 2 and text[0] == "(" and text[-1] == ")":
        text, sign = text[1:-1], -1.0
    m = _CURRENCY.match(text)
    if m and not (m.group(1) and m.group(2)):
        text = (m.group(1) or m.group(2)) + m.group(3)
    n = parse_number_text(text)
    if n is None or (sign < 0 and text.lstrip().startswith(("-", "+"))):
        return E.VALUE.because(f"text {v!r} is not a number")
    return sign * n


@excel("NUMBERVALUE", "text", "text", "text", category=CAT, min_args=1,
       syntax="NUMBERVALUE(text, [decimal_separator], [group_separator])",
       summary="Converts a text to a number using the given decimal and group separators.")
def numbervalue(text, decimal=".", group=","):
    # Spaces are ignored anywhere; group separators may only precede the decimal one; each trailing % divides by 100.
    decimal, group = (decimal or "")[:1], (group or "")[:1]
    if not decimal or decimal == group:
        return E.VALUE.because("the decimal separator is empty or equals the group separator")
    t = (text or "").replace(" ", "").replace("\t", "").replace("\n", "")
    if not t:
        return 0.0
    pct = len(t) - len(t.rstrip("%"))
    t = t.rstrip("%")
    whole, dot, frac = t.partition(decimal)
    if (group and group in frac) or decimal in frac:
        return E.VALUE.because(f"{text!r} is not a number with these separators")
    if group:
        whole = whole.replace(group, "")
    t = whole + ("." + frac if dot else "")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", t):
        return E.VALUE.because(f"{text!r} is not a number with these separators")
    return float(t) / 100.0 ** pct


def round_half_away(x: float, digits: int) -> Decimal:
    """x rounded at `digits` decimals, half away from zero, on its 15-significant-digit decimal value as Excel."""
    return Decimal(f"{x:.15g}").quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _grouped(x: float, decimals: int, commas: bool) -> str:
    d = round_half_away(abs(x), decimals)
    return f"{d:,.{max(decimals, 0)}f}" if commas else f"{d:.{max(decimals, 0)}f}"


@excel("FIXED", "num", "int", "bool", category=CAT, min_args=1, syntax="FIXED(number, [decimals], [no_commas])",
       summary="A number rounded to some decimals and written as text, with thousands separators.")
def fixed(x, decimals=2, no_commas=False):
    # Rounds half away from zero; negative decimals round left of the point; more than 127 decimals is #VALUE!.
    decimals = 0 if decimals is None else int(decimals)
    if decimals > 127:
        return E.VALUE.because("FIXED allows at most 127 decimals")
    body = _grouped(x, decimals, not no_commas)
    return ("-" if x < 0 and float(body.replace(",", "")) != 0 else "") + body


@excel("DOLLAR", "num", "int", category=CAT, min_args=1, syntax="DOLLAR(number, [decimals])",
       summary="A number written as currency text, e.g. $1,234.57.")
def dollar(x, decimals=2):
    # en-US currency format: negatives in parentheses, as Excel's documentation shows ($1,234.57).
    decimals = 0 if decimals is None else int(decimals)
    if decimals > 127:
        return E.VALUE.because("DOLLAR allows at most 127 decimals")
    body = "$" + _grouped(x, decimals, True)
    return f"({body})" if x < 0 and float(body[1:].replace(",", "")) != 0 else body


# ---- character codes ----------------------------------------------------------------------------------------

def _cp1252(code: int) -> str:
    # Windows Excel uses the ANSI code page; its five unassigned bytes map straight to the same code point.
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(code)


@excel("CHAR", "int", category=CAT, syntax="CHAR(number)",
       summary="The character with a code from 1 to 255 (Windows character set).")
def char(code):
    code = 0 if code is None else int(code)
    return _cp1252(code) if 1 <= code <= 255 else E.VALUE.because("CHAR needs a code from 1 to 255")


@excel("CODE", "text", category=CAT, syntax="CODE(text)",
       summary="The code (Windows character set) of the first character of a text.")
def code(text):
    # A character outside the Windows code page reads as '?' (63), as in Excel.
    if not text:
        return E.VALUE.because("CODE of an empty text")
    ch = text[0]
    try:
        return float(ch.encode("cp1252")[0])
    except UnicodeEncodeError:
        return float(ord(ch)) if ord(ch) < 256 else 63.0


@excel("UNICHAR", "int", category=CAT, syntax="UNICHAR(number)", summary="The Unicode character with a code point.")
def unichar(code):
    code = 0 if code is None else int(code)
    if not 1 <= code <= 0x10FFFF:
        return E.VALUE.because("UNICHAR needs a code point from 1 to 1114111")
    if 0xD800 <= code <= 0xDFFF:
        return E.NA.because("a lone surrogate is not a character")
    return chr(code)


@excel("UNICODE", "text", category=CAT, syntax="UNICODE(text)",
       summary="The Unicode code point of the first character of a text.")
def unicode_(text):
    return float(ord(text[0])) if text else E.VALUE.because("UNICODE of an empty text")
