"""Syntax tree -> formula text (with '='), for display, for files (with the _xlfn. prefixes) and for R1C1 keys."""
from __future__ import annotations

import re

from gdsheet.formula import ast as A
from gdsheet.formula.parser import BINARY, PERCENT_BP, PREFIX_BP, TRIM_OPERATORS
from gdsheet.refs import MAX_COL, MAX_ROW, col_letter, quote_sheet

# Functions Excel added after 2007: a file must spell them _xlfn.NAME or older Excel reads them as unknown names.
FUTURE_FUNCTIONS = frozenset("""
AGGREGATE ARABIC BASE BETA.DIST BINOM.DIST BITAND BITLSHIFT BITOR BITRSHIFT BITXOR CEILING.MATH CEILING.PRECISE
CHISQ.DIST CHISQ.INV CHOOSECOLS CHOOSEROWS COMBINA CONCAT CONFIDENCE.NORM CONFIDENCE.T COT COTH COVARIANCE.P
COVARIANCE.S CSC CSCH DAYS DECIMAL DROP ERF.PRECISE ERFC.PRECISE EXPAND EXPON.DIST F.DIST FILTER FLOOR.MATH
FLOOR.PRECISE FORECAST.LINEAR GAMMA GAMMA.DIST GAMMA.INV GAMMALN.PRECISE GAUSS HSTACK IFNA IFS ISFORMULA ISOWEEKNUM
LAMBDA LET LOGNORM.DIST LOGNORM.INV MAXIFS MINIFS MODE.MULT MODE.SNGL MUNIT NETWORKDAYS.INTL NORM.DIST NORM.INV
NORM.S.DIST NORM.S.INV NUMBERVALUE PERCENTILE.EXC PERCENTILE.INC PERCENTRANK.EXC PERCENTRANK.INC PERMUTATIONA PHI
POISSON.DIST QUARTILE.EXC QUARTILE.INC RANDARRAY RANK.AVG RANK.EQ SEC SECH SEQUENCE SHEET SHEETS SKEW.P SORT SORTBY
STDEV.P STDEV.S SWITCH T.DIST T.DIST.2T T.DIST.RT T.INV T.INV.2T TAKE TEXTAFTER TEXTBEFORE TEXTJOIN TEXTSPLIT TOCOL
TOROW UNICHAR UNICODE UNIQUE VAR.P VAR.S VSTACK WEIBULL.DIST WORKDAY.INTL WRAPCOLS WRAPROWS XLOOKUP XMATCH XOR
MAP REDUCE SCAN BYROW BYCOL MAKEARRAY ISOMITTED ARRAYTOTEXT VALUETOTEXT PERCENTOF GROUPBY PIVOTBY TRIMRANGE
ENCODEURL WEBSERVICE FILTERXML STOCKHISTORY IMAGE PDURATION RRI _TRO_ALL _TRO_LEADING _TRO_TRAILING
""".split())


# Of those, the ones Excel stores with a second prefix: _xlfn._xlws.SORT(...)
WORKSHEET_FUNCTIONS = frozenset({"FILTER", "SORT"})


def file_prefix(name: str, prefixes: dict[str, str] | None = None) -> str:
    """The prefix a file spells function `name` with: Excel's for the functions it added after 2007, otherwise
    the one the workbook's own file used for it (functions gdsheet does not know keep theirs)."""
    if name in WORKSHEET_FUNCTIONS:
        return "_xlfn._xlws."
    if name in FUTURE_FUNCTIONS:
        return "_xlfn."
    return prefixes.get(name, "") if prefixes else ""


def unparse(node: A.Node, row: int = 1, col: int = 1, for_file: bool = False,
            prefixes: dict[str, str] | None = None) -> str:
    """The formula text of `node` written in cell (row, col), starting with '='. `for_file` writes Excel's stored
    form: function prefixes (`prefixes` adds the file's own for unknown functions), A1# as ANCHORARRAY(A1)."""
    return "=" + _Writer(row, col, for_file, prefixes).write(node, 0)


