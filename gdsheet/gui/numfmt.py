"""Excel number formats for display: General, 0, 0.00, #,##0, 0%, 0.00E+00, fractions, currency and dates (no Qt)."""
from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

from gdsheet.errors import ExcelError
from gdsheet.values import format_number

GENERAL_WIDTH = 11  # Excel's General shows at most 11 characters in a standard-width column

_BRACKET = re.compile(r"\[[^\]]*\]")
_DATE_TOKENS = re.compile(r"(yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|\.0+|e)", re.I)
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def format_value(value, fmt: str | None = None, width: int = GENERAL_WIDTH) -> str:
    """The text a cell shows for `value` under the Excel number format `fmt` (None: General); General rounds a
    number to fit `width` characters, as Excel does for the column's width."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, str):
        return _text_section(value, fmt)
    if isinstance(value, (int, float)):
        v = float(value)
        if math.isnan(v) or math.isinf(v):
            return "#NUM!"
        return _format_number(v, fmt or "General", width)
    return str(value)


def general(v: float, width: int = GENERAL_WIDTH) -> str:
    """A number as the General format shows it in a cell: rounded to fit `width` characters."""
    s = format_number(v)
    if len(s) <= width:
        return s
    a, sign = abs(v), int(v < 0)
    if 1e-4 <= a < 10.0 ** (width - sign):
        decimals = width - sign - len(str(int(a))) - 1
        s = f"{v:.{max(decimals, 0)}f}"
        return s.rstrip("0").rstrip(".") if "." in s else s
    digits = max(width - sign - 6, 0)  # room for "d." and "E+XX"
    mant, exp = f"{v:.{digits}E}".split("E")
    mant = mant.rstrip("0").rstrip(".") if "." in mant else mant
    return f"{mant}E{exp[0]}{abs(int(exp)):02d}"


def _text_section(text: str, fmt: str | None) -> str:
    sections = _split_sections(fmt) if fmt else []
    if len(sections) == 4 and "@" in sections[3]:
        return _literal(sections[3]).replace("@", text)
    return text


_COLORS = {"black": "#000000", "blue": "#0000ff", "cyan": "#00ffff", "green": "#00ff00", "magenta": "#ff00ff",
           "red": "#ff0000", "white": "#ffffff", "yellow": "#ffff00"}
_COLOR = re.compile(r"\[(black|blue|cyan|green|magenta|red|white|yellow)\]", re.I)


def _section(v: float, fmt: str) -> tuple[str, float]:
    """The section of `fmt` that shows `v`, and the value it shows (the negative section shows its own sign)."""
    sections = _split_sections(fmt)
    if v < 0 and len(sections) >= 2 and sections[1]:
        return sections[1], -v
    if v == 0 and len(sections) >= 3:
        return sections[2], v
    return sections[0], v


def format_color(value, fmt: str | None) -> str | None:
    """The colour a format gives this value ("#ff0000" for [Red]), or None: negatives in red, as Excel shows."""
    if not fmt or "[" not in fmt or not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    m = _COLOR.search(_section(float(value), fmt)[0])
    return None if m is None else _COLORS[m.group(1).lower()]


def _format_number(v: float, fmt: str, width: int) -> str:
    section, value = _section(v, fmt)
    plain = _BRACKET.sub(lambda m: _currency(m.group(0)), section).strip()
    if not plain or plain.lower() == "general":
        return general(value, width)
    if _is_date(plain):
        return _format_date(value, plain)
    if _FRACTION.search(plain):
        return _format_fraction(value, plain)
    return _format_plain(value, plain)


@lru_cache(maxsize=512)
def _split_sections(fmt: str) -> list[str]:
    """Split on ';' outside quotes."""
    out, cur, quoted = [], "", False
    for ch in fmt:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return out + [cur]


def _currency(bracket: str) -> str:
    """[$€-407] -> "€"; colours, conditions and [h] stay out (they do not print)."""
    if bracket.startswith("[$"):
        sym = bracket[2:-1].split("-")[0]
        return f'"{sym}"' if sym else ""
    if bracket.lower() in ("[h]", "[hh]", "[m]", "[mm]", "[s]", "[ss]"):
        return bracket[1:-1]
    return ""


def _unquoted(fmt: str) -> str:
    return re.sub(r'"[^"]*"|\\.|_.|\*.', "", fmt)


@lru_cache(maxsize=512)
def _is_date(fmt: str) -> bool:
    bare = _unquoted(fmt).lower()
    return bool(re.search(r"[ydhs]", bare)) or ("m" in bare and not re.search(r"[0#?]", bare))


def _literal(fmt: str) -> str:
    """The text a format prints around its placeholders: quotes removed, escapes resolved, padding spaced."""
    out, i = "", 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == '"':
            j = fmt.find('"', i + 1)
            j = len(fmt) if j < 0 else j
            out += fmt[i + 1:j]
            i = j + 1
            continue
        if ch == "\\" and i + 1 < len(fmt):
            out += fmt[i + 1]
            i += 2
            continue
        if ch == "_" and i + 1 < len(fmt):
            out += " "
            i += 2
            continue
        if ch == "*" and i + 1 < len(fmt):
            i += 2
            continue
        out += ch
        i += 1
    return out


_PLACEHOLDERS = re.compile(r"[0#?][0#?,.]*(?:[eE][+-][0#?]+)?|\.[0#?]+(?:[eE][+-][0#?]+)?")


def _format_plain(v: float, fmt: str) -> str:
    """0, 0.00, #,##0.00, 0%, 0.00E+00, "$"#,##0 ... : one run of placeholders with literal text around it."""
    bare = _unquoted(fmt)
    v *= 100.0 ** bare.count("%")
    text = _literal(fmt)
    m = _PLACEHOLDERS.search(text)
    if not m:
        return text
    spec = m.group(0)
    if re.search(r"[eE][+-]", spec):
        body = _scientific(v, spec)
    else:
        # trailing commas after the digits scale by 1,000 each (#,##0, shows thousands)
        scale = len(spec) - len(spec.rstrip(","))
        body = _fixed(v / 1000.0 ** scale, spec.rstrip(","))
    return text[:m.start()] + body + text[m.end():]


