"""Tokens -> syntax tree with Excel's precedence (a Pratt parser), references made relative to the host cell.

Binding powers, loosest first: comparisons, '&', '+ -', '* /', '^' (left-associative), '%', prefix '- +' (tighter
than '^': -2^2 is 4), then the reference operators ',' (union, only inside parentheses), ' ' (intersection), ':'.
"""
from __future__ import annotations

import math
import re

from gdsheet.errors import FormulaSyntaxError
from gdsheet.formula import ast as A
from gdsheet.formula.lexer import Token, tokenize
from gdsheet.refs import MAX_COL, MAX_ROW, col_index

BINARY = {"=": 10, "<>": 10, "<": 10, ">": 10, "<=": 10, ">=": 10, "&": 20, "+": 30, "-": 30, "*": 40, "/": 40,
          "^": 50, ",": 80, " ": 85, ":": 90}
PERCENT_BP = 60
PREFIX_BP = 70
_OPERAND_START = {"number", "string", "error", "bool", "cell", "area", "rows", "cols", "name", "func", "struct",
                  "lparen", "lbrace"}
_FILE_PREFIXES = ("_XLFN._XLWS.", "_XLFN.", "_XLWS.", "_XLPM.", "_XLETA.")
TRIM_OPERATORS = {(True, True): "_TRO_ALL", (True, False): "_TRO_LEADING", (False, True): "_TRO_TRAILING"}
MAX_FORMULA_CHARS = 8192  # Excel's limit on a formula's length, '=' included
SPECIAL_ITEMS = {"#ALL": "#All", "#DATA": "#Data", "#HEADERS": "#Headers", "#TOTALS": "#Totals",
                 "#THIS ROW": "#This Row"}


def parse(text: str, row: int = 1, col: int = 1) -> A.Node:
    """Parse a formula (leading '=' optional) written in cell (row, col). Raises FormulaSyntaxError, also for a
    formula longer than Excel's 8,192 characters."""
    if len(text) + (not text.startswith("=")) > MAX_FORMULA_CHARS:
        raise FormulaSyntaxError(f"the formula is longer than Excel's limit of {MAX_FORMULA_CHARS:,} characters",
                                 text[:40] + "...", MAX_FORMULA_CHARS)
    body = text[1:] if text.startswith("=") else text
    if not body.strip():
        raise FormulaSyntaxError("the formula is empty", text, 0)
    parser = _Parser(body, tokenize(body), row, col)
    node = parser.expression(0, union=False)
    if parser.peek() is not None:
        tok = parser.peek()
        raise FormulaSyntaxError(f"unexpected {tok.text!r}", text, tok.pos + 1)
    return node


