"""Which variables have no gradient path to the objective, and the cell and function that block each one.

A path carries no gradient through a piecewise-constant function (ROUND, INT...), a comparison, a condition (IF's
first argument), an index (CHOOSE, INDEX, lookups) or a count. The analysis is static, on the blocks' trees: a
variable is blocked when every path from it to the objective passes such a place. (A ReLU that is off for every
row also gives a zero gradient, but that depends on the values, not on the formulas.)
"""
from __future__ import annotations

from collections import deque

from gdsheet.compile.cone import Block, Cone, cell_label
from gdsheet.compile.walk import REF_OPS, REF_TYPES, is_ref_tree
from gdsheet.compile.regions import DYNAMIC_REFS, resolve_areas
from gdsheet.errors import ExcelError
from gdsheet.formula import ast as A

PIECEWISE = {"ROUND", "ROUNDUP", "ROUNDDOWN", "INT", "TRUNC", "SIGN", "FLOOR", "CEILING", "FLOOR.MATH",
             "CEILING.MATH", "FLOOR.PRECISE", "CEILING.PRECISE", "ISO.CEILING", "MROUND", "EVEN", "ODD",
             "QUOTIENT", "COUNT", "COUNTA", "COUNTIF", "COUNTIFS", "COUNTBLANK", "MATCH", "XMATCH", "RANK",
             "RANK.EQ", "RANK.AVG", "AND", "OR", "NOT", "XOR", "ISNUMBER", "ISERROR", "ISERR", "ISNA", "ISBLANK",
             "ISEVEN", "ISODD", "N", "FACT", "RANDBETWEEN", "BITAND", "BITOR", "BITXOR", "DELTA", "GESTEP"}
# functions smooth in some arguments only: argument index -> how the blocker is named
BLOCKED_ARGS = {
    "IF": {0: "IF's condition"}, "IFS": {i: "IFS's condition" for i in range(0, 254, 2)},
    "CHOOSE": {0: "CHOOSE's index"}, "INDEX": {i: "INDEX's position" for i in (1, 2, 3)},
    "OFFSET": {i: "OFFSET's position" for i in (1, 2, 3, 4)}, "VLOOKUP": {0: "VLOOKUP's lookup value"},
    "HLOOKUP": {0: "HLOOKUP's lookup value"}, "XLOOKUP": {0: "XLOOKUP's lookup value"},
    "LOOKUP": {0: "LOOKUP's lookup value"}, "SUMIF": {0: "SUMIF's criteria", 1: "SUMIF's criteria"},
    "AVERAGEIF": {0: "AVERAGEIF's criteria", 1: "AVERAGEIF's criteria"},
    "SUMIFS": {i: "SUMIFS's criteria" for i in range(1, 255)},
    "AVERAGEIFS": {i: "AVERAGEIFS's criteria" for i in range(1, 255)},
    "MOD": {1: "MOD's divisor"},
}


def edges(wb, block: Block) -> list[tuple[object, str | None]]:
    """(region, blocker) for every reference in a block's formula; blocker None where the path is smooth."""
    out: list = []
    seen: set = set()

    def visit(node, sheet: str, blocker: str | None) -> None:
        t = type(node)
        if t in REF_TYPES or (t is A.Binary and node.op in REF_OPS):
            res = resolve_areas(wb, node, sheet, block.r0, block.col, block.n)
            if isinstance(res, list):
                out.extend((r, blocker) for r in res)
        elif t is A.Name:
            dn = wb.get_name(node.name, node.sheet or sheet)
            tree = wb.engine.name_tree(dn) if dn is not None else None
            if tree is None or isinstance(tree, ExcelError) or is_ref_tree(tree):
                res = resolve_areas(wb, node, sheet, block.r0, block.col, block.n)
                if isinstance(res, list):
                    out.extend((r, blocker) for r in res)
            elif (dn.scope, dn.name.upper()) not in seen:
                seen.add((dn.scope, dn.name.upper()))
                visit(tree, dn.scope or sheet, blocker)
        elif t is A.Unary:
            visit(node.operand, sheet, blocker)
        elif t is A.Binary:
            inner = f"the comparison '{node.op}'" if node.op in ("=", "<>", "<", ">", "<=", ">=") else \
                "the text operator '&'" if node.op == "&" else None
            visit(node.left, sheet, inner or blocker)
            visit(node.right, sheet, inner or blocker)
        elif t is A.Call:
            if node.name in DYNAMIC_REFS:  # the area OFFSET/INDIRECT returns carries its values smoothly
                res = resolve_areas(wb, node, sheet, block.r0, block.col, block.n)
                if isinstance(res, list):
                    out.extend((r, blocker) for r in res)
            args_blocked = BLOCKED_ARGS.get(node.name, {})
            for i, a in enumerate(node.args):
                inner = node.name if node.name in PIECEWISE else args_blocked.get(i)
                visit(a, sheet, inner or blocker)

    visit(block.formula.ast, block.sheet, None)
    return out


