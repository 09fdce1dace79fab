#!/usr/bin/env bash
# Create .venv and install gdsheet into it (idempotent). Extra arguments name pip extras, e.g. `setup-venv.sh test`.
#
# torch is installed first, pinned, and its build chosen on purpose: on Linux x86-64 the public index's
# torch==2.13.0 is the CUDA build plus ~20 NVIDIA packages (several GB). So:
#   - no NVIDIA GPU (no nvidia-smi), on Linux: the CPU build (torch 2.13.0+cpu, ~190 MB) from the PyTorch
#     project's CPU index;
#   - an NVIDIA GPU, or GDSHEET_TORCH=cuda: the CUDA build from pip's configured index;
#   - GDSHEET_TORCH=cpu forces the CPU build, GDSHEET_TORCH=default takes whatever pip's configured index offers.
# Where the CPU index cannot be reached (machines that see only a package mirror), the install falls back at once
# to pip's configured index, which is the CUDA build on the public index: the script says so.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
TORCH_VERSION=2.13.0
CPU_INDEX=${GDSHEET_TORCH_CPU_INDEX:-https://download.pytorch.org/whl/cpu}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
pip() { PYTHONWARNINGS=ignore .venv/bin/python -m pip "$@"; }
pip install -q --upgrade pip >/dev/null 2>&1 || true

want=${GDSHEET_TORCH:-auto}
if [ "$want" = auto ]; then
  if [ "$(uname -s)" != Linux ] || command -v nvidia-smi >/dev/null 2>&1; then
    want=default  # macOS and Windows wheels on the public index are CPU builds; a GPU machine wants CUDA
  else
    want=cpu
  fi
fi
[ "$want" = cuda ] && want=default

installed=$(.venv/bin/python -c "import torch; print(torch.__version__)" 2>/dev/null || true)
if [ "$want" = cpu ]; then
  if [[ "$installed" == "$TORCH_VERSION+cpu" ]]; then
    :  # already there
  elif pip install -q "torch==$TORCH_VERSION+cpu" 2>/dev/null; then
    :  # a local wheel or the configured index already has the CPU build
  elif .venv/bin/python - "$CPU_INDEX" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/torch/", timeout=5)
EOF
  then
    pip install -q --timeout 30 --retries 1 --extra-index-url "$CPU_INDEX" "torch==$TORCH_VERSION+cpu"
  else
    echo "note: the PyTorch CPU index ($CPU_INDEX) cannot be reached; installing torch $TORCH_VERSION from" \
         "pip's configured index (on Linux x86-64 from the public index that is the CUDA build, several GB)" >&2
    pip install -q "torch==$TORCH_VERSION"
  fi
elif [[ "$installed" != "$TORCH_VERSION"* ]]; then
  pip install -q "torch==$TORCH_VERSION"
fi

extras=""
[ $# -gt 0 ] && extras="[$(IFS=,; echo "$*")]"
pip install -q -e ".${extras}"
