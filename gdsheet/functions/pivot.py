"""GROUPBY and PIVOTBY: summaries of a table by formula, grouped on row (and column) fields, aggregated by a
LAMBDA or a function named bare (SUM, AVERAGE, COUNT, PERCENTOF...), with headers, totals, sorting and a filter.

Groups form a hierarchy, one level per field column: keys compare as Excel sorts (numbers, text without case,
booleans, errors, blanks last). A function of one parameter gets each group's values (a column); one of two
parameters (PERCENTOF) gets the group's values and all values of that column (PIVOTBY: of its column group).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cmp_to_key

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.dynamic import _cmp_value, _key
from gdsheet.functions.lambda_helpers import _scalar
from gdsheet.functions.registry import excel
from gdsheet.values import Lambda, to_bool, to_number

CAT = "Lookup & reference"
TOTAL = "Total"
GAP = ""  # what Excel shows in the summary's structural gaps (a subtotal's lower fields, a combination with no rows)


@dataclass
class Group:
    """Rows sharing the values of the first len(path) fields."""

    path: tuple
    rows: list[int]
    children: list["Group"] = field(default_factory=list)


def build(fields: np.ndarray, rows: list[int], depth: int = 0, path: tuple = ()) -> Group:
    """The hierarchy of groups under `path` (fields: one column per level)."""
    node = Group(path, rows)
    if depth < fields.shape[1]:
        by_key: dict = {}
        for r in rows:
            v = fields[r, depth]
            by_key.setdefault(_key(v), (v, []))[1].append(r)
        node.children = [build(fields, members, depth + 1, path + (v,)) for v, members in by_key.values()]
    return node


def flat(fields: np.ndarray, rows: list[int]) -> Group:
    """Groups on whole rows of keys, for field_relationship 1 (table): one level, no subtotals."""
    by_key: dict = {}
    for r in rows:
        vs = tuple(fields[r])
        by_key.setdefault(tuple(_key(v) for v in vs), (vs, []))[1].append(r)
    return Group((), rows, [Group(vs, members) for vs, members in by_key.values()])


# ---- arguments ---------------------------------------------------------------------------------------------------

def _int(v, default: int, name: str):
    if v is None:
        return default
    n = to_number(v)
    if isinstance(n, ExcelError):
        return n
    return int(n) if n == int(n) else E.VALUE.because(f"{name} must be a whole number")


def _functions(fn) -> list[Lambda] | ExcelError:
    """The function argument: one LAMBDA, or a row of them (HSTACK(SUM, AVERAGE)) for several aggregations."""
    items = list(fn.ravel()) if isinstance(fn, np.ndarray) and (fn.shape[0] == 1 or fn.shape[1] == 1) else [fn]
    for f in items:
        if isinstance(f, ExcelError):
            return f
        if not isinstance(f, Lambda) or len(f.params) not in (1, 2):
            return E.VALUE.because("function must be a LAMBDA of one or two parameters, or a function like SUM")
    return items


def _has_headers(values: np.ndarray, field_headers) -> bool:
    """Excel's automatic header detection: the values' first entry is text and the second a number."""
    if field_headers is not None:
        return field_headers in (1, 3)
    return values.shape[0] >= 2 and isinstance(values[0, 0], str) and \
        isinstance(values[1, 0], (int, float)) and not isinstance(values[1, 0], bool)


def _filtered_rows(n: int, filter_array) -> list[int] | ExcelError:
    """The data rows the filter keeps; none at all is #CALC! (an empty summary), as Excel has it."""
    if filter_array is None:
        return list(range(n)) if n else E.CALC.because("there are no rows to summarise")
    flags = filter_array.ravel()
    if len(flags) != n:
        return E.VALUE.because("filter_array must be as long as the data")
    keep = []
    for i, f in enumerate(flags):
        t = to_bool(f)
        if isinstance(t, ExcelError):
            return t
        if t:
            keep.append(i)
    return keep if keep else E.CALC.because("the filter keeps no rows")