def blockers(wb, cone: Cone, blocks: list[Block], objective: tuple, variables: list[tuple]) -> list[str]:
    """Sentences naming each variable with no gradient path to the objective, and what blocks it."""
    home = objective[0]
    obj_label = cell_label(objective, home)
    smooth_in: dict = {}  # node -> set of sources reaching it along a smooth edge
    any_in: dict = {}
    blocked_by: dict = {}  # (source, block id) -> blocker of a non-smooth edge
    for b in blocks:
        if not b.dep:
            continue
        node = ("b", b.id)
        smooth_in[node], any_in[node] = set(), set()
        for reg, blocker in edges(wb, b):
            ids, var_idx = cone.sources(reg, b.n)
            srcs = {("b", i) for i in ids if cone.blocks[i].dep} | {("v", i) for i in var_idx}
            any_in[node] |= srcs
            if blocker is None:
                smooth_in[node] |= srcs
            else:
                for s in srcs:
                    blocked_by.setdefault((s, b.id), blocker)
    out_block = cone.block_at(objective[0], objective[1], objective[2])
    if out_block is not None and out_block.dep:
        root = ("b", out_block.id)
    elif tuple(objective) in cone.var_index:
        root = ("v", cone.var_index[tuple(objective)])
    else:
        root = None
    smooth = _reach(root, smooth_in)
    reached = _reach(root, any_in)
    forward: dict = {}
    for dst, srcs in any_in.items():
        for s in srcs:
            forward.setdefault(s, set()).add(dst)
    causes: dict[str, list[str]] = {}  # one sentence per cause, naming the variables it holds back
    for i, v in enumerate(variables):
        if ("v", i) in smooth:
            continue
        name = cell_label(v, home)
        if ("v", i) not in reached:
            causes.setdefault(f"not affect the objective {obj_label}", []).append(name)
            continue
        down = _reach(("v", i), forward)
        for (src, bid), blocker in blocked_by.items():
            if src in down and ("b", bid) in smooth:
                causes.setdefault(f"reach the objective only through {blocker} in {cone.blocks[bid].label(home)}",
                                  []).append(name)
                break
    return [_sentence(names, cause) for cause, names in causes.items()]


def _sentence(names: list[str], cause: str) -> str:
    """'A1 does not affect ...' for one variable; '150 variable cells (A1, A2, A3, ...) do not affect ...' for
    many, so a model with thousands of blocked cells still gets one short line per cause."""
    if len(names) == 1:
        verb = "does not" if cause.startswith("not ") else cause.split(" ", 1)[0] + "es"
        rest = cause[4:] if cause.startswith("not ") else cause.split(" ", 1)[1]
        return f"{names[0]} {verb} {rest}"
    shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
    verb = "do not" if cause.startswith("not ") else cause.split(" ", 1)[0]
    rest = cause[4:] if cause.startswith("not ") else cause.split(" ", 1)[1]
    return f"{len(names)} variable cells ({shown}) {verb} {rest}"


def _reach(root, incoming: dict) -> set:
    if root is None:
        return set()
    seen = {root}
    queue = deque([root])
    while queue:
        for s in incoming.get(queue.popleft(), ()):
            if s not in seen:
                seen.add(s)
                queue.append(s)
    return seen
