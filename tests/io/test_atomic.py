"""atomic_write: the old file or the new one, never a partial one; leftovers cleaned; links, read-only, long names."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gdsheet.errors import WorkbookWriteError
from gdsheet.io.atomic import atomic_write, remove_leftovers


def _writer(data: bytes):
    return lambda fh: fh.write(data)


def test_replaces_the_file_and_keeps_its_permissions(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"old")
    path.chmod(0o640)
    atomic_write(path, _writer(b"new"))
    assert path.read_bytes() == b"new" and path.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["a.xlsx"]


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"old")

    def fail(fh):
        fh.write(b"partial")
        raise ValueError("broken")

    with pytest.raises(WorkbookWriteError, match="could not save a.xlsx: broken"):
        atomic_write(path, fail)
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["a.xlsx"]


def test_a_symlink_keeps_being_a_link_and_its_target_is_written(tmp_path):
    real = tmp_path / "data" / "real.xlsx"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    atomic_write(link, _writer(b"new"))
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert sorted(os.listdir(real.parent)) == ["real.xlsx"]


def test_a_read_only_target_is_refused_and_kept(tmp_path):
    path = tmp_path / "ro.xlsx"
    path.write_bytes(b"old")
    path.chmod(0o444)
    with pytest.raises(WorkbookWriteError, match=r"^could not save ro.xlsx: the file is read-only$"):
        atomic_write(path, _writer(b"new"))
    assert path.read_bytes() == b"old"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_folder_gives_a_one_line_reason_naming_the_users_file(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(WorkbookWriteError) as info:
            atomic_write(folder / "book.xlsx", _writer(b"new"))
    finally:
        folder.chmod(0o755)
    assert str(info.value) == "could not save book.xlsx: permission denied"


def test_the_longest_valid_file_name_can_be_saved(tmp_path):
    name = "n" * (255 - len(".xlsx")) + ".xlsx"
    atomic_write(tmp_path / name, _writer(b"new"))
    assert (tmp_path / name).read_bytes() == b"new"


def test_a_too_long_name_and_an_empty_one_are_one_line_reasons(tmp_path):
    with pytest.raises(WorkbookWriteError, match="the file name is too long"):
        atomic_write(tmp_path / ("n" * 300 + ".xlsx"), _writer(b""))
    with pytest.raises(WorkbookWriteError, match="no file name was given"):
        atomic_write("", _writer(b""))
    with pytest.raises(WorkbookWriteError, match="folder .* does not exist"):
        atomic_write(tmp_path / "missing" / "a.xlsx", _writer(b""))


def test_leftovers_of_a_killed_save_are_removed_by_the_next_save(tmp_path):
    # a process that has ended: its temporary cannot belong to a save in progress
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(done.stdout)
    (tmp_path / f".~gdsheet-{dead}-0123abcd.tmp").write_bytes(b"partial")
    alive = tmp_path / f".~gdsheet-{os.getppid()}-0123abcd.tmp"  # a running process: left alone
    alive.write_bytes(b"in progress")
    (tmp_path / "other.tmp").write_bytes(b"not ours")
    atomic_write(tmp_path / "a.xlsx", _writer(b"new"))
    assert sorted(os.listdir(tmp_path)) == [alive.name, "a.xlsx", "other.tmp"]
    assert remove_leftovers(tmp_path) == 0


def test_a_killed_save_leaves_the_old_file_whole(tmp_path):
    path = tmp_path / "k.xlsx"
    path.write_bytes(b"old" * 1000)
    script = (f"import time\nfrom gdsheet.io.atomic import atomic_write\n"
              f"def w(fh):\n    fh.write(b'x' * 100000); fh.flush(); print('writing', flush=True); time.sleep(60)\n"
              f"atomic_write({str(path)!r}, w)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    proc.kill()
    proc.wait()
    proc.stdout.close()
    assert path.read_bytes() == b"old" * 1000 and len(os.listdir(tmp_path)) == 2  # the killed save's temporary
    atomic_write(path, _writer(b"new"))
    assert path.read_bytes() == b"new" and os.listdir(tmp_path) == ["k.xlsx"]
