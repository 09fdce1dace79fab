"""`gdsheet solve`: the stored model, overrides, the JSON line, the CSV trace, -o, and exit 2 with a reason."""
import csv
import json

import pytest

from gdsheet.io import load_workbook, save_workbook
from gdsheet.solver.cli import main
from gdsheet.solver.model import Constraint, SolverModel, SolverOptions, read_model, write_model
from solver_books import TITANIC_MSE, one_cell, titanic_linear


@pytest.fixture
def parabola_book(tmp_path):
    wb = one_cell("=1.2*A1^2+4", -3)
    write_model(wb, "S", SolverModel("B1", variables=["A1"], options=SolverOptions(method="gd", lr=0.2,
                                                                                   iterations=10)))
    path = tmp_path / "parabola.xlsx"
    save_workbook(wb, path)
    return path


def last_json(capsys) -> dict:
    out = capsys.readouterr().out.strip().splitlines()
    return json.loads(out[-1])


def test_solves_the_stored_model_and_prints_one_json_line(parabola_book, capsys):
    assert main([str(parabola_book)]) == 0
    result = last_json(capsys)
    assert set(result) == {"status", "objective", "iterations", "seconds", "variables"}
    assert result["status"] == "iteration limit" and result["iterations"] == 10
    assert result["variables"]["S!A1"] == pytest.approx(-3 * 0.52**10)
    assert result["objective"] == pytest.approx(4.0, abs=1e-4)


def test_trace_and_output_workbook(parabola_book, tmp_path, capsys):
    trace, out = tmp_path / "trace.csv", tmp_path / "out.xlsx"
    assert main([str(parabola_book), "--iterations", "5", "--trace", str(trace), "-o", str(out)]) == 0
    rows = list(csv.reader(trace.open()))
    assert rows[0] == ["start", "iteration", "loss", "S!A1"]
    assert [int(r[1]) for r in rows[1:]] == [0, 1, 2, 3, 4, 5] and {r[0] for r in rows[1:]} == {"1"}
    assert float(rows[1][3]) == -3.0 and float(rows[2][2]) == pytest.approx(6.92032)
    assert main([str(parabola_book), "--iterations", "3", "--multistart", "2", "--trace", str(trace)]) == 0
    starts = [r[0] for r in list(csv.reader(trace.open()))[1:]]
    assert starts[0] == "1" and starts[-1] == "2" and starts == sorted(starts)  # one column tells the runs apart
    wb = load_workbook(out)
    wb.recalculate()
    assert wb.get("S", 1, 1) == pytest.approx(-3 * 0.52**5)
    assert wb.get("S", 1, 2) == pytest.approx(1.2 * (3 * 0.52**5) ** 2 + 4)
    stored = read_model(wb, "S")
    assert stored.options.iterations == 5 and stored.options.method == "gd" and stored.variables == ["S!$A$1"]


@pytest.mark.parametrize("name, reason", [("out.csv", "choose a name ending in .xlsx"),
                                          ("out.xltx", "does not write Excel templates"),
                                          ("missing/out.xlsx", "does not exist")])
def test_output_is_checked_before_the_solve_starts(parabola_book, tmp_path, capsys, name, reason):
    assert main([str(parabola_book), "--trace", str(tmp_path / "t.csv"), "-o", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert reason in err and not (tmp_path / "t.csv").exists()  # refused before the first iteration


def test_objective_and_changing_on_the_command_line(tmp_path, capsys):
    path = tmp_path / "titanic.xlsx"
    save_workbook(titanic_linear(), path)
    assert main([str(path), "--sheet", "linear", "--objective", "M1", "--changing", "A2:J2", "--method",
                 "lbfgs"]) == 0
    result = last_json(capsys)
    assert result["status"] == "converged" and result["objective"] == pytest.approx(TITANIC_MSE, rel=1e-6)
    assert list(result["variables"])[:2] == ["linear!A2", "linear!B2"] and result["seconds"] < 1


def test_sense_flags(tmp_path, capsys):
    path = tmp_path / "hill.xlsx"
    save_workbook(one_cell("=7-(A1-2)^2", 0), path)
    assert main([str(path), "--objective", "B1", "--max"]) == 0
    assert last_json(capsys)["variables"]["S!A1"] == pytest.approx(2.0, abs=1e-5)
    assert main([str(path), "--objective", "B1", "--changing", "A1", "--value-of", "3"]) == 0
    assert last_json(capsys)["objective"] == pytest.approx(3.0, abs=1e-6)


@pytest.mark.parametrize("argv,reason", [
    (["missing.xlsx"], "missing.xlsx"),
    (["{book}", "--sheet", "S", "--objective", "A1:B2"], "one cell"),
    (["{book}", "--method", "newton"], "invalid choice"),
    (["{book}", "--objective", "B1", "--batch-size", "8", "--method", "adam"], "mean or sum over rows"),
    (["{book}", "--lr", "-1"], "learning rate must be positive"),
])
def test_bad_arguments_exit_2_with_one_line(parabola_book, capsys, argv, reason):
    argv = [a.replace("{book}", str(parabola_book)) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert reason in err[-1]


def test_unsolvable_stored_model_exits_2(tmp_path, capsys):
    wb = one_cell("=A1^2", 1)
    write_model(wb, "S", SolverModel("B1", variables=["A1"], constraints=[Constraint("A1", "int", "integer")]))
    path = tmp_path / "int.xlsx"
    save_workbook(wb, path)
    assert main([str(path)]) == 2
    assert "continuous variables" in capsys.readouterr().err
    wb2 = one_cell("=A1^2", 1)
    save_workbook(wb2, tmp_path / "none.xlsx")
    assert main([str(tmp_path / "none.xlsx")]) == 2
    assert "no stored Solver model" in capsys.readouterr().err


@pytest.mark.parametrize("cached", [True, False])
def test_a_file_with_cached_values_is_solved_without_recalculating_it(tmp_path, capsys, monkeypatch, cached):
    """The values a file carries are current unless it asks for a full recalculation on open: the solve compiles
    the formulas that depend on the variables and reads the rest, and reports the objective that a recalculation
    of its result gives."""
    from gdsheet.sheet.workbook import Workbook

    path, out = tmp_path / "titanic.xlsx", tmp_path / "out.xlsx"
    save_workbook(titanic_linear(), path)  # a new book is saved asking for a full recalculation on open
    wb = load_workbook(path)
    wb.calc.full_calc_on_load = not cached  # as Excel saves a book: its values, current
    save_workbook(wb, path)
    calls = []
    recalculate = Workbook.recalculate
    monkeypatch.setattr(Workbook, "recalculate", lambda self: calls.append(1) or recalculate(self))
    assert main([str(path), "--sheet", "linear", "--objective", "M1", "--changing", "A2:J2", "--method", "lbfgs",
                 "--iterations", "5", "-o", str(out)]) == 0
    result = last_json(capsys)
    assert len(calls) == (0 if cached else 1)
    monkeypatch.undo()
    solved = load_workbook(out)
    solved.recalculate()
    assert solved.get("linear", 1, 13) == pytest.approx(result["objective"], rel=1e-12)
    assert result["objective"] != pytest.approx(wb.get("linear", 1, 13), rel=1e-6)  # it did move
