"""``ember.jit``: TorchScript's entry points, as the identity.

ember has no compiler: ``script`` and ``trace`` return the function or module they are given, which computes the same
values as the compiled form would. TorchScript archives (``jit.save`` / ``jit.load``) are not supported.
"""
from __future__ import annotations


def script(obj, optimize=None, _frames_up: int = 0, _rcb=None, example_inputs=None):
    """``obj`` itself (see the module docstring)."""
    return obj


def trace(func, example_inputs=None, *args, **kwargs):
    """``func`` itself (a trace would record the same computation for ``example_inputs``)."""
    return func


def is_scripting() -> bool:
    return False


def is_tracing() -> bool:
    return False
