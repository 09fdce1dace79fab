"""A lowered expression: what the compiler knows about it statically, and how to compute its tensor at run time.

Every value a block computes has the layout (B, h, w): B is 1 (the same for every host row) or n (one per host row
of the block), and h x w is the value each host cell sees (1 x 1 for a scalar, more for a range or an array).
Booleans are torch.bool tensors, numbers float; an Excel error is a non-finite number (NaN, or inf from a division
by zero), so an error that depends on the variables reaches the solver as NaN instead of stopping it.

At run time a value is a getter, `fn(env) -> Tensor`, a closure over precomputed constants; `env` is the list of
tensors of one forward pass (env[0] is the variable vector, then one slot per block, then scratch slots). A block
that fills an area (a spill) holds a Spill in its slot: its columns and/or its whole tensor.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import torch

from gdsheet.errors import GdsheetError

Getter = Callable[[list], torch.Tensor]
Shape = tuple[int, int, int]


class CompileError(GdsheetError):
    """A formula on the objective's path cannot be compiled; the message names the cell and the construct."""


@dataclass(eq=False, slots=True)
class LVal:
    """A lowered expression. Exactly one of `const` (no dependence on the variables: computed once, now) and `fn`
    (a run-time getter) is set. `raw_shape` is the shape the tensor actually has at run time: usually `shape`,
    but a getter may skip a view op and hand back the same elements in row-major order in another shape (a full
    reduction returns a 0-d tensor, a row of variables is x itself); `get3` adds the view when a consumer needs it."""

    shape: Shape
    kind: str = "num"  # 'num' | 'bool' | 'text' (text only as constants: a dependent text value cannot compile)
    fn: Getter | None = None
    const: torch.Tensor | None = None
    raw_shape: tuple[int, ...] | None = None
    ref: bool = False  # straight from a reference: aggregates skip its non-numbers (see mask)
    mask: torch.Tensor | None = None  # (B, h, w) bool, cells of a reference that hold numbers; None: all
    region: object | None = None  # the Region it was loaded from
    scalar: float | None = None  # a numeric literal, kept as a Python float for fast tensor-scalar ops
    # a dependent 1 x h x w value computed column by column (MMULT's small products): a getter of its w columns,
    # each an (h,) tensor, what `fn` stacks; a block filling an area keeps them as they are (see Spill)
    columns: Getter | None = None

    def __post_init__(self) -> None:
        if self.raw_shape is None:
            self.raw_shape = self.shape

    @property
    def dep(self) -> bool:
        return self.fn is not None

    @property
    def B(self) -> int:
        return self.shape[0]

    @property
    def cells(self) -> int:
        return self.shape[1] * self.shape[2]

    def getter(self) -> Getter:
        """The raw getter (tensor of raw_shape)."""
        if self.fn is not None:
            return self.fn
        c = self.const
        return lambda env: c

    def get3(self) -> Getter:
        """A getter whose tensor has exactly `shape`."""
        if self.fn is None:
            c = self.const3()
            return lambda env: c
        if tuple(self.raw_shape) == tuple(self.shape):
            return self.fn
        f, shape = self.fn, self.shape
        return lambda env: f(env).reshape(shape)

    def const3(self) -> torch.Tensor:
        c = self.const
        return c if tuple(c.shape) == tuple(self.shape) else c.reshape(self.shape)

    def get_as(self, shape: tuple[int, ...]) -> Getter:
        """A getter of the same elements (row-major) in another shape, with no op when raw_shape is that shape."""
        if self.fn is None:
            c = self.const.reshape(shape)
            return lambda env: c
        if tuple(self.raw_shape) == tuple(shape):
            return self.fn
        f = self.fn
        return lambda env: f(env).reshape(shape)


