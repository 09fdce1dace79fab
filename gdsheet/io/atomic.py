"""Replace a file atomically: write a temporary sibling, fsync it, rename it over the target, fsync the folder.

A reader (or a crash, or a kill) sees the old file or the new one, never a partial one. Also:
- the temporary name is short and fixed in length, so a valid file name always leaves room for it;
- temporaries left by a killed save (their process gone, or older than a day) are removed by the next save there;
- a symlink is followed: its target is replaced and the link kept; a read-only target is refused, as Excel does;
- every failure is a WorkbookWriteError naming the user's file with a one-line reason.
"""
from __future__ import annotations

import errno
import os
import re
import secrets
import time
from pathlib import Path
from typing import BinaryIO, Callable

from gdsheet.errors import WorkbookWriteError

_PREFIX = ".~gdsheet-"
# ".~gdsheet-<pid>-<8 hex>.tmp": at most 36 characters, whatever the name being saved
_TEMP = re.compile(r"^\.~gdsheet-(\d+)-[0-9a-f]{8}\.tmp$")
_OLD_TEMP = re.compile(r"^\..+\.xlsx\.[0-9a-f]{8}\.tmp$")  # what earlier versions of gdsheet left behind
_STALE_AFTER_S = 24 * 3600

_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "it is a folder",
    errno.EXDEV: "the link points to another file system",
    errno.ELOOP: "too many levels of symbolic links",
    errno.EIO: "an input/output error occurred on the disk",
    errno.EBUSY: "the file is in use",
    errno.ETXTBSY: "the file is in use",
    errno.EFBIG: "the file is too large for the file system",
}


def os_reason(e: OSError) -> str:
    """One line saying why an operating-system call failed, without Python's text or the temporary file's name."""
    if e.errno in _REASONS:
        return _REASONS[e.errno]
    return (e.strerror or str(e) or type(e).__name__).splitlines()[0]


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], None]) -> None:
    """Call `write` with a binary file whose content replaces `path` only if `write` returns normally.

    On any failure (including KeyboardInterrupt) the file at `path`, if any, is left as it was and the temporary
    file is removed. Raises WorkbookWriteError("could not save NAME: reason")."""
    if not str(path).strip():
        raise WorkbookWriteError("could not save: no file name was given")
    path = Path(path)
    name = path.name or str(path)
    try:
        target = _target(path)
    except OSError as e:
        raise WorkbookWriteError(f"could not save {name}: {os_reason(e)}") from e
    if target.is_dir():
        raise WorkbookWriteError(f"could not save {name}: it is a folder")
    if target.exists() and _read_only(target):
        raise WorkbookWriteError(f"could not save {name}: the file is read-only")
    folder = target.parent
    if not folder.is_dir():
        raise WorkbookWriteError(f"could not save {name}: the folder {folder} does not exist")
    remove_leftovers(folder)
    tmp = folder / f"{_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        with open(tmp, "xb") as fh:  # created with the usual umask, unlike mkstemp's 0600
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        os.replace(tmp, target)
    except BaseException as e:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        if isinstance(e, WorkbookWriteError):
            raise
        if isinstance(e, OSError):
            raise WorkbookWriteError(f"could not save {name}: {os_reason(e)}") from e
        if isinstance(e, Exception):
            raise WorkbookWriteError(f"could not save {name}: {e}") from e
        raise
    _fsync_folder(folder)


def _read_only(target: Path) -> bool:
    """Marked read-only (no write permission for anyone: even root, who may write anyway, is refused, as Excel
    refuses a read-only file) or not writable by this user."""
    return not target.stat().st_mode & 0o222 or not os.access(target, os.W_OK)


def _target(path: Path) -> Path:
    """The file to replace: `path`, or what its symlinks finally point to (so the links are kept)."""
    if not path.is_symlink():
        return path
    return Path(os.path.realpath(path))  # a dangling link yields the file it names, created by the save


def remove_leftovers(folder: Path) -> int:
    """Delete temporaries of earlier saves into `folder` that were killed; returns how many went.

    A temporary is a leftover when the process that made it no longer runs, or when it is older than a day (the
    process number may have been reused); a save in progress in another gdsheet is never touched."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        m = _TEMP.match(entry.name)
        if m is None and not _OLD_TEMP.match(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            old = now - entry.stat(follow_symlinks=False).st_mtime > _STALE_AFTER_S
            if old or (m is not None and not _running(int(m.group(1)))):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue  # someone else removed or owns it; not ours to fail over
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True  # a save on another thread of this process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # exists, but belongs to someone else (or cannot be asked): leave it
    return True


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; not possible on every platform or file system."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
