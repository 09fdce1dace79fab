"""Where a sheet keeps its values: numbers by column in float64 arrays, anything else (text, booleans, errors) by cell.

A million-row sheet of numbers held as one Python float per cell in a dict costs ~100 bytes a cell; here a number
costs 8 bytes, and a column's numbers come out as one array slice, which is what the reader fills in bulk, the
vectorised recalculation reads and writes, and the compiler loads. The store is still a mapping from (row, col) to
the value, as the rest of gdsheet reads a sheet, one cell at a time.

Each column holds a float64 array over the rows [start, start + len): NaN marks a row with no number (a value can
never be NaN: a formula that yields one shows #NUM!). A number far below or above what its column already spans, so
that the array would be mostly holes, goes in the per-cell dict instead; so does any value that is not a float.
"""
from __future__ import annotations

from collections.abc import Iterator, MutableMapping

import numpy as np

CellKey = tuple[int, int]
_ABSENT = object()
_MIN_SPAN = 1024  # a column may always span this many rows, however sparse


class _Column:
    __slots__ = ("start", "nums", "count")

    def __init__(self, start: int, nums: np.ndarray, count: int) -> None:
        self.start = start  # the row of nums[0]
        self.nums = nums  # float64, NaN where the row has no number
        self.count = count  # how many rows hold a number

    @property
    def stop(self) -> int:
        return self.start + len(self.nums)

    def widen(self, lo: int, hi: int) -> None:
        """Make the array cover rows lo..hi-1 (a range that contains the rows it covers now), copying it once."""
        nums = np.full(hi - lo, np.nan)
        nums[self.start - lo:self.stop - lo] = self.nums
        self.start, self.nums = lo, nums

    def last_row(self) -> int:
        """The last row holding a number (0 when none)."""
        if not self.count:
            return 0
        end = len(self.nums)
        while end > 0:  # from the end, a piece at a time: a column is mostly full, its last number near the end
            begin = max(0, end - 4096)
            held = np.flatnonzero(~np.isnan(self.nums[begin:end]))
            if len(held):
                return self.start + begin + int(held[-1])
            end = begin
        return 0


