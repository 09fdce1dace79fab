"""Checks that run before any XML is parsed: the file is a zip, an xlsx, not a zip bomb, and declares no DTD."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from gdsheet.errors import WorkbookReadError

# Excel's own limits put a full sheet far below this; a zip claiming more is a bomb or not worth opening.
MAX_UNCOMPRESSED = 2 * 1024**3
# Real sheet XML compresses 5-30x, very repetitive sheets ~150x; bombs compress 1000x and more.
MAX_RATIO = 1000
RATIO_MIN_SIZE = 10 * 1024**2  # small parts may compress arbitrarily well without harm
PROLOGUE_BYTES = 64 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")


def open_archive(path: str | Path, max_uncompressed: int = MAX_UNCOMPRESSED) -> zipfile.ZipFile:
    """Open `path` as an xlsx zip after checking what can be checked from its directory and prologues.

    Raises WorkbookReadError naming the file and the reason: not a zip, truncated, not an xlsx, too large once
    uncompressed, or an XML part that declares a DTD (entity expansion attacks need one; Excel never writes one).
    Python's zipfile stops decompressing a member at the size its directory entry states, so checking the
    directory bounds the memory any later read can take.
    """
    name = Path(path).name
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as e:
        raise WorkbookReadError(f"could not open {name}: {e.strerror or e}") from e
    if head.startswith(_OLE_MAGIC):
        raise WorkbookReadError(f"{name} is an old-format .xls file or a password-protected workbook; "
                                "save it as .xlsx without a password first")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        why = "is truncated or damaged" if head.startswith(b"PK") else "is not an xlsx file (not a zip archive)"
        raise WorkbookReadError(f"{name} {why}") from e
    except OSError as e:
        raise WorkbookReadError(f"could not open {name}: {e}") from e
    try:
        _check_members(archive, name, max_uncompressed)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_members(archive: zipfile.ZipFile, name: str, max_uncompressed: int) -> None:
    infos = archive.infolist()
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise WorkbookReadError(f"{name} is a zip archive but not an xlsx workbook (no [Content_Types].xml)")
    total = sum(i.file_size for i in infos)
    if total > max_uncompressed:
        raise WorkbookReadError(f"{name} would take {total / 1024**2:,.0f} MB once uncompressed, more than the "
                                f"{max_uncompressed / 1024**2:,.0f} MB limit; refused")
    for info in infos:
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise WorkbookReadError(f"{name}: part {info.filename} expands {info.file_size // max(info.compress_size, 1):,}"
                                    f"-fold (a zip bomb?); refused")
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            _check_prologue(archive, info, name)


def _check_prologue(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """Refuse a part whose prologue (everything before the root element) holds a DOCTYPE."""
    try:
        with archive.open(info) as fh:
            head = fh.read(PROLOGUE_BYTES)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as e:
        raise WorkbookReadError(f"{name}: part {info.filename} is damaged (its compressed data is corrupt or cut "
                                "short); the file cannot be opened") from e
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    first = _FIRST_ELEMENT.search(head)
    prologue = head if first is None else head[:first.start()]
    if b"<!DOCTYPE" in prologue.upper() or b"<!ENTITY" in prologue.upper():
        raise WorkbookReadError(f"{name}: part {info.filename} declares a DTD (possible XML bomb); refused")
    if first is None and len(head) == PROLOGUE_BYTES:
        raise WorkbookReadError(f"{name}: part {info.filename} has no root element in its first "
                                f"{PROLOGUE_BYTES // 1024} KB; refused")