def _fixed(v: float, spec: str) -> str:
    int_spec, _, dec_spec = spec.partition(".")
    decimals = len(dec_spec.replace(",", ""))
    required_dec = len(dec_spec.rstrip("#?").replace(",", ""))
    grouped = "," in int_spec
    min_int = int_spec.replace(",", "").count("0")
    rounded = Decimal(repr(abs(v))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)  # Excel rounds half up
    s = f"{rounded:,f}" if grouped else f"{rounded:f}"
    whole, _, frac = s.partition(".")
    frac = frac[:required_dec] + frac[required_dec:].rstrip("0")
    if whole.replace(",", "") == "0" and min_int == 0:
        whole = ""
    elif len(whole.replace(",", "")) < min_int:
        whole = whole.zfill(min_int)
    sign = "-" if v < 0 and rounded != 0 else ""
    return sign + whole + ("." + frac if dec_spec else "")


# "# ?/?", '0 "and "??/100', "?/4": an optional whole part and what separates it (spaces, quoted text), a numerator,
# and a placeholder or fixed denominator; searched in the raw format, so quoted text is never a placeholder
_FRACTION = re.compile(r'(?:([#0,]+)((?:\s|"[^"]*"|\\.)+))?([#0?]+)/([#0?]+|[1-9]\d*)')


def _format_fraction(v: float, fmt: str) -> str:
    """Excel's fractions. A placeholder denominator (?/?, ??/??) takes the last continued-fraction convergent whose
    denominator has at most that many digits, as Excel does (0.23 under ??/?? is 3/13); a fixed one (?/4, ??/100)
    rounds the numerator half up. With a whole part the fraction is the remainder (1.25 -> "1 1/4"); without, it is
    improper (1.25 -> "5/4"). '?' pads with spaces so the fraction bars line up: the numerator on the left, the
    denominator on the right ("# ??/??": 1.25 -> "1  1/4 "). A zero remainder shows as spaces after the whole part,
    a zero whole part as spaces before the fraction."""
    m = _FRACTION.search(fmt)
    whole_spec, sep, num_spec, den_spec = m.groups()
    sep = _literal(sep or "")
    sign, a = ("-" if v < 0 else ""), abs(v)
    whole = math.floor(a) if whole_spec else 0
    if den_spec.isdigit():
        den = int(den_spec)
        num = int(Decimal(repr((a - whole) * den)).quantize(Decimal(1), ROUND_HALF_UP))
    else:
        num, den = _convergent(Fraction(repr(a - whole)), 10 ** len(den_spec) - 1)
    if whole_spec and num == den:  # the remainder rounds up to one: carry it
        whole, num = whole + 1, 0
    if whole_spec and num == 0:
        body = (_fixed(whole, whole_spec) or "0") + sep + " " * (len(num_spec) + 1 + len(den_spec))
    else:
        denominator = den_spec if den_spec.isdigit() else _pad(str(den), den_spec, left=False)
        body = f"{_pad(str(num), num_spec, left=True)}/{denominator}"
        if whole_spec:
            shown = _fixed(whole, whole_spec)
            body = (shown + sep if shown else " " * (len(whole_spec) + len(sep))) + body
    if whole == 0 and num == 0:
        sign = ""
    return _literal(fmt[:m.start()]) + sign + body + _literal(fmt[m.end():])


