"""The patched save's fast path: a block of worksheet rows, cut by `bulk_cells` as the reader cuts it, compared
with the model in bulk (numpy over the block's cells) instead of cell by cell.

`ModelIndex` answers, for a range of rows, what the model holds there, from the stores' bulk views: numbers of a
column as one array slice (CellStore.numbers), formula blocks as intervals per column, and the few per-cell things
(values that are not numbers, single formulas, style ids) as sorted arrays of keys `row << 14 | col`, built once.

`compare_block` then says, for one block: which cells' cached formula results are all that differ (numbers, filled
in without touching the rest of the block), which rows differ otherwise (left to the cell-by-cell walk), and which
of the model's cells in the block's rows the file lacks. It returns None when the block holds something it does not
judge (array formulas, data tables, rows with a height, shared groups in an unusual order): the walk takes those.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdsheet.io.sheet_xml import BulkCells, RawCell, attrs, unescape
from gdsheet.io.xlsx_sheet import cell_value, display_text
from gdsheet.refs import col_index
from gdsheet.sheet.cellstore import CellStore
from gdsheet.sheet.formulastore import FormulaStore

COL_BITS = 14  # keys are row << 14 | column: Excel has 16,384 columns
_SEP = "\x00"  # joins formula texts for one comparison: XML text cannot hold it


def _sorted_keys(keys) -> np.ndarray:
    out = np.fromiter((r << COL_BITS | c for r, c in keys), dtype=np.int64)
    out.sort()
    return out


def _count(sorted_keys: np.ndarray, a: int, b: int) -> int:
    """How many keys lie in rows a..b."""
    lo, hi = np.searchsorted(sorted_keys, [a << COL_BITS, (b + 1) << COL_BITS])
    return int(hi - lo)


def _members(sorted_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(whether each key is in sorted_keys, its position there)."""
    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=bool), np.zeros(len(keys), dtype=np.int64)
    at = np.searchsorted(sorted_keys, keys)
    at_c = np.minimum(at, len(sorted_keys) - 1)
    return sorted_keys[at_c] == keys, at_c


class ModelIndex:
    """What a sheet holds, by ranges of rows, read from its stores in bulk."""

    def __init__(self, sheet) -> None:
        cells = sheet.cells
        if not isinstance(cells, CellStore):  # a sheet built by hand with a dict: the same view over a copy
            cells = CellStore(cells)
        self.cells = cells
        self.num_cols = cells.columns()
        # CellStore keeps what is not a number per cell (text, booleans, errors): proportional to those cells.
        # Numbers it keeps apart (a sparse column, an int) are in `numbers`, so they are left out here.
        self.other_keys = _sorted_keys(k for k in cells.other_keys()
                                       if not (type(v := cells.get(k)) is float or type(v) is int))
        formulas = sheet.formulas
        if isinstance(formulas, FormulaStore):
            self.singles, blocks = formulas.singles(), formulas.blocks()
        else:
            self.singles, blocks = dict(formulas), []
        self.single_keys = _sorted_keys(self.singles)
        self.blocks = blocks
        by_col: dict[int, list[int]] = {}
        for i, b in enumerate(blocks):
            by_col.setdefault(b.col, []).append(i)
        # column -> (first rows, last rows, block numbers), by first row
        self.block_cols = {c: (np.array([blocks[i].r1 for i in ids], dtype=np.int64),
                               np.array([blocks[i].r2 for i in ids], dtype=np.int64), np.array(ids, dtype=np.int64))
                           for c, ids in by_col.items()}
        styles = [(r << COL_BITS | c, s) for (r, c), s in sheet.style_ids.items() if s]
        styles.sort()
        self.style_keys = np.array([k for k, _ in styles], dtype=np.int64)
        self.style_vals = np.array([s for _, s in styles], dtype=np.int64)

    def formula_count(self, a: int, b: int) -> int:
        n = _count(self.single_keys, a, b)
        for r1, r2, _ in self.block_cols.values():
            n += int(np.clip(np.minimum(r2, b) - np.maximum(r1, a) + 1, 0, None).sum())
        return n

    def keys_in(self, a: int, b: int) -> np.ndarray:
        """The sorted keys of every cell the model holds in rows a..b: a value, a formula or a style id."""
        pieces = []
        for c in self.num_cols:
            _, mask = self.cells.numbers(c, a, b)
            pieces.append((np.flatnonzero(mask) + a) << COL_BITS | c)
        for keys in (self.other_keys, self.single_keys, self.style_keys):
            lo, hi = np.searchsorted(keys, [a << COL_BITS, (b + 1) << COL_BITS])
            pieces.append(keys[lo:hi])
        for c, (r1, r2, _) in self.block_cols.items():
            for x, y in zip(np.maximum(r1, a).tolist(), np.minimum(r2, b).tolist()):
                if x <= y:
                    pieces.append(np.arange(x, y + 1, dtype=np.int64) << COL_BITS | c)
        if not pieces:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(pieces))

    def last_row(self) -> int:
        r = max(self.cells.bounds()[0], max((b.r2 for b in self.blocks), default=0))
        for keys in (self.other_keys, self.single_keys, self.style_keys):
            if len(keys):
                r = max(r, int(keys[-1] >> COL_BITS))
        return r


