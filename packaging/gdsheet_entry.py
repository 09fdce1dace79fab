"""Entry point frozen by PyInstaller: the same `gdsheet` command as the console script."""
import sys

from gdsheet.cli import main

if __name__ == "__main__":
    sys.exit(main())
