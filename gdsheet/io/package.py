"""The package a workbook was read from, held for a save that patches it.

How it is held: a file up to MEMORY_LIMIT bytes (compressed, which is nearly every workbook: 100,000 rows of
numbers take ~5 MB) is kept in memory as read, so a save patches exactly what was opened, whatever happened to the
file since, and a save over the same path reads nothing from the file it replaces. A larger one is held by its
path, size and modification time; a save first checks those and, when the file was changed on disk by another
program since, says so and writes the workbook afresh instead of patching a package it never read.
"""
from __future__ import annotations

import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MEMORY_LIMIT = 64 << 20
CAPTURE_PIECE = 4 << 20  # bytes read between two ticks of a capture
_PREFIXED_CALL = re.compile(r'"(?:[^"]|"")*"|((?:_xlfn\.)?(?:_xlws\.)?)([A-Za-z][\w.]*)\(')


class SourceChanged(Exception):
    """The original file changed on disk since it was read (and is not held in memory)."""


@dataclass
class SourcePackage:
    path: str
    size: int
    mtime_ns: int
    data: bytes | None = None
    has_macros: bool = False  # the package holds a VBA project (kept in .xlsm, left out of .xlsx)
    # function name -> the prefix the file spells it with ('_xlfn.'), for edited formulas that use it
    function_prefixes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def capture(cls, path: str | Path, tick=None) -> SourcePackage:
        """The file as it is now; `tick()`, when given, is called between pieces of a big one (a window answers)."""
        st = os.stat(path)
        data = None
        if st.st_size <= MEMORY_LIMIT:
            with open(path, "rb") as fh:
                if tick is None:
                    data = fh.read()
                else:
                    pieces = []
                    while piece := fh.read(CAPTURE_PIECE):
                        pieces.append(piece)
                        tick()
                    data = b"".join(pieces)
        return cls(str(path), st.st_size, st.st_mtime_ns, data)

    def open(self) -> zipfile.ZipFile:
        """The original package; raises SourceChanged when it is not in memory and the file is not the one read."""
        if self.data is not None:
            return zipfile.ZipFile(io.BytesIO(self.data))
        try:
            st = os.stat(self.path)
        except OSError as e:
            raise SourceChanged(f"{Path(self.path).name} can no longer be read ({e.strerror})") from e
        if (st.st_size, st.st_mtime_ns) != (self.size, self.mtime_ns):
            raise SourceChanged(f"{Path(self.path).name} was changed by another program since it was opened")
        return zipfile.ZipFile(self.path)

    def note_prefixes(self, formula_text: str) -> None:
        """Remember the file prefixes of the functions a formula calls (string literals skipped)."""
        for m in _PREFIXED_CALL.finditer(formula_text):
            if m.group(1):
                self.function_prefixes.setdefault(m.group(2).upper(), m.group(1))
