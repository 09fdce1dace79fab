"""What the landscape, profile and learning-rate views evaluate: a prepared solve and where its variables stand."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union


@dataclass(frozen=True)
class ViewSource:
    """`solve` (gdsheet.solver.run.Solve) gives the problem and the options (method, rate); `names` label the
    variable cells; `values` are their current values; `running` says a run owns them (no clicking then)."""

    solve: object
    names: tuple[str, ...]
    values: tuple[float, ...]
    running: bool = False

    @property
    def problem(self):
        return self.solve.problem

    @property
    def options(self):
        return self.solve.options

    @property
    def rows(self) -> int | None:
        """Rows the objective runs over (to size the landscape's chunks), when the program knows them."""
        program = getattr(self.solve, "program", None)
        return getattr(program, "batch_rows", None)


# the window's provider: a ViewSource, or the reason there is none ("the sheet has no Solver model yet")
Provider = Callable[[], Union[ViewSource, str]]