class _Writer:
    def __init__(self, row: int, col: int, for_file: bool, prefixes: dict[str, str] | None = None):
        self.row, self.col, self.for_file, self.prefixes = row, col, for_file, prefixes
        self.bound: frozenset[str] = frozenset()  # LET and LAMBDA names in scope (upper case)

    def write(self, n: A.Node, min_bp: int, in_args: bool = False) -> str:
        if isinstance(n, A.Number):
            return format_literal_number(n.value)
        if isinstance(n, A.Text):
            return '"' + n.value.replace('"', '""') + '"'
        if isinstance(n, A.Bool):
            return "TRUE" if n.value else "FALSE"
        if isinstance(n, A.ErrorLit):
            return n.code
        if isinstance(n, A.Missing):
            return ""
        if isinstance(n, A.ArrayLit):
            return "{" + ";".join(",".join(self.write(v, 0) for v in r) for r in n.rows) + "}"
        if isinstance(n, A.CellRef):
            return self.sheet(n.sheet) + self.cell(n.row, n.col, n.row_abs, n.col_abs)
        if isinstance(n, A.AreaRef):
            return self.sheet(n.sheet) + self.area(n)
        if isinstance(n, A.Name):
            return (self.sheet(n.sheet) if n.sheet else "") + self.name_prefix(n) + n.name
        if isinstance(n, A.StructRef):
            if self.for_file and is_optional_parameter(n) and n.col1.upper() in self.bound:
                return f"[_xlpm.{n.col1}]"
            return structured_text(n)
        if isinstance(n, A.SpillRef):
            if self.for_file:
                return "_xlfn.ANCHORARRAY(" + self.write(n.target, 0) + ")"
            return self.write(n.target, 100) + "#"
        if isinstance(n, A.Call):
            return self.call(n)
        if isinstance(n, A.Unary):
            if n.op == "@" and self.for_file:  # files spell implicit intersection as a function
                return "_xlfn.SINGLE(" + self.write(n.operand, 0) + ")"
            if n.op == "%":
                text, bp = self.write(n.operand, PERCENT_BP) + "%", PERCENT_BP
            else:
                text, bp = n.op + self.write(n.operand, PREFIX_BP), PREFIX_BP
            return f"({text})" if bp < min_bp else text
        if isinstance(n, A.Binary):
            bp = BINARY[n.op]
            # left-associative: the right operand needs parentheses at equal binding power
            text = self.write(n.left, bp) + n.op + self.write(n.right, bp + 1)
            # a union reads only inside parentheses (=(A1,B2), SUM((A1,B2))): it always gets its own
            needs = bp < min_bp or n.op == "," or (min_bp == 100)
            return f"({text})" if needs else text
        raise TypeError(f"cannot write {n!r}")

    def call(self, n: A.Call) -> str:
        if not self.for_file and n.name in _TRIM_DOTS and len(n.args) == 1 and isinstance(n.args[0], A.AreaRef):
            lead, trail = _TRIM_DOTS[n.name]  # A1.:.C9 on screen; files spell it _xlfn._TRO_ALL(A1:C9)
            return self.write(n.args[0], 0).replace(":", ("." if lead else "") + ":" + ("." if trail else ""))
        outer = self.bound
        if n.name in ("LET", "LAMBDA"):
            self.bound = outer | bound_names(n)
        try:
            called = n.args[1:] if n.name == A.APPLY else n.args
            args = "(" + ",".join(self.write(a, 0, in_args=True) for a in called) + ")"
            if n.name == A.APPLY:
                return self.write(n.args[0], 100) + args
        finally:
            self.bound = outer
        name = file_prefix(n.name, self.prefixes) + n.name if self.for_file else n.name
        return name + args

    def name_prefix(self, n: A.Name) -> str:
        """Files spell LET/LAMBDA names _xlpm.x and a function passed as a value (GROUPBY(..., SUM)) _xleta.SUM."""
        if not self.for_file or n.sheet is not None:
            return ""
        if n.name.upper() in self.bound:
            return "_xlpm."
        from gdsheet.functions.registry import FUNCTIONS  # only files need it; the parser stays table-free

        return "_xleta." if n.name.upper() in FUNCTIONS else ""

    def sheet(self, name: str | None) -> str:
        return "" if name is None else quote_sheet(name) + "!"

    def cell(self, r: int, c: int, ra: bool, ca: bool) -> str:
        row = r if ra else r + self.row
        col = c if ca else c + self.col
        if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
            return "#REF!"
        return f"{'$' if ca else ''}{col_letter(col)}{'$' if ra else ''}{row}"

    def area(self, n: A.AreaRef) -> str:
        if n.r1 is None:
            c1, c2 = (n.c1 if n.c1_abs else n.c1 + self.col), (n.c2 if n.c2_abs else n.c2 + self.col)
            if not (1 <= c1 <= MAX_COL and 1 <= c2 <= MAX_COL):
                return "#REF!"
            return f"{'$' if n.c1_abs else ''}{col_letter(c1)}:{'$' if n.c2_abs else ''}{col_letter(c2)}"
        if n.c1 is None:
            r1, r2 = (n.r1 if n.r1_abs else n.r1 + self.row), (n.r2 if n.r2_abs else n.r2 + self.row)
            if not (1 <= r1 <= MAX_ROW and 1 <= r2 <= MAX_ROW):
                return "#REF!"
            return f"{'$' if n.r1_abs else ''}{r1}:{'$' if n.r2_abs else ''}{r2}"
        a, b = self.cell(n.r1, n.c1, n.r1_abs, n.c1_abs), self.cell(n.r2, n.c2, n.r2_abs, n.c2_abs)
        return "#REF!" if "#REF!" in (a, b) else f"{a}:{b}"


