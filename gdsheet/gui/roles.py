"""The solver roles the grid colours: the objective, the variables, and every cell computed from the variables.

Which cells depend on the variables is found on demand, cell by cell as the grid paints them, by walking each
cell's precedents up to a variable (remembered once found): a million-row model drives millions of cells, and
listing them all whenever a model is chosen took seconds and hundreds of MB, for the few dozen on screen.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping

CellId = tuple[str, int, int]
VARIABLE, OBJECTIVE, DEPENDENT = "variable", "objective", "dependent"
LISTED = 10_000  # past this many cells downstream of an edit, the answers remembered are dropped, not checked


class Driven:
    """`cell in driven`: whether the cell's value is computed from the variables (a formula reading one, directly
    or through other formulas, or a cell an array formula of that kind spills into)."""

    def __init__(self, wb, variables: frozenset):
        self.wb, self.variables = wb, variables
        self.known: dict[CellId, bool] = {}

    def __contains__(self, cell: CellId) -> bool:
        if not self.variables:
            return False
        found = self.known.get(cell)
        if found is not None:
            return found
        self.wb.engine.ensure_graph()  # which also records where every array formula's cells come from
        return self._walk(cell)

    def _sources(self, cell: CellId) -> list[CellId]:
        """What a cell's value comes from: the cells its formula reads, or the anchor of the array it is part of."""
        s, r, c = cell
        if self.wb.formula(s, r, c) is not None:
            return list(self.wb.precedents(s, r, c))
        anchor = self.wb.sheet(s).spilled_from.get((r, c))
        return [(s, *anchor)] if anchor is not None else []

    def _walk(self, start: CellId) -> bool:
        """Depth first up the precedents, without recursion (a running total down a million rows is a chain that
        long); a cell on a cycle being walked counts as not driven for the cell that meets it again."""
        known, variables = self.known, self.variables
        stack = [(start, iter(self._sources(start)))]
        walking = {start}
        while stack:
            cell, sources = stack[-1]
            answer = None
            for p in sources:
                if p in variables or known.get(p):
                    answer = True
                    break
                if p in walking or p in known:
                    continue
                nxt = self._sources(p)
                if not nxt:
                    continue  # a constant or an empty cell: never driven, not worth remembering
                walking.add(p)
                stack.append((p, iter(nxt)))
                break
            else:
                answer = False
            if answer is None:
                continue  # went one level up
            stack.pop()
            walking.discard(cell)
            known[cell] = answer
            if answer:  # every cell below on the path reads this one: driven too
                for below, _ in stack:
                    known[below] = True
                    walking.discard(below)
                stack.clear()
        return known[start]

    def forget(self, cells) -> None:
        for cell in cells:
            self.known.pop(cell, None)

    def listed(self) -> set[CellId]:
        """Every driven cell, listed (what iterating over the roles gives; the window never needs it)."""
        if not self.variables:
            return set()
        engine = self.wb.engine
        out = engine.dependents_of_many(set(self.variables))
        for sheet in self.wb.sheets:
            for anchor, area in sheet.spills.items():
                if (sheet.name, *anchor) in out:
                    out.update((sheet.name, r, c) for r, c in area.cells())
        return out


class Roles(Mapping):
    """cell -> VARIABLE / OBJECTIVE / DEPENDENT, looked up layer by layer: the objective, the variables, the cells
    they drive, then another model's roles shown aside (`aside`, a Roles too)."""

    def __init__(self, objective: CellId | None = None, variables: frozenset = frozenset(),
                 driven: Driven | None = None, aside: "Roles | None" = None):
        self.objective, self.variables, self.driven, self.aside = objective, variables, driven, aside

    def get(self, cell, default=None):
        if cell == self.objective:
            return OBJECTIVE
        if cell in self.variables:
            return VARIABLE
        if self.driven is not None and cell in self.driven:
            return DEPENDENT
        return self.aside.get(cell, default) if self.aside is not None else default

    def __getitem__(self, cell) -> str:
        role = self.get(cell)
        if role is None:
            raise KeyError(cell)
        return role

    def __contains__(self, cell) -> bool:
        return self.get(cell) is not None

    def __iter__(self) -> Iterator[CellId]:
        keys = dict.fromkeys(self.aside or ())
        keys.update(dict.fromkeys(self.driven.listed() if self.driven is not None else ()))
        keys.update(dict.fromkeys(self.variables))
        if self.objective is not None:
            keys[self.objective] = None
        return iter(keys)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return bool(self.objective is not None or self.variables or self.aside)
