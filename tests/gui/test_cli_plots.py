"""`gdsheet solve --plot` and `--landscape`: the app's plots drawn headless into PNG and SVG files."""
from pathlib import Path

import pytest

from gdsheet.solver.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_plot_and_landscape_of_the_parabola(tmp_path, capsys):
    loss, land = tmp_path / "loss.png", tmp_path / "land.svg"
    assert main([str(EXAMPLES / "parabola.xlsx"), "--plot", str(loss), "--landscape", "A1", str(land)]) == 0
    width, height = png_size(loss)
    assert width == 1200 and height > 600
    assert b"<svg" in land.read_bytes()[:400]
    err = capsys.readouterr().err
    assert "drew the loss curve" in err and "drew the landscape" in err and "propagateSizeHints" not in err


def test_landscape_of_two_titanic_weights(tmp_path):
    land = tmp_path / "land.png"
    assert main([str(EXAMPLES / "titanic.xlsx"), "--sheet", "linear", "--method", "adam", "--lr", "0.05",
                 "--iterations", "40", "--landscape", "B1,C1", str(land)]) == 0
    assert png_size(land)[0] == 1200 and land.stat().st_size > 20_000


@pytest.mark.parametrize("cells,reason", [("A1,A1", "two different"), ("Z9", "not one of the model's variable"),
                                          ("A1,A2,A3", "one or two")])
def test_landscape_names_a_bad_cell_before_solving(tmp_path, capsys, cells, reason):
    assert main([str(EXAMPLES / "parabola.xlsx"), "--landscape", cells, str(tmp_path / "x.png")]) == 2
    assert reason in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_keep_diverging_runs_the_example_to_its_limit(tmp_path, capsys):
    trace = tmp_path / "t.csv"
    assert main([str(EXAMPLES / "too_large_lr.xlsx"), "--keep-diverging", "--trace", str(trace)]) == 0
    rows = trace.read_text().splitlines()
    assert len(rows) > 4  # the header, the start and more than the 2 steps a stopped run takes
    assert '"status": "diverged"' in capsys.readouterr().out
