#!/usr/bin/env bash
# Install gdsheet with its test extras into .venv and run the whole test suite (GUI tests run offscreen).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh test
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
