"""The bundled example workbooks: found as resources, up to date with their build script, error-free once
recalculated, with their Solver models readable, and the Titanic features matching the course's optimum."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from gdsheet.errors import ExcelError
from gdsheet.io import load_workbook
from gdsheet.refs import parse_area
from gdsheet.resources import examples, resource_path
from gdsheet.solver.model import read_model

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["curve_fit.xlsx", "oscillation.xlsx", "parabola.xlsx", "titanic.xlsx", "too_large_lr.xlsx"]
COURSE_LINEAR_MSE = 0.1442271493


def _build_script():
    spec = importlib.util.spec_from_file_location("build_examples", ROOT / "scripts" / "build_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _errors(wb) -> list:
    return [(s.name, k, v) for s in wb.sheets for k, v in s.cells.items() if isinstance(v, ExcelError)]


def _value(wb, ref: str):
    a = parse_area(ref)
    return wb.get(a.sheet, a.r1, a.c1)


def _column(sheet, col: int, rows: range) -> np.ndarray:
    return np.array([sheet.cells[(r, col)] for r in rows], dtype=float)


@pytest.fixture(scope="module")
def titanic():
    wb = load_workbook(resource_path("examples", "titanic.xlsx"))
    wb.recalculate()
    return wb


def test_examples_are_found_as_resources():
    assert [p.name for p in examples()] == NAMES
    assert resource_path("data", "titanic_train.csv").is_file() and resource_path("data", "SOURCES.md").is_file()
    with pytest.raises(FileNotFoundError, match="resource examples/nothing.xlsx not found"):
        resource_path("examples", "nothing.xlsx")


def _contents(ws) -> list[list]:
    """Cell values, array formulas as (range, text): openpyxl's ArrayFormula objects compare by identity."""
    def plain(v):
        return (v.ref, v.text) if isinstance(v, ArrayFormula) else v
    return [[plain(c.value) for c in row] for row in ws.iter_rows()]


@pytest.mark.slow
def test_committed_examples_match_the_build_script(tmp_path):
    for built in _build_script().build(tmp_path):
        fresh, committed = openpyxl.load_workbook(built), openpyxl.load_workbook(resource_path("examples", built.name))
        assert fresh.sheetnames == committed.sheetnames, built.name
        for ws in fresh:
            theirs = committed[ws.title]
            assert _contents(ws) == _contents(theirs), (built.name, ws.title)
            assert {k: v.value for k, v in ws.defined_names.items()} == \
                {k: v.value for k, v in theirs.defined_names.items()}


@pytest.mark.parametrize("name, sheet, objective, variables, method, lr, start", [
    ("parabola.xlsx", "Sheet1", 14.8, ["Sheet1!$A$1"], "gd", 0.2, [-3]),
    ("too_large_lr.xlsx", "Sheet1", 25.0, ["Sheet1!$A$1"], "gd", 0.1, [2]),
    ("oscillation.xlsx", "Sheet1", 64.0, ["Sheet1!$A$1"], "gd", 0.01, [1]),
])
def test_scalar_examples(name, sheet, objective, variables, method, lr, start):
    wb = load_workbook(resource_path("examples", name))
    wb.recalculate()
    model = read_model(wb, sheet)
    assert model.sense == "min" and model.variables == variables
    assert (model.options.method, model.options.lr) == (method, lr)
    assert _value(wb, model.objective) == pytest.approx(objective)
    assert [_value(wb, v) for v in variables] == start


def test_curve_fit():
    wb = load_workbook(resource_path("examples", "curve_fit.xlsx"))
    wb.recalculate()
    assert _errors(wb) == []
    sheet = wb.sheet("Sheet1")
    model = read_model(wb, "Sheet1")
    assert model.objective == "Sheet1!$B$4" and model.variables == ["Sheet1!$B$1:$B$3"]
    assert [wb.get_name(f"param_{p}").formula for p in "abc"] == ["Sheet1!$B$1", "Sheet1!$B$2", "Sheet1!$B$3"]
    t, speed = _column(sheet, 1, range(7, 27)), _column(sheet, 2, range(7, 27))
    assert list(t) == list(range(20))
    a, b, c = (sheet.cells[(r, 2)] for r in (1, 2, 3))
    assert sheet.cells[(4, 2)] == pytest.approx(np.mean((a * t**2 + b * t + c - speed) ** 2))


@pytest.mark.slow
def test_titanic_recalculates_without_errors(titanic):
    assert [s.name for s in titanic.sheets] == ["data", "linear", "nnet", "mmult"]
    assert _errors(titanic) == []
    table = titanic.tables["TABLE1"]
    assert table.sheet == "data" and table.area.rows == 713 and table.columns[-1] == "Ones"
    assert titanic.sheet("mmult").formulas[(4, 16)].array == parse_area("mmult!P4:Q715")


@pytest.mark.slow
def test_titanic_linear_least_squares_matches_the_course(titanic):
    sheet = titanic.sheet("linear")
    rows = range(4, 716)
    X = np.column_stack([_column(sheet, c, rows) for c in range(2, 12)])
    y = _column(sheet, 1, rows)
    w, *_ = np.linalg.lstsq(X, y, rcond=None)
    assert np.mean((X @ w - y) ** 2) == pytest.approx(COURSE_LINEAR_MSE, rel=1e-9)
    params = np.array([sheet.cells[(1, c)] for c in range(2, 12)])
    assert sheet.cells[(1, 14)] == pytest.approx(np.mean((X @ params - y) ** 2))


@pytest.mark.slow
def test_titanic_models(titanic):
    models = {s: read_model(titanic, s) for s in ("linear", "nnet", "mmult")}
    assert {s: (m.objective, m.variables) for s, m in models.items()} == {
        "linear": ("linear!$N$1", ["linear!$B$1:$K$1"]), "nnet": ("nnet!$N$1", ["nnet!$B$1:$K$2"]),
        "mmult": ("mmult!$N$1", ["mmult!$M$4:$N$13"])}
    names = {k[1] for k in titanic.names if k[0] == "nnet"}
    assert {"SOLVER_OPT", "SOLVER_TYP", "SOLVER_ADJ", "SOLVER_NEG", "SOLVER_ENG", "SOLVER_NUM", "SOLVER_VER",
            "GDSHEET_METHOD", "GDSHEET_LR"} <= names
    assert all(titanic.names[("nnet", n)].hidden for n in names)
    # the same two-unit net with the same start: the spilled MMULT and the SUMPRODUCT version agree
    loss = {s: titanic.get(s, 1, 14) for s in models}
    assert loss["nnet"] == pytest.approx(loss["mmult"], rel=1e-12) and loss["nnet"] > 0
