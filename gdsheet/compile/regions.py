"""References of a block resolved to regions, and regions loaded as tensors (constants, variables, block outputs).

A reference is resolved by the engine's own evaluator at the block's first and last host row, so cell and area
references, names, structured references and spill references mean exactly what they mean to the engine: the same
area twice is a fixed region (absolute: broadcast to every row), an area shifted by the rows between is a varying
one (relative: a slice per row). Anything else needs the block split into cells.
"""
from __future__ import annotations

import math

import numpy as np
import torch
from numpy.lib.stride_tricks import sliding_window_view

from gdsheet.compile.cone import Block, Cone, NeedsSplit, Region
from gdsheet.compile.lval import CompileError, LVal, const, dyn
from gdsheet.errors import ExcelError
from gdsheet.refs import MAX_COL, MAX_ROW, Area
from gdsheet.sheet.model import column_numbers
from gdsheet.sheet.evaluate import Context, evaluate
from gdsheet.values import MultiArea, to_number

# Functions whose reference is computed: the cells they read are not in the formula's text. A solve treats the
# areas they return for the current values as fixed (their positions must not depend on the variables, which the
# lowering checks), so the compiler sees what they read.
DYNAMIC_REFS = frozenset({"OFFSET", "INDIRECT"})
# what each OFFSET/INDIRECT of a block returns, kept for the length of one compile (see compile_program): the cone,
# the blocker analysis and the lowering each ask, and the values they depend on do not change meanwhile
dynamic_cache: dict | None = None


def resolve_areas(wb, node, sheet: str, r0: int, col: int, n: int, array: bool = True):
    """The areas a reference node means for host rows r0..r0+n-1 of column `col`: a list of Regions, or the Excel
    error it evaluates to, or the plain value it evaluates to (a name defined as a constant)."""
    engine = wb.engine
    if type(node).__name__ == "Call" and node.name in DYNAMIC_REFS:
        return _dynamic_regions(wb, node, sheet, r0, col, n, array)
    first = evaluate(node, Context(engine, sheet, r0, col, array))
    last = first if n == 1 else evaluate(node, Context(engine, sheet, r0 + n - 1, col, array))
    if isinstance(first, ExcelError):
        return first
    if isinstance(first, Area):
        first, last = (first,), (last,)
    elif isinstance(first, MultiArea):
        first, last = first.areas, last.areas if isinstance(last, MultiArea) else ()
    else:
        return first
    if n > 1 and (not isinstance(last, tuple) or len(last) != len(first)):
        raise NeedsSplit
    out = []
    for a, b in zip(first, last):
        a, b = _clip(wb, a), _clip(wb, b)
        if n == 1 or a == b:
            out.append(Region(a.sheet, a.r1, a.c1, a.rows, a.cols, False))
        elif a.sheet == b.sheet and (a.c1, a.c2, a.rows) == (b.c1, b.c2, b.rows) and b.r1 - a.r1 == n - 1:
            out.append(Region(a.sheet, a.r1, a.c1, a.rows, a.cols, True))
        else:
            raise NeedsSplit
    return out


def _dynamic_regions(wb, node, sheet: str, r0: int, col: int, n: int, array: bool):
    """What OFFSET or INDIRECT returns in each host row, for the current values: one region that moves with the
    rows when it does, else the box around every area returned (the lowering gathers each row's area from it);
    [] where some row gives no area (an error: that row's value is the error, as the engine shows it)."""
    key = (id(node), sheet, r0, col, n, array)
    if dynamic_cache is not None and key in dynamic_cache:
        return dynamic_cache[key][1]
    out = _evaluate_dynamic(wb, node, sheet, r0, col, n, array)
    if dynamic_cache is not None:
        dynamic_cache[key] = (node, out)  # the node is kept alive, so its id is not reused meanwhile
    return out


