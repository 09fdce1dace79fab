"""Differential test: statistics, distributions and conditional aggregates evaluated by gdsheet and by IronCalc."""
import random

import pytest

from oracle import agree, ironcalc_values, new_workbook

pytest.importorskip("ironcalc")  # the oracle

ROWS = 20
_rnd = random.Random(20240611)


def _column(make):
    return [make(i) for i in range(ROWS)]


def _mixed(i):
    kind = _rnd.choice(["num", "num", "num", "text", "bool", "blank"])
    return {"num": round(_rnd.uniform(-5, 5), 2), "text": _rnd.choice(["abc", "x", "b"]),
            "bool": _rnd.random() < 0.5, "blank": None}[kind]


# A: any sign, B: positive, C: mixed types, D: categories, E: small integers (ties)
DATA = {
    "A": _column(lambda i: round(_rnd.uniform(-10, 10), 3)),
    "B": _column(lambda i: round(_rnd.uniform(0.5, 20), 3)),
    "C": _column(_mixed),
    "D": _column(lambda i: _rnd.choice(["a", "b", "c", "ab", "B", "bc"])),
    "E": _column(lambda i: float(_rnd.randint(1, 5))),
}

RANGES = ["A1:A20", "B1:B20", "C1:C20", "E1:E20", "A1:B10", "A3:A9", "C1:E20"]
AGGREGATES = ["AVERAGE", "AVERAGEA", "COUNT", "COUNTA", "MAX", "MAXA", "MIN", "MINA", "MEDIAN", "MODE.SNGL",
              "STDEV.S", "STDEV.P", "STDEVA", "STDEVPA", "VAR.S", "VAR.P", "VARA", "VARPA", "DEVSQ", "AVEDEV",
              "GEOMEAN", "HARMEAN", "KURT", "SKEW", "SKEW.P", "STDEV", "VAR", "VARP", "STDEVP", "MODE"]
PAIRED = ["CORREL", "PEARSON", "COVARIANCE.P", "COVARIANCE.S", "COVAR", "SLOPE", "INTERCEPT", "RSQ", "STEYX"]
PAIRS = [("A1:A20", "B1:B20"), ("B1:B20", "A1:A20"), ("A1:A20", "C1:C20"), ("E1:E20", "A1:A20"), ("A2:A6", "B4:B8")]
# criteria where IronCalc agrees with Excel: it treats "=" like "" and "<>text" as text-only, and its "<=text"
# matches "c" as well as "b", so those are left out
CRITERIA = ['"a"', '"b"', '"a*"', '"?b"', '"*c"', '">b"', '"<b"', '">0"', '"<=2.5"', '"<>3"', "3", '">=-1.5"',
            '"<>"', '""', "D1", "E2", '"B"', '"<5"']


def _u(lo, hi, nd=3):
    return round(_rnd.uniform(lo, hi), nd)


def _b():
    return _rnd.choice(["TRUE", "FALSE"])


# argument makers for the scalar functions; some reach outside the domain so that errors are compared too
SCALAR = {
    "NORM.DIST": lambda: (_u(-4, 4), _u(-1, 1), _u(-0.2, 3), _b()),
    "NORM.S.DIST": lambda: (_u(-5, 5), _b()),
    "NORMSDIST": lambda: (_u(-5, 5),),
    "NORM.INV": lambda: (_u(-0.05, 1.05), _u(-2, 2), _u(-0.2, 3)),
    "NORM.S.INV": lambda: (_u(-0.05, 1.05),),
    "PHI": lambda: (_u(-4, 4),),
    "GAUSS": lambda: (_u(-4, 4),),
    "STANDARDIZE": lambda: (_u(-5, 5), _u(-1, 1), _u(-0.5, 3)),
    "GAMMA": lambda: (_rnd.choice([_u(-4.5, 10), float(_rnd.randint(-3, 6))]),),
    "GAMMALN": lambda: (_u(-1, 30),),
    "GAMMALN.PRECISE": lambda: (_u(-1, 30),),
    "GAMMA.DIST": lambda: (_u(-0.5, 20), _u(-0.2, 8), _u(0.1, 4), _b()),
    "GAMMA.INV": lambda: (_u(-0.05, 1), _u(0.2, 8), _u(0.1, 4)),
    "EXPON.DIST": lambda: (_u(-0.5, 5), _u(-0.2, 4), _b()),
    "LOGNORM.DIST": lambda: (_u(-0.5, 10), _u(-1, 2), _u(0.1, 2), _b()),
    "LOGNORM.INV": lambda: (_u(0, 1), _u(-1, 2), _u(0.1, 2)),
    "BINOM.DIST": lambda: (_rnd.randint(-1, 12), _rnd.randint(0, 12), _u(-0.1, 1.1), _b()),
    "POISSON.DIST": lambda: (_rnd.randint(-1, 15), _u(0, 8), _b()),
    "T.DIST": lambda: (_u(-5, 5), _rnd.randint(0, 30), _b()),
    "T.DIST.2T": lambda: (_u(-0.5, 5), _rnd.randint(1, 30)),
    "T.DIST.RT": lambda: (_u(-5, 5), _rnd.randint(1, 30)),
    "T.INV": lambda: (_u(0.001, 0.999), _rnd.randint(1, 30)),
    "T.INV.2T": lambda: (_u(0.001, 1), _rnd.randint(1, 30)),
    "CHISQ.DIST": lambda: (_u(-0.5, 30), _rnd.randint(1, 20), _b()),
    "CHISQ.INV": lambda: (_u(0, 0.999), _rnd.randint(1, 20)),
    "F.DIST": lambda: (_u(-0.5, 8), _rnd.randint(1, 20), _rnd.randint(1, 20), _b()),
    "BETA.DIST": lambda: (_u(0, 1), _u(0.5, 5), _u(0.5, 5), _b()),
    "WEIBULL.DIST": lambda: (_u(-0.5, 5), _u(0.2, 4), _u(0.2, 4), _b()),
    "CONFIDENCE.NORM": lambda: (_u(0.001, 0.999), _u(0.1, 5), _rnd.randint(1, 100)),
    "CONFIDENCE.T": lambda: (_u(0.001, 0.999), _u(0.1, 5), _rnd.randint(2, 100)),
    "FISHER": lambda: (_u(-1.2, 1.2),),
    "FISHERINV": lambda: (_u(-5, 5),),
    "ERF": lambda: (_u(-3, 3),),
    "ERF.PRECISE": lambda: (_u(-3, 3),),
    "ERFC": lambda: (_u(-3, 3),),
    "ERFC.PRECISE": lambda: (_u(-3, 3),),
}


