"""TEXT(): Excel number format codes (digits, grouping, percent, scientific, dates and times, sections)."""
from __future__ import annotations

import datetime as _dt
import math
import re
from decimal import Decimal

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.registry import excel
from gdsheet.functions.text import round_half_away
from gdsheet.values import parse_number_text

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# One token of a format section: quoted text, an escaped or skipped character, a bracket, or a run of a code letter.
_TOKEN = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]|AM/PM|am/pm|A/P|a/p|[Ee][+-]|[yY]+|[mM]+|[dD]+|[hH]+|[sS]+|.',
                    re.DOTALL)
_CONDITION = re.compile(r"\[(<=|>=|<>|<|>|=)\s*(-?[\d.]+(?:[eE][+-]?\d+)?)\]")
_DATE_CODES = re.compile(r"^(y+|m+|d+|h+|s+|\[h+\]|\[m+\]|\[s+\]|AM/PM|A/P)$", re.IGNORECASE)


def split_sections(fmt: str) -> list[str]:
    """A format's ';'-separated sections (semicolons inside quotes, brackets or after '\\' do not split)."""
    sections, cur = [], []
    for tok in _TOKEN.findall(fmt):
        if tok == ";":
            sections.append("".join(cur))
            cur = []
        else:
            cur.append(tok)
    sections.append("".join(cur))
    return sections


def _holds(cond: re.Match, x: float) -> bool:
    op, v = cond.group(1), float(cond.group(2))
    return {"<": x < v, ">": x > v, "=": x == v, "<=": x <= v, ">=": x >= v, "<>": x != v}[op]


def _pick_section(sections: list[str], x: float) -> tuple[str, float, bool]:
    """(section, value to show, whether a minus sign is still due) for a number, as Excel picks sections."""
    conds = [_CONDITION.search(s) for s in sections[:2]]
    if any(conds):
        # Conditional sections: the first whose condition holds; an unconditional second section is the fallback.
        for s, c in zip(sections, conds):
            if c is not None and _holds(c, x):
                return s, abs(x) if x < 0 and s is not sections[0] else x, False
        rest = sections[2] if len(sections) > 2 else sections[1] if conds[1] is None and len(sections) > 1 else None
        return (rest, abs(x), x < 0 and "-" not in rest) if rest is not None else ("", x, x < 0)
    if x > 0 or len(sections) == 1:
        return sections[0], abs(x), x < 0
    if x < 0:
        return sections[1], -x, False
    return (sections[2] if len(sections) > 2 else sections[0]), 0.0, False


def _is_date(tokens: list[str]) -> bool:
    return any(_DATE_CODES.match(t) for t in tokens)


# ---- numbers ------------------------------------------------------------------------------------------------

def _fill_int(pattern: list[str], digits: str, group: bool) -> str:
    """Integer digits into the placeholders 0 # ? (right to left); extra digits go to the leftmost one."""
    slots = [i for i, t in enumerate(pattern) if t in "0#?"]
    if not slots:
        return digits + "".join(pattern)
    out, k, di = [], 0, len(digits)
    for i in range(len(pattern) - 1, -1, -1):
        t = pattern[i]
        if t not in "0#?":
            out.append(t)
            continue
        take = di if i == slots[0] else min(1, di)
        chunk = digits[di - take:di]
        di -= take
        if not chunk:
            chunk = "0" if t == "0" else " " if t == "?" else ""
        for ch in reversed(chunk):
            if group and k and k % 3 == 0 and ch.isdigit():
                out.append(",")
            out.append(ch)
            k += ch.isdigit()
    return "".join(reversed(out))


def _fill_frac(pattern: list[str], digits: str) -> str:
    """Decimal digits into the placeholders left to right; trailing zeros vanish under '#', turn to spaces under '?'."""
    places = [t for t in pattern if t in "0#?"]
    keep = len(digits.rstrip("0"))
    out, j = [], 0
    for t in pattern:
        if t not in "0#?":
            out.append(t)
            continue
        d = digits[j] if j < len(digits) else "0"
        if j >= keep and t != "0" and not any(p == "0" for p in places[j + 1:]):
            d = "" if t == "#" else " "
        out.append(d)
        j += 1
    return "".join(out)


