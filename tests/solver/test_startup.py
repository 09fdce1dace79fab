"""`gdsheet solve`'s start-up: the file is read before torch is imported, an unconstrained gradient solve never
imports scipy's optimisers (L-BFGS searches its lines in torch), and the collector is left alone inside another
program (only the command's own process pauses and freezes it)."""
import gc
import subprocess
import sys

from gdsheet.cli import main
from gdsheet.io import save_workbook
from gdsheet.sheet.workbook import Workbook
from gdsheet.solver.model import SolverModel, write_model


def _book(tmp_path):
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_value("S", 1, 1, 0.0)
    wb.set_formula("S", 1, 2, "=(A1-2)^2+1")
    write_model(wb, "S", SolverModel("B1", variables=["A1"]))
    path = tmp_path / "book.xlsx"
    save_workbook(wb, path)
    return path


def _fresh(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_a_file_that_cannot_be_read_is_said_before_torch_is_imported(tmp_path):
    missing = tmp_path / "missing.xlsx"
    out = _fresh(f"import sys; from gdsheet.cli import main; rc = main(['solve', {str(missing)!r}]); "
                 "print(rc, 'torch' in sys.modules)")
    assert out == "2 False"


def test_an_lbfgs_solve_imports_no_scipy_optimiser(tmp_path):
    path = _book(tmp_path)
    out = _fresh(f"import sys; from gdsheet.cli import main; rc = main(['solve', {str(path)!r}, '--method', "
                 "'lbfgs']); print(rc, [m for m in ('scipy.optimize', 'scipy.sparse') if m in sys.modules])")
    assert out == "0 []"


def test_the_command_as_its_own_process_solves(tmp_path):
    path = _book(tmp_path)
    out = _fresh(f"import sys; sys.argv = ['gdsheet', 'solve', {str(path)!r}]; from gdsheet.cli import main; "
                 "import gc; rc = main(); print(rc, gc.get_freeze_count() > 0)")
    assert out == "0 True"  # torch's objects were frozen after its import


def test_inside_another_program_the_collector_is_not_frozen(tmp_path, capsys):
    path = _book(tmp_path)
    frozen = gc.get_freeze_count()
    assert main(["solve", str(path)]) == 0
    assert '"status": "converged"' in capsys.readouterr().out
    assert gc.get_freeze_count() == frozen and gc.isenabled()
