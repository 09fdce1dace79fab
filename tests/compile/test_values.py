"""The compiled program computes what the engine computes: a table of formulas filled down a column, and more."""
import pytest
import torch

from compile_books import ROWS, VARIABLES, book, check, column

# Each formula is filled down column L over rows 4..11 ({r} the row, {p} the row above, {n} the row below);
# $H$1:$J$1 are the variables. The engine's values after recalculation are the oracle.
FORMULAS = [
    "=A{r}*$H$1+B{r}",
    "=-$H$1^2+A{r}%-2^-$I$1",
    "=($H$1-A{r})/($I$1+2)",
    "=IF(A{r}*$H$1<0,0,A{r}*$H$1)",
    "=MAX(0,A{r}*$H$1)+MIN(B{r},$I$1)",
    "=MAX(A{r}:C{r})*$H$1+MIN(A{r}:C{r},$J$1)",
    "=SUMPRODUCT(A{r}:C{r},$H$1:$J$1)",
    "=SUMPRODUCT(A{r}:C{r},$H$1:$J$1,$H$2:$J$2)",
    "=SUM(A{r}:E{r})*$H$1",
    "=AVERAGE(A{r}:E{r})+$H$1",
    "=COUNT(A{r}:E{r})*$H$1",
    "=SUMSQ(A{r},$H$1)+PRODUCT(B{r}:C{r},$I$1)",
    "=SUM($H$1:$J$1,A{r},2)-AVERAGE($H$1:$J$1)",
    "=IFERROR(LN(A{r}*$H$1),-1)",
    "=IFERROR(1/A{r},$H$1)",
    "=1/A{r}*$H$1",
    "=IF(AND(A{r}>0,$H$1>0),SQRT(A{r}*$H$1),0)",
    "=IF(OR(A{r}>0,NOT(B{r}>0)),$H$1,$I$1)",
    "=IF(B{r}>$I$1,$H$1)",
    "=CHOOSE(D{r},$H$1,$I$1,$J$1)",
    "=CHOOSE(2,A{r},$H$1*B{r})",
    "=ROUND(A{r}*$H$1,2)+INT($I$1)+MOD(A{r}*10,3)*$J$1+TRUNC($H$1*7)",
    "=LET(z,A{r}*$H$1,z*z+z)",
    "=LAMBDA(x,y,x*y+x)($H$1,A{r})",
    "=SUM(MAP(A{r}:C{r},LAMBDA(v,v*2)))*$H$1",
    "=LAMBDA(x,[y],IF(ISOMITTED(y),x,x*y))(A{r}*$H$1,2)",
    "=EXP(-(A{r}*$H$1)^2)+ABS(B{r}-$I$1)+TANH($J$1)",
    "=POWER(ABS($H$1),1.5)+SQRT(C{r})*$I$1+LOG(C{r}+$J$1,2)",
    "=AVERAGE(A$4:A{r})*$H$1",
    "=SUM(A{p}:A{n})*$H$1",
    "=IF(E{r}=\"x\",$H$1,$I$1)",
    "=SUMXMY2(A{r}:C{r},$H$1:$J$1)+SUMX2MY2(A{r}:B{r},$H$1:$I$1)",
    "=Other!A{r}*$H$1",
    "=A{r}:A11*$H$1",
    "=SUM(A{r}:C{r}*$H$1:$J$1)",
    "=TRUE+($H$1>0)*2",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_filled_down_formula_equals_the_engine(text):
    wb = book({"L": text})
    check(wb, column("L"))


def test_a_lambda_called_by_its_name_is_differentiated_through():
    wb = book({"L": "=SCALED(A{r})+TWICE($I$1)"})
    wb.define_name("SCALED", "LAMBDA(x,x*S!$H$1)")
    wb.define_name("TWICE", "_xlfn.LAMBDA(_xlpm.x,_xlpm.x*2)")
    wb.recalculate()
    prog = check(wb, column("L"))
    x = prog.x0.clone().requires_grad_(True)
    sum(prog.forward(x)).backward()
    assert x.grad[0].item() == pytest.approx(sum(v for v in [0.5, -1.25, 2.0, 0.0, 3.5, -0.75, 1.5, -2.5]))
    assert x.grad[1].item() == pytest.approx(2.0 * 8)


@pytest.mark.parametrize("text", ["=SUM(A{r}:C{r}*$H$1:$J$1)", "=A{r}:C{r}*$H$1", "=AVERAGE(A4:A11*$H$1)"])
def test_dynamic_array_formulas_equal_the_engine(text):
    wb = book({"L": text}, dynamic=True)
    outputs = column("L")
    check(wb, outputs)


def test_a_running_total_reads_itself_and_is_compiled_cell_by_cell():
    wb = book({"L": "=N(L{p})+A{r}*$H$1"})
    prog = check(wb, column("L"))
    assert prog.forward(prog.x0)[-1] == pytest.approx(sum(a * 0.7 for a in (0.5, -1.25, 2.0, 0.0, 3.5, -0.75, 1.5,
                                                                              -2.5)))


def test_two_columns_reading_each_other_a_row_apart():
    wb = book({"L": "=A{r}*$H$1+N(M{p})", "M": "=L{r}*2"})
    check(wb, column("L") + column("M"))


def test_an_objective_over_per_row_blocks_and_a_loss():
    wb = book({"L": "=SUMPRODUCT(A{r}:C{r},$H$1:$J$1)", "M": "=(L{r}-B{r})^2"})
    wb.set_formula("S", 1, 1, "=AVERAGE(M4:M11)")
    wb.set_formula("S", 1, 2, "=SUM(L4:M11)/COUNT(M4:M11)")
    check(wb, [("S", 1, 1), ("S", 1, 2)])


def test_a_spilled_mmult_and_references_to_its_columns():
    wb = book()
    wb.set_formula("S", 4, 12, "=MMULT(A4:C11,TRANSPOSE(H1:J2))", dynamic=True)
    for r in ROWS:
        wb.set_formula("S", r, 14, f"=IF(L{r}<0,0,L{r})+MAX(M{r},0)")
    wb.set_formula("S", 1, 1, "=AVERAGE(N4:N11)+SUM(L4#)")
    assert wb.sheet("S").spills
    prog = check(wb, [("S", 1, 1), ("S", 5, 13)] + column("N"))
    assert prog.batch_rows is None  # the objective adds a second term: not a mean over rows


def test_a_legacy_array_formula():
    wb = book()
    from gdsheet.refs import Area
    wb.set_formula("S", 4, 12, "=A4:A11*$H$1+B4:B11", array=Area("S", 4, 12, 11, 12))
    wb.set_formula("S", 1, 1, "=SUM(L4:L11)")
    check(wb, [("S", 1, 1)] + column("L"))


def test_structured_references_names_and_let():
    from gdsheet.refs import Area
    from gdsheet.sheet.model import Table
    wb = book()
    wb.add_table(Table("T", "S", Area("S", 3, 1, 11, 5), ["A", "B", "C", "D", "E"]))
    wb.define_name("params", "S!$H$1:$J$1")
    wb.define_name("half", "0.5")
    wb.define_name("scaled", "S!$H$1*half")
    for r in ROWS:
        wb.set_formula("S", r, 12, "=SUMPRODUCT(T[[#This Row],[A]:[C]],params)")
        wb.set_formula("S", r, 13, "=T[[#This Row],[A]]*scaled/MAX(T[A])+LET(q,[@B],q*$I$1)")
    wb.set_formula("S", 1, 1, "=SUM(L4:M11)")
    check(wb, [("S", 1, 1)] + column("L") + column("M"))


def test_outputs_that_are_constants_variables_or_independent_formulas():
    wb = book({"L": "=A{r}*2"})
    wb.set_formula("S", 1, 1, "=SUM(L4:L11)")
    prog = check(wb, [("S", 1, 1), ("S", 1, 8), ("S", 4, 1)])
    assert prog.blockers() == ["3 variable cells (H1, I1, J1) do not affect the objective A1"]


def test_float32_and_x_of_the_variables():
    wb = book({"L": "=A{r}*$H$1"})
    from gdsheet.compile import compile_program
    prog = compile_program(wb, column("L"), VARIABLES, dtype=torch.float32)
    assert prog.x0.dtype == torch.float32
    assert prog.x0.tolist() == pytest.approx([0.7, -0.4, 1.3])
    assert float(prog.forward(torch.tensor([2.0, 0.0, 0.0]))[0]) == pytest.approx(1.0)
