"""No cell can take a workbook down: an unexpected exception in a function, operator or spill is that cell's error
value (with a reason in words, logged once), in recalculation, in the compiler and in `gdsheet calc`."""
import json
import logging

import pytest

from gdsheet.cli import main as cli_main
from gdsheet.compile import lower as lower_module
from gdsheet.compile.lval import CompileError
from gdsheet.compile.program import compile_program
from gdsheet.errors import ExcelError
from gdsheet.functions import FUNCTIONS
from gdsheet.functions.operators import BINARY_OPS
from gdsheet.functions.registry import FunctionSpec
from gdsheet.io import save_workbook
from gdsheet.sheet.calc import Engine
from gdsheet.sheet import isolation
from gdsheet.sheet.isolation import is_internal
from gdsheet.sheet.workbook import Workbook

PYTHON_WORDS = ("NoneType", "object has no attribute", "float()", "Traceback", "argument must be")


def _broken(*args):
    raise AttributeError("'NoneType' object has no attribute 'strip'")


@pytest.fixture
def broken_function(monkeypatch):
    """BROKEN(x): a function whose body raises, as ARABIC of an empty cell once did (logged afresh: the log-once
    memory is per process, and other tests raise the same)."""
    monkeypatch.setattr(isolation, "_LOGGED", set())
    spec = FunctionSpec(name="BROKEN", impl=_broken, params=("scalar",), min_args=1, max_args=1,
                        category="Test", syntax="BROKEN(x)", summary="always raises")
    monkeypatch.setitem(FUNCTIONS, "BROKEN", spec)
    return spec


def _book(formulas, values=()) -> Workbook:
    wb = Workbook()
    wb.add_sheet("Sheet1")
    if values:
        wb.set_values([("Sheet1", r, c, v) for r, c, v in values])
    for r, c, text in formulas:
        wb.set_formula("Sheet1", r, c, text)
    return wb


def _assert_words(err):
    assert isinstance(err, ExcelError) and err.detail
    assert not any(w in err.detail for w in PYTHON_WORDS), err.detail


def test_the_empty_cells_that_once_crashed_the_app_calculate():
    wb = _book([(1, 2, "=ARABIC(A1)"), (2, 2, "=CELL(A1)"), (3, 2, "=1+1")])
    assert wb.get("Sheet1", 1, 2) == 0.0  # ARABIC("") is 0 in Excel
    assert wb.get("Sheet1", 2, 2) == ExcelError("#VALUE!")  # CELL("") is #VALUE! in Excel
    assert wb.get("Sheet1", 3, 2) == 2.0


def test_a_function_that_raises_is_value_in_its_cell_only(broken_function, caplog):
    rows = 50
    with caplog.at_level(logging.WARNING, logger="gdsheet.calc"):
        wb = _book([(r, 2, f"=BROKEN(A{r})") for r in range(1, rows + 1)]
                   + [(1, 3, "=IFERROR(BROKEN(1),7)"), (1, 4, "=B1"), (1, 5, "=2*3")])
    for r in range(1, rows + 1):
        v = wb.get("Sheet1", r, 2)
        assert v == ExcelError("#VALUE!") and is_internal(v)
        _assert_words(v)
    assert "BROKEN" in wb.get("Sheet1", 1, 2).detail
    assert wb.get("Sheet1", 1, 3) == 7.0  # IFERROR traps it like any error
    assert wb.get("Sheet1", 1, 4) == ExcelError("#VALUE!")
    assert wb.get("Sheet1", 1, 5) == 6.0
    logged = [r for r in caplog.records if "BROKEN" in r.getMessage()]
    assert len(logged) == 1  # a filled-down column logs once


def test_an_operator_that_raises_is_value(monkeypatch):
    monkeypatch.setitem(BINARY_OPS, "&", _broken)
    wb = _book([(1, 1, '="isolation-test"&"x"&ROW()'), (2, 1, "=3+4")])
    v = wb.get("Sheet1", 1, 1)
    assert v == ExcelError("#VALUE!") and "'&'" in v.detail
    _assert_words(v)
    assert wb.get("Sheet1", 2, 1) == 7.0


def test_a_spill_that_raises_is_value_and_the_rest_calculates(monkeypatch):
    def spill(self, sh, cid, value):
        raise IndexError("index 3 is out of bounds for axis 0 with size 3")

    monkeypatch.setattr(Engine, "_spill", spill)
    wb = Workbook()
    wb.add_sheet("Sheet1")
    wb.set_formula("Sheet1", 1, 1, "=SEQUENCE(3)", dynamic=True)
    wb.set_formula("Sheet1", 1, 2, "=5*5")
    v = wb.get("Sheet1", 1, 1)
    assert v == ExcelError("#VALUE!")
    _assert_words(v)
    assert wb.get("Sheet1", 1, 2) == 25.0


def test_evaluate_never_raises(broken_function):
    wb = _book([])
    assert wb.evaluate("=BROKEN(1)") == ExcelError("#VALUE!")


def test_gdsheet_calc_survives_and_explains(broken_function, tmp_path, capsys):
    wb = _book([(1, 2, "=BROKEN(A1)"), (2, 2, "=B1+1"), (3, 2, "=ARABIC(A1)")])
    path = tmp_path / "book.xlsx"
    save_workbook(wb, path)
    out = tmp_path / "out.json"
    assert cli_main(["calc", str(path), "--json", str(out)]) == 0
    values = json.loads(out.read_text())
    assert values == {"Sheet1!B1": "#VALUE!", "Sheet1!B2": "#VALUE!", "Sheet1!B3": 0.0}
    capsys.readouterr()
    assert cli_main(["calc", str(path), "--explain", "B2"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == "Sheet1!B2 =B1+1 = #VALUE!"
    assert "Sheet1!B1 =BROKEN(A1) = #VALUE!" in text
    assert "reason: BROKEN could not be calculated here" in text


def test_the_compiler_names_the_cell_and_the_function(monkeypatch):
    monkeypatch.setitem(lower_module.LOWERINGS, "SUMSQ", lambda lw, args: _broken())
    wb = _book([(1, 2, "=SUMSQ(A1-2,1)")], values=[(1, 1, 0.0)])
    with pytest.raises(CompileError) as info:
        compile_program(wb, [("Sheet1", 1, 2)], [("Sheet1", 1, 1)])
    message = str(info.value)
    assert "B1" in message and "SUMSQ" in message
    assert not any(w in message for w in PYTHON_WORDS)
