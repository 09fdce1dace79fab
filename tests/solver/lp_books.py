"""Linear and integer models built in code and stored as Excel's Solver stores them (Simplex LP, solver_eng 2), each
with its data returned so a test can have scipy/HiGHS prove the optimum directly."""
from __future__ import annotations

import numpy as np

from gdsheet.refs import Area, col_letter
from gdsheet.sheet.workbook import Workbook

# what Excel 2010+ writes for a fresh Simplex LP model, options left at their defaults
EXCEL_DEFAULTS = {
    "solver_eng": "2", "solver_lin": "1", "solver_neg": "1", "solver_ver": "3", "solver_cvg": "0.0001",
    "solver_drv": "1", "solver_est": "1", "solver_itr": "2147483647", "solver_mip": "2147483647",
    "solver_mni": "30", "solver_mrt": "0.075", "solver_msl": "2", "solver_nod": "2147483647",
    "solver_pre": "0.000001", "solver_rbv": "1", "solver_rlx": "2", "solver_rsd": "0", "solver_scl": "1",
    "solver_sho": "2", "solver_ssz": "100", "solver_tim": "2147483647", "solver_tol": "0", "solver_typ": "2",
    "solver_val": "0", "solver_nwt": "1",
}
REL = {"<=": 1, "=": 2, ">=": 3, "int": 4, "bin": 5, "dif": 6}
WORD = {"int": '"integer"', "bin": '"binary"', "dif": '"AllDifferent"'}


def store_excel_model(wb: Workbook, sheet: str, objective: str, variables: str, constraints, sense: str = "min",
                      **options: str) -> None:
    """Define the hidden sheet-scoped solver_* names as Excel's Solver writes them (absolute, sheet-qualified)."""
    q = f"{sheet}!"
    names = dict(EXCEL_DEFAULTS, solver_opt=q + objective, solver_adj=q + variables,
                 solver_typ={"max": "1", "min": "2", "value": "3"}[sense], solver_num=str(len(constraints)))
    names.update(options)
    for k, (lhs, rel, rhs) in enumerate(constraints, 1):
        names[f"solver_lhs{k}"] = q + lhs
        names[f"solver_rel{k}"] = str(REL[rel])
        names[f"solver_rhs{k}"] = WORD.get(rel) or (q + rhs if "$" in rhs else rhs)
    for name, text in names.items():
        wb.define_name(name, text, scope=sheet, hidden=True)


def _a(r1: int, c1: int, r2: int | None = None, c2: int | None = None) -> str:
    return Area(None, r1, c1, r2 or r1, c2 or c1).a1(absolute=True)


def product_mix():
    """Three products on two machines and one labour pool, whole quantities: max profit. Returns (wb, c, A, b)."""
    profit = [30.0, 50.0, 42.0]
    use = [[2.0, 4.0, 3.0], [3.0, 2.0, 4.0], [1.5, 2.5, 2.0]]
    cap = [101.0, 97.0, 64.0]
    wb = Workbook()
    wb.add_sheet("Mix")
    s = "Mix"
    wb.set_values([(s, 1, 1, "Product"), (s, 2, 1, "Quantity"), (s, 3, 1, "Profit")]
                  + [(s, 1, 2 + j, f"P{j + 1}") for j in range(3)]
                  + [(s, 2, 2 + j, 0.0) for j in range(3)] + [(s, 3, 2 + j, profit[j]) for j in range(3)])
    for i in range(3):
        wb.set_values([(s, 5 + i, 1, f"Resource {i + 1}")] + [(s, 5 + i, 2 + j, use[i][j]) for j in range(3)]
                      + [(s, 5 + i, 7, cap[i])])
        wb.set_formula(s, 5 + i, 6, f"=SUMPRODUCT(B{5 + i}:D{5 + i},$B$2:$D$2)")
    wb.set_formula(s, 3, 6, "=SUMPRODUCT(B2:D2,B3:D3)")
    store_excel_model(wb, s, "$F$3", "$B$2:$D$2", [("$F$5:$F$7", "<=", "$G$5:$G$7"), ("$B$2:$D$2", "int", "")],
                      sense="max")
    return wb, np.array(profit), np.array(use), np.array(cap)


def knapsack():
    """Ten items, a weight limit, binary choices: max value. Returns (wb, values, weights, capacity)."""
    value = np.array([60, 100, 120, 80, 30, 70, 90, 40, 55, 65], dtype=float)
    weight = np.array([10, 20, 30, 15, 5, 18, 22, 9, 14, 16], dtype=float)
    cap = 75.0
    wb = Workbook()
    s = "Knap"
    wb.add_sheet(s)
    wb.set_values([(s, 1, 1, "Take"), (s, 2, 1, "Value"), (s, 3, 1, "Weight"), (s, 5, 1, "Capacity"),
                   (s, 5, 2, cap)]
                  + [(s, 1, 2 + j, 0.0) for j in range(10)] + [(s, 2, 2 + j, float(value[j])) for j in range(10)]
                  + [(s, 3, 2 + j, float(weight[j])) for j in range(10)])
    wb.set_formula(s, 6, 2, "=SUMPRODUCT(B1:K1,B3:K3)")
    wb.set_formula(s, 7, 2, "=SUMPRODUCT(B1:K1,B2:K2)")
    store_excel_model(wb, s, "$B$7", "$B$1:$K$1", [("$B$1:$K$1", "bin", ""), ("$B$6", "<=", "$B$5")],
                      sense="max")
    return wb, value, weight, cap


