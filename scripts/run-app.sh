#!/usr/bin/env bash
# Install gdsheet into .venv and open the app on the bundled Titanic example (or on the workbook given).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh
book=${1:-resources/examples/titanic.xlsx}
exec .venv/bin/gdsheet "$book"
