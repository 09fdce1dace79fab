"""`gdsheet solve` turns a bug (an unexpected exception, not a CompileError) into one line and exit 2."""
import pytest

import gdsheet.compile.program as program
from gdsheet.io import save_workbook
from gdsheet.solver.cli import main
from gdsheet.solver.model import SolverModel, SolverOptions, write_model
from solver_books import one_cell


@pytest.fixture
def book_path(tmp_path):
    wb = one_cell("=(A1-2)^2", 0)
    write_model(wb, "S", SolverModel("B1", variables=["A1"], options=SolverOptions(method="gd", iterations=3)))
    path = tmp_path / "book.xlsx"
    save_workbook(wb, path)
    return path


def _broken(*args, **kwargs):
    raise IndexError("too many indices for tensor of dimension 0\nsecond line")


@pytest.mark.parametrize("target", ["compile_program", "Program.forward"])
def test_an_internal_error_is_one_line_and_exit_2(book_path, capsys, monkeypatch, target):
    if target == "compile_program":
        monkeypatch.setattr(program._Builder, "build", _broken)
    else:  # Program.forward reads the objective through a getter that fails
        monkeypatch.setattr(program._Builder, "_output", lambda self, cid: _broken)
    assert main([str(book_path)]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert captured.err.strip().splitlines()[-1] == (
        "gdsheet solve: internal error in compile: IndexError: too many indices for tensor of dimension 0")
