"""Write the README's list of supported functions from the function table (so it never drifts).

    python scripts/function_list.py          rewrite the section between the markers in README.md
    python scripts/function_list.py --check  exit 1 if README.md is out of date
"""
from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from gdsheet.functions.registry import FUNCTIONS, catalog, is_listed

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- functions:begin -->", "<!-- functions:end -->"


def section() -> str:
    by_category = defaultdict(list)
    listed = {name: spec for name, spec in FUNCTIONS.items() if is_listed(name)}
    for name, spec in listed.items():  # aliases (STDEV for STDEV.S...) listed under their function's category
        by_category[spec.category].append(name)
    names = sorted(listed)
    lines = [BEGIN, f"{len(names)} function names ({len(catalog())} functions plus aliases), from the function "
             "table `gdsheet/functions/registry.py` (Help → Functions in the app shows each one's syntax):", ""]
    for category in sorted(by_category):
        lines.append(f"- **{category}**: " + ", ".join(sorted(by_category[category])))
    lines.append(END)
    return "\n".join(lines)


def main() -> int:
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + section() + tail
    if "--check" in sys.argv:
        if new != text:
            print("README.md's function list is out of date: run python scripts/function_list.py")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
