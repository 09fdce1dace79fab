"""Formula text -> tokens, with references classified (cell, area, whole rows/columns, names, structured refs).

openpyxl's Tokenizer lumps every reference into one operand kind, reports the intersection operator as whitespace
and rejects the spill reference `A1#`; a small scanner of our own that knows Excel's reference grammar is simpler
than repairing its output.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from gdsheet.errors import FormulaSyntaxError

ERROR_LITERALS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#N/A", "#NUM!", "#SPILL!", "#CALC!",
                  "#GETTING_DATA", "#CONNECT!", "#BLOCKED!", "#UNKNOWN!", "#FIELD!")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # number string error bool cell area rows cols name func struct op lparen rparen lbrace rbrace comma semi
    text: str
    pos: int
    space_before: bool = False
    sheet: str | None = None  # for references and names written Sheet!...


_DIGITS = "0123456789"
_NUMBER = re.compile(r"(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)  # '²' and '٣' are no digits of a number
_STRING = re.compile(r'"((?:[^"]|"")*)"')
_QUOTED_SHEET = re.compile(r"'((?:[^']|'')+)'!")
_PLAIN_SHEET = re.compile(r"([A-Za-z_\u00C0-\uFFFF][\w.\u00C0-\uFFFF]*(?::[A-Za-z_\u00C0-\uFFFF][\w.\u00C0-\uFFFF]*)?)!")
_CELL = r"\$?[A-Za-z]{1,3}\$?\d{1,7}"
# ranges may carry the trim operator's dots: A1:.C9 (trailing blanks trimmed), A1.:C9 (leading), A1.:.C9 (both)
_AREA = re.compile(rf"({_CELL})\.?:\.?({_CELL})(?![\w(\[.!])")
_CELL_ONLY = re.compile(rf"{_CELL}(?![\w(\[.!])")
_COLS = re.compile(r"\$?[A-Za-z]{1,3}\.?:\.?\$?[A-Za-z]{1,3}(?![\w(\[.!])")
_ROWS = re.compile(r"\$?\d{1,7}\.?:\.?\$?\d{1,7}(?![\w(\[.!])")
_NAME = re.compile(r"[A-Za-z_\\\u00C0-\uFFFF][\w.?\\\u00C0-\uFFFF]*")
_OPS = ("<>", "<=", ">=", "=", "<", ">", "+", "-", "*", "/", "^", "&", "%", ":", "#", "@")


def tokenize(text: str) -> list[Token]:
    """Tokens of a formula body (without the leading '='). Raises FormulaSyntaxError on text it cannot read."""
    out: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        start = i
        while i < n and text[i] in " \t\r\n":
            i += 1
        space = i > start
        if i >= n:
            break
        ch = text[i]
        if ch == '"':
            m = _STRING.match(text, i)
            if not m:
                raise FormulaSyntaxError("a text in quotes is not closed", text, i)
            out.append(Token("string", m.group(1).replace('""', '"'), i, space))
            i = m.end()
            continue
        if ch == "#":
            err = next((e for e in ERROR_LITERALS if text[i:i + len(e)].upper() == e), None)
            if err:
                out.append(Token("error", err, i, space))
                i += len(err)
                continue
            out.append(Token("op", "#", i, space))
            i += 1
            continue
        ref = _reference(text, i, space)
        if ref is not None:
            tok, i = ref
            out.append(tok)
            continue
        if ch in _DIGITS or (ch == "." and i + 1 < n and text[i + 1] in _DIGITS):
            m = _NUMBER.match(text, i)
            out.append(Token("number", m.group(0), i, space))
            i = m.end()
            continue
        if ch == "[":
            end = _bracket_end(text, i)
            out.append(Token("struct", text[i:end], i, space))
            i = end
            continue
        if ch in "(){},;":
            kind = {"(": "lparen", ")": "rparen", "{": "lbrace", "}": "rbrace", ",": "comma", ";": "semi"}[ch]
            out.append(Token(kind, ch, i, space))
            i += 1
            continue
        op = next((o for o in _OPS if text.startswith(o, i)), None)
        if op:
            out.append(Token("op", op, i, space))
            i += len(op)
            continue
        raise FormulaSyntaxError(f"unexpected character {ch!r}", text, i)
    return out


def _reference(text: str, i: int, space: bool) -> tuple[Token, int] | None:
    """A reference, name, function name, boolean or structured reference starting at i, with its end."""
    sheet = None
    j = i
    m = _QUOTED_SHEET.match(text, i)
    if m:
        sheet, j = m.group(1).replace("''", "'"), m.end()
    else:
        m = _PLAIN_SHEET.match(text, i)
        if m:
            sheet, j = m.group(1), m.end()
    if text.startswith("[", j) and re.match(r"\[\d+\]", text[j:]):
        raise FormulaSyntaxError("references to other workbooks are not supported", text, i)
    for kind, rx in (("area", _AREA), ("rows", _ROWS), ("cols", _COLS), ("cell", _CELL_ONLY)):
        m = rx.match(text, j)
        if m:
            return Token(kind, m.group(0), i, space, sheet), m.end()
    m = _NAME.match(text, j)
    if not m:
        if sheet is not None:
            raise FormulaSyntaxError(f"a reference must follow {sheet}!", text, j)
        return None
    word, end = m.group(0), m.end()
    if sheet is None and end < len(text) and text[end] == "(":
        return Token("func", word, i, space), end
    if end < len(text) and text[end] == "[" and sheet is None:
        close = _bracket_end(text, end)
        return Token("struct", text[i:close], i, space), close
    if sheet is None and word.upper() in ("TRUE", "FALSE"):
        return Token("bool", word.upper(), i, space), end
    return Token("name", word, i, space, sheet), end


def _bracket_end(text: str, i: int) -> int:
    """The index just past the ']' that closes the '[' at i; an apostrophe escapes the next character."""
    depth, j = 0, i
    while j < len(text):
        ch = text[j]
        if ch == "'":
            j += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    raise FormulaSyntaxError("a '[' is not closed", text, i)
