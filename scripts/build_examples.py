"""Build the example workbooks in resources/examples/ (run from anywhere; the results are committed).

Each workbook carries its Solver model the way Excel's Solver stores one (hidden sheet-scoped solver_* names),
plus gdsheet's own gdsheet_method / gdsheet_lr names, which Excel ignores. openpyxl writes no cached values, so
the files ask Excel to recalculate on open; gdsheet recalculates anyway.

Titanic features: least squares over SibSp, Parch, Age_N = Age/MAX(Age), Log_Fare = LOG10(Fare+1), Pclass_1,
Pclass_2, Embark_S, Embark_C, Male, Ones gives MSE 0.1442271493 on the 712 rows with Age and Embarked, the
course's number. Scaling a column does not move that optimum (Ones absorbs shifts, the weights absorb scale), so
Age_N and Log_Fare are kept unscaled; only the nonlinear choice (log of Fare+1) matters.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import openpyxl
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import Table, TableStyleInfo

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "examples"
TITANIC_CSV = ROOT / "resources" / "data" / "titanic_train.csv"

# What Excel 2016+ writes for a fresh GRG Nonlinear model; gdsheet reads the ones it uses and keeps the rest.
EXCEL_SOLVER_DEFAULTS = {
    "solver_cvg": "0.0001", "solver_drv": "1", "solver_eng": "1", "solver_est": "1", "solver_itr": "2147483647",
    "solver_lin": "2", "solver_mip": "2147483647", "solver_mni": "30", "solver_mrt": "0.075", "solver_msl": "2",
    "solver_neg": "2", "solver_nod": "2147483647", "solver_num": "0", "solver_nwt": "1", "solver_pre": "0.000001",
    "solver_rbv": "1", "solver_rlx": "2", "solver_rsd": "0", "solver_scl": "1", "solver_sho": "2",
    "solver_ssz": "100", "solver_tim": "2147483647", "solver_typ": "2", "solver_val": "0", "solver_ver": "3",
}
# The data columns used as features, in the course's order; the model sheets' columns B..K follow it.
FEATURES = ["SibSp", "Parch", "Age_N", "Log_Fare", "Pclass_1", "Pclass_2", "Embark_S", "Embark_C", "Male", "Ones"]
RAW = ["PassengerId", "Survived", "Pclass", "Name", "Sex", "Age", "SibSp", "Parch", "Ticket", "Fare", "Cabin",
       "Embarked"]
DERIVED = {  # structured references as Excel stores them in the file ([@Sex] is only how the formula bar shows it)
    "Male": '=IF(Table1[[#This Row],[Sex]]="male",1,0)',
    "Pclass_1": "=IF(Table1[[#This Row],[Pclass]]=1,1,0)",
    "Pclass_2": "=IF(Table1[[#This Row],[Pclass]]=2,1,0)",
    "Embark_S": '=IF(Table1[[#This Row],[Embarked]]="S",1,0)',
    "Embark_C": '=IF(Table1[[#This Row],[Embarked]]="C",1,0)',
    "Age_N": "=Table1[[#This Row],[Age]]/MAX(Table1[Age])",
    "Log_Fare": "=LOG10(Table1[[#This Row],[Fare]]+1)",
}
FIRST, N_ROWS = 4, 712  # model sheets: header in row 3, passengers in rows 4..715
LAST = FIRST + N_ROWS - 1


def solver_model(ws, objective: str, changing: str, method: str, lr: float, iterations: int | None = None,
                 starts: int = 1) -> None:
    """Store a minimisation model on `ws` as hidden sheet-scoped names, as Excel's Solver does (multistart as
    Excel's "Use Multistart" with its population size)."""
    values = dict(EXCEL_SOLVER_DEFAULTS, solver_opt=f"{ws.title}!{objective}", solver_adj=f"{ws.title}!{changing}")
    if iterations is not None:
        values["solver_itr"] = str(iterations)
    if starts > 1:
        values.update(solver_msl="1", solver_ssz=str(starts))
    values.update(gdsheet_method=f'"{method}"', gdsheet_lr=repr(lr))
    for name, text in sorted(values.items()):
        ws.defined_names[name] = DefinedName(name, attr_text=text, hidden=True)


def new_book(title: str):
    book = openpyxl.Workbook()
    book.active.title = title
    return book, book.active