def _formulas() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for fn in AGGREGATES:
        out[fn] = [f"={fn}({r})" for r in RANGES] + [f"={fn}({r},{_u(-3, 3)})" for r in RANGES[:3]]
    out["COUNTBLANK"] = [f"=COUNTBLANK({r})" for r in RANGES]
    for fn in PAIRED:
        # IronCalc's COVARIANCE.* count the numbers of each array apart (#N/A when they differ); Excel, as for
        # CORREL and SLOPE, drops the pairs holding a non-number, so the pair with mixed column C is left out
        out[fn] = [f"={fn}({y},{x})" for y, x in PAIRS if not (fn.startswith("COVAR") and "C1" in x)]
    out["FORECAST"] = [f"=FORECAST({_u(-5, 5)},{y},{x})" for y, x in PAIRS]
    out["FORECAST.LINEAR"] = [f"=FORECAST.LINEAR({_u(-5, 5)},{y},{x})" for y, x in PAIRS]
    for fn in ("LARGE", "SMALL"):
        out[fn] = [f"={fn}({r},{_rnd.randint(0, 21)})" for r in RANGES for _ in range(2)]
    for fn in ("PERCENTILE", "PERCENTILE.INC", "PERCENTILE.EXC"):
        out[fn] = [f"={fn}({r},{_u(-0.05, 1.05)})" for r in RANGES for _ in range(2)]
    for fn in ("QUARTILE", "QUARTILE.INC", "QUARTILE.EXC"):
        out[fn] = [f"={fn}({r},{_rnd.randint(-1, 5)})" for r in RANGES]
    for fn in ("PERCENTRANK", "PERCENTRANK.INC", "PERCENTRANK.EXC"):
        out[fn] = [f"={fn}({r},{_u(-10, 10)},{_rnd.randint(1, 5)})" for r in RANGES[:2] for _ in range(4)]
        out[fn] += [f"={fn}(E1:E20,{_rnd.randint(1, 5)})" for _ in range(3)]
    for fn in ("RANK", "RANK.EQ", "RANK.AVG"):
        out[fn] = [f"={fn}({col}{_rnd.randint(1, 20)},{col}1:{col}20,{_rnd.randint(0, 1)})" for col in "ABE"
                   for _ in range(3)]
    out["TRIMMEAN"] = [f"=TRIMMEAN({r},{_u(0, 0.9, 2)})" for r in RANGES]
    for fn, args in SCALAR.items():
        out[fn] = [f"={fn}({','.join(str(a) for a in args())})" for _ in range(12)]
    out["COUNTIF"] = [f"=COUNTIF({r},{c})" for c in CRITERIA for r in ("D1:D20", "A1:A20", "C1:C20")]
    out["SUMIF"] = [f"=SUMIF(D1:D20,{c},{r})" for c in CRITERIA for r in ("A1:A20", "C1:C20")]
    out["SUMIF"] += [f"=SUMIF(A1:A20,{c})" for c in CRITERIA]
    out["AVERAGEIF"] = [f"=AVERAGEIF(D1:D20,{c},B1:B20)" for c in CRITERIA] + [f"=AVERAGEIF(E1:E20,{c})" for c in CRITERIA]

    def pairs():
        return f"D1:D20,{_rnd.choice(CRITERIA)},E1:E20,{_rnd.choice(CRITERIA)}"

    out["COUNTIFS"] = [f"=COUNTIFS({pairs()})" for _ in range(15)]
    for fn in ("SUMIFS", "AVERAGEIFS", "MAXIFS", "MINIFS"):
        out[fn] = [f"={fn}(A1:A20,{pairs()})" for _ in range(15)]
    return out


FORMULAS = _formulas()


@pytest.fixture(scope="module")
def results():
    """{formula: (gdsheet value, IronCalc value)} for every generated formula."""
    cells = [(r + 1, ci + 1, v) for ci, col in enumerate(DATA.values()) for r, v in enumerate(col)]
    wb = new_workbook((r, c, v) for r, c, v in cells if v is not None)
    flat = [f for fs in FORMULAS.values() for f in fs]
    theirs = ironcalc_values(flat, cells, col=10)
    return {f: (wb.evaluate(f, row=i + 1, col=10), t) for i, (f, t) in enumerate(zip(flat, theirs))}


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_gdsheet_agrees_with_ironcalc(results, name):
    bad = [(f, *results[f]) for f in FORMULAS[name] if not agree(*results[f], abs=1e-12, exact_types=True)]
    assert not bad, "\n".join(f"{f}: gdsheet {o!r}, IronCalc {t!r}" for f, o, t in bad)


def test_enough_formulas_are_compared():
    assert sum(map(len, FORMULAS.values())) > 600
