"""REGEXTEST, REGEXEXTRACT and REGEXREPLACE: Excel's regular expressions (PCRE2) on the `regex` package, time-bounded.

`regex` already speaks most of PCRE2 (possessive quantifiers, atomic groups, \\h, \\R, \\K, POSIX classes, branch
reset); the few spellings it lacks are rewritten first. A pattern from a file can backtrack for ever
("(a+)+$" on a long text): every match runs under a timeout, and running out is #VALUE! in that cell only.
"""
from __future__ import annotations

import re

import numpy as np

from gdsheet import errors as E
from gdsheet.errors import ExcelError
from gdsheet.functions.registry import excel
from gdsheet.lazy_modules import lazy_module

regex = lazy_module("regex")

CAT = "Text"
TIMEOUT_S = 1.0  # per call: enough for any sane pattern on 32,767 characters, short enough to keep the app alive
_VERTICAL_SPACE = r"\n\x0b\f\r\x85\u2028\u2029"


def _control(ch: str) -> str:
    return regex.escape(chr(ord(ch.upper()) ^ 0x40))


def translate(pattern: str) -> str:
    """A PCRE2 pattern in the `regex` package's spelling: \\Q...\\E quoting, \\x{hh}, \\e, \\cX, \\N, \\v, \\V,
    \\k<name> back references, and PCRE2's \\Z (end, or before a final newline)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch != "\\" or i + 1 == len(pattern):
            if ch == "[" and not in_class:
                in_class = True
                out.append(ch)
                # a ']' (after an optional '^') right at the start is a literal, not the end of the class
                j = i + 1 + (pattern[i + 1:i + 2] == "^")
                if pattern[j:j + 1] == "]":
                    out.append(pattern[i + 1:j + 1])
                    i = j + 1
                else:
                    i += 1
                continue
            elif ch == "[" and pattern[i + 1:i + 2] == ":":  # [:alpha:] inside a class
                end = pattern.find(":]", i + 2)
                if end > 0:
                    out.append(pattern[i:end + 2])
                    i = end + 2
                    continue
            elif ch == "]" and in_class:
                in_class = False
            out.append(ch)
            i += 1
            continue
        nxt = pattern[i + 1]
        if nxt == "Q":  # \Q...\E: everything between is literal
            end = pattern.find("\\E", i + 2)
            end = len(pattern) if end < 0 else end
            out.append("".join(regex.escape(c) for c in pattern[i + 2:end]))
            i = end + 2
            continue
        if nxt == "E":  # a stray \E is ignored, as in PCRE2
            i += 2
            continue
        if nxt == "x" and pattern[i + 2:i + 3] == "{":
            end = pattern.find("}", i + 3)
            if end > 0:
                try:
                    out.append(regex.escape(chr(int(pattern[i + 3:end], 16))))
                    i = end + 1
                    continue
                except (ValueError, OverflowError):
                    pass  # left as it is: the compiler reports it
        if nxt == "e":
            out.append(r"\x1b")
        elif nxt == "c" and i + 2 < len(pattern):
            out.append(_control(pattern[i + 2]))
            i += 3
            continue
        elif nxt == "N" and pattern[i + 2:i + 3] != "{":
            out.append(r"[^\n]" if not in_class else r"\N")
        elif nxt == "v":
            out.append(_VERTICAL_SPACE if in_class else f"[{_VERTICAL_SPACE}]")
        elif nxt == "V" and not in_class:
            out.append(f"[^{_VERTICAL_SPACE}]")
        elif nxt == "Z" and not in_class:
            out.append(r"(?=\n?\z)")
        elif nxt == "k" and pattern[i + 2:i + 3] in ("<", "'", "{"):
            close = {"<": ">", "'": "'", "{": "}"}[pattern[i + 2]]
            end = pattern.find(close, i + 3)
            if end > 0:
                out.append(f"\\g<{pattern[i + 3:end]}>")
                i = end + 1
                continue
            out.append(pattern[i:i + 2])
        else:
            out.append(pattern[i:i + 2])
        i += 2
    return "".join(out)


def _compile(pattern: str, case):
    """The compiled pattern, or #VALUE! for a bad pattern or a case_sensitivity other than 0 or 1."""
    case = 0 if case is None else int(case)
    if case not in (0, 1):
        return E.VALUE.because("case_sensitivity must be 0 (case-sensitive) or 1 (case-insensitive)")
    try:
        return regex.compile(translate(pattern or ""), regex.V0 | (regex.IGNORECASE if case else 0))
    except (regex.error, ValueError, OverflowError) as err:
        return E.VALUE.because(f"the pattern is not a valid regular expression ({err})")


def _too_slow() -> ExcelError:
    return E.VALUE.because(f"the pattern took longer than {TIMEOUT_S:g} s on this text (too much backtracking)")


