"""Program API: mini-batches over rows, cells, and the errors that name the cell and the construct."""
import pytest
import torch

from compile_books import VARIABLES, book, check, column
from gdsheet.compile import CompileError, compile_program


def loss_book(objective: str):
    wb = book({"L": "=SUMPRODUCT(A{r}:C{r},$H$1:$J$1)", "M": "=(L{r}-B{r})^2"})
    wb.set_formula("S", 1, 1, objective)
    return wb


def test_a_mean_over_rows_is_estimated_from_the_sampled_rows():
    wb = loss_book("=AVERAGE(M4:M11)")
    prog = compile_program(wb, [("S", 1, 1)], VARIABLES)
    assert prog.batch_rows == 8
    rows = torch.tensor([0, 2])
    assert float(prog.forward(prog.x0, rows)[0]) == pytest.approx((wb.get("S", 4, 13) + wb.get("S", 6, 13)) / 2)
    x = prog.x0.clone().requires_grad_()
    prog.forward(x, rows)[0].backward()
    assert torch.isfinite(x.grad).all()


def test_a_sum_over_rows_is_scaled_up_to_all_rows():
    wb = loss_book("=SUM(M4:M11)")
    prog = compile_program(wb, [("S", 1, 1)], VARIABLES)
    got = float(prog.forward(prog.x0, torch.tensor([0, 2]))[0])
    assert got == pytest.approx((wb.get("S", 4, 13) + wb.get("S", 6, 13)) * 4)


@pytest.mark.parametrize("objective", ["=AVERAGE(M4:M11)+1", "=MAX(M4:M11)", "=AVERAGE(A4:A11)*$H$1"])
def test_other_objectives_are_not_batchable(objective):
    prog = compile_program(loss_book(objective), [("S", 1, 1)], VARIABLES)
    assert prog.batch_rows is None
    assert float(prog.forward(prog.x0, torch.tensor([0]))[0]) == float(prog.forward(prog.x0)[0])


def test_cells_are_the_compiled_formula_cells():
    wb = loss_book("=AVERAGE(M4:M11)")
    prog = check(wb, [("S", 1, 1)])
    assert set(prog.cells(prog.x0)) == {("S", 1, 1)} | set(column("L")) | set(column("M"))


def test_index_with_a_constant_position_reads_a_variable():
    wb = book({"L": "=INDEX($H$1:$J$1,2)*A{r}+INDEX($H$1:$J$1,D{r})"})
    prog = check(wb, column("L"))
    x = prog.x0.clone().requires_grad_()
    prog.forward(x)[0].backward()
    assert x.grad.tolist() == [1.0, 0.5, 0.0]  # row 4: D4 is 1


@pytest.mark.parametrize(("formula", "words"), [
    ("=VLOOKUP(1,$H$1:$I$1,2)+A{r}", ["S!L4:L11", "VLOOKUP"]),
    ('=IF($H$1>0,"yes","no")', ["S!L4:L11", "text"]),
])
def test_what_cannot_compile_is_named(formula, words):
    with pytest.raises(CompileError) as exc:
        compile_program(book({"L": formula}), column("L"), VARIABLES)
    assert all(w in str(exc.value) for w in words), str(exc.value)


def test_a_variable_cell_must_hold_a_constant():
    wb = book({"L": "=A{r}*2"})
    with pytest.raises(CompileError, match="L4 holds a formula"):
        compile_program(wb, [("S", 1, 1)], [("S", 4, 12)])


def test_an_unknown_function_is_its_error_value():
    wb = book({"L": "=NOSUCHFUNCTION($H$1)+A{r}"})
    prog = check(wb, column("L"))
    assert torch.isnan(prog.forward(prog.x0)[0])


def test_circular_references_are_refused():
    wb = book({"L": "=M{r}+$H$1", "M": "=L{r}*2"})
    with pytest.raises(CompileError, match="circular"):
        compile_program(wb, column("L"), VARIABLES)


@pytest.mark.parametrize("model", ["linear", "nnet"])
def test_the_benchmark_models_equal_their_hand_written_twins(model):
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_compile.py"
    spec = importlib.util.spec_from_file_location("bench_compile", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    wb, objective, variables, X, y = bench.build(model, 50)
    prog = compile_program(wb, [objective], variables)
    hand = bench.hand_written(model, torch.tensor(X), torch.tensor(y))
    x = torch.linspace(-1, 1, len(variables), dtype=torch.float64)
    assert float(prog.forward(x)[0]) == pytest.approx(float(hand(x)), rel=1e-12)
    assert prog.batch_rows == 50
