#!/usr/bin/env bash
# The speed benchmark: msb-lsp against rcjsuen's Node server on the same files, in one run,
# with a ratio table (benchmarks/README.md says what is measured). Arguments go to
# `python -m benchmarks.run` (e.g. `--files small,large --iterations 10`).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
if command -v npm >/dev/null; then
    # The Node server pinned in benchmarks/package.json, into benchmarks/node_modules.
    [ -x benchmarks/node_modules/.bin/docker-langserver ] \
        || npm ci --prefix benchmarks --no-audit --no-fund --loglevel=error
else
    echo "bench.sh: npm not found; msb-lsp runs alone (no ratios)" >&2
fi
exec .venv/bin/python -m benchmarks.run "$@"
