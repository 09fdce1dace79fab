#!/usr/bin/env bash
# Create .venv and install gdsheet into it (idempotent). torch is pinned and installed first: an open range would
# pull a multi-GB CUDA build. Extra arguments name pip extras, e.g. `setup-venv.sh test`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q "torch==2.13.0"
extras=""
[ $# -gt 0 ] && extras="[$(IFS=,; echo "$*")]"
.venv/bin/python -m pip install -q -e ".${extras}"
