"""Renaming a sheet: every formula, defined name and table that names it follows."""
from __future__ import annotations

import dataclasses

from gdsheet.formula import ast as A
from gdsheet.formula import parse, unparse
from gdsheet.errors import FormulaSyntaxError
from gdsheet.refs import sheet_span


def rename_in_tree(node: A.Node, old: str, new: str) -> A.Node:
    """The tree with references to sheet `old` (case-insensitive) pointing at `new`."""
    low = old.lower()
    if isinstance(node, (A.CellRef, A.AreaRef, A.Name)):
        span = sheet_span(node.sheet)
        if span is not None:  # Sheet1:Sheet3!A1 follows a rename of either end
            renamed = ":".join(new if part.lower() == low else part for part in span)
            return dataclasses.replace(node, sheet=renamed) if renamed != node.sheet else node
        if node.sheet is not None and node.sheet.lower() == low:
            return dataclasses.replace(node, sheet=new)
        return node
    if isinstance(node, A.Unary):
        return A.Unary(node.op, rename_in_tree(node.operand, old, new))
    if isinstance(node, A.Binary):
        return A.Binary(node.op, rename_in_tree(node.left, old, new), rename_in_tree(node.right, old, new))
    if isinstance(node, A.Call):
        return A.Call(node.name, tuple(rename_in_tree(a, old, new) for a in node.args))
    if isinstance(node, A.SpillRef):
        return A.SpillRef(rename_in_tree(node.target, old, new))
    return node


def rename_sheet_everywhere(wb, old: str, new: str) -> None:
    low = old.lower()
    for sheet in wb.sheets:
        for (r, c), f in sheet.formulas.items():
            if f.ast is None or low not in f.text.lower():
                continue
            tree = rename_in_tree(f.ast, old, new)
            if tree != f.ast:
                f.ast = tree
                f.text = unparse(tree, r, c)
        if sheet.name.lower() == low:
            for f in sheet.formulas.values():
                if f.array is not None and f.array.sheet is not None:
                    f.array = dataclasses.replace(f.array, sheet=new)
    for key, dn in list(wb.names.items()):
        if low in dn.formula.lower():
            try:
                tree = rename_in_tree(parse("=" + dn.formula), old, new)
                dn.formula = unparse(tree)[1:]
            except FormulaSyntaxError:
                pass  # a name we cannot read is kept as written
        if dn.scope is not None and dn.scope.lower() == low:
            del wb.names[key]
            dn.scope = new
            wb.names[(new, key[1])] = dn
    for t in wb.tables.values():
        if t.sheet.lower() == low:
            t.sheet = new
            t.area = dataclasses.replace(t.area, sheet=new)
