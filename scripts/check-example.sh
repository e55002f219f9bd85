#!/usr/bin/env bash
# Set up msb-lsp in .venv and lint the example Dockerfile shipped in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
.venv/bin/msb-lsp check examples/Dockerfile "$@"
