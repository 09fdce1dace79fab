"""Excel's engineering functions: base conversions (BIN2DEC, DEC2HEX, ...), DELTA, GESTEP and the BIT functions."""
from __future__ import annotations

from gdsheet import errors as E
from gdsheet.functions.datetime import toolpak_numbers
from gdsheet.functions.registry import excel
from gdsheet.values import format_number, is_number

CAT = "Engineering"
_BASES = {"BIN": (2, 10), "OCT": (8, 30), "DEC": (10, 0), "HEX": (16, 40)}  # radix, bits of two's complement
_NAMES = {"BIN": "binary", "OCT": "octal", "DEC": "decimal", "HEX": "hexadecimal"}
_DIGITS = "0123456789ABCDEF"
_ABSENT = object()  # places left out (no padding), as opposed to given empty (0, which is too few)


def parse_radix(value, radix: int, bits: int):
    """Excel's reading of a BIN/OCT/HEX argument: up to 10 digits, the 10th being a two's-complement sign."""
    if isinstance(value, E.ExcelError):
        return value
    if isinstance(value, bool):
        return E.VALUE.because("this function does not take TRUE/FALSE")
    if value is None:
        return 0
    text = format_number(float(value)) if is_number(value) else value
    if text == "":
        return 0  # Excel (BASES.xlsx in the corpus): BIN2DEC("") is 0
    if len(text) > 10 or set(text.upper()) - set(_DIGITS[:radix]):
        return E.NUM.because(f"{text!r} is not a base-{radix} number of at most 10 digits")
    n = int(text, radix)
    return n - (1 << bits) if len(text) == 10 and n >= 1 << (bits - 1) else n


def check_places(places):
    """places as an int (or _ABSENT), or the error Excel gives for it."""
    if places is _ABSENT:
        return places
    places = toolpak_numbers(places)
    if isinstance(places, E.ExcelError):
        return places
    places = int(places[0])
    if not 1 <= places <= 10:
        return E.NUM.because("places must be between 1 and 10")
    return places


def format_radix(n: int, radix: int, bits: int, places=_ABSENT):
    """n in base `radix`; negatives as 10 digits of two's complement (valid places ignored); out of range is #NUM!."""
    places = check_places(places)
    if isinstance(places, E.ExcelError):
        return places
    if not -(1 << (bits - 1)) <= n < 1 << (bits - 1):
        return E.NUM.because("the number is out of range for 10 digits of this base")
    negative = n < 0
    if negative:
        n += 1 << bits
    digits = ""
    while True:
        n, r = divmod(n, radix)
        digits = _DIGITS[r] + digits
        if not n:
            break
    if places is _ABSENT or negative:
        return digits
    if places < len(digits):
        return E.NUM.because(f"{digits} needs {len(digits)} places")
    return digits.rjust(places, "0")


def _decimal(value):
    n = toolpak_numbers(value)
    return n if isinstance(n, E.ExcelError) else int(n[0])


def _register(src: str, dst: str) -> None:
    radix, bits = _BASES[src]
    to_radix, to_bits = _BASES[dst]
    name = f"{src}2{dst}"

    if dst == "DEC":
        def to_decimal(value):
            # Excel quirk: 10 digits with the top bit set are negative (two's complement).
            n = parse_radix(value, radix, bits)
            return n if isinstance(n, E.ExcelError) else float(n)

        excel(name, "scalar", category=CAT, syntax=f"{name}(number)",
              summary=f"A {_NAMES[src]} number (as text) converted to decimal.")(to_decimal)
        return

    def convert(value, places=_ABSENT):
        # Excel quirk: a negative result is 10 digits of two's complement and ignores places; decimals truncate;
        # TRUE/FALSE are refused; places is checked before the number (DEC2BIN("E",0) is #NUM!, not #VALUE!).
        checked = check_places(places)
        if isinstance(checked, E.ExcelError):
            return checked
        n = _decimal(value) if src == "DEC" else parse_radix(value, radix, bits)
        return n if isinstance(n, E.ExcelError) else format_radix(n, to_radix, to_bits, places)

    summary = f"A {_NAMES[src]} number converted to {_NAMES[dst]} text, padded with zeros to places digits."
    excel(name, "scalar", "scalar", category=CAT, min_args=1, syntax=f"{name}(number, [places])",
          summary=summary)(convert)


for _src in _BASES:
    for _dst in _BASES:
        if _src != _dst:
            _register(_src, _dst)


# ---- comparisons and bits --------------------------------------------------------------------------------------

@excel("DELTA", "scalar", "scalar", category=CAT, min_args=1, syntax="DELTA(number1, [number2])",
       summary="1 if two numbers are equal, else 0 (number2 defaults to 0).")
def delta(a, b=None):
    # Excel quirk: exact comparison (not at 15 digits as = compares); TRUE/FALSE are refused.
    args = toolpak_numbers(a, 0.0 if b is None else b)
    return args if isinstance(args, E.ExcelError) else float(args[0] == args[1])


@excel("GESTEP", "scalar", "scalar", category=CAT, min_args=1, syntax="GESTEP(number, [step])",
       summary="1 if number is greater than or equal to step, else 0 (step defaults to 0).")
def gestep(x, step=None):
    # Excel quirk: TRUE/FALSE are refused, numeric text is read.
    args = toolpak_numbers(x, 0.0 if step is None else step)
    return args if isinstance(args, E.ExcelError) else float(args[0] >= args[1])


_BIT_LIMIT = 1 << 48


def _bits(x: float):
    """A BIT function's operand: Excel takes whole numbers from 0 to 2^48-1 only."""
    if x != int(x) or not 0 <= x < _BIT_LIMIT:
        return E.NUM.because("the BIT functions take whole numbers from 0 to 2^48-1")
    return int(x)


def _bitwise(name: str, op, verb: str) -> None:
    def impl(a: float, b: float):
        # Excel quirk: fractions, negatives and numbers of 2^48 or more are #NUM!.
        x, y = _bits(a), _bits(b)
        for v in (x, y):
            if isinstance(v, E.ExcelError):
                return v
        return float(op(x, y))

    excel(name, "num", "num", category=CAT, syntax=f"{name}(number1, number2)",
          summary=f"The bitwise {verb} of two whole numbers.")(impl)


_bitwise("BITAND", lambda x, y: x & y, "AND")
_bitwise("BITOR", lambda x, y: x | y, "OR")
_bitwise("BITXOR", lambda x, y: x ^ y, "exclusive OR")


def _shift(x: float, amount: float):
    n, amount = _bits(x), int(amount)
    if isinstance(n, E.ExcelError):
        return n
    if abs(amount) > 53:
        return E.NUM.because("shift_amount must be between -53 and 53")
    r = n << amount if amount >= 0 else n >> -amount
    return float(r) if r < _BIT_LIMIT else E.NUM.because("the result exceeds 2^48-1")


@excel("BITLSHIFT", "num", "int", category=CAT, syntax="BITLSHIFT(number, shift_amount)",
       summary="A whole number shifted left by shift_amount bits (right if negative).")
def bitlshift(x: float, amount: float):
    # Excel quirk: the result must stay below 2^48.
    return _shift(x, amount)


@excel("BITRSHIFT", "num", "int", category=CAT, syntax="BITRSHIFT(number, shift_amount)",
       summary="A whole number shifted right by shift_amount bits (left if negative).")
def bitrshift(x: float, amount: float):
    return _shift(x, -amount)
