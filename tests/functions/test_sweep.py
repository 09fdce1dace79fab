"""Every function in the table with awkward arguments, through recalculation and through the compiler.

No exception may escape, every result must be an Excel value (a finite number, text, a boolean, an error, or an
array of them) and no result may be an internal error (an exception the isolation caught: a bug to fix, even though
the cell survives it). The compiler either compiles (and then agrees with the engine wherever both give a number)
or refuses with a CompileError that is not an internal one; where the engine gives an error the compiled graph gives
NaN, except for the known gaps listed in ERRORS_NOT_CARRIED. Patterns: no arguments, too many, and each of an empty cell, an error, text, empty text, a
boolean, a negative number, zero, 1E+300, an array constant, a range of mixed values and a missing argument, given
as every argument, as the first only and as the last only.
"""
import math

import numpy as np
import pytest

from gdsheet.compile import CompileError, compile_program
from gdsheet.compile.lower import LOWERINGS
from gdsheet.compile.tensor_functions import attach
from gdsheet.errors import ExcelError
from gdsheet.functions import FUNCTIONS
from gdsheet.sheet.isolation import is_internal
from gdsheet.sheet.workbook import Workbook

PATTERNS = {
    "empty cell": "$A$1", "error": "$A$2", "text": '"abc"', "text cell": "$A$3", "empty text": '""',
    "boolean": "TRUE", "negative": "-2.5", "negative cell": "$A$6", "zero": "0", "huge": "1E+300",
    "array": '{1,-2;"a",TRUE}', "mixed range": "$B$1:$B$6", "missing": "",
}
HOST = (10, 3)  # C10: the cell every formula is written into


def awkward_book() -> Workbook:
    """A1 empty, A2 #DIV/0!, A3 "abc", A4 "" (a formula), A5 TRUE, A6 -2.5, A7 0, A8 1E+300; B1:B6 mixed."""
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_values([("S", 2, 1, ExcelError("#DIV/0!")), ("S", 3, 1, "abc"), ("S", 5, 1, True), ("S", 6, 1, -2.5),
                   ("S", 7, 1, 0.0), ("S", 8, 1, 1e300), ("S", 1, 2, 1.0), ("S", 2, 2, "x"), ("S", 3, 2, True),
                   ("S", 5, 2, ExcelError("#N/A")), ("S", 6, 2, -3.0)])
    wb.set_formula("S", 4, 1, '=""')
    return wb


def formulas(name: str) -> list[str]:
    spec = FUNCTIONS[name]
    n = max(spec.min_args, 1)
    most = spec.max_args if spec.max_args is not None else n
    out = [f"={name}()", f"={name}({','.join(['1'] * (most + 1))})"] if spec.max_args is not None else [
        f"={name}()"]
    for arg in PATTERNS.values():
        out.append(f"={name}({','.join([arg] * n)})")
        if n > 1:
            out.append(f"={name}({','.join([arg] + ['1'] * (n - 1))})")
            out.append(f"={name}({','.join(['1'] * (n - 1) + [arg])})")
        if spec.max_args is not None and spec.max_args > n:  # the optional ones
            out.append(f"={name}({','.join(['1'] * n + [arg] * (spec.max_args - n))})")
    return out


def problems(value) -> str | None:
    """Why a result is not an acceptable Excel value, or None."""
    for v in (value.ravel().tolist() if isinstance(value, np.ndarray) else [value]):
        if is_internal(v):
            return f"internal error: {v.detail}"
        if isinstance(v, float):
            if not math.isfinite(v):
                return f"non-finite number {v}"
        elif not (v is None or isinstance(v, (str, bool, ExcelError))):
            return f"not an Excel value: {type(v).__name__}"
    return None


@pytest.fixture(scope="module")
def book():
    return awkward_book()


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_recalculation(book, name):
    wrong = []
    for f in formulas(name):
        book.set_formula("S", *HOST, f)  # a legacy formula: ranges meet the host row (implicit intersection)
        legacy = book.get("S", *HOST)
        spilled = book.evaluate(f, "S", *HOST)  # a dynamic one: arrays lift scalar functions
        wrong += [f"{f} ({mode}): {why}" for mode, v in (("legacy", legacy), ("dynamic", spilled))
                  if (why := problems(v))]
    book.set_formula("S", *HOST, "=0")
    assert not wrong, "\n".join(wrong[:10])


# ---- the compiler: functions it lowers, with the variable (D1) flowing through one argument ---------------------

attach()
COMPILED = sorted(n for n, s in FUNCTIONS.items() if n in LOWERINGS or s.kernel is not None)
VARIABLE = ("S", 1, 4)


