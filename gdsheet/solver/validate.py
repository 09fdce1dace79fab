"""A Solver model checked before anything is compiled: every number within Excel's (or gdsheet's) limits, the
device one torch can run on, the objective not already an error. Each problem is one line naming the value, where
it came from and the limit, raised as SolverModelError."""
from __future__ import annotations

import math

from gdsheet.errors import ExcelError, SolverModelError
from gdsheet.sheet.workbook import Workbook
from gdsheet.solver.model import UNLIMITED, SolverModel

MAX_MODEL_CELLS = 1_048_576  # variable cells, or cells of one constraint side: a full column
MAX_STARTS = 10_000  # multistart starts and Evolutionary population (solver_ssz)
MAX_SEED = UNLIMITED  # 2,147,483,647, the largest whole number Excel's Solver options take
DEVICES = ("cpu", "cuda", "mps")


def check_model(wb: Workbook, model: SolverModel, sheet: str) -> None:
    """Raise SolverModelError for the first thing in `model` that cannot be solved as it is."""
    check_options(model)
    from gdsheet.solver.build import cells_of, cell_text  # build imports this module's limits

    objective = cells_of(wb, model.objective, sheet) if model.objective.strip() else []
    if len(objective) == 1:
        value = wb.get(*objective[0])
        if isinstance(value, ExcelError):
            why = f" ({value.detail})" if value.detail else ""
            raise SolverModelError(f"the objective cell {cell_text(objective[0])} is already an error, "
                                   f"{value.code}{why}: Solver needs a number there to start from")


def check_options(model: SolverModel) -> None:
    o = model.options
    if model.sense == "value" and not math.isfinite(model.target):
        raise SolverModelError(f"the target value (Value Of) must be a finite number, not {model.target}")
    _finite_positive(o.lr, "the learning rate")
    _finite_positive(o.time_limit, "the time limit (seconds)")
    _finite_positive(o.precision, "the constraint precision")
    if not (math.isfinite(o.tolerance) and o.tolerance >= 0):
        raise SolverModelError(f"the convergence tolerance must be a finite number >= 0, not {o.tolerance}")
    _whole(o.iterations, "the iteration limit", 0, UNLIMITED)
    _whole(o.multistart, "the number of starts (Population Size)", 1, MAX_STARTS)
    _whole(o.population, "the Population Size", 1, MAX_STARTS)
    _whole(o.seed, "the random seed", 0, MAX_SEED)
    if o.batch_size is not None:
        _whole(o.batch_size, "the batch size", 1, UNLIMITED)
    check_device(o.device)


def check_device(name: str) -> None:
    """A device torch knows and gdsheet can compute on ('meta' holds no data; 'bogus' is no device)."""
    import torch

    try:
        device = torch.device(name)
    except (RuntimeError, ValueError, TypeError):
        raise SolverModelError(f"unknown device {name!r}: use one of {', '.join(DEVICES)}") from None
    if device.type not in DEVICES:
        raise SolverModelError(f"device {name!r} cannot run a solve: use one of {', '.join(DEVICES)}")


def check_size(count: int, what: str) -> None:
    if count > MAX_MODEL_CELLS:
        raise SolverModelError(f"{what} are {count:,} cells, more than gdsheet's limit of {MAX_MODEL_CELLS:,}")


def _finite_positive(value: float, what: str) -> None:
    if not (math.isfinite(value) and value > 0):
        raise SolverModelError(f"{what} must be a finite number above 0, not {value}")


def _whole(value, what: str, lo: int, hi: int) -> None:
    if not lo <= value <= hi:
        raise SolverModelError(f"{what} {value:,} is outside {lo:,} to {hi:,}, the limit")
