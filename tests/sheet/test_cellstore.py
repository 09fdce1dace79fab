"""The column store behaves as the dict it replaced: random edits, one cell at a time and in bulk, checked against a
plain dict after every step, through every way the rest of gdsheet reads it."""
from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gdsheet import errors as E
from gdsheet.formula import parse_cached, row_template
from gdsheet.sheet.cellstore import CellStore
from gdsheet.sheet.formulastore import FormulaBlock, FormulaStore
from gdsheet.sheet.model import Formula

ROWS, COLS = 3000, 4
values = st.one_of(st.floats(-1e6, 1e6), st.integers(-5, 5), st.sampled_from(["x", "", True, False, E.NA]),
                   st.none())
rows = st.one_of(st.integers(1, 40), st.integers(1, ROWS))
put = st.tuples(st.just("put"), rows, st.integers(1, COLS), values)
drop = st.tuples(st.just("del"), rows, st.integers(1, COLS))
bulk = st.tuples(st.just("bulk"), rows, st.integers(1, COLS), st.integers(1, 50), st.booleans())


def _apply(store: CellStore, ref: dict, op) -> None:
    if op[0] == "put":
        _, r, c, v = op
        if v is None:
            store.pop((r, c), None)
            ref.pop((r, c), None)
        else:
            store[(r, c)] = v
            ref[(r, c)] = v
    elif op[0] == "del":
        _, r, c = op
        assert store.pop((r, c), None) == ref.pop((r, c), None)
    else:
        _, r, c, n, masked = op
        vals = np.arange(n, dtype=float) * 0.5 + r
        where = (np.arange(n) % 3 != 0) if masked else None
        store.set_numbers(c, r, vals, where)
        for i in range(n):
            if where is None or where[i]:
                ref[(r + i, c)] = float(vals[i])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(put, drop, bulk), max_size=60))
def test_the_store_reads_as_the_dict_it_replaced(ops):
    store, ref = CellStore(), {}
    for op in ops:
        _apply(store, ref, op)
        assert len(store) == len(ref)
    assert dict(store.items()) == ref and set(store) == set(ref)
    assert all(type(store[k]) is type(v) for k, v in ref.items())
    max_r = max((r for r, _ in ref), default=0)
    max_c = max((c for _, c in ref), default=0)
    assert store.bounds() == (max_r, max_c)
    for c in range(1, COLS + 1):
        got, mask = store.numbers(c, 1, 60)
        want = [ref.get((r, c)) for r in range(1, 61)]
        is_num = [type(v) in (float, int) for v in want]
        assert mask.tolist() == is_num
        assert got.tolist() == [float(v) if n else 0.0 for v, n in zip(want, is_num)]
    area = store.area(1, 1, 60, COLS)
    assert [[area[r - 1, c - 1] for c in range(1, COLS + 1)] for r in range(1, 61)] == \
        [[ref.get((r, c)) for c in range(1, COLS + 1)] for r in range(1, 61)]
    inside = {k for k in ref if 5 <= k[0] <= 2000 and 2 <= k[1] <= 3}
    assert set(store.keys_in(5, 2, 2000, 3)) == inside


def test_a_number_far_from_its_column_is_kept_apart_and_still_read():
    store = CellStore()
    store.set_numbers(1, 1, np.arange(10.0))
    store[(1_000_000, 1)] = 5.0  # the array would be all holes: the dict takes it
    assert store.get((1_000_000, 1)) == 5.0 and len(store._cols[1].nums) < 100_000
    values, mask = store.numbers(1, 999_999, 1_000_000)
    assert values.tolist() == [0.0, 5.0] and mask.tolist() == [False, True]


def test_writing_into_a_block_splits_it_and_the_rest_reads_on():
    text = "=A4*2+$B$1"
    block = FormulaBlock(3, 4, 103, parse_cached(text, 4, 3), row_template(text, 4), row_template(text, 4))
    store = FormulaStore()
    store.add_block(block)
    assert len(store) == 100 and store[(50, 3)].text == "=A50*2+$B$1"
    store[(50, 3)] = Formula("=1", parse_cached("=1", 50, 3))
    assert store[(50, 3)].text == "=1" and store[(49, 3)].text == "=A49*2+$B$1" and store[(51, 3)].text == "=A51*2+$B$1"
    assert len(store.blocks()) == 2 and len(store) == 100
    del store[(4, 3)]
    assert (4, 3) not in store and len(store) == 99
    assert sorted(store.keys_in(1, 3, 10, 3)) == [(r, 3) for r in range(5, 11)]
    assert store.bounds() == (103, 3)


def test_dense_is_a_read_only_view_only_where_every_row_holds_a_number():
    store = CellStore()
    store.put_numbers(2, np.arange(10, 1010), np.arange(1000, dtype=float))
    view = store.dense(2, 10, 1009)
    assert view is not None and view.tolist() == np.arange(1000, dtype=float).tolist()
    assert not view.flags.writeable
    assert store.dense(2, 9, 20) is None  # row 9 is empty
    del store[(500, 2)]
    assert store.dense(2, 10, 1009) is None and store.dense(2, 501, 1009) is not None
    store[(700, 2)] = "text"
    assert store.dense(2, 501, 1009) is None and store.dense(3, 10, 20) is None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(rows, st.integers(1, COLS), values.filter(lambda v: v is not None)), max_size=60),
       st.sampled_from(["row", "col"]), st.integers(1, 45), st.integers(-4, 4).filter(bool))
@example([(5, 1, 1.0), (6, 1, 2.0), (9, 1, 3.0)], "row", 3, -3)  # the column's first row among the deleted
@example([(1, 1, 1.0), (3000, 1, 2.0), (5, 2, "x")], "row", 2, 2)  # a number far below, held apart
def test_moved_is_every_key_moved(items, axis, at, count):
    """Rows or columns inserted (count > 0) or deleted: the new store holds what moving every key of the dict
    gives, numbers far apart (held per cell) included, and leaves the old store as it was."""
    store = CellStore()
    for r, c, v in items:
        store[(r, c)] = v
    before = dict(store.items())
    end = at - count if count < 0 else at

    def place(i):
        return i if i < at else i + count if count > 0 or i >= end else None

    expected = {}
    for (r, c), v in before.items():
        i = place(r if axis == "row" else c)
        if i is not None:
            expected[(i, c) if axis == "row" else (r, i)] = v
    moved = store.moved(axis, at, count)
    assert dict(moved.items()) == expected and len(moved) == len(expected)
    assert moved.bounds() == (max((r for r, _ in expected), default=0), max((c for _, c in expected), default=0))
    assert moved.columns() == sorted({c for _, c in expected})
    assert dict(store.items()) == before  # the old one (an undo's) untouched
    moved[(2, 1)] = 123.0  # and sharing no array with it
    assert store.get((2, 1)) == before.get((2, 1))
