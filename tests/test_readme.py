"""The README's function list is generated from the function table and must not drift."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_function_list_is_current():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "function_list.py"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
