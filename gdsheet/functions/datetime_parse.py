"""Reading dates and times written as text ('2024-01-31', '31/01/2024', '12:30'), as Excel's DATEVALUE does."""
from __future__ import annotations

import datetime as _dt
import re

_EPOCH = _dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 given Excel's phantom 1900-02-29 (serials >= 61)
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?)?\s*$")
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?\s*([AaPp][Mm])?\s*$")


def date_to_serial(d: _dt.date) -> float:
    return float((d - _EPOCH).days)


def parse_date_text(text: str) -> float | None:
    """A date/time in text -> Excel serial number, or None when the text is not one."""
    m = _ISO.match(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        try:
            serial = date_to_serial(_dt.date(y, mo, d))
        except ValueError:
            return None
        if m.group(4):
            serial += (int(m.group(4)) * 3600 + int(m.group(5)) * 60 + float(m.group(6) or 0)) / 86400
        return serial
    m = _TIME.match(text)
    if m:
        h, mi, s = int(m.group(1)), int(m.group(2)), float(m.group(3) or 0)
        if m.group(4):
            h = h % 12 + (12 if m.group(4).upper() == "PM" else 0)
        if h < 24 and mi < 60 and s < 60:
            return (h * 3600 + mi * 60 + s) / 86400
    return None
