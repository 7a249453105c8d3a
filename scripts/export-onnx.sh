#!/usr/bin/env bash
# Exports the default model (examples/model/kjv-model.bin) to the Hugging Face-style ONNX folder
# examples/model/kjv-onnx/ with Debian's PyTorch and ONNX (installed here when missing, as root).
# The folder is committed, so building and testing need neither; run this after retraining the
# model. `bash scripts/export-onnx.sh --check` verifies the committed folder is a fresh export.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c 'import torch, onnx' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q python3-torch python3-onnx
  else
    echo "export-onnx: missing Debian packages. Run:  sudo apt-get install -y python3-torch python3-onnx" >&2
    exit 1
  fi
fi
exec /usr/bin/python3 examples/model/export_onnx.py "$@"