class _Parser:
    def __init__(self, text: str, tokens: list[Token], row: int, col: int):
        self.text, self.tokens, self.i, self.row, self.col = text, tokens, 0, row, col

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def next(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise FormulaSyntaxError("the formula ends too early", self.text, len(self.text))
        self.i += 1
        return tok

    def expect(self, kind: str, what: str) -> Token:
        tok = self.peek()
        if tok is None or tok.kind != kind:
            found = "the end" if tok is None else repr(tok.text)
            raise FormulaSyntaxError(f"expected {what}, found {found}", self.text,
                                     len(self.text) if tok is None else tok.pos)
        return self.next()

    def expression(self, min_bp: int, union: bool) -> A.Node:
        left = self.prefix(union)
        while True:
            tok = self.peek()
            if tok is None:
                return left
            if tok.kind == "op" and tok.text == "%":
                if PERCENT_BP < min_bp:
                    return left
                self.next()
                run = 1
                while (nxt := self.peek()) is not None and nxt.kind == "op" and nxt.text == "%":
                    self.next()
                    run += 1
                left = _percents(left, run)
                continue
            if tok.kind == "op" and tok.text == "#":
                self.next()
                left = A.SpillRef(left)
                continue
            if tok.kind == "lparen" and not tok.space_before and isinstance(left, A.Call):
                # LAMBDA(x,x+1)(2): the value a call returns, called in turn
                self.next()
                left = A.Call(A.APPLY, (left, *self.call(tok).args))
                continue
            if tok.kind == "op" and tok.text in BINARY:
                op = tok.text
            elif tok.kind == "comma" and union:
                op = ","
            elif tok.kind in _OPERAND_START and tok.space_before:
                op = " "  # a space between two references is Excel's intersection operator
            else:
                return left
            bp = BINARY[op]
            if bp <= min_bp:
                return left
            if op != " ":
                self.next()
            right = self.expression(bp, union)
            left = A.Binary(op, left, right)

    def prefix(self, union: bool) -> A.Node:
        tok = self.next()
        k = tok.kind
        if k == "op" and tok.text in ("-", "+", "@"):
            ops = [tok.text]
            while (nxt := self.peek()) is not None and nxt.kind == "op" and nxt.text in ("-", "+", "@"):
                ops.append(self.next().text)
            node = self.expression(PREFIX_BP, union)
            for op in reversed(_fold_prefixes(ops)):
                node = A.Unary(op, node)
            return node
        if k == "number":
            return A.Number(self.number(tok))
        if k == "string":
            return A.Text(tok.text)
        if k == "bool":
            return A.Bool(tok.text == "TRUE")
        if k == "error":
            return A.ErrorLit(tok.text)
        if k == "lparen":
            inner = self.expression(0, union=True)
            self.expect("rparen", "')'")
            return inner
        if k == "lbrace":
            return self.array()
        if k == "func":
            return self.call(tok)
        if k in ("cell", "area", "rows", "cols"):
            return self.reference(tok)
        if k == "name":
            return A.Name(_strip_prefix(tok.text), tok.sheet)
        if k == "struct":
            return parse_structured(tok.text, self.text, tok.pos)
        raise FormulaSyntaxError(f"unexpected {tok.text!r}", self.text, tok.pos)

    def number(self, tok: Token) -> float:
        """A number literal; one past Excel's largest (1E309) makes the formula invalid, as Excel refuses it."""
        value = float(tok.text)
        if math.isinf(value):
            raise FormulaSyntaxError(f"{tok.text} is larger than the largest number Excel can hold "
                                     "(about 1.8E+308)", self.text, tok.pos, code="#NUM!")
        return value

    def call(self, tok: Token) -> A.Node:
        if tok.kind != "lparen":  # a function name (an applied call starts at its '(')
            self.expect("lparen", "'('")
        args: list[A.Node] = []
        if self.peek() is not None and self.peek().kind == "rparen":
            self.next()
            return A.Call(_strip_prefix(tok.text).upper(), ())
        while True:
            nxt = self.peek()
            if nxt is not None and nxt.kind in ("comma", "rparen"):
                args.append(A.Missing())
            else:
                args.append(self.expression(0, union=False))
            sep = self.peek()
            if sep is None:
                raise FormulaSyntaxError(f"{tok.text}( is missing its ')'", self.text, len(self.text))
            self.next()
            if sep.kind == "rparen":
                break
            if sep.kind != "comma":
                raise FormulaSyntaxError(f"expected ',' or ')' in {tok.text}(), found {sep.text!r}", self.text,
                                         sep.pos)
        if len(args) > 255:
            raise FormulaSyntaxError(f"{tok.text}() has more than 255 arguments", self.text, tok.pos)
        name = _strip_prefix(tok.text).upper()
        if name == "ANCHORARRAY" and len(args) == 1:  # how a file stores A1#
            return A.SpillRef(args[0])
        if name == "SINGLE" and len(args) == 1:  # how a file stores @x (implicit intersection)
            return A.Unary("@", args[0])
        return A.Call(name, tuple(args))

    def array(self) -> A.Node:
        rows: list[tuple[A.Node, ...]] = []
        current: list[A.Node] = []
        while True:
            tok = self.next()
            sign = 1.0
            while tok.kind == "op" and tok.text in "+-":
                sign = -sign if tok.text == "-" else sign
                tok = self.next()
            if tok.kind == "number":
                current.append(A.Number(sign * self.number(tok)))
            elif sign == 1.0 and tok.kind == "string":
                current.append(A.Text(tok.text))
            elif sign == 1.0 and tok.kind == "bool":
                current.append(A.Bool(tok.text == "TRUE"))
            elif sign == 1.0 and tok.kind == "error":
                current.append(A.ErrorLit(tok.text))
            else:
                raise FormulaSyntaxError("an array constant holds only numbers, text, TRUE/FALSE and errors",
                                         self.text, tok.pos)
            sep = self.next()
            if sep.kind == "comma":
                continue
            rows.append(tuple(current))
            current = []
            if sep.kind == "semi":
                continue
            if sep.kind == "rbrace":
                break
            raise FormulaSyntaxError(f"unexpected {sep.text!r} in an array constant", self.text, sep.pos)
        if len({len(r) for r in rows}) != 1:
            raise FormulaSyntaxError("the rows of an array constant differ in length", self.text, None)
        return A.ArrayLit(tuple(rows))

    def reference(self, tok: Token) -> A.Node:
        body = tok.text.split("!")[-1] if tok.sheet is not None else tok.text
        if tok.kind == "cell":
            r, c, ra, ca = self.cell_parts(body, tok)
            return A.CellRef(r, c, ra, ca, tok.sheet)
        first, second = body.split(":")
        if first.endswith(".") or second.startswith("."):  # a trim reference: TRIMRANGE as an operator
            name = TRIM_OPERATORS[(first.endswith("."), second.startswith("."))]
            plain = Token(tok.kind, tok.text.replace(".:", ":").replace(":.", ":"), tok.pos, tok.space_before,
                          tok.sheet)
            return A.Call(name, (self.reference(plain),))
        if tok.kind == "area":
            r1, c1, r1a, c1a = self.cell_parts(first, tok)
            r2, c2, r2a, c2a = self.cell_parts(second, tok)
            return A.AreaRef(r1, c1, r2, c2, r1a, c1a, r2a, c2a, tok.sheet)
        if tok.kind == "cols":
            (c1, c1a), (c2, c2a) = (self.line_part(p, tok, col=True) for p in (first, second))
            return A.AreaRef(None, c1, None, c2, False, c1a, False, c2a, tok.sheet)
        (r1, r1a), (r2, r2a) = (self.line_part(p, tok, col=False) for p in (first, second))
        return A.AreaRef(r1, None, r2, None, r1a, False, r2a, False, tok.sheet)

    def cell_parts(self, text: str, tok: Token) -> tuple[int, int, bool, bool]:
        m = re.fullmatch(r"(\$?)([A-Za-z]{1,3})(\$?)(\d+)", text)
        col_abs, letters, row_abs, digits = m.groups()
        c, r = col_index(letters), int(digits)
        if not (1 <= r <= MAX_ROW and 1 <= c <= MAX_COL):
            raise FormulaSyntaxError(f"{text} is outside the grid", self.text, tok.pos)
        return (r if row_abs else r - self.row), (c if col_abs else c - self.col), bool(row_abs), bool(col_abs)

    def line_part(self, text: str, tok: Token, col: bool) -> tuple[int, bool]:
        absolute = text.startswith("$")
        raw = text.lstrip("$")
        idx = col_index(raw) if col else int(raw)
        if not 1 <= idx <= (MAX_COL if col else MAX_ROW):
            raise FormulaSyntaxError(f"{text} is outside the grid", self.text, tok.pos)
        host = self.col if col else self.row
        return (idx if absolute else idx - host), absolute


def _strip_prefix(name: str) -> str:
    up = name.upper()
    for p in _FILE_PREFIXES:
        if up.startswith(p):
            return name[len(p):]
    return name


def parse_structured(text: str, formula: str = "", pos: int = 0) -> A.StructRef:
    """'Table1[[#This Row],[A]:[B]]', '[@Col]', 'Table1[]' ... -> StructRef."""
    k = text.index("[")
    table = text[:k] or None
    inner = text[k + 1:-1]
    items: list[str] = []
    cols: list[str] = []
    if inner.startswith("@"):
        items.append("#This Row")
        rest = inner[1:]
        if rest.startswith("["):
            rest = rest[1:-1]
        if rest:
            cols.append(_unescape(rest))
    elif inner.lstrip().startswith("["):
        # a list of bracketed parts: [#This Row],[A]:[B]
        parts, i = [], 0
        while i < len(inner):
            ch = inner[i]
            if ch == "[":
                j = i + 1
                while j < len(inner) and inner[j] != "]":
                    j += 2 if inner[j] == "'" else 1
                parts.append(inner[i + 1:j])
                i = j + 1
            elif ch in ",: ":
                if ch == ":":
                    parts.append(":")
                i += 1
            else:
                raise FormulaSyntaxError(f"cannot read the structured reference {text}", formula, pos)
        for j, p in enumerate(parts):
            if p == ":":
                continue
            special = SPECIAL_ITEMS.get(p.strip().upper())
            if special:
                items.append(special)
            else:
                cols.append(_unescape(p))
        if ":" in parts and len(cols) != 2:
            raise FormulaSyntaxError(f"a column range in {text} needs two columns", formula, pos)
    elif inner:
        special = SPECIAL_ITEMS.get(inner.strip().upper())
        if special:
            items.append(special)
        else:  # [_xlpm.y]: a LAMBDA's optional parameter as a file spells it
            cols.append(_unescape(inner[6:] if table is None and inner.upper().startswith("_XLPM.") else inner))
    if len(cols) > 2:
        raise FormulaSyntaxError(f"{text} names more than two columns", formula, pos)
    return A.StructRef(table, tuple(items), cols[0] if cols else None, cols[1] if len(cols) > 1 else None)


def _unescape(col: str) -> str:
    return re.sub(r"'(.)", r"\1", col)


def _fold_prefixes(ops: list[str]) -> list[str]:
    """A run of prefix operators, shortened to one of the same meaning (so '=' and 8,190 '-' then 1, valid in
    Excel, is no tree 8,190 levels deep): '+' does nothing in Excel (=+"a" is "a"); a pair of '-' only makes a
    number of its operand, which one remaining pair does as well; '@' is kept where it stands. Short runs, as
    people write them (=--A1, =-+A1), are kept as written."""
    if len(ops) <= 8:
        return ops
    out: list[str] = []
    minus = 0
    for op in ops + ["@"]:
        if op == "-":
            minus += 1
        elif op == "@":
            if minus:
                out += ["-"] if minus % 2 else ["-", "-"]
            minus = 0
            out.append("@")
    out.pop()
    if not out and "+" in ops:
        out = ["+"]  # =+A1 keeps the '+' the author wrote, which changes nothing
    return out


def _percents(node: A.Node, run: int) -> A.Node:
    """`node` followed by `run` '%' signs: each divides by 100. A long run (=1 and 8,000 '%', valid in Excel) is
    one division by 100**run, so the tree stays shallow; past 1E+300 a second division takes every number to 0."""
    if run <= 8:
        for _ in range(run):
            node = A.Unary("%", node)
        return node
    if run <= 150:
        return A.Binary("/", A.Unary("%", node), A.Number(100.0 ** (run - 1)))
    return A.Binary("/", A.Binary("/", A.Unary("%", node), A.Number(1e300)), A.Number(1e300))
