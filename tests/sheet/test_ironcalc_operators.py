"""Differential test of operators, precedence, coercion and references: generated formulas, gdsheet vs IronCalc.

Exponents are small integers: IronCalc gives a value for a negative base to a fractional power where Excel (and
gdsheet) give #NUM!.
The grid A1:A6 holds a number, text, numeric text, a boolean, an empty cell and an error, so the generated
formulas mix Excel's value types the way real sheets do.
"""
import math
import random

import pytest

from gdsheet.errors import ExcelError
from gdsheet.sheet import Workbook

ironcalc = pytest.importorskip("ironcalc")

CELLS = {1: "2.5", 2: "apple", 3: "'7", 4: "TRUE", 5: None, 6: "=1/0"}
rng = random.Random(7)


def operand(depth: int) -> str:
    if depth <= 0 or rng.random() < 0.35:
        return rng.choice([
            lambda: repr(round(rng.uniform(-9, 9), 2)), lambda: str(rng.randint(0, 5)), lambda: '"' + rng.choice(["a", "B", "3", ""]) + '"',
            lambda: rng.choice(["TRUE", "FALSE"]), lambda: f"A{rng.randint(1, 6)}", lambda: f"$A${rng.randint(1, 5)}",
        ])()
    kind = rng.random()
    if kind < 0.6:
        op = rng.choice(["+", "-", "*", "/", "^", "&", "=", "<>", "<", ">", "<=", ">="])
        if op == "^":  # IronCalc computes a negative base to a fractional power; Excel says #NUM! (as we do)
            return f"{operand(depth - 1)}^{rng.randint(0, 3)}"
        if op == "&":  # IronCalc writes computed numbers with 17 digits and -0 as "-0"; Excel (and gdsheet) use 15
            return f"{rng.choice(LEAF_TEXTS)}&{rng.choice(LEAF_TEXTS)}"
        return f"{operand(depth - 1)}{op}{operand(depth - 1)}"
    if kind < 0.75:
        return f"-{operand(depth - 1)}"
    if kind < 0.85:
        return f"{operand(depth - 1)}%"
    return f"({operand(depth - 1)})"


LEAF_TEXTS = ['"a"', '"B"', "A1", "A2", "A3", "A4", "A5", "2.5", "TRUE", "7"]
FORMULAS = sorted({"=" + operand(3) for _ in range(1200)})


def _setup_ironcalc():
    model = ironcalc.create("oracle", "en", "UTC")
    for r, v in CELLS.items():
        if v is not None:
            model.set_user_input(0, r, 1, v)
    for i, f in enumerate(FORMULAS):
        model.set_user_input(0, i + 1, 3, f)
    model.evaluate()
    out = {}
    for i, f in enumerate(FORMULAS):
        v = model.get_cell_value(0, i + 1, 3)
        out[f] = ExcelError(v) if model.get_cell_type(0, i + 1, 3) == ironcalc.CellType.ErrorValue else v
    return out


@pytest.fixture(scope="module")
def oracle():
    return _setup_ironcalc()


@pytest.fixture(scope="module")
def wb():
    book = Workbook()
    book.add_sheet("Sheet1")
    for r, v in CELLS.items():
        if v is not None:
            book.set_input("Sheet1", r, 1, v)
    return book


def agree(ours, theirs) -> bool:
    if isinstance(ours, float) and isinstance(theirs, (int, float)) and not isinstance(theirs, bool):
        return math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-12)
    return type(ours) is type(theirs) and ours == theirs


def test_enough_formulas():
    assert len(FORMULAS) >= 500


def test_operators_agree_with_ironcalc(wb, oracle):
    bad = []
    for f in FORMULAS:
        ours = wb.evaluate(f, "Sheet1", 1, 3)
        if not agree(ours, oracle[f]):
            bad.append(f"{f}: gdsheet {ours!r}, IronCalc {oracle[f]!r}")
    assert not bad, "\n".join(bad[:30])