def save(book, out: Path, name: str) -> None:
    book.calculation.fullCalcOnLoad = True
    book.save(out / name)


def scalar_examples(out: Path) -> None:
    book, ws = new_book("Sheet1")
    ws["A1"], ws["B1"] = -3, "=1.2*A1^2+4"
    ws["A3"] = "Minimise B1 by changing A1: plain gradient descent, learning rate 0.2, 10 steps."
    solver_model(ws, "$B$1", "$A$1", "gd", 0.2, iterations=10)
    save(book, out, "parabola.xlsx")

    for name, x, lr, steps, note in [
        ("too_large_lr.xlsx", 2, 0.1, 10, "learning rate 0.1 is too large: the steps diverge"),
        ("oscillation.xlsx", 1, 0.01, 100, "learning rate 0.01 settles at x = 3"),
    ]:
        book, ws = new_book("Sheet1")
        ws["A1"], ws["B1"] = x, "=(A1^2-9)^2"
        ws["A3"] = f"Find x with x^2 = 9 by minimising B1 = (x^2-9)^2; {note}."
        solver_model(ws, "$B$1", "$A$1", "gd", lr, iterations=steps)
        save(book, out, name)


def curve_fit(out: Path) -> None:
    """Book chapter 4: speed = 3*randn + 0.75*(time-9.5)^2 + 1 over time 0..19, fitted by a*t^2+b*t+c."""
    rng = np.random.default_rng(42)
    time = np.arange(20.0)
    speed = 3 * rng.standard_normal(20) + 0.75 * (time - 9.5) ** 2 + 1
    book, ws = new_book("Sheet1")
    for row, (label, start) in enumerate(zip("abc", rng.standard_normal(3).round(4)), start=1):
        ws.cell(row, 1, label)
        ws.cell(row, 2, float(start))
        book.defined_names[f"param_{label}"] = DefinedName(f"param_{label}", attr_text=f"Sheet1!$B${row}")
    ws["A4"], ws["B4"] = "MSE", "=AVERAGE(D7:D26)"
    for col, head in enumerate(["time", "speed", "prediction", "squared error"], start=1):
        ws.cell(6, col, head)
    for i, (t, s) in enumerate(zip(time, speed)):
        r = 7 + i
        ws.cell(r, 1, float(t))
        ws.cell(r, 2, round(float(s), 4))
        ws.cell(r, 3, f"=$B$1*A{r}^2+$B$2*A{r}+$B$3")
        ws.cell(r, 4, f"=(C{r}-B{r})^2")
    solver_model(ws, "$B$4", "$B$1:$B$3", "lbfgs", 1.0, iterations=1000)
    save(book, out, "curve_fit.xlsx")


def titanic_rows() -> list[dict[str, str]]:
    with open(TITANIC_CSV, newline="", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["Age"] and r["Embarked"]]


def _number(text: str):
    try:
        return float(text) if "." in text or "e" in text.lower() else int(text)
    except ValueError:
        return text


