"""The Linux desktop entry and AppStream metainfo pass their standard validators (Debian's packages)."""
import shutil
import subprocess
from pathlib import Path

import pytest

LINUX = Path(__file__).resolve().parents[1] / "packaging" / "linux"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils is not installed")
def test_desktop_entry_is_valid():
    result = subprocess.run(["desktop-file-validate", str(LINUX / "io.github.gdsheet.gdsheet.desktop")],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "error" not in result.stdout.lower(), result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream is not installed")
def test_metainfo_is_valid():
    result = subprocess.run(["appstreamcli", "validate", "--no-net",
                             str(LINUX / "io.github.gdsheet.gdsheet.metainfo.xml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_icons_exist_in_every_size():
    icons = LINUX.parents[1] / "resources" / "icons"
    assert (icons / "gdsheet.svg").exists()
    for size in (16, 32, 48, 64, 128, 256, 512):
        assert (icons / f"gdsheet-{size}.png").stat().st_size > 100
