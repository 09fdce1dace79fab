"""Where the bundled resources (example workbooks, icons, data) are: checkout, installed wheel, or frozen app."""
from __future__ import annotations

import sys
from pathlib import Path


def _roots() -> list[Path]:
    roots = []
    frozen = getattr(sys, "_MEIPASS", None)  # PyInstaller unpacks data next to the code
    if frozen:
        roots.append(Path(frozen) / "resources")
    roots.append(Path(__file__).resolve().parents[1] / "resources")  # source checkout, editable install
    roots.append(Path(sys.prefix) / "share" / "gdsheet" / "resources")  # wheel: pyproject's data-files
    return roots


def resource_path(*parts: str) -> Path:
    """The path of a bundled resource, e.g. resource_path('examples', 'parabola.xlsx').

    Raises FileNotFoundError listing the places searched.
    """
    roots = _roots()
    for root in roots:
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"resource {'/'.join(parts) or '.'} not found in " + ", ".join(map(str, roots)))


def examples() -> list[Path]:
    """The bundled example workbooks, sorted by name."""
    return sorted(resource_path("examples").glob("*.xlsx"))