def transport(sources: int, sinks: int, seed: int = 0):
    """A balanced-enough transport LP: costs in a block, shipments in a block of the same shape, each source's
    total <= its supply, each sink's total >= its demand; min total cost. Returns (wb, cost, supply, demand)."""
    rng = np.random.default_rng(seed)
    cost = np.round(rng.uniform(1, 20, (sources, sinks)), 2)
    demand = np.round(rng.uniform(5, 15, sinks), 1)
    supply = np.round(rng.uniform(1.0, 1.3, sources) * demand.sum() / sources, 1)
    s = "Transport"
    wb = Workbook()
    wb.add_sheet(s)
    top, ship = 2, sources + 4  # costs at rows 2.., shipments at rows ship..
    last_c = 1 + sinks
    values = []
    for i in range(sources):
        values += [(s, top + i, 2 + j, float(cost[i, j])) for j in range(sinks)]
        values += [(s, ship + i, 2 + j, 0.0) for j in range(sinks)]
        values.append((s, ship + i, last_c + 2, float(supply[i])))
    values += [(s, ship + sources + 1, 2 + j, float(demand[j])) for j in range(sinks)]
    values += [(s, 1, 1, "Cost"), (s, ship - 1, 1, "Shipments")]
    wb.set_values(values)
    L = col_letter(last_c)
    for i in range(sources):
        r = ship + i
        wb.set_formula(s, r, last_c + 1, f"=SUM(B{r}:{L}{r})")
    for j in range(sinks):
        c = col_letter(2 + j)
        wb.set_formula(s, ship + sources, 2 + j, f"=SUM({c}{ship}:{c}{ship + sources - 1})")
    last_r = ship + sources - 1
    wb.set_formula(s, 1, 2, f"=SUMPRODUCT(B{top}:{L}{top + sources - 1},B{ship}:{L}{last_r})")
    store_excel_model(wb, s, "$B$1", _a(ship, 2, last_r, last_c), [
        (_a(ship, last_c + 1, last_r, last_c + 1), "<=", _a(ship, last_c + 2, last_r, last_c + 2)),
        (_a(ship + sources, 2, ship + sources, last_c), ">=", _a(ship + sources + 1, 2, ship + sources + 1, last_c)),
    ])
    return wb, cost, supply, demand


def assignment():
    """Four tasks get the positions 1..4 in some order (C2:C5 AllDifferent); min the weighted total
    SUMPRODUCT(weights, positions). Returns (wb, weights)."""
    weights = np.array([3.0, 1.0, 4.0, 2.0])
    s = "Assign"
    wb = Workbook()
    wb.add_sheet(s)
    wb.set_values([(s, 2 + i, 3, float(i + 1)) for i in range(4)] + [(s, 2 + i, 2, float(w))
                                                                      for i, w in enumerate(weights)])
    wb.set_formula(s, 1, 4, "=SUMPRODUCT(B2:B5,C2:C5)")
    store_excel_model(wb, s, "$D$1", "$C$2:$C$5", [("$C$2:$C$5", "dif", "")])
    return wb, weights


def infeasible():
    """x + y >= 10 with x <= 3 and y <= 4 (and non-negative): no point satisfies them."""
    s = "Inf"
    wb = Workbook()
    wb.add_sheet(s)
    wb.set_values([(s, 1, 1, 0.0), (s, 1, 2, 0.0), (s, 3, 1, 10.0)])
    wb.set_formula(s, 2, 1, "=A1+B1")
    wb.set_formula(s, 4, 1, "=2*A1+3*B1")
    store_excel_model(wb, s, "$A$4", "$A$1:$B$1", [("$A$2", ">=", "$A$3"), ("$A$1", "<=", "3"),
                                                   ("$B$1", "<=", "4")])
    return wb


def unbounded():
    """max x + y with x - y <= 1: y grows without limit."""
    s = "Unb"
    wb = Workbook()
    wb.add_sheet(s)
    wb.set_values([(s, 1, 1, 0.0), (s, 1, 2, 0.0)])
    wb.set_formula(s, 2, 1, "=A1-B1")
    wb.set_formula(s, 4, 1, "=A1+B1")
    store_excel_model(wb, s, "$A$4", "$A$1:$B$1", [("$A$2", "<=", "1")], sense="max")
    return wb