def _aggregate(ctx, fn: Lambda, column: np.ndarray, rows: list[int], everything: list[int]):
    if not rows:
        return GAP
    part = column[rows].reshape(-1, 1)
    if len(fn.params) == 2:
        return _scalar(ctx, fn(part, column[everything].reshape(-1, 1)))
    return _scalar(ctx, fn(part))


def _cmp(a, b, order: int) -> int:
    return _cmp_value(a, b, order)


def _sort(node: Group, level: int, order_for, key_for) -> None:
    """Children sorted at every level: by their key, or by an aggregate when the sort order names a value (a
    table's one level of whole-row keys compares field by field, each in its own order)."""
    order, by_value = order_for(level)
    if by_value is None and node.children and len(node.children[0].path) > level + 1:
        orders = [order_for(i)[0] for i in range(len(node.children[0].path))]

        def by_fields(a, b):
            return next((c for i, o in enumerate(orders) if (c := _cmp(a.path[i], b.path[i], o))), 0)
        node.children.sort(key=cmp_to_key(by_fields))
    elif by_value is None:
        node.children.sort(key=cmp_to_key(lambda a, b: _cmp(a.path[-1], b.path[-1], order)))
    else:
        node.children.sort(key=cmp_to_key(lambda a, b: _cmp(key_for(a, by_value), key_for(b, by_value), order)))
    for child in node.children:
        _sort(child, level + 1, order_for, key_for)


def _sort_spec(sort_order, n_fields: int, n_values: int):
    """sort_order -> level -> (1 or -1, None to sort by the key or a value column's index)."""
    if sort_order is None:
        return lambda level: (1, None)
    items = []
    for v in sort_order.ravel():
        n = to_number(v)
        if isinstance(n, ExcelError):
            return n
        items.append(int(n))
    if any(n == 0 or abs(n) > n_fields + n_values for n in items) or (len(items) > 1 and any(
            abs(n) > n_fields for n in items)):
        return E.VALUE.because("sort_order must number a field or value column (negative for descending)")
    by_field = {abs(n) - 1: (1 if n > 0 else -1) for n in items if abs(n) <= n_fields}
    by_value = next(((1 if n > 0 else -1, abs(n) - n_fields - 1) for n in items if abs(n) > n_fields), None)

    def spec(level: int):
        if by_value is not None:
            return by_value
        return by_field.get(level, 1), None
    return spec


# ---- GROUPBY -------------------------------------------------------------------------------------------------

def _walk(node: Group, depth: int, totals: int, top: bool, emit, n_fields: int, level: int = 0) -> None:
    """Rows of the body in order: leaves, and subtotals for levels above `totals` (before or after their group)."""
    for child in node.children:
        if child.children and level + 1 < n_fields:
            subtotal = level + 1 < totals
            if subtotal and top:
                emit(child, False)
            _walk(child, depth, totals, top, emit, n_fields, level + 1)
            if subtotal and not top:
                emit(child, False)
        else:
            emit(child, True)


@excel("GROUPBY", "values", "values", "any", "scalar", "scalar", "values", "values", "scalar", category=CAT,
       min_args=3, needs_context=True,
       syntax="GROUPBY(row_fields, values, function, [field_headers], [total_depth], [sort_order], "
              "[filter_array], [field_relationship])",
       summary="Groups the rows of a table by row_fields and aggregates values in each group (a summary by "
               "formula), with totals, sorting and a filter.")