def _column(values: list) -> np.ndarray:
    out = np.empty((len(values), 1), dtype=object)
    out[:, 0] = values
    return out


def _row(values: list) -> np.ndarray:
    out = np.empty((1, len(values)), dtype=object)
    out[0, :] = values
    return out


@excel("REGEXTEST", "text", "text", "int", category=CAT, min_args=2,
       syntax="REGEXTEST(text, pattern, [case_sensitivity])",
       summary="TRUE if any part of the text matches the regular expression (case_sensitivity 1 ignores case).")
def regextest(text, pattern, case=None):
    # Excel quirk: a number is matched as its text ("123"); a bad pattern is #VALUE!
    rx = _compile(pattern, case)
    if isinstance(rx, ExcelError):
        return rx
    try:
        return rx.search(text or "", timeout=TIMEOUT_S) is not None
    except TimeoutError:
        return _too_slow()


@excel("REGEXEXTRACT", "text", "text", "int", "int", category=CAT, min_args=2,
       syntax="REGEXEXTRACT(text, pattern, [return_mode], [case_sensitivity])",
       summary="The text matching a regular expression: the first match (return_mode 0), all matches as a column "
               "(1), or the first match's capturing groups as a row (2).")
def regexextract(text, pattern, mode=None, case=None):
    # no match is #N/A; a group that took no part in the match is empty text
    mode = 0 if mode is None else int(mode)
    if mode not in (0, 1, 2):
        return E.VALUE.because("return_mode must be 0, 1 or 2")
    rx = _compile(pattern, case)
    if isinstance(rx, ExcelError):
        return rx
    try:
        if mode == 1:
            found = [m.group(0) for m in rx.finditer(text or "", timeout=TIMEOUT_S)]
            return _column(found) if found else E.NA.because("the pattern does not match the text")
        m = rx.search(text or "", timeout=TIMEOUT_S)
    except TimeoutError:
        return _too_slow()
    if m is None:
        return E.NA.because("the pattern does not match the text")
    if mode == 0:
        return m.group(0)
    if not rx.groups:
        return E.NA.because("the pattern has no capturing groups")
    return _row(["" if g is None else g for g in m.groups()])


# the stdlib engine reads this fixed pattern the same, so `regex` need not be imported to load the module
_REPLACEMENT = re.compile(r"\$(?:(\d+)|\{(\w+)\}|(\$))|\$")


def _substitution(replacement: str, rx):
    """Excel's replacement text (PCRE2's): $n or ${n} a group, ${name} a named group, $$ a dollar; a function of a
    match, or #VALUE! for a group the pattern does not have."""
    parts: list = []
    pos = 0
    for m in _REPLACEMENT.finditer(replacement):
        parts.append(replacement[pos:m.start()])
        pos = m.end()
        number, name, dollar = m.groups()
        if dollar:
            parts.append("$")
            continue
        ref = number if number is not None else name
        if ref is None:
            return E.VALUE.because("a '$' in the replacement must be followed by a group number, {name} or '$'")
        ref = int(ref) if ref.isdigit() else ref
        if (isinstance(ref, int) and ref > rx.groups) or (isinstance(ref, str) and ref not in rx.groupindex):
            return E.VALUE.because(f"the pattern has no group {ref}")
        parts.append((ref,))  # a group, as opposed to literal text
    parts.append(replacement[pos:])

    def expand(match) -> str:
        return "".join(p if isinstance(p, str) else (match.group(p[0]) or "") for p in parts)

    return expand


@excel("REGEXREPLACE", "text", "text", "text", "int", "int", category=CAT, min_args=3,
       syntax="REGEXREPLACE(text, pattern, replacement, [occurrence], [case_sensitivity])",
       summary="The text with matches of a regular expression replaced: all of them (occurrence 0), the n-th, or "
               "the n-th from the end (negative); $1 in the replacement is the first group.")
def regexreplace(text, pattern, replacement, occurrence=None, case=None):
    # an occurrence beyond the number of matches leaves the text unchanged
    rx = _compile(pattern, case)
    if isinstance(rx, ExcelError):
        return rx
    expand = _substitution(replacement or "", rx)
    if isinstance(expand, ExcelError):
        return expand
    text, occurrence = text or "", 0 if occurrence is None else int(occurrence)
    try:
        if occurrence == 0:
            out = rx.sub(expand, text, timeout=TIMEOUT_S)
        else:
            matches = list(rx.finditer(text, timeout=TIMEOUT_S))
            if abs(occurrence) > len(matches):
                return text
            m = matches[occurrence - 1 if occurrence > 0 else occurrence]
            out = text[:m.start()] + expand(m) + text[m.end():]
    except TimeoutError:
        return _too_slow()
    return out if len(out) <= 32_767 else E.VALUE.because("the result is longer than 32,767 characters")
