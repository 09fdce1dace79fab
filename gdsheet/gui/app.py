"""Start the desktop app: `gdsheet` opens an empty workbook and offers the examples, `gdsheet BOOK.xlsx` opens
that file."""
from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication


def main(argv: list[str]) -> int:
    """Run the app; `argv` holds the files to open (only the first is used) — not the program name."""
    from gdsheet.gui.window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "gdsheet"])
    app.setApplicationName("gdsheet")
    app.setOrganizationName("gdsheet")
    window = MainWindow()
    window.show()
    if argv:
        window.load(argv[0])
    else:
        window.offer_examples_at_start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
