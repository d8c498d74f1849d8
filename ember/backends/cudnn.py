"""``ember.backends.cudnn``: cuDNN's flags (``deterministic``, ``benchmark``, ``enabled``, ``allow_tf32``).

ember does not call cuDNN, so ``is_available()`` is False and ``version()`` None, as on a PyTorch build without it;
the flags are recorded and change nothing (ember's kernels are deterministic).
"""
from __future__ import annotations

import contextlib

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True
benchmark_limit = 10


def is_available() -> bool:
    return False


def version() -> int | None:
    return None


@contextlib.contextmanager
def flags(enabled: bool = False, benchmark: bool = False, benchmark_limit: int = 10, deterministic: bool = False,
          allow_tf32: bool = True):
    """Set the flags for the duration of a ``with`` block."""
    module = globals()
    names = ('enabled', 'benchmark', 'benchmark_limit', 'deterministic', 'allow_tf32')
    saved = {n: module[n] for n in names}
    module.update(dict(zip(names, (enabled, benchmark, benchmark_limit, deterministic, allow_tf32))))
    try:
        yield
    finally:
        module.update(saved)
