"""Random formulas through parse -> recalculation -> compile: nothing may raise but the parser's and the compiler's
own errors, and every value is an Excel value (issue 8 found 29 crashes in 20,000 such formulas)."""
import math
import random

import numpy as np
import pytest

from gdsheet.compile import CompileError, compile_program
from gdsheet.compile.tensor_functions import attach
from gdsheet.errors import ExcelError, FormulaSyntaxError
from gdsheet.formula import parse
from gdsheet.functions import FUNCTIONS
from gdsheet.sheet.isolation import is_internal
from gdsheet.sheet.workbook import Workbook

LEAVES = ["A1", "A2", "A3", "A4", "A5", "A6", "B1:B6", "A1:B3", "$D$1", "D1:D3", "0", "1", "-2.5", "3.7", "1E+300",
          "1E-300", '"abc"', '""', '"3"', "TRUE", "FALSE", "#N/A", "#DIV/0!", '{1,2;3,"x"}', "{TRUE,-1}", "Sheet2!A1",
          "(A1:A3,B1)", "A1:A6 B2:B3", "D1#", "ROW()"]
OPERATORS = ["+", "-", "*", "/", "^", "&", "=", "<>", "<", ">", "<=", ">="]
HOST = (10, 3)
VARIABLE = ("S", 1, 4)  # D1


def random_formula(rng: random.Random, names: list[str], depth: int = 0) -> str:
    roll = rng.random()
    if depth > 3 or roll < 0.3:
        return rng.choice(LEAVES)
    if roll < 0.45:
        return f"{random_formula(rng, names, depth + 1)}{rng.choice(OPERATORS)}{random_formula(rng, names, depth + 1)}"
    if roll < 0.5:
        return rng.choice(["-", "@", "+"]) + random_formula(rng, names, depth + 1) + rng.choice(["", "%"])
    name = rng.choice(names)
    spec = FUNCTIONS[name]
    top = spec.max_args if spec.max_args is not None else spec.min_args + 3
    n = rng.randint(max(0, spec.min_args - 1), min(top + 1, 8))
    args = ["" if rng.random() < 0.08 else random_formula(rng, names, depth + 1) for _ in range(n)]
    return f"{name}({','.join(args)})"


def fuzz_book() -> Workbook:
    wb = Workbook()
    wb.add_sheet("S")
    wb.add_sheet("Sheet2")
    wb.set_values([("S", 2, 1, ExcelError("#DIV/0!")), ("S", 3, 1, "abc"), ("S", 4, 1, True), ("S", 5, 1, -2.5),
                   ("S", 6, 1, 1e300), ("S", 1, 2, 1.0), ("S", 2, 2, "x"), ("S", 3, 2, False), ("S", 6, 2, 7.0),
                   ("S", 1, 4, 0.5), ("S", 2, 4, 2.0), ("Sheet2", 1, 1, 3.0)])
    return wb


def bad_value(v) -> str | None:
    for x in (v.ravel().tolist() if isinstance(v, np.ndarray) else [v]):
        if is_internal(x):
            return f"internal error: {x.detail}"
        if isinstance(x, float) and not math.isfinite(x):
            return "a non-finite number"
        if not (x is None or isinstance(x, (float, str, bool, ExcelError))):
            return f"a {type(x).__name__}"
    return None


def run(count: int, seed: int, compile_every: int) -> tuple[int, list[str]]:
    """Fuzz `count` formulas; compile every `compile_every`-th one. Returns (formulas parsed, problems)."""
    attach()
    rng = random.Random(seed)
    names = sorted(FUNCTIONS)
    wb = fuzz_book()
    problems, parsed = [], 0
    for i in range(count):
        text = "=" + random_formula(rng, names)
        try:
            parse(text, *HOST)
        except FormulaSyntaxError:
            continue
        parsed += 1
        try:
            wb.set_formula("S", *HOST, text)
            why = bad_value(wb.get("S", *HOST)) or bad_value(wb.evaluate(text, "S", *HOST))
            if why:
                problems.append(f"{text}: {why}")
            if i % compile_every == 0:
                try:
                    prog = compile_program(wb, [("S", *HOST)], [VARIABLE])
                    prog.forward(prog.x0)
                except CompileError as exc:
                    if "internal error" in str(exc):
                        problems.append(f"{text}: compile: {exc}")
        except Exception as exc:  # noqa: BLE001 - what the fuzz is looking for
            problems.append(f"{text}: {type(exc).__name__}: {exc}")
    return parsed, problems


def test_a_thousand_random_formulas():
    parsed, problems = run(1_000, seed=8, compile_every=5)
    assert parsed > 500
    assert not problems, "\n".join(problems[:10])


@pytest.mark.slow
def test_twenty_thousand_random_formulas():
    parsed, problems = run(20_000, seed=2026, compile_every=1)
    assert parsed > 10_000
    assert not problems, "\n".join(problems[:10])
