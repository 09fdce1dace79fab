"""Workbooks for the scale benchmarks (not a test), written with openpyxl's write-only mode so that building a
million rows stays cheap.

- `titanic_linear(path, rows)`: the course's linear Titanic model (resources/examples/titanic.xlsx, sheet `linear`)
  stretched to `rows` passengers by repeating the 712 real ones: A = Survived, B..K = the ten features as numbers,
  L = SUMPRODUCT(B:K, $B$1:$K$1), M = the squared error, N1 = AVERAGE of M. 13 cells and 2 formulas per row.
- `convolution(path)`: a convolution layer as a course sheet lays it out: one 30x30 image, 3x3 filters, each
  filter's 28x28 feature map (SUMPRODUCT of the 3x3 window and the filter) and its ReLU, side by side.
"""
from __future__ import annotations

import csv
import math
import random
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter as col

ROOT = Path(__file__).resolve().parents[1]
TITANIC_CSV = ROOT / "resources" / "data" / "titanic_train.csv"
FIRST = 4  # first passenger row, as in titanic.xlsx


def titanic_features() -> list[list[float]]:
    """[Survived, SibSp, Parch, Age_N, Log_Fare, Pclass_1, Pclass_2, Embark_S, Embark_C, Male, Ones] per passenger
    with Age and Embarked, as the example workbook computes them."""
    with open(TITANIC_CSV, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Age"] and r["Embarked"]]
    top = max(float(r["Age"]) for r in rows)
    return [[float(r["Survived"]), float(r["SibSp"]), float(r["Parch"]), float(r["Age"]) / top,
             math.log10(float(r["Fare"]) + 1), float(r["Pclass"] == "1"), float(r["Pclass"] == "2"),
             float(r["Embarked"] == "S"), float(r["Embarked"] == "C"), float(r["Sex"] == "male"), 1.0]
            for r in rows]


def titanic_linear(path: Path, rows: int) -> None:
    data = titanic_features()
    rng = random.Random(0)
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("linear")
    last = FIRST + rows - 1
    ws.append(["Params"] + [round(rng.uniform(-0.5, 0.5), 4) for _ in range(10)]
              + [None, "Loss", f"=AVERAGE(M{FIRST}:M{last})"])
    ws.append([])
    ws.append(["Survived", "SibSp", "Parch", "Age_N", "Log_Fare", "Pclass_1", "Pclass_2", "Embark_S", "Embark_C",
               "Male", "Ones", "Linear", "Error²"])
    for i in range(rows):
        r = FIRST + i
        ws.append(data[i % len(data)] + [f"=SUMPRODUCT(B{r}:K{r},$B$1:$K$1)", f"=(L{r}-A{r})^2"])
    book.save(path)


IMAGE = 30  # the image is IMAGE x IMAGE, at A1
KERNEL = 3


def convolution(path: Path, filters: int = 6) -> int:
    """Write the sheet; returns its number of formulas (2 x filters x 28 x 28)."""
    rng = random.Random(0)
    out = IMAGE - KERNEL + 1
    grid: dict[tuple[int, int], object] = {}
    for r in range(1, IMAGE + 1):
        for c in range(1, IMAGE + 1):
            grid[(r, c)] = rng.randint(0, 255) / 255
    formulas = 0
    for f in range(filters):
        top = IMAGE + 2 + f * (KERNEL + 1)  # filters stacked under the image
        for i in range(KERNEL):
            for j in range(KERNEL):
                grid[(top + i, 1 + j)] = round(rng.uniform(-1, 1), 3)
        kernel = f"${col(1)}${top}:${col(KERNEL)}${top + KERNEL - 1}"
        left = IMAGE + 2 + f * 2 * (out + 1)  # feature map, then its ReLU, right of the image
        for r in range(1, out + 1):
            for c in range(1, out + 1):
                window = f"{col(c)}{r}:{col(c + KERNEL - 1)}{r + KERNEL - 1}"
                grid[(r, left + c - 1)] = f"=SUMPRODUCT({window},{kernel})"
                grid[(r, left + out + 1 + c - 1)] = f"=MAX(0,{col(left + c - 1)}{r})"
                formulas += 2
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("conv")
    height = max(r for r, _ in grid)
    width = max(c for _, c in grid)
    for r in range(1, height + 1):
        ws.append([grid.get((r, c)) for c in range(1, width + 1)])
    book.save(path)
    return formulas
