#!/usr/bin/env bash
# Create the virtual environment (if missing), install ember with its test extra, run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e ".[test]"
# Two test processes on two cores: one BLAS/OpenMP thread each (more threads than cores makes OpenBLAS and
# PyTorch slow down by orders of magnitude).
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
exec .venv/bin/python -m pytest -n 2 "$@"