def groupby(ctx, row_fields, values, function, field_headers=None, total_depth=None, sort_order=None,
            filter_array=None, field_relationship=None):
    # Excel: field_headers 0 none, 1 present not shown, 2 generated, 3 present and shown (omitted: automatic);
    # total_depth 0 none, 1 grand total, 2 with subtotals, negative at the top (omitted: subtotals when possible);
    # field_relationship 0 hierarchy, 1 table (no subtotals).
    fns = _functions(function)
    if isinstance(fns, ExcelError):
        return fns
    args = [_int(field_headers, None, "field_headers"), _int(total_depth, None, "total_depth"),
            _int(field_relationship, 0, "field_relationship")]
    for a in args:
        if isinstance(a, ExcelError):
            return a
    headers_mode, depth, relationship = args
    if row_fields.shape[0] != values.shape[0]:
        return E.VALUE.because("row_fields and values must have as many rows")
    if headers_mode not in (None, 0, 1, 2, 3) or relationship not in (0, 1) or \
            (depth is not None and abs(depth) > row_fields.shape[1]):
        return E.VALUE.because("field_headers, total_depth or field_relationship is out of range")
    has_headers = _has_headers(values, headers_mode)
    show = headers_mode in (2, 3) or (headers_mode is None and has_headers and row_fields.shape[1] > 1)
    start = 1 if has_headers else 0
    n = values.shape[0] - start
    keep = _filtered_rows(n, filter_array)
    if isinstance(keep, ExcelError):
        return keep
    fields, data = row_fields[start:], values[start:]
    n_fields = fields.shape[1]
    if depth is None:
        depth = 2 if n_fields > 1 and relationship == 0 else 1
    if relationship == 1 and abs(depth) > 1:
        return E.VALUE.because("a table field_relationship has no subtotals")
    tree = flat(fields, keep) if relationship == 1 else build(fields, keep)
    columns = [(j, f) for j in range(data.shape[1]) for f in fns]
    cache: dict = {}

    def results(g: Group):
        if id(g) not in cache:
            cache[id(g)] = [_aggregate(ctx, f, data[:, j], g.rows, keep) for j, f in columns]
        return cache[id(g)]

    spec = _sort_spec(sort_order, n_fields, len(columns))
    if isinstance(spec, ExcelError):
        return spec
    _sort(tree, 0, spec, lambda g, k: results(g)[k])
    width = (n_fields if relationship == 0 else n_fields) + len(columns)
    body: list[list] = []

    def emit(g: Group, leaf: bool):
        keys = list(g.path) + [GAP] * (n_fields - len(g.path))
        body.append(keys + results(g))

    levels = n_fields if relationship == 0 else 1
    _walk(tree, levels, abs(depth), depth < 0, emit, levels)
    if depth != 0:
        grand = [TOTAL] + [GAP] * (n_fields - 1) + results(tree)
        body = [grand] + body if depth < 0 else body + [grand]
    if show:
        if has_headers:
            names = list(row_fields[0]) + [_value_header(values[0, j], f, len(fns)) for j, f in columns]
        else:
            names = [f"Row Field {i + 1}" for i in range(n_fields)] + \
                    [_value_header(f"Value {j + 1}" if data.shape[1] > 1 else "Value", f, len(fns))
                     for j, f in columns]
        body = [names] + body
    out = np.empty((len(body), width), dtype=object)
    for i, row in enumerate(body):
        out[i, :] = row
    return out


def _value_header(header, fn: Lambda, n_functions: int):
    return header if n_functions == 1 else fn.name


# ---- PIVOTBY -------------------------------------------------------------------------------------------------

@excel("PIVOTBY", "values", "values", "values", "any", "scalar", "scalar", "values", "scalar", "values", "values",
       "scalar", category=CAT, min_args=4, needs_context=True,
       syntax="PIVOTBY(row_fields, col_fields, values, function, [field_headers], [row_total_depth], "
              "[row_sort_order], [col_total_depth], [col_sort_order], [filter_array], [relative_to])",
       summary="A pivot table by formula: values aggregated for each combination of row_fields and col_fields, "
               "with row and column totals.")
