"""Solver inputs are checked before anything is compiled: each problem one line naming the value and the limit."""
from __future__ import annotations

import dataclasses

import pytest

from gdsheet.errors import SolverModelError
from gdsheet.sheet.workbook import Workbook
from gdsheet.solver.model import SolverModel, read_model
from gdsheet.solver.run import prepare


def _wb(**names) -> Workbook:
    wb = Workbook()
    wb.add_sheet("Data")
    wb.set_value("Data", 1, 2, 2.0)
    wb.set_formula("Data", 2, 2, "=(B1-3)^2")
    wb.set_formula("Data", 3, 2, "=B1/0")
    model = {"solver_opt": "Data!$B$2", "solver_typ": "2", "solver_adj": "Data!$B$1", "solver_num": "0"}
    model.update(names)
    for name, text in model.items():
        wb.define_name(name, text, scope="Data", hidden=True)
    return wb


def _options(model: SolverModel, **changes) -> SolverModel:
    return dataclasses.replace(model, options=dataclasses.replace(model.options, **changes))


@pytest.mark.parametrize("change, message", [
    ({"device": "bogus"}, "unknown device 'bogus'"),
    ({"device": "meta"}, "device 'meta' cannot run a solve"),
    ({"seed": 2**70}, "random seed .* is outside 0 to 2,147,483,647"),
    ({"multistart": 10**15}, "number of starts .* outside 1 to 10,000"),
    ({"lr": float("inf")}, "learning rate must be a finite number"),
    ({"time_limit": float("inf")}, "time limit"),
])
def test_options_outside_their_limits_are_one_line_reasons(change, message):
    wb = _wb()
    model = _options(read_model(wb, "Data"), **change)
    with pytest.raises(SolverModelError, match=message):
        prepare(wb, model, "Data")


def test_a_nan_target_and_an_objective_already_in_error_are_refused_before_compiling():
    wb = _wb()
    model = dataclasses.replace(read_model(wb, "Data"), sense="value", target=float("nan"))
    with pytest.raises(SolverModelError, match="target value"):
        prepare(wb, model, "Data")
    model = dataclasses.replace(read_model(wb, "Data"), objective="Data!$B$3")
    with pytest.raises(SolverModelError, match=r"objective cell Data!B3 is already an error, #DIV/0!"):
        prepare(wb, model, "Data")


def test_an_unknown_relation_code_is_named_not_dropped():
    wb = _wb(solver_num="1", solver_lhs1="Data!$B$1", solver_rel1="9", solver_rhs1="1")
    with pytest.raises(SolverModelError, match=r"relation code 9 \(solver_rel1\)"):
        read_model(wb, "Data")


def test_a_huge_constraint_count_costs_only_the_constraints_that_exist():
    wb = _wb(solver_num="1E+15", solver_lhs1="Data!$B$1", solver_rel1="1", solver_rhs1="5")
    model = read_model(wb, "Data")
    assert [str(c) for c in model.constraints] == ["Data!$B$1 <= 5"]


def test_numbers_from_the_file_that_are_nan_or_huge_fall_back_or_are_capped():
    wb = _wb(gdsheet_lr="NAN", gdsheet_seed="1E+300", solver_ssz="1E+15", solver_msl="1")
    model = read_model(wb, "Data")
    assert model.options.lr == 0.01 and model.options.seed == 2_147_483_647
    with pytest.raises(SolverModelError, match="10,000"):
        prepare(wb, model, "Data")


def test_a_whole_sheet_of_variable_cells_is_refused_naming_the_limit():
    wb = _wb(solver_adj="Data!$A$1:$XFD$1048576")
    with pytest.raises(SolverModelError, match="17,179,869,184 cells, more than gdsheet's limit of 1,048,576"):
        prepare(wb, read_model(wb, "Data"), "Data")


def test_names_defined_through_each_other_are_refused_when_solving():
    wb = _wb(solver_adj="Loop1")
    wb.define_name("Loop1", "Loop2")
    wb.define_name("Loop2", "Loop1")
    with pytest.raises(SolverModelError, match="more than 64 deep"):
        prepare(wb, read_model(wb, "Data"), "Data")
