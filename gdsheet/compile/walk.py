"""Walks over a block's syntax tree: every reference it reads, following defined names into their own trees."""
from __future__ import annotations

from gdsheet.compile.cone import Block, Region
from gdsheet.compile.regions import DYNAMIC_REFS, resolve_areas
from gdsheet.errors import ExcelError
from gdsheet.formula import ast as A
from gdsheet.functions import FUNCTIONS

REF_TYPES = (A.CellRef, A.AreaRef, A.StructRef, A.SpillRef)
REF_OPS = (":", " ", ",")


def walk_refs(wb, node: A.Node, sheet: str, on_ref, seen_names=None) -> None:
    """Call on_ref(node, sheet) for every reference-like node of a tree, following defined names that are
    formulas into their own trees (on their own sheet)."""
    seen_names = set() if seen_names is None else seen_names
    t = type(node)
    if t in REF_TYPES or (t is A.Binary and node.op in REF_OPS):
        on_ref(node, sheet)
    elif t is A.Name:
        dn = wb.get_name(node.name, node.sheet or sheet)
        tree = wb.engine.name_tree(dn) if dn is not None else None
        if tree is None or isinstance(tree, ExcelError) or is_ref_tree(tree):
            on_ref(node, sheet)
        elif (dn.scope, dn.name.upper()) not in seen_names:
            seen_names.add((dn.scope, dn.name.upper()))
            walk_refs(wb, tree, dn.scope or sheet, on_ref, seen_names)
    elif t is A.Unary:
        walk_refs(wb, node.operand, sheet, on_ref, seen_names)
    elif t is A.Binary:
        walk_refs(wb, node.left, sheet, on_ref, seen_names)
        walk_refs(wb, node.right, sheet, on_ref, seen_names)
    elif t is A.Call:
        if node.name in DYNAMIC_REFS:  # the areas it returns now: what it reads (see regions.DYNAMIC_REFS)
            on_ref(node, sheet)
        if node.name not in FUNCTIONS and node.name != A.APPLY:  # ADD1(5): follow the name's LAMBDA too
            walk_refs(wb, A.Name(node.name), sheet, on_ref, seen_names)
        for a in node.args:
            walk_refs(wb, a, sheet, on_ref, seen_names)


def is_ref_tree(tree) -> bool:
    return isinstance(tree, REF_TYPES) or (isinstance(tree, A.Binary) and tree.op in REF_OPS)


def block_regions(wb, block: Block) -> list[Region]:
    """Every region a block's formula reads (may raise NeedsSplit)."""
    out: list[Region] = []

    def on_ref(node, sheet):
        res = resolve_areas(wb, node, sheet, block.r0, block.col, block.n)
        if isinstance(res, list):
            out.extend(res)

    walk_refs(wb, block.formula.ast, block.sheet, on_ref)
    return out


def each_name_or_tree(node, visit) -> None:
    """visit(node) for a tree, except that local (LET) names are visited on their own."""
    if isinstance(node, A.Name):
        visit(node)
    elif isinstance(node, A.Unary):
        each_name_or_tree(node.operand, visit)
    elif isinstance(node, A.Binary) and node.op not in REF_OPS:
        each_name_or_tree(node.left, visit)
        each_name_or_tree(node.right, visit)
    elif isinstance(node, A.Call):
        if node.name in DYNAMIC_REFS:
            visit(node)  # what OFFSET/INDIRECT returns is read too (walk_refs resolves it)
            return
        if node.name not in FUNCTIONS and node.name != A.APPLY:
            visit(A.Name(node.name))  # a LAMBDA called by name
        for a in node.args:
            each_name_or_tree(a, visit)
    else:
        visit(node)
