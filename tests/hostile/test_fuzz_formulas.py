"""Fuzzed formula text through the parser, the recalculation and the torch compiler: whatever the text, each
step answers with a value, an Excel error or gdsheet's own exception (a message for the user), never another
exception. The text is built from formula pieces (functions, references of every shape, operators, literals) and
from raw characters, so both near-misses and nonsense are tried."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdsheet.errors import ExcelError, FormulaSyntaxError, GdsheetError
from gdsheet.formula import parse
from gdsheet.formula.unparse import unparse
from gdsheet.functions import FUNCTIONS
from gdsheet.refs import Area
from gdsheet.sheet.workbook import Workbook
from gdsheet.values import MultiArea

_FUNCS = sorted(FUNCTIONS)
_VOLATILE_OR_SLOW = {"RANDARRAY", "SEQUENCE", "MUNIT", "MAKEARRAY", "REPT", "INDIRECT", "OFFSET", "NOW", "TODAY",
                     "RAND", "RANDBETWEEN", "WEBSERVICE", "FILTERXML", "IMAGE"}
_REFS = ["A1", "B2", "$A$1", "A1:B3", "A:A", "1:1", "A:XFD", "1:1048576", "A1:XFD1048576", "Data!A1",
         "'My Sheet'!B1:B2", "'Ω≈ç√'!A1", "Nowhere!A1", "XFD1048576", "A1048577", "Rate", "Loop", "Table1[Age]",
         "A1#", "R1C1", "A1:A3 A2:B2", "(A1,B2)"]
_LITERALS = ['1', '0', '-1', '1E+308', '1E-308', '"a"', '""', '"*a*a*b"', '"~*"', 'TRUE', '#N/A', '#DIV/0!',
             '{1,2;3,4}', '{"a",TRUE}', '2^1024', '1/0']
_OPS = ["+", "-", "*", "/", "^", "&", "=", "<>", "<", ">=", ":", " ", ",", "%", "@"]


@st.composite
def _formula(draw, depth=0):
    kind = draw(st.integers(0, 5 if depth < 4 else 2))
    if kind == 0:
        return draw(st.sampled_from(_REFS))
    if kind == 1:
        return draw(st.sampled_from(_LITERALS))
    if kind == 2:
        return draw(st.sampled_from(["-", "+", "--", "@"])) + draw(_formula(depth + 1))
    if kind == 3:
        return draw(_formula(depth + 1)) + draw(st.sampled_from(_OPS)) + draw(_formula(depth + 1))
    if kind == 4:
        return "(" + draw(_formula(depth + 1)) + ")"
    name = draw(st.sampled_from(_FUNCS).filter(lambda f: f not in _VOLATILE_OR_SLOW))
    args = draw(st.lists(_formula(depth + 1), max_size=4))
    return f"{name}({','.join(args)})"


_TEXT = st.one_of(
    _formula().map(lambda t: "=" + t),
    st.text(alphabet=st.sampled_from(list("=A1:$!'\"(),;{}#@+-*/^&%<> ~?*.EeRC0123456789_Ω")), max_size=40),
    st.text(max_size=30).map(lambda t: "=" + t),
)


def _book() -> Workbook:
    wb = Workbook()
    wb.add_sheet("Data")
    wb.add_sheet("My Sheet")
    wb.add_sheet("Ω≈ç√")
    for r in range(1, 4):
        wb.set_value("Data", r, 1, float(r))
        wb.set_value("Data", r, 2, "a" * r)
    wb.define_name("Rate", "Data!$A$1")
    wb.define_name("Loop", "Loop+1")
    return wb


_WB = _book()


def _is_value(v) -> bool:
    if isinstance(v, np.ndarray):
        return all(_is_value(x) for x in v.flat)
    return v is None or isinstance(v, (float, int, bool, str, ExcelError, Area, MultiArea))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(_TEXT)
def test_parse_calculate_and_compile_never_raise_anything_else(text):
    try:
        node = parse(text, 5, 5)
    except FormulaSyntaxError:
        node = None
    if node is not None:
        again = unparse(node, 5, 5)
        parse(again, 5, 5)  # what gdsheet writes, it reads back
    wb = _WB
    wb.set_formula("Data", 5, 5, text if text.startswith("=") else "=" + text, dynamic=True)
    assert _is_value(wb.get("Data", 5, 5))
    from gdsheet.compile import compile_program

    try:
        program = compile_program(wb, [("Data", 5, 5)], [("Data", 1, 1)])
    except GdsheetError:
        return
    assert program is not None
    wb.clear("Data", 5, 5)