_TRIM_DOTS = {name: dots for dots, name in TRIM_OPERATORS.items()}


def is_optional_parameter(n: A.Node) -> bool:
    """LAMBDA(x, [y], ...): an optional parameter reads as a structured reference to a column of no table."""
    return isinstance(n, A.StructRef) and n.table is None and not n.items and n.col1 is not None and n.col2 is None


def bound_names(n: A.Call) -> frozenset[str]:
    """The names a LET or LAMBDA call binds (upper case)."""
    if n.name == "LET":
        return frozenset(a.name.upper() for a in n.args[:-1:2] if isinstance(a, A.Name))
    return frozenset((a.col1 if is_optional_parameter(a) else a.name).upper() for a in n.args[:-1]
                     if isinstance(a, A.Name) or is_optional_parameter(a))


def format_literal_number(v: float) -> str:
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    text = repr(v).upper()
    return text.replace("E+", "E+").replace("E-0", "E-").replace("E+0", "E+")


def _escape(col: str) -> str:
    return re.sub(r"([\[\]#'@])", r"'\1", col)


def structured_text(n: A.StructRef) -> str:
    table = n.table or ""
    cols = [c for c in (n.col1, n.col2) if c is not None]
    simple = lambda c: re.fullmatch(r"[\w.]+", c) is not None  # noqa: E731 - tiny predicate
    if n.table is None and n.items == ("#This Row",) and len(cols) == 1:
        return f"[@{cols[0]}]" if simple(cols[0]) else f"[@[{_escape(cols[0])}]]"
    if not n.items and not cols:
        return f"{table}[]"
    if not n.items and len(cols) == 1:
        return f"{table}[{_escape(cols[0])}]"
    if len(n.items) == 1 and not cols:
        return f"{table}[{n.items[0]}]"
    parts = [f"[{i}]" for i in n.items]
    if cols:
        parts.append(":".join(f"[{_escape(c)}]" for c in cols))
    return f"{table}[{','.join(parts)}]"