def _split_number_tokens(tokens: list[str]):
    """(integer part, fraction part, exponent sign and part or None, thousands grouping, scale by 1000s)."""
    exp_at = next((i for i, t in enumerate(tokens) if t.upper() in ("E+", "E-")), None)
    mant, exp = (tokens, None) if exp_at is None else (tokens[:exp_at], (tokens[exp_at][1], tokens[exp_at + 1:]))
    # Commas right after the last digit placeholder divide by 1,000 each; a comma between placeholders groups.
    last = max((i for i, t in enumerate(mant) if t in "0#?"), default=-1)
    end = last + 1
    while end < len(mant) and mant[end] == ",":
        end += 1
    scale = end - last - 1
    mant = mant[:last + 1] + mant[end:]
    dot = mant.index(".") if "." in mant else len(mant)
    int_part, frac_part = mant[:dot], [t for t in mant[dot:] if t != ","]
    first = next((i for i, t in enumerate(int_part) if t in "0#?"), 0)
    last = max((i for i, t in enumerate(int_part) if t in "0#?"), default=-1)
    group = "," in int_part[first:last + 1]
    int_part = [t for t in int_part if t != ","] if group else int_part
    return int_part, frac_part, exp, group, scale


def _format_number(tokens: list[str], x: float, minus: bool) -> str:
    int_part, frac_part, exp, group, scale = _split_number_tokens(tokens)
    x = x * 100 ** sum(t == "%" for t in tokens) / 1000 ** scale
    places = sum(t in "0#?" for t in frac_part)
    exponent = None
    if exp is not None:
        n_int = max(sum(t in "0#?" for t in int_part), 1)
        if x == 0:
            exponent = 0
        else:
            e = math.floor(math.log10(abs(x)))
            # A '#' in the mantissa asks for engineering notation: exponents in steps of the integer width.
            engineering = "#" in int_part
            exponent = e // n_int * n_int if engineering else e - (n_int - 1)
            if float(round_half_away(abs(x) / 10.0 ** exponent, places)) >= 10 ** n_int:
                exponent += n_int if engineering else 1
        x = x / 10.0 ** exponent
    d = round_half_away(abs(x), places)
    whole, _, frac = f"{d:f}".partition(".")
    whole = "" if whole == "0" and not any(t == "0" for t in int_part) else whole
    text = _fill_int(int_part, whole, group) + (_fill_frac(frac_part, frac) if frac_part else "")
    if exp is not None:
        sign = "-" if exponent < 0 else "+" if exp[0] == "+" else ""
        width = sum(t == "0" for t in exp[1])
        digits = str(abs(exponent)).rjust(width, "0")
        text += ("E" if any(t.isupper() for t in tokens if t.upper().startswith("E")) else "e") + sign
        text += _fill_int(exp[1], digits, False)
    # A negative that rounds to zero keeps its sign (-0.00), as Excel shows it.
    return ("-" if minus else "") + text


# ---- dates and times ----------------------------------------------------------------------------------------

