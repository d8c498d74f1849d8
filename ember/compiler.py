"""``ember.compiler``: controls of ``ember.compile``, which compiles nothing (see ``ember.compile``)."""
from __future__ import annotations

import contextlib


def reset() -> None:
    """Clear compilation caches (ember keeps none)."""
    return None


def is_compiling() -> bool:
    return False


def disable(fn=None, recursive: bool = True, *, reason: str | None = None):
    """Mark ``fn`` as never to be compiled: ``fn`` itself (also usable as ``@disable()``)."""
    if fn is None:
        return lambda f: f
    return fn


@contextlib.contextmanager
def _stance():
    yield


def set_stance(stance: str = 'default', *, skip_guard_eval_unsafe: bool = False, force_backend=None):
    """Choose how compiled code runs; with no compiler every stance runs eagerly. Also a context manager."""
    return _stance()
