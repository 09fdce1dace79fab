"""Formula syntax tree: small frozen dataclasses, hashable so equal formulas share one tree.

References are stored *relative to the host cell* where the formula is relative: a relative row holds the offset
from the host's row, an absolute row holds the row itself (1-based). A formula filled down a column therefore has
the same tree in every row (Excel's R1C1 form), which is what lets the engine parse it once and the compiler turn it
into one column operation.
"""
from __future__ import annotations

from dataclasses import dataclass


class Node:
    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Number(Node):
    value: float


@dataclass(frozen=True, slots=True)
class Text(Node):
    value: str


@dataclass(frozen=True, slots=True)
class Bool(Node):
    value: bool


@dataclass(frozen=True, slots=True)
class ErrorLit(Node):
    code: str  # '#DIV/0!', '#N/A', ...


@dataclass(frozen=True, slots=True)
class Missing(Node):
    """An omitted argument, as in IF(A1,,1)."""


@dataclass(frozen=True, slots=True)
class ArrayLit(Node):
    """{1,2;3,4}: rows of Number/Text/Bool/ErrorLit (a negative number is a Number)."""

    rows: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True, slots=True)
class CellRef(Node):
    """A1, $A$1, Sheet!A1. Relative parts are offsets from the host cell; absolute parts are 1-based indexes."""

    row: int
    col: int
    row_abs: bool
    col_abs: bool
    sheet: str | None = None


@dataclass(frozen=True, slots=True)
class AreaRef(Node):
    """A1:B2, A:A (rows None), 3:5 (cols None); same relative convention as CellRef."""

    r1: int | None
    c1: int | None
    r2: int | None
    c2: int | None
    r1_abs: bool
    c1_abs: bool
    r2_abs: bool
    c2_abs: bool
    sheet: str | None = None


@dataclass(frozen=True, slots=True)
class Name(Node):
    """A defined name (or LET variable); `sheet` when written Sheet1!name."""

    name: str
    sheet: str | None = None


@dataclass(frozen=True, slots=True)
class StructRef(Node):
    """Table1[Col], Table1[[#This Row],[A]:[B]], [@Col] (table None: the table the host cell is in).

    `items` are the special items in canonical spelling ('#All', '#Data', '#Headers', '#Totals', '#This Row');
    `col1`/`col2` name the first and last column (col2 None for one column, both None for all columns).
    """

    table: str | None
    items: tuple[str, ...] = ()
    col1: str | None = None
    col2: str | None = None


@dataclass(frozen=True, slots=True)
class SpillRef(Node):
    """A1#: the whole spill range anchored at a cell."""

    target: Node


@dataclass(frozen=True, slots=True)
class Unary(Node):
    """Prefix '-', '+', '@' (implicit intersection) or postfix '%'."""

    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary(Node):
    """Arithmetic, '&', comparisons, and the reference operators ':' (range), ' ' (intersection), ',' (union)."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    """A function call; `name` is upper case without the _xlfn./_xlws. file prefixes."""

    name: str
    args: tuple[Node, ...]


# A Call with this name calls the value of its first argument (a LAMBDA) with the others: LAMBDA(x,x+1)(2) is
# Call(APPLY, (Call("LAMBDA", ...), Number(2))). A call like any other, so every walk over the tree sees its parts.
APPLY = "()"