def compiled_formulas(name: str) -> list[str]:
    spec = FUNCTIONS[name]
    n = max(spec.min_args, 1)
    out = [f"={name}({','.join(['$D$1'] * n)})"]
    for arg in PATTERNS.values():
        out.append(f"={name}({','.join(['$D$1'] + [arg] * (n - 1))})" if n > 1 else f"={name}($D$1+{arg or 0})")
        if n > 1:
            out.append(f"={name}({','.join([arg] * (n - 1) + ['$D$1'])})")
    return out


# Known gaps, where the compiled graph gives a number for the engine's error (or NaN for its number): an error
# through a comparison or a logical function (NaN > 0 is FALSE in torch, an error in Excel); trigonometry past
# Excel's 2^27 limit; ROUND to 1E+300 digits; an error in NORM.S.DIST's cumulative; text given straight to SUMXMY2
# and friends (the engine skips the pair); MMULT's first value of a range holding text (the engine: #N/A).
ERRORS_NOT_CARRIED = {"AND", "OR", "NOT", "IF", "SIN", "COS", "TAN", "SEC", "CSC", "COT", "SECH", "CSCH", "COTH",
                      "ROUND", "ROUNDUP", "ROUNDDOWN", "NORM.S.DIST", "SUMXMY2", "SUMX2MY2", "SUMX2PY2", "MMULT"}


@pytest.fixture(scope="module")
def compile_book():
    wb = awkward_book()
    wb.set_value(*VARIABLE, 0.5)
    return wb


@pytest.mark.parametrize("name", COMPILED)
def test_compiler(compile_book, name):
    wrong = []
    for f in compiled_formulas(name):
        compile_book.set_formula("S", *HOST, f)
        try:
            prog = compile_program(compile_book, [("S", *HOST)], [VARIABLE])
        except CompileError as exc:  # refusing is fine when it says what and where
            if "internal error" in str(exc):
                wrong.append(f"{f}: {exc}")
            continue
        got = float(prog.forward(prog.x0)[0].detach())
        want = compile_book.get("S", *HOST)
        if isinstance(want, float) and math.isfinite(got) and not math.isclose(got, want, rel_tol=1e-9,
                                                                                abs_tol=1e-12):
            wrong.append(f"{f}: compiled {got}, engine {want}")
        elif name not in ERRORS_NOT_CARRIED and isinstance(want, ExcelError) != (not math.isfinite(got)):
            wrong.append(f"{f}: compiled {got}, engine {want!r}")  # an error is NaN in the compiled graph
    compile_book.set_formula("S", *HOST, "=0")
    assert not wrong, "\n".join(wrong[:10])


# ---- an empty cell given to every scalar parameter, against IronCalc ----------------------------------------------

# Where IronCalc differs, Excel's value (documented, or measured in Excel-saved workbooks by issue 8) is gdsheet's;
# the functions IronCalc lacks (#NAME?) are not compared.
IRONCALC_DIFFERS = {
    "ARABIC": 0.0,  # Microsoft: an empty text gives 0 (IronCalc #VALUE!)
    "NUMBERVALUE": 0.0,  # Microsoft: an empty text gives 0
    "DAY": 0.0, "MONTH": 1.0, "YEAR": 1900.0, "WEEKDAY": 7.0,  # serial 0 is 1900-01-00, a Saturday (issue 8)
    "ISOWEEKNUM": 52.0,  # serial 0, Saturday 1900-01-00, is in 1899's last ISO week (IronCalc #NUM!; it gives 52
                         # for serial 1, the Sunday after)
    "BINOM.INV": 0.0,  # 0 trials: 0 successes reach any alpha (IronCalc #NUM!)
}


def test_an_empty_cell_reads_as_ironcalc_reads_it():
    pytest.importorskip("ironcalc")
    from oracle import agree, ironcalc_cell, ironcalc_model

    scalar = {"num", "int", "text", "bool"}
    names = sorted(n for n, s in FUNCTIONS.items() if s.name == n and s.min_args and not s.volatile
                   and all(p in scalar for p in s.params))
    formulas = [f"={n}({','.join(['A1'] * FUNCTIONS[n].min_args)})" for n in names]
    model = ironcalc_model({(2 + i, 3): f for i, f in enumerate(formulas)}, [(500, 1, 1.0)])
    wb = Workbook()
    wb.add_sheet("Sheet1")
    wrong, compared = [], 0
    for i, (name, f) in enumerate(zip(names, formulas)):
        theirs = ironcalc_cell(model, 2 + i, 3)
        if theirs == ExcelError("#NAME?"):
            continue
        compared += 1
        ours = wb.evaluate(f, "Sheet1", 2 + i, 3)
        want = IRONCALC_DIFFERS.get(name, theirs)
        if not agree(ours, want, 1e-9, 1e-9):
            wrong.append(f"{f}: gdsheet {ours!r}, expected {want!r} (IronCalc {theirs!r})")
    assert compared > 150
    assert not wrong, "\n".join(wrong)