def titanic_data(book, rows: list[dict[str, str]]) -> None:
    ws = book.active
    ws.title = "data"
    columns = RAW + list(DERIVED) + ["Ones"]
    ws.append(columns)
    for r in rows:
        ws.append([None if r[c] == "" else _number(r[c]) if c not in ("Name", "Ticket") else r[c] for c in RAW]
                  + list(DERIVED.values()) + [1])
    table = Table(displayName="Table1", ref=f"A1:{openpyxl.utils.get_column_letter(len(columns))}{len(rows) + 1}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.column_dimensions["D"].width = 40


def _feature_rows(ws, data_cols: dict[str, str]) -> None:
    """Row 3 headers and rows 4..715: A = Survived, B..K = the features, read from the data sheet."""
    ws.cell(3, 1, "Survived")
    for j, feature in enumerate(FEATURES):
        ws.cell(3, 2 + j, feature)
    for r in range(FIRST, LAST + 1):
        d = r - FIRST + 2
        ws.cell(r, 1, f"=data!{data_cols['Survived']}{d}")
        for j, feature in enumerate(FEATURES):
            ws.cell(r, 2 + j, f"=data!{data_cols[feature]}{d}")


def titanic(out: Path) -> None:
    rows = titanic_rows()
    assert len(rows) == N_ROWS, len(rows)
    book = openpyxl.Workbook()
    titanic_data(book, rows)
    letters = {c: openpyxl.utils.get_column_letter(i) for i, c in enumerate(RAW + list(DERIVED) + ["Ones"], 1)}
    rng = np.random.default_rng(0)  # the course's first step: random weights in [-0.5, 0.5]
    start = rng.uniform(-0.5, 0.5, (3, len(FEATURES))).round(4)

    ws = book.create_sheet("linear")
    _feature_rows(ws, letters)
    ws["A1"] = "Params"
    for j in range(len(FEATURES)):
        ws.cell(1, 2 + j, float(start[0, j]))
    ws["L3"], ws["M3"] = "Linear", "Error²"
    for r in range(FIRST, LAST + 1):
        ws[f"L{r}"] = f"=SUMPRODUCT(B{r}:K{r},$B$1:$K$1)"
        ws[f"M{r}"] = f"=(L{r}-A{r})^2"
    ws["M1"], ws["N1"] = "Loss", f"=AVERAGE(M{FIRST}:M{LAST})"
    solver_model(ws, "$N$1", "$B$1:$K$1", "lbfgs", 1.0, iterations=1000)

    ws = book.create_sheet("nnet")
    _feature_rows(ws, letters)
    ws["A1"], ws["A2"] = "Unit 1", "Unit 2"
    for i in range(2):
        for j in range(len(FEATURES)):
            ws.cell(1 + i, 2 + j, float(start[1 + i, j]))
    ws["L3"], ws["M3"], ws["N3"], ws["O3"] = "Unit 1", "Unit 2", "Prediction", "Error²"
    for r in range(FIRST, LAST + 1):
        ws[f"L{r}"] = f"=SUMPRODUCT(B{r}:K{r},$B$1:$K$1)"
        ws[f"M{r}"] = f"=SUMPRODUCT(B{r}:K{r},$B$2:$K$2)"
        ws[f"N{r}"] = f"=IF(L{r}<0,0,L{r})+IF(M{r}<0,0,M{r})"
        ws[f"O{r}"] = f"=(N{r}-A{r})^2"
    ws["M1"], ws["N1"] = "Loss", f"=AVERAGE(O{FIRST}:O{LAST})"
    # eight L-BFGS starts: the best lands below 0.1431521, the local minimum Excel's GRG Solver stops at
    solver_model(ws, "$N$1", "$B$1:$K$2", "lbfgs", 1.0, iterations=1000, starts=8)

    ws = book.create_sheet("mmult")  # the same net and start as nnet, its two units from one spilled MMULT
    _feature_rows(ws, letters)
    ws["M3"], ws["N3"] = "Unit 1", "Unit 2"
    for j, feature in enumerate(FEATURES):
        ws.cell(FIRST + j, 12, feature)
        ws.cell(FIRST + j, 13, float(start[1, j]))
        ws.cell(FIRST + j, 14, float(start[2, j]))
    ws["P3"], ws["Q3"], ws["R3"], ws["S3"] = "Unit 1", "Unit 2", "Prediction", "Error²"
    # A dynamic MMULT spills over P4:Q715; openpyxl cannot mark it dynamic, so it is stored as an array formula
    # over the whole spill range, which every Excel reads the same way.
    ws[f"P{FIRST}"] = ArrayFormula(f"P{FIRST}:Q{LAST}", f"=MMULT(B{FIRST}:K{LAST},$M$4:$N$13)")
    for r in range(FIRST, LAST + 1):
        ws[f"R{r}"] = f"=IF(P{r}<0,0,P{r})+IF(Q{r}<0,0,Q{r})"
        ws[f"S{r}"] = f"=(R{r}-A{r})^2"
    ws["M1"], ws["N1"] = "Loss", f"=AVERAGE(S{FIRST}:S{LAST})"
    solver_model(ws, "$N$1", "$M$4:$N$13", "lbfgs", 1.0, iterations=1000, starts=8)

    book.active = 1
    save(book, out, "titanic.xlsx")


def build(out: Path = OUT) -> list[Path]:
    """Write every example workbook into `out`; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    scalar_examples(out)
    curve_fit(out)
    titanic(out)
    return sorted(out.glob("*.xlsx"))


def main() -> None:
    for path in build():
        print(path)


if __name__ == "__main__":
    main()