class Spill:
    """One pass's value of a block that fills an area (a spill, a legacy array formula), held as its columns, as one
    tensor, or both. A block of formulas reading one column of it, as a column, gets that column's own tensor: no
    select op per reference, and in the backward no scatter of each reference's gradient into a zero-filled matrix.
    A reader of the whole array gets the one tensor. Whichever form the block's lowering did not make is made from
    the other the first time a reader asks for it in the pass (one stack, or one unbind), and kept for the pass."""

    __slots__ = ("h", "w", "_t", "_whole", "_cols")
    UNBIND_MAX = 16  # more columns than this: a column is read as a select of the whole (an unbind costs a view each)

    def __init__(self, h: int, w: int, t: torch.Tensor | None = None, cols=None) -> None:
        self.h, self.w = h, w
        self._t = t  # the whole array in any shape holding its h*w values in row-major order
        self._whole = t if t is not None and tuple(t.shape) == (1, h, w) else None
        self._cols = cols

    def whole(self) -> torch.Tensor:
        """The (1, h, w) tensor."""
        if self._whole is None:
            if self._t is not None:
                self._whole = self._t.reshape(1, self.h, self.w)
            else:
                self._whole = torch.stack(tuple(self._cols), 1).unsqueeze(0)
        return self._whole

    def column(self, k: int) -> torch.Tensor:
        """Column k as an (h,) tensor."""
        if self._cols is None:
            if self.w > self.UNBIND_MAX:
                return self.whole()[0, :, k]
            self._cols = self._t.reshape(self.h, self.w).unbind(1)
        return self._cols[k]

    def at(self, i: int, j: int) -> torch.Tensor:
        """The 0-d value of row i, column j."""
        if self._cols is not None:
            return self._cols[j][i]
        return self.whole()[0, i, j]


def const(t: torch.Tensor, shape: Shape, kind: str = "num", **kw) -> LVal:
    return LVal(shape, kind, const=t, raw_shape=tuple(t.shape), **kw)


def dyn(fn: Getter, shape: Shape, kind: str = "num", raw_shape=None, **kw) -> LVal:
    # () is a raw shape (a single cell's 0-d tensor), not a missing one
    return LVal(shape, kind, fn=fn, raw_shape=shape if raw_shape is None else tuple(raw_shape), **kw)


def without_ref(v: LVal) -> LVal:
    """The value of a reference used as a computed value (aggregates then count every element)."""
    return replace(v, ref=False, mask=None, region=None) if v.ref else v


def broadcast_shape(*shapes: Shape, where: str = "") -> Shape:
    """Excel's broadcasting of arrays of matching size or of a single row/column; a mismatch cannot compile."""
    out = []
    for dim in range(3):
        sizes = {s[dim] for s in shapes} - {1}
        if len(sizes) > 1:
            raise CompileError(f"arrays of different sizes {' and '.join(map(_fmt, shapes))} meet{where}")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def _fmt(s: Shape) -> str:
    return f"{s[1]}x{s[2]}"


def combine(f: Callable, args: list[LVal], shape: Shape, kind: str = "num") -> LVal:
    """f applied elementwise to the arguments' tensors (torch broadcasts them); folded now when nothing depends on
    the variables. When every dependent argument has the result's shape and one raw shape (a column computed as
    (n,), a single cell as a 0-d tensor), the op runs on the raw tensors and the constants are reshaped once, so
    a chain of per-row formulas costs no view ops."""
    if not any(a.dep for a in args):
        t = f(*[a.const3() for a in args])
        return const(t if tuple(t.shape) == shape else t.expand(shape), shape, kind)
    raw = _common_raw(args, shape)

    def piece(a: LVal):
        # a literal as a Python float (cheaper for torch), unless float32 could not hold it: torch.where casts a
        # Python scalar to the default dtype first (CHOOSE(x,1E+300) overflowed)
        if a.scalar is not None and abs(a.scalar) < 3e38:
            return a.scalar
        if a.dep:
            return a.getter() if raw != shape else a.get3()
        if raw == shape:
            return a.const3()
        return a.const.reshape(raw) if a.const.numel() > 1 else a.const.reshape(())

    gs = [piece(a) for a in args]
    if len(args) == 1:
        g = gs[0]
        return dyn(lambda env: f(g(env)), shape, kind, raw)
    if len(args) == 2:
        a, b = args
        ga, gb = gs
        if a.dep and b.dep:
            fn = lambda env: f(ga(env), gb(env))  # noqa: E731
        elif a.dep:
            fn = lambda env: f(ga(env), gb)  # noqa: E731
        else:
            fn = lambda env: f(ga, gb(env))  # noqa: E731
        return dyn(fn, shape, kind, raw)
    getters = [(g, a.dep) for g, a in zip(gs, args)]
    return dyn(lambda env: f(*[g(env) if d else g for g, d in getters]), shape, kind, raw)


def _common_raw(args: list[LVal], shape: Shape) -> tuple[int, ...]:
    """The raw shape an elementwise op can run in: the dependent arguments' one raw shape when each of them has
    the full result shape and each constant has it too or is a single value; else the result shape itself."""
    raws = {tuple(a.raw_shape) for a in args if a.dep}
    if len(raws) != 1:
        return shape
    raw = raws.pop()
    for a in args:
        if a.dep and tuple(a.shape) != shape:
            return shape
        if not a.dep and a.scalar is None and a.const.numel() != 1 and tuple(a.shape) != shape:
            return shape
    return raw
