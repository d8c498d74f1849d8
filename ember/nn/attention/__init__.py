"""``ember.nn.attention``: choosing the kernel behind ``F.scaled_dot_product_attention`` (``torch.nn.attention``).

ember has one implementation (the math one, for every device), so ``sdpa_kernel`` only checks its argument: the
result of attention is the same whichever backends a program asks for.
"""
from __future__ import annotations

import contextlib
import enum


class SDPBackend(enum.IntEnum):
    """The kernels of scaled dot-product attention."""
    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority: bool = False):
    """Restrict attention to ``backends`` (one or a list of ``SDPBackend``) inside a ``with`` block."""
    for b in backends if isinstance(backends, (list, tuple)) else [backends]:
        if not isinstance(b, SDPBackend):
            raise AssertionError("Backend must be an instance of SDPBackend")
    yield


__all__ = ['SDPBackend', 'sdpa_kernel']
