#!/usr/bin/env bash
# Create the virtual environment (if missing), install ember, run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e ".[demo]"
exec .venv/bin/python examples/demo.py "$@"