def _datetime_parts(serial: float, second_places: int):
    """Serial -> (year, month, day, weekday, hours, minutes, seconds, rounded serial); Excel's 1900-02-29 kept."""
    unit = 86400 * 10 ** second_places
    ticks = int(round_half_away(serial * unit, 0))
    days, rem = divmod(ticks, unit)
    wd = (days + 5) % 7  # Excel's weekdays run on through its phantom 1900-02-29, so serial 1 is a Sunday
    if days == 60:
        y, mo, d = 1900, 2, 29  # the leap day Excel keeps from Lotus 1-2-3
    elif days == 0:
        y, mo, d = 1900, 1, 0
    else:
        date = _dt.date(1899, 12, 31 if days < 60 else 30) + _dt.timedelta(days=days)
        y, mo, d = date.year, date.month, date.day
    secs = Decimal(rem) / Decimal(10 ** second_places)
    return y, mo, d, wd, int(secs // 3600), int(secs % 3600 // 60), secs % 60, ticks / unit


def _format_date(tokens: list[str], serial: float):
    if serial < 0 or serial >= 2958466:
        return E.VALUE.because("dates must be between 1900 and 9999")
    places = 0
    for i, t in enumerate(tokens):
        if t.lower().startswith("s") and i + 1 < len(tokens) and tokens[i + 1] == ".":
            places = sum(1 for u in tokens[i + 2:i + 5] if u == "0")
    y, mo, d, wd, hh, mi, ss, total = _datetime_parts(serial, places)
    ampm = any(t.upper() in ("AM/PM", "A/P") for t in tokens)
    out = []
    codes = [i for i, t in enumerate(tokens) if _DATE_CODES.match(t)]
    skip_frac = False
    for i, t in enumerate(tokens):
        low = t.lower()
        if skip_frac and t in (".", "0"):
            continue
        skip_frac = False
        if low.startswith("y"):
            out.append(f"{y:04d}" if len(t) > 2 else f"{y % 100:02d}")
        elif low.startswith("m") and not low.startswith("[") and _is_minute(tokens, codes, i):
            out.append(f"{mi:02d}" if len(t) > 1 else str(mi))
        elif low.startswith("m") and not low.startswith("["):
            n = len(t)
            out.append(str(mo) if n == 1 else f"{mo:02d}" if n == 2 else _MONTHS[mo - 1][:3] if n == 3
                       else _MONTHS[mo - 1][0] if n == 5 else _MONTHS[mo - 1])
        elif low.startswith("d"):
            n = len(t)
            out.append(str(d) if n == 1 else f"{d:02d}" if n == 2 else _DAYS[wd][:3] if n == 3 else _DAYS[wd])
        elif low.startswith("h"):
            h = (hh % 12 or 12) if ampm else hh
            out.append(f"{h:02d}" if len(t) > 1 else str(h))
        elif low.startswith("s"):
            out.append(f"{int(ss):02d}" if len(t) > 1 else str(int(ss)))
            if places:
                out.append("." + f"{ss % 1:.{places}f}"[2:])
                skip_frac = True
        elif low.startswith("[") and _DATE_CODES.match(t):
            unit = {"h": 24, "m": 1440, "s": 86400}[low[1]]
            out.append(str(math.floor(total * unit + 1e-9)).rjust(len(t) - 2, "0"))
        elif t.upper() in ("AM/PM", "A/P"):
            pm = hh >= 12
            word = ("PM" if pm else "AM") if len(t) == 5 else ("P" if pm else "A")
            out.append(word if t[0].isupper() else word.lower())
        else:
            out.append(_literal(t))
    return "".join(out)


def _is_minute(tokens: list[str], codes: list[int], i: int) -> bool:
    """An 'm' is minutes right after an hour code or right before a seconds code, else months."""
    k = codes.index(i)
    before = tokens[codes[k - 1]].lower() if k else ""
    after = tokens[codes[k + 1]].lower() if k + 1 < len(codes) else ""
    return before.startswith(("h", "[h")) or after.startswith(("s", "[s"))


# ---- literals and the function ------------------------------------------------------------------------------

def _literal(tok: str) -> str:
    if tok.startswith('"'):
        return tok[1:-1]
    if tok.startswith("\\"):
        return tok[1:]
    if tok.startswith("_"):
        return " "  # room for a character's width: one space in text
    if tok.startswith("*") or tok.startswith("["):
        if tok.startswith("[$") and len(tok) > 2:
            return tok[2:-1].split("-")[0]  # [$€-407]: a currency symbol and a locale
        return ""  # fill characters, colours and conditions show nothing in text
    return tok


def format_value(x: float, fmt: str):
    """A number formatted with an Excel number format, as TEXT() and the grid show it."""
    sections = split_sections(fmt)
    section, shown, minus = _pick_section(sections, x)
    tokens = _TOKEN.findall(section)
    if section.strip().lower() == "general":
        return ("-" if minus else "") + general(shown)
    if _is_date(tokens):
        return _format_date(tokens, x)
    x = shown
    if not any(t in "0#?" for t in tokens):
        return ("-" if minus else "") + "".join(_literal(t) for t in tokens)
    if any(t.lower() == "general" for t in tokens):
        return E.VALUE
    lits = [t if t in "0#?.,%" or t.upper() in ("E+", "E-") else _literal(t) for t in tokens]
    return _format_number([t for t in lits if t != ""], x, minus)


def general(x: float) -> str:
    """Excel's General format in an 11-character cell: as many significant digits as fit, else scientific."""
    a = abs(x)
    if a == 0:
        return "0"
    if a >= 1e11 or a < 1e-9:
        mant, exp = f"{x:.5E}".split("E")
        return f"{mant.rstrip('0').rstrip('.')}E{int(exp):+03d}"
    digits_left = max(int(math.floor(math.log10(a))) + 1, 1)
    room = 10 - digits_left if a >= 1 else 9
    s = f"{round_half_away(x, max(room, 0)):f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


@excel("TEXT", "scalar", "text", category="Text", syntax="TEXT(value, format_text)",
       summary="Formats a number as text with a number format such as \"0.00\", \"#,##0\" or \"yyyy-mm-dd\".")
def text(value, fmt):
    # Numeric text is formatted as a number; other text goes to the 4th section (or is returned as it is).
    if not fmt:
        return ""  # an empty format shows nothing
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        n = parse_number_text(value)
        if n is None:
            sections = split_sections(fmt)
            sec = sections[3] if len(sections) > 3 else next((s for s in sections if "@" in s), None)
            if sec is None:
                return value
            return "".join(value if t == "@" else _literal(t) for t in _TOKEN.findall(sec))
        value = n
    x = 0.0 if value is None else float(value)
    out = format_value(x, fmt)
    return out if isinstance(out, ExcelError) or len(out) <= 32767 else E.VALUE
