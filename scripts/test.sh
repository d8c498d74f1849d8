#!/usr/bin/env bash
# Create the virtual environment (if missing), install ember with its test extra, run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e ".[test]"
exec .venv/bin/python -m pytest -n 2 "$@"