def pivotby(ctx, row_fields, col_fields, values, function, field_headers=None, row_total_depth=None,
            row_sort_order=None, col_total_depth=None, col_sort_order=None, filter_array=None, relative_to=None):
    # relative_to (for two-parameter functions such as PERCENTOF): 0 the column's total (default), 1 the row's,
    # 2 the grand total.
    fns = _functions(function)
    if isinstance(fns, ExcelError):
        return fns
    args = [_int(field_headers, None, "field_headers"), _int(row_total_depth, None, "row_total_depth"),
            _int(col_total_depth, None, "col_total_depth"), _int(relative_to, 0, "relative_to")]
    for a in args:
        if isinstance(a, ExcelError):
            return a
    headers_mode, row_depth, col_depth, relative = args
    if not row_fields.shape[0] == col_fields.shape[0] == values.shape[0]:
        return E.VALUE.because("row_fields, col_fields and values must have as many rows")
    if headers_mode not in (None, 0, 1, 2, 3) or relative not in (0, 1, 2):
        return E.VALUE.because("field_headers or relative_to is out of range")
    has_headers = _has_headers(values, headers_mode)
    start = 1 if has_headers else 0
    rows_f, cols_f, data = row_fields[start:], col_fields[start:], values[start:]
    keep = _filtered_rows(data.shape[0], filter_array)
    if isinstance(keep, ExcelError):
        return keep
    n_r, n_c = rows_f.shape[1], cols_f.shape[1]
    row_depth = (2 if n_r > 1 else 1) if row_depth is None else row_depth
    col_depth = (2 if n_c > 1 else 1) if col_depth is None else col_depth
    if abs(row_depth) > n_r or abs(col_depth) > n_c:
        return E.VALUE.because("a total depth is larger than the number of fields")
    row_tree, col_tree = build(rows_f, keep), build(cols_f, keep)
    for tree, order, n_fields in ((row_tree, row_sort_order, n_r), (col_tree, col_sort_order, n_c)):
        spec = _sort_spec(order, n_fields, 0)
        if isinstance(spec, ExcelError):
            return spec
        _sort(tree, 0, spec, lambda g, k: None)
    row_groups = _ordered(row_tree, row_depth, n_r)
    col_groups = _ordered(col_tree, col_depth, n_c)
    col_sets = [set(g.rows) for g in col_groups]
    # each column group holds one column per value column and function, values outermost
    measures = [(j, f) for j in range(data.shape[1]) for f in fns]

    def cell(rg: Group, ci: int, j: int, fn: Lambda):
        members = [r for r in rg.rows if r in col_sets[ci]]
        if not members:
            return GAP
        part = data[members, j].reshape(-1, 1)
        if len(fn.params) == 1:
            return _scalar(ctx, fn(part))
        base = {0: col_groups[ci].rows, 1: rg.rows, 2: keep}[relative]
        return _scalar(ctx, fn(part, data[base, j].reshape(-1, 1)))

    header_rows = []
    for level in range(n_c):
        header_rows.append([GAP] * n_r + [_label(g, level) for g in col_groups for _ in measures])
    if len(measures) > 1:  # a row naming each measure: the value's header, or the function when there are several
        names = [_measure_name(values[0, j] if has_headers else f"Value {j + 1}", f, len(fns), data.shape[1])
                 for j, f in measures]
        header_rows.append([GAP] * n_r + names * len(col_groups))
    body = [[*_keys(g, n_r), *[cell(g, ci, j, f) for ci in range(len(col_groups)) for j, f in measures]]
            for g in row_groups]
    if headers_mode in (2, 3) or (headers_mode is None and has_headers and (n_r > 1 or n_c > 1)):
        names = list(row_fields[0]) if has_headers else [f"Row Field {i + 1}" for i in range(n_r)]
        header_rows[-1][:n_r] = names
    out = header_rows + body
    result = np.empty((len(out), n_r + len(col_groups) * len(measures)), dtype=object)
    for i, row in enumerate(out):
        result[i, :] = row
    return result


def _measure_name(header, fn: Lambda, n_functions: int, n_values: int):
    if n_functions == 1:
        return header
    return fn.name if n_values == 1 else f"{header} {fn.name}"


def _ordered(tree: Group, depth: int, n_fields: int) -> list[Group]:
    """The groups along one axis in order, with subtotal groups and the grand total (a Group with an empty path)
    where the total depth puts them."""
    out: list[Group] = []
    _walk(tree, n_fields, abs(depth), depth < 0, lambda g, leaf: out.append(g), n_fields)
    if depth != 0:
        out = [tree] + out if depth < 0 else out + [tree]
    return out


def _keys(g: Group, n_fields: int) -> list:
    return [TOTAL] + [GAP] * (n_fields - 1) if not g.path else list(g.path) + [GAP] * (n_fields - len(g.path))


def _label(g: Group, level: int):
    if not g.path:
        return TOTAL if level == 0 else GAP
    return g.path[level] if level < len(g.path) else GAP
