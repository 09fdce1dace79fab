"""The solver model: Excel's hidden solver_* names read and written, gdsheet's own names, guessing a model."""
import pytest

from gdsheet.errors import SolverModelError
from gdsheet.sheet.workbook import Workbook
from gdsheet.solver.model import Constraint, SolverModel, SolverOptions, guess_model, read_model, split_refs, \
    write_model

# What Excel 2016+ writes for a model on sheet 'linear' (values of the hidden sheet-scoped names).
EXCEL_NAMES = {
    "solver_adj": "linear!$R$4:$AA$4,linear!$AC$1", "solver_cvg": "0.0001", "solver_drv": "1", "solver_eng": "1",
    "solver_est": "1", "solver_itr": "2147483647", "solver_lhs1": "linear!$R$4", "solver_lhs2": "linear!$S$4:$T$4",
    "solver_lhs3": "linear!$U$4", "solver_lin": "2", "solver_msl": "2", "solver_neg": "0", "solver_num": "3",
    "solver_nwt": "1", "solver_opt": "linear!$AC$4", "solver_pre": "0.000001", "solver_rel1": "1",
    "solver_rel2": "3", "solver_rel3": "4", "solver_rhs1": "10", "solver_rhs2": "linear!$B$1",
    "solver_rhs3": "integer", "solver_scl": "1", "solver_sho": "2", "solver_ssz": "100", "solver_tim": "2147483647",
    "solver_typ": "2", "solver_val": "0", "solver_ver": "3",
}


def book() -> Workbook:
    wb = Workbook()
    wb.add_sheet("linear")
    wb.add_sheet("other")
    return wb


def test_reads_a_model_as_excel_stores_it():
    wb = book()
    for name, text in EXCEL_NAMES.items():
        wb.define_name(name, text, scope="linear", hidden=True)
    m = read_model(wb, "linear")
    assert m.objective == "linear!$AC$4" and m.sense == "min" and m.target == 0
    assert m.variables == ["linear!$R$4:$AA$4", "linear!$AC$1"]
    assert m.constraints == [Constraint("linear!$R$4", "<=", "10"), Constraint("linear!$S$4:$T$4", ">=", "linear!$B$1"),
                             Constraint("linear!$U$4", "int", "integer")]
    assert m.nonnegative is False and m.engine == 1  # solver_neg 0 (older files) reads as off
    o = m.options
    # Excel's "unlimited" iterations and time fall back to gdsheet's limits; the rest is Excel's
    assert (o.iterations, o.time_limit) == (SolverOptions().iterations, SolverOptions().time_limit)
    assert (o.tolerance, o.precision, o.multistart) == (1e-4, 1e-6, 1)
    assert read_model(wb, "other") is None


def test_write_then_read_round_trips_and_replaces_stale_names():
    wb = book()
    for name, text in EXCEL_NAMES.items():
        wb.define_name(name, text, scope="linear", hidden=True)
    model = SolverModel(
        objective="B5", sense="value", target=3.5, variables=["A1:A3", "other!C2"],
        constraints=[Constraint("A1", ">=", "0"), Constraint("B1:B2", "bin", "binary")], nonnegative=True,
        options=SolverOptions(method="adam", lr=0.05, momentum=0.8, iterations=500, time_limit=30, tolerance=1e-6,
                              batch_size=64, schedule="onecycle", multistart=4, seed=7))
    write_model(wb, "linear", model)
    assert wb.get_name("solver_lhs3", "linear") is None  # the old model's third constraint is gone
    assert all(dn.hidden for (scope, _), dn in wb.names.items() if scope == "linear")
    assert wb.get_name("solver_opt", "linear").formula == "linear!$B$5"
    assert wb.get_name("solver_typ", "linear").formula == "3"
    assert wb.get_name("solver_rel2", "linear").formula == "5"
    back = read_model(wb, "linear")
    assert back.objective == "linear!$B$5" and back.variables == ["linear!$A$1:$A$3", "other!$C$2"]
    assert back.constraints == [Constraint("linear!$A$1", ">=", "0"), Constraint("linear!$B$1:$B$2", "bin", "binary")]
    assert (back.sense, back.target, back.nonnegative) == ("value", 3.5, True)
    assert back.options == model.options


