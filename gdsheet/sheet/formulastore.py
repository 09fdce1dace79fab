"""Where a sheet keeps its formulas: a column filled with one formula is one block, not a Formula per cell.

Excel's users fill a formula down a column (=SUMPRODUCT(B4:K4,$B$1:$K$1) in every row of a million): every cell
has the same tree in R1C1 terms. The reader keeps such a run as one FormulaBlock (the shared tree and the text as a
row template), which costs the same for ten rows or a million; the engine computes a block as one array operation.
A cell of a block is still a Formula when asked for one (made on the spot); writing or removing one cell splits its
block around it.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass

from gdsheet.formula import text_at
from gdsheet.formula.ast import Node
from gdsheet.sheet.model import Formula

CellKey = tuple[int, int]
_ABSENT = object()


@dataclass(slots=True)
class FormulaBlock:
    """Rows r1..r2 of column `col`, each holding the formula whose file text is `text_at(source, row)` (shown as
    `text_at(shown, row)`, without the file's _xlfn. prefixes) and whose tree is `ast`. `source` is None once the
    text no longer says what the file had (rows inserted above it moved its references), as a Formula's."""

    col: int
    r1: int
    r2: int
    ast: Node
    source: tuple | None  # row template of the text as the file stores it, '=' first
    shown: tuple  # row template of the text as the user sees it

    @property
    def n(self) -> int:
        return self.r2 - self.r1 + 1

    def formula(self, row: int) -> Formula:
        shown = text_at(self.shown, row)
        if self.shown is self.source:
            return Formula(shown, self.ast, source=shown)
        return Formula(shown, self.ast, source=None if self.source is None else text_at(self.source, row))


class FormulaStore(MutableMapping):
    """A sheet's formulas by (row, col): single cells in a dict, filled-down runs as FormulaBlocks per column."""

    __slots__ = ("_cells", "_blocks", "_starts", "_block_cells")

    def __init__(self, items=None) -> None:
        self._cells: dict[CellKey, Formula] = {}
        self._blocks: dict[int, list[FormulaBlock]] = {}  # column -> its blocks by first row
        self._starts: dict[int, list[int]] = {}  # column -> the blocks' first rows, for bisect
        self._block_cells = 0
        if items:
            for key, f in (items.items() if hasattr(items, "items") else items):
                self[key] = f

    # ---- blocks -----------------------------------------------------------------------------------------------

    def add_block(self, block: FormulaBlock) -> None:
        """Add a block over rows that hold no formula yet (the reader's way in)."""
        starts = self._starts.setdefault(block.col, [])
        i = bisect.bisect(starts, block.r1)
        starts.insert(i, block.r1)
        self._blocks.setdefault(block.col, []).insert(i, block)
        self._block_cells += block.n

    def blocks(self) -> list[FormulaBlock]:
        return [b for col in sorted(self._blocks) for b in self._blocks[col]]

    def block_at(self, row: int, col: int) -> FormulaBlock | None:
        starts = self._starts.get(col)
        if not starts:
            return None
        i = bisect.bisect_right(starts, row) - 1
        if i >= 0:
            b = self._blocks[col][i]
            if row <= b.r2:
                return b
        return None

    def representatives(self) -> list[Formula]:
        """One formula of each kind held: every single cell's, and the first cell's of each block."""
        return [*self._cells.values(), *(b.formula(b.r1) for b in self.blocks())]

    def keys_in(self, r1: int, c1: int, r2: int, c2: int) -> list[CellKey]:
        """The cells of a rectangle that hold a formula."""
        out = [(r, c) for r, c in self._cells if r1 <= r <= r2 and c1 <= c <= c2]
        for col, blocks in self._blocks.items():
            if c1 <= col <= c2:
                for b in blocks:
                    out.extend((r, col) for r in range(max(b.r1, r1), min(b.r2, r2) + 1))
        return out

    def singles(self) -> dict[CellKey, Formula]:
        """The formulas not in a block, by cell (read only)."""
        return self._cells

    def _split(self, block: FormulaBlock, row: int) -> None:
        """Take `row` out of its block: the rows above and below stay blocks of their own."""
        col = block.col
        blocks, starts = self._blocks[col], self._starts[col]
        i = blocks.index(block)
        pieces = []
        if block.r1 < row:
            pieces.append(FormulaBlock(col, block.r1, row - 1, block.ast, block.source, block.shown))
        if row < block.r2:
            pieces.append(FormulaBlock(col, row + 1, block.r2, block.ast, block.source, block.shown))
        blocks[i:i + 1] = pieces
        starts[i:i + 1] = [p.r1 for p in pieces]
        self._block_cells -= 1

    # ---- the mapping ------------------------------------------------------------------------------------------

    def get(self, key, default=None):
        f = self._cells.get(key)
        if f is not None:
            return f
        if self._block_cells:
            b = self.block_at(key[0], key[1])
            if b is not None:
                return b.formula(key[0])
        return default

    def __getitem__(self, key):
        f = self.get(key, _ABSENT)
        if f is _ABSENT:
            raise KeyError(key)
        return f

    def __contains__(self, key) -> bool:
        return key in self._cells or (self._block_cells > 0 and self.block_at(key[0], key[1]) is not None)

    def __setitem__(self, key, f: Formula) -> None:
        if self._block_cells:
            b = self.block_at(key[0], key[1])
            if b is not None:
                self._split(b, key[0])
        self._cells[key] = f

    def __delitem__(self, key) -> None:
        if self.pop(key, _ABSENT) is _ABSENT:
            raise KeyError(key)

    def pop(self, key, default=_ABSENT):
        f = self._cells.pop(key, _ABSENT)
        if f is _ABSENT and self._block_cells:
            b = self.block_at(key[0], key[1])
            if b is not None:
                f = b.formula(key[0])
                self._split(b, key[0])
        if f is _ABSENT:
            if default is _ABSENT:
                raise KeyError(key)
            return default
        return f

    def __len__(self) -> int:
        return len(self._cells) + self._block_cells

    def __iter__(self) -> Iterator[CellKey]:
        yield from list(self._cells)
        for b in self.blocks():
            for r in range(b.r1, b.r2 + 1):
                yield (r, b.col)

    def items(self):
        out = list(self._cells.items())
        for b in self.blocks():
            out.extend(((r, b.col), b.formula(r)) for r in range(b.r1, b.r2 + 1))
        return out

    def values(self):
        return [f for _, f in self.items()]

    def bounds(self) -> tuple[int, int]:
        """(max row, max col) of the formulas held; (0, 0) when none."""
        max_r = max((r for r, _ in self._cells), default=0)
        max_c = max((c for _, c in self._cells), default=0)
        for col, blocks in self._blocks.items():
            if blocks:
                max_r, max_c = max(max_r, blocks[-1].r2), max(max_c, col)
        return max_r, max_c

    def __repr__(self) -> str:
        return f"FormulaStore({len(self._cells):,} cells, {self._block_cells:,} in blocks)"