def _convergent(x: Fraction, max_den: int) -> tuple[int, int]:
    """The last convergent of x's continued fraction with a denominator up to max_den."""
    p0, q0, p1, q1 = 0, 1, 1, 0
    while True:
        a = math.floor(x)
        p2, q2 = a * p1 + p0, a * q1 + q0
        if q2 > max_den:
            return p1, q1
        p0, q0, p1, q1 = p1, q1, p2, q2
        if x == a:
            return p1, q1
        x = 1 / (x - a)


def _pad(digits: str, spec: str, left: bool) -> str:
    """Pad to the placeholders' width: '0' with zeros, '?' with spaces, '#' not at all."""
    width = len(spec)
    if len(digits) >= width:
        return digits
    fill = "0" if "0" in spec else " " if "?" in spec else ""
    if not fill:
        return digits
    return digits.rjust(width, fill) if left or fill == "0" else digits.ljust(width, fill)


def _scientific(v: float, spec: str) -> str:
    mant_spec, exp_spec = re.split(r"[eE][+-]", spec)
    decimals = len(mant_spec.partition(".")[2])
    mant, exp = f"{v:.{decimals}E}".split("E")
    sign = "-" if int(exp) < 0 else ("+" if "+" in spec else "")
    return f"{mant}E{sign}{abs(int(exp)):0{len(exp_spec)}d}"


def serial_to_datetime(serial: float) -> dt.datetime:
    """An Excel date serial (1900 system) -> datetime; serials before 1 March 1900 skip Excel's phantom 29 Feb."""
    base = dt.datetime(1899, 12, 31) if serial < 60 else dt.datetime(1899, 12, 30)
    return base + dt.timedelta(days=serial)


def _format_date(v: float, fmt: str) -> str:
    if v < 0 or v > 2958465:
        return "#" * 8  # Excel fills a cell with ### when a date cannot be shown
    frac_digits = len(m.group(0)) - 1 if (m := re.search(r"\.0+", fmt)) else 0
    when = serial_to_datetime(round(v * 86400 * 10 ** frac_digits) / (86400 * 10 ** frac_digits))
    ampm = bool(re.search(r"am/pm|a/p", _unquoted(fmt), re.I))
    tokens = _date_tokens(fmt)
    out = []
    for i, (kind, tok) in enumerate(tokens):
        if kind == "lit":
            out.append(tok)
            continue
        low = tok.lower()
        if low.startswith("m") and len(low) <= 2 and _is_minute(tokens, i):
            out.append(f"{when.minute:0{len(low)}d}")
        elif low.startswith("m"):
            out.append({1: str(when.month), 2: f"{when.month:02d}", 3: _MONTHS[when.month - 1][:3],
                        4: _MONTHS[when.month - 1], 5: _MONTHS[when.month - 1][0]}[len(low)])
        elif low.startswith("y"):
            out.append(f"{when.year % 100:02d}" if len(low) <= 2 else str(when.year))
        elif low.startswith("d"):
            out.append({1: str(when.day), 2: f"{when.day:02d}", 3: _DAYS[when.weekday()][:3]}.get(
                len(low), _DAYS[when.weekday()]))
        elif low.startswith("h"):
            hour = int(v * 24) if tok.startswith("[") else (when.hour % 12 or 12) if ampm else when.hour
            out.append(f"{hour:0{min(len(low), 2)}d}")
        elif low.startswith("s"):
            out.append(f"{when.second:0{len(low)}d}")
        elif low.startswith("."):
            out.append("." + f"{when.microsecond:06d}"[:len(low) - 1])
        elif low in ("am/pm", "a/p"):
            pm = when.hour >= 12
            out.append(("PM" if pm else "AM") if low == "am/pm" else ("P" if pm else "A"))
        else:
            out.append(tok)
    return "".join(out)


@lru_cache(maxsize=512)
def _date_tokens(fmt: str) -> list[tuple[str, str]]:
    """A date format as ('tok', 'yyyy') and ('lit', '-') pieces; quoted and escaped text is literal."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch in '"\\_*':
            j = fmt.find('"', i + 1) + 1 if ch == '"' else i + 2
            j = len(fmt) if j <= 0 else j
            out.append(("lit", _literal(fmt[i:j])))
            i = j
            continue
        m = _DATE_TOKENS.match(fmt, i)
        if m and m.group(0).lower() != "e":
            out.append(("tok", m.group(0)))
            i = m.end()
        else:
            out.append(("lit", ch))
            i += 1
    return out


def _is_minute(tokens: list[tuple[str, str]], i: int) -> bool:
    """'m' means minutes right after an hour or right before a second, months otherwise."""
    before = [t for k, t in tokens[:i] if k == "tok"]
    after = [t for k, t in tokens[i + 1:] if k == "tok"]
    return bool(before and before[-1].lower().startswith("h")) or bool(after and after[0].lower().startswith("s"))