def _evaluate_dynamic(wb, node, sheet: str, r0: int, col: int, n: int, array: bool):
    engine = wb.engine
    areas = [evaluate(node, Context(engine, sheet, r, col, array)) for r in range(r0, r0 + n)]
    areas = [_clip(wb, a) for a in areas if isinstance(a, Area)]
    if not areas:
        return []
    a, b = areas[0], areas[-1]
    if len(areas) == n and all(x == a for x in areas):
        return [Region(a.sheet, a.r1, a.c1, a.rows, a.cols, False)]
    if len(areas) == n and all((x.sheet, x.c1, x.c2, x.rows, x.r1) == (a.sheet, a.c1, a.c2, a.rows, a.r1 + i)
                               for i, x in enumerate(areas)):
        return [Region(a.sheet, a.r1, a.c1, a.rows, a.cols, True)]
    out = []
    for name in dict.fromkeys(x.sheet for x in areas):
        mine = [x for x in areas if x.sheet == name]
        r1, c1 = min(x.r1 for x in mine), min(x.c1 for x in mine)
        out.append(Region(name, r1, c1, max(x.r2 for x in mine) - r1 + 1, max(x.c2 for x in mine) - c1 + 1, False))
    return out


def _clip(wb, a: Area) -> Area:
    """Whole rows and columns cut to the sheet's used cells (beyond them every cell is empty)."""
    if a.r2 < MAX_ROW and a.c2 < MAX_COL:
        return a
    mr, mc = wb.sheet(a.sheet).used_bounds
    return Area(a.sheet, a.r1, a.c1, max(a.r1, min(a.r2, mr)), max(a.c1, min(a.c2, mc)))


def excel_numbers(values) -> tuple[np.ndarray, np.ndarray | None]:
    """Cell values -> (numbers, which cells hold numbers). Arithmetic coercion (blank 0, TRUE 1, numeric text
    parsed, an error or other text NaN); the mask marks what aggregates count (numbers and errors, which
    propagate). The mask is None when every cell is a number."""
    if set(map(type, values)) <= {float}:
        return np.fromiter(values, dtype=np.float64, count=len(values)), None
    nums = np.empty(len(values))
    mask = np.empty(len(values), dtype=bool)
    for i, v in enumerate(values):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            nums[i], mask[i] = v, True
        elif isinstance(v, ExcelError):
            nums[i], mask[i] = math.nan, True
        else:
            x = to_number(v)
            nums[i], mask[i] = (math.nan if isinstance(x, ExcelError) else x), False
    return nums, (None if mask.all() else mask)


def column_values(sheet, col: int, r1: int, r2: int) -> tuple[np.ndarray, np.ndarray | None]:
    """excel_numbers of rows r1..r2 of one column, read in bulk: the sheet's numbers come as one array (a slice of
    the column's store), and only the other cells (empty, text, booleans, errors) are looked at one by one."""
    nums, is_number = column_numbers(sheet, col, r1, r2)
    if is_number.all():
        return nums, None
    others = np.flatnonzero(~is_number)
    get = sheet.cells.get
    other_nums, other_mask = excel_numbers([get((r1 + i, col)) for i in others.tolist()])
    nums, mask = nums.copy(), is_number.copy()
    nums[others] = other_nums
    mask[others] = True if other_mask is None else other_mask
    return nums, (None if mask.all() else mask)


def windows(arr: np.ndarray, reg: Region, n: int) -> np.ndarray:
    """(rows read, w) -> (B, h, w): one h x w window per host row for a varying region, else the one area."""
    m, w = arr.shape
    if not reg.varying:
        return arr.reshape(1, m, w)
    if reg.h == 1:
        return arr.reshape(n, 1, w)
    return sliding_window_view(arr, (reg.h, w)).reshape(n, reg.h, w)