@dataclass
class BlockDiff:
    """How a bulk block differs from the model: new value texts of cells (formula results only), the rows
    whose cells differ otherwise, and the model's cells in the block's rows that the file lacks."""

    cells: list[int]  # cells (numbered in file order) whose value text is all that changes
    texts: list[bytes]  # their new value texts
    dirty_rows: set[int]
    missing: np.ndarray


class BulkComparer:
    """Compares bulk blocks of one worksheet part with the model, in file order. `patcher` is the SheetPatcher:
    its shared-formula state (masters seen, kept groups' trees, broken groups) is read and kept up to date, so
    that the cell-by-cell walk of a later block sees what it would have seen."""

    def __init__(self, patcher, index: ModelIndex) -> None:
        self.patcher, self.index = patcher, index
        self.columns: dict[bytes, int] = {}
        self.kinds: dict[bytes, tuple[int, bytes | None, dict]] = {}  # s/t attribute text -> style, t, attrs
        self.f_elements: dict[bytes, tuple[dict, bytes]] = {}

    def compare(self, bulk: BulkCells, a: int, b: int) -> BlockDiff | None:
        """Compare the cells of a block covering rows a..b (a: the row after the previous block's last)."""
        index, cells = self.index, self.index.cells
        n = len(bulk.rows)
        columns = self.columns
        for letters in set(bulk.letters):
            if letters not in columns:
                columns[letters] = col_index(letters.decode())
        cols = np.array([columns[x] for x in bulk.letters], dtype=np.int64)
        rows = np.array(bulk.rows).astype(np.int64)
        keys = rows << COL_BITS | cols
        if rows[0] < a or rows[-1] > b or (n > 1 and (np.diff(keys) <= 0).any()):
            return None  # out of order: the walk says so
        # the s/t attributes: a handful of distinct texts per sheet, parsed once
        kinds = list(set(bulk.attrs))
        for text in kinds:
            if text not in self.kinds:
                at = attrs(text)
                self.kinds[text] = (int(at.get(b"s", b"0") or 0), at.get(b"t"), at)
        if any(self.kinds[k][1] == b"inlineStr" for k in kinds):
            return None
        code_of = {text: i for i, text in enumerate(kinds)}
        codes = np.array([code_of[x] for x in bulk.attrs], dtype=np.int64)
        styles = np.array([self.kinds[k][0] for k in kinds], dtype=np.int64)[codes]
        numeric = np.array([self.kinds[k][1] in (None, b"n") for k in kinds])[codes]
        texts = bulk.values
        filled = np.fromiter(map(len, texts), dtype=np.int64, count=n) > 0

        # values: the model's numbers of each column, gathered at the file's cells
        m_val, m_num = np.zeros(n), np.zeros(n, dtype=bool)
        n_model_num = 0
        order = np.argsort(cols, kind="stable")
        uniq, starts = np.unique(cols[order], return_index=True)
        groups = {int(c): order[s:e] for c, s, e in zip(uniq, starts, list(starts[1:]) + [n])}
        for c in index.num_cols:
            vals, mask = cells.numbers(c, a, b)
            n_model_num += int(np.count_nonzero(mask))
            sel = groups.get(c)
            if sel is not None:
                at = rows[sel] - a
                m_val[sel], m_num[sel] = vals[at], mask[at]
        m_other, _ = _members(index.other_keys, keys)
        same_value = np.zeros(n, dtype=bool)
        num = numeric & filled
        if num.any():
            # fixed-width bytes, as the reader converts them; a long text result would make every row that wide
            picked = np.array(texts)[num] if max(map(len, texts)) <= 64 else np.array(texts, dtype=object)[num]
            try:
                file_nums = picked.astype(np.float64)
            except ValueError:
                return None
            same_value[num] = m_num[num] & (m_val[num] == file_nums)
        same_value[~filled] = ~m_num[~filled] & ~m_other[~filled]  # <v></v>: no value
        strings = self.patcher.strings
        for i in np.flatnonzero(~numeric & filled).tolist():  # shared strings, booleans, errors, text results
            at = self.kinds[bulk.attrs[i]][2]
            model = cells.get((int(rows[i]), int(cols[i])))
            same_value[i] = _same(model, cell_value(RawCell(at, texts[i]), strings))

        # style ids
        s_hit, s_at = _members(index.style_keys, keys)
        m_style = np.where(s_hit, index.style_vals[s_at] if len(index.style_vals) else 0, 0)
        same_style = m_style == styles

        # formulas
        in_single, _ = _members(index.single_keys, keys)
        block_of = np.full(n, -1, dtype=np.int64)
        for c, sel in groups.items():
            spans = index.block_cols.get(c)
            if spans is None:
                continue
            r1, r2, ids = spans
            at = np.searchsorted(r1, rows[sel], side="right") - 1
            ok = at >= 0
            ok[ok] = rows[sel][ok] <= r2[at[ok]]
            block_of[sel[ok]] = ids[at[ok]]
        m_formula = in_single | (block_of >= 0)
        same_formula = ~m_formula  # a cell without a formula in the file: the model has none there either
        f_cells = [i for i, f in enumerate(bulk.formulas) if f is not None]
        if f_cells and not self._formulas(bulk, f_cells, rows, cols, keys, block_of, in_single, same_formula):
            return None

        # the model's cells in these rows: each kind counted in bulk, against the file's cells that have it
        complete = (n_model_num == int(np.count_nonzero(m_num))
                    and _count(index.other_keys, a, b) == int(np.count_nonzero(m_other))
                    and index.formula_count(a, b) == int(np.count_nonzero(m_formula))
                    and _count(index.style_keys, a, b) == int(np.count_nonzero(s_hit)))
        missing = np.zeros(0, dtype=np.int64) if complete else np.setdiff1d(index.keys_in(a, b), keys)

        same = same_value & same_style & same_formula
        has_f = np.zeros(n, dtype=bool)
        has_f[f_cells] = True
        # a kept formula whose result is now another number (or was not written): only its <v> text changes
        fix = ~same_value & same_style & same_formula & has_f & numeric & m_num & np.isfinite(m_val)
        fixed = np.flatnonzero(fix)
        texts = number_texts(m_val[fixed]) if len(fixed) else []
        dirty = set(rows[~same & ~fix].tolist())
        if len(missing):
            dirty.update((missing >> COL_BITS).tolist())
        return BlockDiff(fixed.tolist(), texts, dirty, missing)

    def _formulas(self, bulk: BulkCells, f_cells: list[int], rows, cols, keys, block_of, in_single,
                  same: np.ndarray) -> bool:
        """Fill `same` for the block's formula cells; False for a block the walk must take."""
        index, patcher = self.index, self.patcher
        formulas = bulk.formulas
        # plain formulas (<f>text</f>, as openpyxl writes every one) inside a formula block: grouped by block
        plain = np.array([f[:3] == b"<f>" and len(f) > 7 for f in [formulas[i] for i in f_cells]], dtype=bool)
        f_idx = np.array(f_cells, dtype=np.int64)
        p_idx = f_idx[plain]
        p_blocks = block_of[p_idx]
        in_blocks = p_idx[p_blocks >= 0]
        plain_in_block: dict[int, list[int]] = {}
        if len(in_blocks):
            ids = p_blocks[p_blocks >= 0]
            order = np.argsort(ids, kind="stable")
            uniq, starts = np.unique(ids[order], return_index=True)
            ends = list(starts[1:]) + [len(order)]
            plain_in_block = {int(bi): in_blocks[order[a:b]].tolist() for bi, a, b in zip(uniq, starts, ends)}
        for i in p_idx[p_blocks < 0].tolist():
            if in_single[i]:
                model = index.singles[(int(rows[i]), int(cols[i]))]
                text = formulas[i][3:-4]
                same[i] = (model.source is not None and model.array is None and not model.dynamic
                           and model.source[1:] == unescape(text)
                           and (model.source == model.text or display_text(model.source) == model.text))
            else:
                same[i] = False
        followers: dict[bytes, list[int]] = {}
        first_master: dict[bytes, int] = {}
        for i in f_idx[~plain].tolist():
            f = formulas[i]
            parsed = self.f_elements.get(f)
            if parsed is None:
                head, _, rest = f.partition(b">")
                parsed = (attrs(head[2:-1]), b"") if head.endswith(b"/") else (attrs(head[2:]), rest[:-4])
                if len(self.f_elements) < 4096:
                    self.f_elements[f] = parsed
            f_attrs, f_text = parsed
            if f_attrs.get(b"t") != b"shared" or not f_attrs.get(b"si"):
                return False  # an array formula, a data table, an empty <f/>: the walk knows them
            si = f_attrs[b"si"]
            if f_text:  # a master: judged as the walk judges it, and the group's state kept
                key = (int(rows[i]), int(cols[i]))
                model = index.singles.get(key)
                if model is None and block_of[i] >= 0:
                    model = index.blocks[int(block_of[i])].formula(key[0])
                raw = RawCell(self.kinds[bulk.attrs[i]][2], bulk.values[i], f_attrs, f_text)
                patcher.masters_seen.add(si)
                first_master.setdefault(si, i)
                if model is not None and patcher._same_formula(model, raw, b"shared", si, True):
                    patcher.group_trees[si] = model.ast
                    same[i] = True
                else:
                    return False  # a master that changed breaks its group: the walk rewrites its followers
            else:
                followers.setdefault(si, []).append(i)
        for bi, cells in plain_in_block.items():
            block = index.blocks[bi]
            if block.source is None:  # the formulas no longer say what the file has: each is written afresh
                continue
            fmt, offsets = block.source
            fmt = fmt[1:]  # '=' first
            if len(offsets) == 1:
                o = offsets[0]
                expected = _SEP.join([fmt.format(r + o) for r in rows[cells].tolist()])
            else:
                expected = _SEP.join([fmt.format(*[r + o for o in offsets]) for r in rows[cells].tolist()])
            found = b"\x00".join([bulk.formulas[i][3:-4] for i in cells])
            found = unescape(found) if b"&" in found else found.decode("utf-8")
            if expected == found:
                same[cells] = True
            else:  # one or more cells differ: find them
                fmts = expected.split(_SEP)
                texts = found.split(_SEP)
                for i, e, t in zip(cells, fmts, texts):
                    same[i] = e == t
        for si, cells in followers.items():
            tree = patcher.group_trees.get(si)
            if tree is None or si in patcher.broken_groups or (si in first_master and cells[0] < first_master[si]):
                return False  # an orphan, or a follower before its master: as the walk reads it
            cells = np.array(cells, dtype=np.int64)
            blocks = block_of[cells]
            good = {bi for bi in np.unique(blocks[blocks >= 0]).tolist()
                    if index.blocks[bi].ast is tree or index.blocks[bi].ast == tree}
            same[cells] = np.isin(blocks, list(good)) if good else False
            for i in cells[(blocks < 0) & in_single[cells]].tolist():
                model = index.singles[(int(rows[i]), int(cols[i]))]
                raw = RawCell(self.kinds[bulk.attrs[i]][2], bulk.values[i], {b"t": b"shared", b"si": si}, b"")
                same[i] = patcher._same_formula(model, raw, b"shared", si, False)
        return True


def _same(a, b) -> bool:
    from gdsheet.io.sheet_patch import same_value

    return same_value(a, b)


def number_texts(x: np.ndarray) -> list[bytes]:
    """Finite numbers as formula results are cached, as gdsheet.io.xlsx_patch.cached_value writes each: the
    shortest text that reads back as the same double (repr), without the '.0' of a whole number."""
    whole = (x == np.floor(x)) & (np.abs(x) < 1e16)  # repr writes these 'N.0'; larger ones '1e+16'
    if whole.all() and not ((x == 0) & np.signbit(x)).any():  # -0.0 is written '-0', which %d would lose
        return [b"%d" % v for v in x.astype(np.int64).tolist()]
    out = [b"%r" % v for v in x.tolist()]
    for i in np.flatnonzero(whole).tolist():
        out[i] = out[i][:-2]
    return out