def test_writing_back_the_model_read_changes_no_name():
    wb = book()
    for name, text in EXCEL_NAMES.items():
        wb.define_name(name, text, scope="linear", hidden=True)
    before = {k: (dn.name, dn.formula, dn.hidden) for k, dn in wb.names.items()}
    write_model(wb, "linear", read_model(wb, "linear"))
    assert {k: (dn.name, dn.formula, dn.hidden) for k, dn in wb.names.items()} == before


def test_only_the_names_whose_value_changed_are_rewritten():
    wb = book()
    for name, text in EXCEL_NAMES.items():
        wb.define_name(name, text, scope="linear", hidden=True)
    model = read_model(wb, "linear")
    write_model(wb, "linear", SolverModel(model.objective, "max", variables=model.variables,
                                          constraints=model.constraints[:1], options=model.options))
    texts = {dn.name: dn.formula for (scope, _), dn in wb.names.items() if scope == "linear"}
    assert texts["solver_typ"] == "1" and texts["solver_num"] == "1"
    assert "solver_lhs2" not in texts and "solver_rhs3" not in texts  # the dropped constraints' names go
    # Excel's "no limit" and the options gdsheet does not use keep their exact text
    assert texts["solver_itr"] == texts["solver_tim"] == "2147483647"
    assert all(texts[n] == EXCEL_NAMES[n] for n in ("solver_drv", "solver_est", "solver_nwt", "solver_scl",
                                                    "solver_sho", "solver_lin", "solver_neg", "solver_cvg"))
    assert not any(n.startswith("gdsheet_") for n in texts)  # gdsheet's own defaults are not added


def test_options_and_model_validate_their_values():
    with pytest.raises(ValueError, match="unknown method"):
        SolverOptions(method="newton")
    with pytest.raises(ValueError, match="learning rate"):
        SolverOptions(lr=0)
    with pytest.raises(ValueError, match="relation"):
        Constraint("A1", "<", "1")
    with pytest.raises(ValueError, match="sense"):
        SolverModel("A1", sense="minimise")


def test_split_refs_respects_quoted_sheet_names():
    assert split_refs("A1:B2,'a, b'!C3, D4") == ["A1:B2", "'a, b'!C3", "D4"]


def test_guess_model_finds_the_absolutely_referenced_parameter_cells():
    wb = Workbook()
    wb.add_sheet("S")
    for c, v in enumerate([0.5, -0.2, 1.0], start=2):  # parameters in B1:D1
        wb.set_value("S", 1, c, v)
    wb.set_value("S", 1, 1, "params")
    for r in range(3, 8):
        wb.set_value("S", r, 1, r)  # data
        wb.set_value("S", r, 2, r * 2)
        wb.set_formula("S", r, 3, f"=$B$1*A{r}+$C$1*B{r}+$D$1")
        wb.set_formula("S", r, 4, f"=(C{r}-1)^2")
    wb.set_formula("S", 9, 4, "=AVERAGE(D3:D7)+0*$A$1")
    m = guess_model(wb, ("S", 9, 4))
    assert m.objective == "S!$D$9" and m.variables == ["S!$B$1", "S!$C$1", "S!$D$1"]
    wb.set_formula("S", 3, 5, "=SUMPRODUCT(A3:B3,$B$1:$C$1)")
    wb.set_formula("S", 10, 4, "=E3")
    assert guess_model(wb, ("S", 10, 4)).variables == ["S!$B$1:$C$1"]


def test_integer_constraints_are_refused_by_the_gradient_methods():
    from gdsheet.solver.run import prepare

    wb = Workbook()
    wb.add_sheet("S")
    wb.set_value("S", 1, 1, 1.0)
    wb.set_formula("S", 1, 2, "=A1^2")
    model = SolverModel("B1", variables=["A1"], constraints=[Constraint("A1", "int", "integer")])
    with pytest.raises(SolverModelError, match="integer.*continuous variables"):
        prepare(wb, model, "S")
    with pytest.raises(SolverModelError, match="holds no formula"):
        prepare(wb, SolverModel("A1", variables=["A1"]), "S")
    with pytest.raises(SolverModelError, match="variable cell S!B1 holds a formula"):
        prepare(wb, SolverModel("B1", variables=["B1"]), "S")


def test_guess_model_without_absolute_references_takes_the_constants_read():
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_value("S", 1, 1, -3)
    wb.set_formula("S", 1, 2, "=1.2*A1^2+4")
    assert guess_model(wb, ("S", 1, 2)).variables == ["S!$A$1"]