class CellStore(MutableMapping):
    """The values of one sheet by (row, col). Numbers (Python floats) live in per-column arrays, other values in a
    dict; `numbers` and `set_numbers` read and write a column's rows in bulk."""

    __slots__ = ("_cols", "_other", "_other_in_col")

    def __init__(self, items=None) -> None:
        self._cols: dict[int, _Column] = {}
        self._other: dict[CellKey, object] = {}
        self._other_in_col: dict[int, int] = {}  # column -> how many of its cells are in _other
        if items:
            for key, value in (items.items() if hasattr(items, "items") else items):
                self[key] = value

    # ---- one cell ---------------------------------------------------------------------------------------------

    def get(self, key, default=None):
        col = self._cols.get(key[1])
        if col is not None:
            i = key[0] - col.start
            if 0 <= i < len(col.nums):
                x = col.nums.item(i)
                if x == x:
                    return x
        return self._other.get(key, default)

    def __getitem__(self, key):
        v = self.get(key, _ABSENT)
        if v is _ABSENT:
            raise KeyError(key)
        return v

    def __contains__(self, key) -> bool:
        return self.get(key, _ABSENT) is not _ABSENT

    def __setitem__(self, key, value) -> None:
        r, c = key
        col = self._cols.get(c)
        if type(value) is float and value == value:
            if col is not None and col.start <= r < col.stop:
                if col.nums.item(r - col.start) != col.nums.item(r - col.start):  # was no number here
                    col.count += 1
                    self._drop_other(key, c)
                col.nums[r - col.start] = value
                return
            col = self._span(c, r, r)
            if col is not None:
                self._drop_other(key, c)
                col.nums[r - col.start] = value
                col.count += 1
                return
        else:
            self._drop_number(col, r)
        if key not in self._other:
            self._other_in_col[c] = self._other_in_col.get(c, 0) + 1
        self._other[key] = value

    def __delitem__(self, key) -> None:
        if self.pop(key, _ABSENT) is _ABSENT:
            raise KeyError(key)

    def pop(self, key, default=_ABSENT):
        r, c = key
        col = self._cols.get(c)
        if col is not None and col.start <= r < col.stop:
            x = col.nums.item(r - col.start)
            if x == x:
                col.nums[r - col.start] = np.nan
                col.count -= 1
                return x
        if key in self._other:
            self._other_in_col[c] -= 1
            return self._other.pop(key)
        if default is _ABSENT:
            raise KeyError(key)
        return default

    def _drop_number(self, col: _Column | None, r: int) -> None:
        if col is not None and col.start <= r < col.stop:
            i = r - col.start
            if col.nums.item(i) == col.nums.item(i):
                col.nums[i] = np.nan
                col.count -= 1

    def _drop_other(self, key, c: int) -> None:
        if self._other_in_col.get(c) and self._other.pop(key, _ABSENT) is not _ABSENT:
            self._other_in_col[c] -= 1

    def _span(self, c: int, r1: int, r2: int) -> _Column | None:
        """Column c's array grown to cover rows r1..r2, or None when that would leave it mostly holes."""
        col = self._cols.get(c)
        if col is None:
            col = self._cols[c] = _Column(r1, np.full(max(r2 - r1 + 1, 16), np.nan), 0)
            return col
        lo, hi = min(col.start, r1), max(col.stop, r2 + 1)
        if lo == col.start and hi == col.stop:
            return col
        want = hi - lo
        if want > _MIN_SPAN and want > 4 * (col.count + (r2 - r1 + 1)):
            return None
        # grow with room to spare below (rows mostly arrive in order), never above row 1
        if hi > col.stop:
            hi = max(hi, col.start + 2 * len(col.nums))
        col.widen(lo, hi)
        return col

    # ---- the whole store ------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return sum(col.count for col in self._cols.values()) + len(self._other)

    def __iter__(self) -> Iterator[CellKey]:
        for c, col in list(self._cols.items()):
            if col.count:
                for i in np.flatnonzero(~np.isnan(col.nums)).tolist():
                    yield (col.start + i, c)
        yield from list(self._other)

    def items(self):
        return [(key, self[key]) for key in self]

    def values(self):
        return [self[key] for key in self]

    def bounds(self) -> tuple[int, int]:
        """(max row, max col) of the cells held; (0, 0) when none."""
        max_r = max((col.last_row() for col in self._cols.values() if col.count), default=0)
        max_c = max((c for c, col in self._cols.items() if col.count), default=0)
        if self._other:
            max_r = max(max_r, max(r for r, _ in self._other))
            max_c = max(max_c, max(c for _, c in self._other))
        return max_r, max_c

    def columns(self) -> list[int]:
        """The columns holding any value."""
        return sorted({c for c, col in self._cols.items() if col.count} | {c for c, n in self._other_in_col.items()
                                                                            if n})

    # ---- bulk -------------------------------------------------------------------------------------------------

    def numbers(self, col: int, r1: int, r2: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows r1..r2 of a column: float64 values (0 where there is no number) and the mask of rows holding one."""
        n = r2 - r1 + 1
        column = self._cols.get(col)
        if column is not None and column.start <= r1 and r2 < column.stop and not self._other_in_col.get(col):
            # the usual case, a column of numbers: two passes over the slice, no copy of it first
            piece = column.nums[r1 - column.start:r2 + 1 - column.start]
            mask = piece == piece
            return np.where(mask, piece, 0.0), mask
        out = np.full(n, np.nan)
        if column is not None and column.count:
            a, b = max(r1, column.start), min(r2 + 1, column.stop)
            if a < b:
                out[a - r1:b - r1] = column.nums[a - column.start:b - column.start]
        if self._other_in_col.get(col):
            other = self._other
            for r in range(r1, r2 + 1) if n <= len(other) else sorted(rr for rr, cc in other if cc == col):
                v = other.get((r, col), _ABSENT)
                if r1 <= r <= r2 and (type(v) is float or type(v) is int):
                    out[r - r1] = v  # a number kept apart (a sparse column, or an int put by a script)
        mask = ~np.isnan(out)
        out[~mask] = 0.0
        return out, mask

    def dense(self, col: int, r1: int, r2: int) -> np.ndarray | None:
        """Rows r1..r2 of a column as a read-only view of the store when every one of them holds a plain number
        (one pass, no copy: what recalculation reads most), else None."""
        column = self._cols.get(col)
        if column is None or not (column.start <= r1 and r2 < column.stop):
            return None
        piece = column.nums[r1 - column.start:r2 + 1 - column.start]
        if np.isnan(piece.min()):  # min is NaN exactly when one of them is: a reduction, no temporary array
            return None  # (and a row holding a number holds nothing else: the column's text is elsewhere)
        view = piece.view()
        view.flags.writeable = False
        return view

    def has_other(self, col: int, r1: int, r2: int) -> bool:
        """Whether rows r1..r2 of a column hold anything but numbers (text, booleans, errors)."""
        if not self._other_in_col.get(col):
            return False
        if r2 - r1 < 64:
            return any((r, col) in self._other for r in range(r1, r2 + 1))
        return any(c == col and r1 <= r <= r2 for r, c in self._other)

    def held(self, col: int, r1: int, r2: int) -> np.ndarray:
        """The mask of rows r1..r2 of a column that hold any value."""
        _, mask = self.numbers(col, r1, r2)
        if self._other_in_col.get(col):
            for r, c in self._other:
                if c == col and r1 <= r <= r2:
                    mask[r - r1] = True
        return mask

    def set_numbers(self, col: int, r1: int, values: np.ndarray, where: np.ndarray | None = None) -> None:
        """Write numbers to rows r1.. of a column in one go; `where` (a bool mask) picks the rows to write. The
        values must be finite floats."""
        values = np.asarray(values, dtype=np.float64)
        n = len(values)
        if n == 0:
            return
        r2 = r1 + n - 1
        column = self._span(col, r1, r2) if where is None or where.any() else None
        if column is None:
            rows = range(r1, r2 + 1) if where is None else (r1 + np.flatnonzero(where)).tolist()
            for r in rows:
                self[(r, col)] = float(values[r - r1])
            return
        if self._other_in_col.get(col):  # the column's few other values in these rows give way
            rows = {r for r, c in self._other if c == col and r1 <= r <= r2 and (where is None or where[r - r1])}
            for r in rows:
                self._drop_other((r, col), col)
        dst = column.nums[r1 - column.start:r2 + 1 - column.start]
        before = int(np.count_nonzero(~np.isnan(dst if where is None else dst[where])))
        if where is None:
            dst[:] = values
            column.count += n - before
        else:
            dst[where] = values[where]
            column.count += int(np.count_nonzero(where)) - before

    def reserve(self, col: int, r1: int, r2: int) -> None:
        """Make a column's array cover rows r1..r2 at once (a reader that knows how far the sheet goes), so that
        it need not grow, copying, again and again as rows arrive."""
        column = self._cols.get(col)
        if column is None:
            self._cols[col] = _Column(r1, np.full(r2 - r1 + 1, np.nan), 0)
            return
        lo, hi = min(column.start, r1), max(column.stop, r2 + 1)
        if (lo, hi) != (column.start, column.stop):
            column.widen(lo, hi)

    def put_numbers(self, col: int, rows: np.ndarray, values: np.ndarray) -> None:
        """Write numbers to the given rows (ascending) of a column in one go: the reader's way in."""
        if not len(rows):
            return
        column = self._span(col, int(rows[0]), int(rows[-1]))
        if column is None:
            for r, v in zip(rows.tolist(), values.tolist()):
                self[(r, col)] = v
            return
        if self._other_in_col.get(col):
            held = {r for r, c in self._other if c == col}
            for r in held.intersection(rows.tolist()):
                self._drop_other((r, col), col)
        at = rows - column.start
        before = int(np.count_nonzero(column.nums[at] == column.nums[at]))
        column.nums[at] = values
        column.count += len(rows) - before  # rows are distinct: a file holds a cell once

    def compact(self) -> None:
        """Give back the room kept below each column's last number for rows still to come (after a file is read)."""
        for column in self._cols.values():
            last = column.last_row()
            if last and column.stop - last > 1024 and column.stop - last > (last - column.start) // 4:
                column.nums = column.nums[:last + 1 - column.start].copy()

    def area(self, r1: int, c1: int, r2: int, c2: int) -> np.ndarray:
        """The values of a rectangle as a 2-D object array (None where empty)."""
        out = np.empty((r2 - r1 + 1, c2 - c1 + 1), dtype=object)
        if out.size <= 64:  # a row or a few cells (B4:K4 read by each row): cell by cell is quicker
            get = self.get
            for i, r in enumerate(range(r1, r2 + 1)):
                out[i] = [get((r, c)) for c in range(c1, c2 + 1)]
            return out
        for j, c in enumerate(range(c1, c2 + 1)):
            column = self._cols.get(c)
            if column is not None and column.count:
                a, b = max(r1, column.start), min(r2 + 1, column.stop)
                if a < b:
                    nums = column.nums[a - column.start:b - column.start]
                    piece = nums.astype(object)
                    piece[np.isnan(nums)] = None
                    out[a - r1:b - r1, j] = piece
            if self._other_in_col.get(c):
                other = self._other
                if (r2 - r1 + 1) <= len(other):
                    for i, r in enumerate(range(r1, r2 + 1)):
                        v = other.get((r, c), _ABSENT)
                        if v is not _ABSENT:
                            out[i, j] = v
                else:
                    for (r, cc), v in other.items():
                        if cc == c and r1 <= r <= r2:
                            out[r - r1, j] = v
        return out

    def other_keys(self) -> list[CellKey]:
        """The cells held apart from the column arrays: text, booleans, errors, ints and far-off numbers."""
        return list(self._other)

    def other_values(self) -> list:
        """The values of the cells held apart from the column arrays, in the order of `other_keys`."""
        return list(self._other.values())

    def number_arrays(self) -> list[tuple[int, int, np.ndarray]]:
        """(column, first row, numbers) for each column array holding a number, by column: read-only views of the
        store, NaN where a row holds no number there (its value, if any, is among `other_values`)."""
        out = []
        for c in sorted(self._cols):
            column = self._cols[c]
            if column.count:
                view = column.nums.view()
                view.flags.writeable = False
                out.append((c, column.start, view))
        return out

    def keys_in(self, r1: int, c1: int, r2: int, c2: int) -> list[CellKey]:
        """The cells of a rectangle that hold a value, column by column: found from the arrays, not by visiting
        every cell the rectangle names (a whole column is a million)."""
        out: list[CellKey] = []
        for c in self.columns():
            if c1 <= c <= c2:
                column = self._cols.get(c)
                if column is not None and column.count:
                    a, b = max(r1, column.start), min(r2 + 1, column.stop)
                    if a < b:
                        piece = column.nums[a - column.start:b - column.start]
                        out.extend((a + i, c) for i in np.flatnonzero(piece == piece).tolist())
                if self._other_in_col.get(c):
                    out.extend((r, cc) for r, cc in self._other if cc == c and r1 <= r <= r2)
        return out

    def moved(self, axis: str, at: int, count: int) -> "CellStore":
        """A new store holding these values with rows (axis 'row') or columns ('col') moved: `count` > 0 inserted
        before index `at`, or -count deleted from `at` (their values dropped). A column's rows move as one array
        (cut or widened at `at`), a column moves by its key; only the values held apart move one by one. The new
        store shares no array with this one, which an undo may still hold."""
        end = at - count if count < 0 else at  # the first index past the deleted band

        def place(i: int) -> int | None:
            if i < at:
                return i
            return i + count if count > 0 or i >= end else None

        out = CellStore()
        for c, col in self._cols.items():
            start, nums, held = col.start, col.nums, col.count
            if axis == "col":
                c = place(c)
                if c is None:
                    continue
                nums = nums.copy()
            elif start + len(nums) <= at:
                nums = nums.copy()  # wholly above the change
            elif start >= end:
                start, nums = start + count, nums.copy()  # wholly below: the same rows, its first one moved
            elif count > 0:
                i = at - start
                nums = np.concatenate((nums[:i], np.full(count, np.nan), nums[i:]))
            else:
                i, j = max(at, start) - start, min(end, start + len(nums)) - start
                gone = nums[i:j]
                held -= int(np.count_nonzero(gone == gone))
                start, nums = min(start, at), np.concatenate((nums[:i], nums[j:]))
            out._cols[c] = _Column(start, nums, held)
        index = 0 if axis == "row" else 1
        for key, value in self._other.items():
            i = key[index]
            if i >= at:
                i = place(i)
                if i is None:
                    continue
                key = (i, key[1]) if index == 0 else (key[0], i)
            out._other[key] = value
            out._other_in_col[key[1]] = out._other_in_col.get(key[1], 0) + 1
        return out

    def copy(self) -> "CellStore":
        out = CellStore()
        out._cols = {c: _Column(col.start, col.nums.copy(), col.count) for c, col in self._cols.items()}
        out._other = dict(self._other)
        out._other_in_col = dict(self._other_in_col)
        return out

    def __repr__(self) -> str:
        return f"CellStore({len(self):,} cells)"
