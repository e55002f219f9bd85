#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine, then run it.
#
#   bash scripts/test.sh            # local: skips what it cannot install, tests skip with reasons
#   MSB_LSP_CI=1 bash scripts/test.sh   # CI: every peer must be installed; a skipped
#                                       # needs_debian test fails the run
#
# Needs Python 3.10+; uses apt-get (as root or with sudo) for the real peers the end-to-end
# tests drive: Neovim 0.7 (neovim), Emacs with eglot (emacs-nox elpa-eglot ...), and the OCI
# registry (docker-registry); npm for the VS Code extension.
set -euo pipefail
cd "$(dirname "$0")/.."
ci="${MSB_LSP_CI:-0}"
python="${PYTHON:-python3}"

step() { printf '\n== %s\n' "$*"; }

step "Python environment (.venv)"
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

debian_packages=(neovim emacs-nox elpa-eglot elpa-dockerfile-mode elpa-yaml-mode docker-registry)
missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo -n"
  if command -v apt-get >/dev/null && { [ -z "$sudo" ] || $sudo true 2>/dev/null; }; then
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq || true
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  elif [ "$ci" = 1 ]; then
    echo "cannot install ${missing[*]}: apt-get as root is needed in CI" >&2
    exit 1
  else
    echo "skipping: cannot run apt-get as root; the tests that need these packages will skip"
  fi
fi
# The registry package installs a service that may start on port 5000; the tests start
# their own instances on free ports, so the system one is not needed.
if command -v systemctl >/dev/null 2>&1; then systemctl stop docker-registry >/dev/null 2>&1 || true; fi

if [ -f editors/vscode/package.json ]; then
  step "VS Code extension (npm ci, typecheck, lint, unit tests, .vsix)"
  if command -v npm >/dev/null; then
    (cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error && npm run --silent ci)
  elif [ "$ci" = 1 ]; then
    echo "npm is needed in CI for the VS Code extension" >&2
    exit 1
  else
    echo "skipping: npm not found"
  fi
fi

step "Lint (ruff) and generated docs"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python scripts/gen_docs.py --check

step "Tests"
MSB_LSP_CI="$ci" .venv/bin/python -m pytest -q "$@"
