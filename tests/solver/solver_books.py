"""Workbooks built in code for the solver's tests: the course's Titanic linear model and the small scenarios."""
import csv
import math
from pathlib import Path

from gdsheet.sheet.workbook import Workbook

TITANIC_CSV = Path(__file__).resolve().parents[2] / "resources" / "data" / "titanic_train.csv"
TITANIC_MSE = 0.1442271493  # the least-squares optimum of the course's linear model on the 712 complete rows


def titanic_linear(start: float = 0.1) -> Workbook:
    """Sheet 'linear' as the course builds it: features in A:J (the last one a column of ones), Survived in K,
    parameters in A2:J2, prediction L = SUMPRODUCT(features, $A$2:$J$2), squared error M, loss M1 = AVERAGE."""
    with open(TITANIC_CSV, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Age"] and r["Embarked"]]
    max_age = max(float(r["Age"]) for r in rows)
    max_fare = max(math.log10(float(r["Fare"]) + 1) for r in rows)
    wb = Workbook()
    wb.add_sheet("linear")
    values = [("linear", 2, 1 + j, start) for j in range(10)]
    for i, r in enumerate(rows):
        features = [float(r["SibSp"]), float(r["Parch"]), float(r["Age"]) / max_age,
                    math.log10(float(r["Fare"]) + 1) / max_fare, float(r["Pclass"] == "1"),
                    float(r["Pclass"] == "2"), float(r["Sex"] == "male"), float(r["Embarked"] == "C"),
                    float(r["Embarked"] == "S"), 1.0]
        values += [("linear", 5 + i, 1 + j, v) for j, v in enumerate(features)]
        values.append(("linear", 5 + i, 11, float(r["Survived"])))
    wb.set_values(values)
    last = 4 + len(rows)
    for row in range(5, last + 1):
        wb.set_formula("linear", row, 12, f"=SUMPRODUCT(A{row}:J{row},$A$2:$J$2)")
        wb.set_formula("linear", row, 13, f"=(L{row}-K{row})^2")
    wb.set_formula("linear", 1, 13, f"=AVERAGE(M5:M{last})")
    return wb


def one_cell(formula: str, x0: float) -> Workbook:
    """A1 = x0 (the variable), B1 = formula (the objective)."""
    wb = Workbook()
    wb.add_sheet("S")
    wb.set_value("S", 1, 1, x0)
    wb.set_formula("S", 1, 2, formula)
    return wb


def curve_fit(seed: int = 42) -> tuple[Workbook, list[float], list[float]]:
    """Book chapter 4: time 0..19 in A2:A21, speed = 3*randn + 0.75*(t-9.5)^2 + 1 in B2:B21, parameters a, b, c
    in E1:G1, prediction C = a*t^2+b*t+c, squared error D, loss H1 = mean squared error."""
    import numpy as np

    rng = np.random.default_rng(seed)
    t = [float(v) for v in range(20)]
    speed = [float(3 * rng.standard_normal() + 0.75 * (v - 9.5) ** 2 + 1) for v in t]
    wb = Workbook()
    wb.add_sheet("fit")
    wb.set_values([("fit", 2 + i, 1, v) for i, v in enumerate(t)] + [("fit", 2 + i, 2, v) for i, v in enumerate(speed)]
                  + [("fit", 1, 5 + j, 1.0) for j in range(3)])
    for row in range(2, 22):
        wb.set_formula("fit", row, 3, f"=$E$1*A{row}^2+$F$1*A{row}+$G$1")
        wb.set_formula("fit", row, 4, f"=(C{row}-B{row})^2")
    wb.set_formula("fit", 1, 8, "=AVERAGE(D2:D21)")
    return wb, t, speed