class Loader:
    """Region -> LVal, for one compile."""

    def __init__(self, cone: Cone, dtype: torch.dtype, device, nvars: int) -> None:
        self.cone, self.dtype, self.device, self.nvars = cone, dtype, device, nvars
        self._dep = None  # numpy bool array over block ids, set once `dep` is known
        self._cache: dict = {}

    def tensor(self, a, dtype=None) -> torch.Tensor:
        return torch.as_tensor(np.ascontiguousarray(a), dtype=dtype or self.dtype, device=self.device)

    def _pieces(self, sheet: str, c: int, a: int, b: int):
        """Runs of rows a..b of one column: ('const', s, e, None), ('var', s, e, indexes), ('block', s, e, blk)."""
        if self._dep is None or len(self._dep) != len(self.cone.blocks):
            self._dep = np.array([blk.dep for blk in self.cone.blocks], dtype=bool)
        rows, ids = self.cone.special(sheet, c, a, b)
        keep = (ids < 0) | self._dep[np.maximum(ids, 0)]
        rows, ids = rows[keep], ids[keep]
        if not len(rows):
            return [("const", a, b, None)]
        group = np.where(ids < 0, -1, ids)
        cut = np.flatnonzero((np.diff(rows) != 1) | (np.diff(group) != 0)) + 1
        out, cur = [], a
        for i, j in zip(np.r_[0, cut].tolist(), np.r_[cut, len(rows)].tolist()):
            r, end, k = int(rows[i]), int(rows[j - 1]), int(ids[i])
            if r > cur:
                out.append(("const", cur, r - 1, None))
            if k < 0:
                out.append(("var", r, end, (-ids[i:j] - 1).astype(np.int64)))
            else:
                out.append(("block", r, end, self.cone.blocks[k]))
            cur = end + 1
        if cur <= b:
            out.append(("const", cur, b, None))
        return out

    def _read(self, sheet: str, c: int, a: int, b: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Numbers and number mask of the constant cells a..b of a column (cached: blocks often share data)."""
        key = (sheet, c, a, b)
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = column_values(self.cone.wb.sheet(sheet), c, a, b)
        return got

    def load(self, reg: Region, n: int) -> LVal:
        B = n if reg.varying else 1
        shape = (B, reg.h, reg.w)
        a, b = reg.span(n)
        cols = [self._pieces(reg.sheet, c, a, b) for c in range(reg.c, reg.c + reg.w)]
        if all(p[0] == "const" for col in cols for p in col):
            key = (reg, n)
            got = self._cache.get(key)
            if got is None:
                parts = [self._read(reg.sheet, c, a, b) for c in range(reg.c, reg.c + reg.w)]
                nums = np.stack([p[0] for p in parts], axis=1)
                t = self.tensor(windows(nums, reg, n))
                m = None
                if any(p[1] is not None for p in parts):
                    mask = np.stack([np.ones(b - a + 1, bool) if p[1] is None else p[1] for p in parts], axis=1)
                    m = self.tensor(windows(mask, reg, n), torch.bool)
                got = self._cache[key] = (t, m)
            return const(got[0], shape, ref=True, mask=got[1], region=reg)
        if all(p[0] == "var" for col in cols for p in col):
            idx = np.stack([np.concatenate([p[3] for p in col]) for col in cols], axis=1)
            return self._vars(windows(idx, reg, n), shape, reg)
        return self._mixed(reg, n, shape, cols)

    def _vars(self, idx: np.ndarray, shape, reg: Region) -> LVal:
        flat = idx.ravel()
        k0, k = int(flat[0]), len(flat)
        if np.array_equal(flat, np.arange(k0, k0 + k)):
            if k0 == 0 and k == self.nvars:
                fn = _x
            else:
                fn = lambda env: env[0][k0:k0 + k]  # noqa: E731
            return dyn(fn, shape, raw_shape=(k,), ref=True, region=reg)
        ti = self.tensor(idx, torch.long)
        return dyn(lambda env: env[0][ti], shape, ref=True, region=reg)

    def _mixed(self, reg: Region, n: int, shape, cols) -> LVal:
        getters, masks = [], []
        for j, col in enumerate(cols):
            c = reg.c + j
            parts, mparts = [], []
            for kind, s, e, pay in col:
                if kind == "const":
                    nums, mask = self._read(reg.sheet, c, s, e)
                    parts.append(self._const_getter(self.tensor(nums)))
                    mparts.append(np.ones(e - s + 1, bool) if mask is None else mask)
                elif kind == "var":
                    parts.append(self._var_getter(pay))
                    mparts.append(np.ones(e - s + 1, bool))
                else:
                    parts.append(self._block_getter(pay, s, e, c))
                    mparts.append(np.full(e - s + 1, pay.kind != "bool"))
            getters.append(parts[0] if len(parts) == 1 else _cat(parts))
            masks.append(np.concatenate(mparts))
        mask = np.stack(masks, axis=1)
        m = None if mask.all() else self.tensor(windows(mask, reg, n), torch.bool)
        whole = self._whole_block(reg, cols)
        if whole is not None:
            return dyn(whole[0], shape, raw_shape=whole[1], ref=True, mask=m, region=reg)
        g = getters[0] if len(getters) == 1 else _stack(getters)
        a, b = reg.span(n)
        raw = (b - a + 1,) if reg.w == 1 else (b - a + 1, reg.w)
        if not reg.varying:
            return dyn(g, shape, raw_shape=raw, ref=True, mask=m, region=reg)
        if reg.h == 1:
            return dyn(g, shape, raw_shape=(n, reg.w) if reg.w > 1 else (n,), ref=True, mask=m, region=reg)
        h, w = reg.h, reg.w
        if w == 1:
            fn = lambda env: g(env).unfold(0, h, 1).unsqueeze(2)  # noqa: E731
        else:
            fn = lambda env: g(env).unfold(0, h, 1).transpose(1, 2)  # noqa: E731
        return dyn(fn, shape, ref=True, mask=m, region=reg)

    def _whole_block(self, reg: Region, cols):
        """(getter, raw shape) when the region reads, in every host row together, one block's whole output or one
        whole column of an area block's output, in row order: its tensor as the block computed it, with no op."""
        if reg.varying and reg.h != 1:
            return None
        first = cols[0]
        if len(first) != 1 or first[0][0] != "block":
            return None
        _, s, e, blk = first[0]
        slot = blk.slot
        if blk.area is None:
            if len(cols) != 1 or (s, e) != (blk.r0, blk.r0 + blk.n - 1):
                return None
            return (lambda env: env[slot]), blk.raw  # (n, 1, 1), or (n,), or a single cell's ()
        a = blk.area
        if (s, e) != (a.r1, a.r2) or any(col != first for col in cols[1:]):
            return None
        if len(cols) == 1:
            k = reg.c - a.c1
            return (lambda env: env[slot].column(k)), (a.rows,)
        if not reg.varying and (reg.c, reg.w) == (a.c1, a.cols):
            return (lambda env: env[slot].whole()), (1, a.rows, a.cols)
        return None

    def _const_getter(self, t):
        return lambda env: t

    def _var_getter(self, idx: np.ndarray):
        k0, k = int(idx[0]), len(idx)
        if np.array_equal(idx, np.arange(k0, k0 + k)):
            return lambda env: env[0][k0:k0 + k]
        ti = self.tensor(idx, torch.long)
        return lambda env: env[0][ti]

    def _block_getter(self, blk: Block, s: int, e: int, c: int):
        if blk.slot < 0:
            raise CompileError(f"{blk.label()} is read before it is computed (a reference the compiler did not "
                               "see coming, such as OFFSET or INDIRECT)")
        slot = blk.slot
        if blk.area is None:
            i, j = s - blk.r0, e - blk.r0 + 1
            if len(blk.raw) == 1:
                return lambda env: env[slot][i:j]
            # (n, 1, 1), or a single cell's 0-d tensor: the column's values in row order either way
            return lambda env: env[slot].reshape(-1)[i:j]
        i, j, k = s - blk.area.r1, e - blk.area.r1 + 1, c - blk.area.c1
        if (i, j) == (0, blk.area.rows):
            return lambda env: env[slot].column(k)
        return lambda env: env[slot].column(k)[i:j]


def _x(env):
    return env[0]


def _cat(parts):
    return lambda env: torch.cat([p(env) for p in parts])


def _stack(getters):
    return lambda env: torch.stack([g(env) for g in getters], dim=1)
