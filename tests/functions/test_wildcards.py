"""Excel's wildcards without backtracking: the same answers as a regular expression, in time linear in the text."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from gdsheet.functions.criteria import Wildcard


def _regex(pattern: str, escape_any: bool) -> re.Pattern:
    parts, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "~" and i + 1 < len(pattern) and (escape_any or pattern[i + 1] in "*?~"):
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


@settings(max_examples=400, deadline=None)
@given(st.text("ab*?~A", max_size=8), st.text("abAB*?~", max_size=12), st.booleans(), st.integers(0, 12))
def test_the_same_answers_as_a_backtracking_regex(pattern, text, escape_any, start):
    rx, wild = _regex(pattern, escape_any), Wildcard(pattern, escape_any)
    assert wild.fullmatch(text) is (rx.fullmatch(text) is not None)
    start = min(start, len(text))  # SEARCH refuses a start past the end before matching
    m = rx.search(text, start)
    assert wild.search(text, start) == (m.start() if m else -1)


def test_a_pattern_that_makes_a_regex_backtrack_is_answered_at_once():
    text = "a" * 100_000  # a regex needs ~n^3 steps for this: it would not finish
    assert Wildcard("*a*a*a*b").fullmatch(text) is False
    assert Wildcard("*a*a*a*a").fullmatch(text) is True
    assert Wildcard("a*a*a*b").search(text) == -1
    assert Wildcard("a*a?a").search(text, 7) == 7
