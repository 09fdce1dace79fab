"""The one table of Excel functions: each name maps to one FunctionSpec, used by recalculation and by the compiler.

A function is written once, as a plain Python function over Excel values, and registered with `@excel`. The
evaluator reads the spec's parameter kinds to prepare arguments the way Excel does (implicit intersection, lifting
a scalar function over an array, the rules for booleans and text in ranges, error propagation), so the function
body only does the math. Functions that are smooth numeric math also carry a `kernel(xp, *args)` written against
an array namespace (numpy or torch): the engine evaluates it on floats and the compiler on tensors, so what the
grid shows is what the solver minimises.

Parameter kinds (one string per parameter; the last one repeats for variadic functions):

  num     scalar -> float (blank 0, TRUE 1, numeric text parsed, other text #VALUE!); errors propagate
  int     as num, then truncated toward zero (still a float: int() it where a Python int is needed)
  text    scalar -> str (numbers in General format); errors propagate
  bool    scalar -> bool; errors propagate
  scalar  scalar as it is (None for blank); errors propagate
  scalar? scalar as it is, errors passed in (ISERROR, IFERROR's value)
  nums    list[float] of an aggregate argument: inside references and arrays only numbers count; a direct
          argument is coerced (TRUE 1, "3" 3, other text #VALUE!); any error propagates
  numsa   as nums, for the ...A variants: inside references text counts 0 and booleans 1/0
          (a function registered with `bulk=True` may get a 1-D float64 array instead of the list: a range of
          nothing but numbers, read from the column store in bulk, perhaps a read-only view of it;
          `functions.summing` adds up either alike)
  values  a 2-D numpy object array (a scalar becomes 1x1; a reference is read); errors stay inside
  ref     an Area or MultiArea (anything else makes the function return #VALUE!)
  any     the argument as evaluated: scalar, array, Area or MultiArea
  lazy    a zero-argument callable that evaluates the argument ('any' form) only when called

A scalar kind given an array (or, in an array formula, a multi-cell reference) makes the evaluator call the function
once per element, broadcasting as Excel does, and return an array.

Empty and missing arguments are read once, by the evaluator, never in function bodies. An empty cell given to a
num/int, text or bool parameter arrives as 0.0, "" or False (kinds scalar/scalar?/any see None). A missing argument
(ROUND(1,), IF(A1,,1)) in a required position is read as an empty cell (a 'values' one as a 1x1 array holding None,
a 'ref' one makes the call #VALUE!); in an optional position it arrives as None and the function applies its
default; for nums/numsa it holds no numbers. `keeps_missing=True` hands None to the function in every position
(Excel's dynamic-array functions read SEQUENCE(,3) and TAKE(a,,-1) as if the argument were omitted).

Functions with `needs_context=True` receive the evaluation context first: `impl(ctx, *args)`. The context offers
`ctx.sheet` (host sheet name), `ctx.row`, `ctx.col` (host cell), `ctx.read(ref) -> 2-D array`,
`ctx.resolve(text) -> Area | MultiArea | ExcelError` (INDIRECT's parser), `ctx.workbook`, `ctx.random()` and
`ctx.now()` (a datetime; NOW/TODAY), `ctx.sheet_bounds(sheet) -> (max_row, max_col)`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from gdsheet import errors as E

SCALAR_KINDS = frozenset({"num", "int", "text", "bool", "scalar", "scalar?"})
ALL_KINDS = SCALAR_KINDS | {"nums", "numsa", "values", "ref", "any", "lazy"}


@dataclass(slots=True)
class FunctionSpec:
    name: str
    impl: Callable
    params: tuple[str, ...]
    min_args: int
    max_args: int | None  # None: variadic (the last kind repeats)
    category: str
    syntax: str
    summary: str
    volatile: bool = False
    needs_context: bool = False
    keeps_missing: bool = False  # a missing argument is None in every position (the function's default)
    kernel: Callable | None = None  # kernel(xp, *floats_or_tensors): smooth numeric math shared with compile
    bulk: bool = False  # nums/numsa arguments may be float64 arrays, not only lists (see the kinds above)
    extra: dict = field(default_factory=dict)  # per-function facts for the compiler (e.g. gradient notes)

    def kind_of(self, i: int) -> str:
        return self.params[i] if i < len(self.params) else self.params[-1]


FUNCTIONS: dict[str, FunctionSpec] = {}


def excel(name: str, *params: str, category: str, syntax: str = "", summary: str = "",
          min_args: int | None = None, max_args: int | None | str = "fixed", volatile: bool = False,
          needs_context: bool = False, kernel: Callable | None = None, aliases: tuple[str, ...] = (),
          keeps_missing: bool = False, bulk: bool = False):
    """Register an Excel function. `max_args='fixed'` means exactly len(params); None means variadic."""
    for p in params:
        if p not in ALL_KINDS:
            raise ValueError(f"{name}: unknown parameter kind {p!r}")

    def register(fn: Callable) -> Callable:
        n_max = len(params) if max_args == "fixed" else max_args
        n_min = len(params) if min_args is None else min_args
        doc = (fn.__doc__ or "").strip().splitlines()
        spec = FunctionSpec(name=name, impl=fn, params=tuple(params), min_args=n_min, max_args=n_max,
                            category=category, syntax=syntax or f"{name}({', '.join(params)})",
                            summary=summary or (doc[0] if doc else ""), volatile=volatile,
                            needs_context=needs_context, kernel=kernel, keeps_missing=keeps_missing,
                            bulk=bulk)
        for n in (name, *aliases):
            if n in FUNCTIONS:
                raise ValueError(f"function {n} registered twice")
            FUNCTIONS[n] = spec
        return fn

    return register


def elementwise(name: str, kernel: Callable, *params: str, category: str = "Math & trig", syntax: str = "",
                summary: str = "", min_args: int | None = None, max_args="fixed", aliases: tuple[str, ...] = ()):
    """Register a smooth numeric function from its kernel alone: the engine runs kernel(np, *floats) and turns a
    non-finite result into #NUM!; the compiler runs kernel(torch, *tensors)."""
    params = params or ("num",)

    def impl(*xs):
        with np.errstate(all="ignore"):
            y = float(kernel(np, *(np.float64(x) for x in xs)))  # numpy floats: NaN where Python goes complex
        return y if math.isfinite(y) else E.NUM

    impl.__doc__ = summary
    excel(name, *params, category=category, syntax=syntax, summary=summary, min_args=min_args,
          max_args=max_args, kernel=kernel, aliases=aliases)(impl)
    # the impl is the kernel and nothing else: vectorised recalculation may run the kernel on whole columns
    FUNCTIONS[name].extra["kernel_is_impl"] = True
    return impl


def catalog() -> list[FunctionSpec]:
    """Every registered function once (aliases folded), by category then name: Help -> Functions and the README.
    Names starting with '_' are how files spell an operator (_TRO_ALL for A1.:.C9) and are left out."""
    from gdsheet import functions  # noqa: F401 - importing the package fills the table

    unique = {id(spec): spec for spec in FUNCTIONS.values() if not spec.name.startswith("_")}
    return sorted(unique.values(), key=lambda s: (s.category, s.name))


def is_listed(name: str) -> bool:
    """Whether a name belongs in Help and the README: not the spellings only files use (_TRO_ALL for A1.:.C9)."""
    return not name.startswith("_")
