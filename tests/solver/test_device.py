"""The whole solve path stays on the problem's device (issue 13: the CUDA path must work, not only be selectable),
checked without a GPU.

- Compiled programs are built on torch's "meta" device, which has shapes but no data: every step of the forward pass
  must take and give meta tensors only (a constant left on the CPU would be a host-to-device copy at every step on a
  GPU, or a device mismatch), and the backward pass must run (torch refuses to mix meta and CPU tensors).
- The solve loop cannot run on meta (it reads the loss), so it runs on the CPU with torch's default device set to
  meta: a tensor the loop makes without saying where (which on a GPU machine would land on the CPU) is then a meta
  tensor, and meeting the problem's CPU tensors it fails the test."""
import dataclasses
from pathlib import Path

import pytest
import torch
from torch.overrides import TorchFunctionMode

from gdsheet.io import load_workbook
from gdsheet.solver.build import build
from gdsheet.solver.model import read_model
from gdsheet.solver.run import prepare

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
MODELS = [("titanic", "linear"), ("titanic", "nnet"), ("titanic", "mmult"), ("curve_fit", None),
          ("parabola", None), ("oscillation", None), ("too_large_lr", None)]
_books: dict = {}


def _book(name: str):
    if name not in _books:
        wb = load_workbook(EXAMPLES / f"{name}.xlsx")
        wb.recalculate()
        _books[name] = wb
    return _books[name]


def _model(wb, sheet, **options):
    model = read_model(wb, sheet)
    return dataclasses.replace(model, options=dataclasses.replace(model.options, **options))


class _Devices(TorchFunctionMode):
    """Every device a torch call takes a tensor from or gives one on."""

    def __init__(self):
        super().__init__()
        self.seen: set[str] = set()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for value in (*args, *(kwargs or {}).values(), *(out if isinstance(out, (tuple, list)) else (out,))):
            if isinstance(value, torch.Tensor):
                self.seen.add(value.device.type)
        return out


@pytest.mark.parametrize("name,sheet", MODELS)
def test_a_compiled_step_runs_on_the_programs_device(name, sheet):
    wb = _book(name)
    sheet = sheet or wb.sheets[0].name
    problem = build(wb, _model(wb, sheet, device="meta"), sheet).problem
    for t in (problem.x0, problem.lower, problem.upper, problem.equality):
        assert t is None or t.device.type == "meta"
    x = problem.x0.clone().requires_grad_(True)
    with _Devices() as devices:
        f, residuals = problem.evaluate(x, None)
    assert devices.seen == {"meta"}
    assert f.device.type == residuals.device.type == "meta"
    if f.requires_grad:
        f.backward()
        assert x.grad.device.type == "meta"


def test_a_mini_batch_step_runs_on_the_programs_device():
    wb = _book("titanic")
    problem = build(wb, _model(wb, "linear", device="meta"), "linear").problem
    rows = torch.arange(0, 700, 7, device="meta")
    x = problem.x0.clone().requires_grad_(True)
    with _Devices() as devices:
        f, _ = problem.evaluate(x, rows)
    assert devices.seen == {"meta"}
    f.backward()


@pytest.mark.parametrize("options", [
    dict(method="lbfgs"),
    dict(method="gd", lr=0.01, iterations=30),
    dict(method="momentum", lr=0.01, iterations=30),
    dict(method="adam", lr=0.01, iterations=30, batch_size=64),
    dict(method="lbfgs", multistart=2, iterations=10),
], ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()))
def test_the_solve_loop_makes_no_tensor_off_the_problems_device(options):
    wb = _book("titanic")
    solve = prepare(wb, _model(wb, "linear", device="cpu", **options), "linear")
    with torch.device("meta"):  # where a tensor made without a device would go: it cannot mix with the problem's
        final = [r for r in solve.run() if r.done][0]
    assert final.loss < 0.3


def test_the_gpu_benchmark_runs_its_model_on_the_cpu(capsys):
    """benchmarks/bench_gpu.py at a few rows, on the CPU: its model compiles and each of its methods solves it."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_gpu.py"
    spec = importlib.util.spec_from_file_location("bench_gpu", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    built, _ = bench.compile_on(bench.titanic_book(300), "cpu")
    assert built.problem.batch_rows == 300
    lbfgs = bench.run(built, "cpu", "lbfgs", 200)["final"]
    adam = bench.run(built, "cpu", "adam", 20)
    batch = bench.run(built, "cpu", "batch", 20)
    assert lbfgs.status == "converged" and lbfgs.loss < adam["final"].loss
    assert len(adam["trace"]) == len(batch["trace"]) == 21  # the start and 20 steps
    assert bench.time_to(adam["trace"], adam["trace"][-1][1]) <= adam["final"].elapsed
