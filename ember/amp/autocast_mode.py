"""``autocast``: the mixed-precision region as a context manager and decorator (no dtype changes in ember)."""
from __future__ import annotations

import functools

from .. import _dtype as D

_DEFAULT_DTYPES = {'cuda': D.float16, 'cpu': D.bfloat16, 'xpu': D.float16, 'mps': D.float16}


def is_autocast_available(device_type: str) -> bool:
    """Whether autocast accepts ``device_type``."""
    return device_type in _DEFAULT_DTYPES


class autocast:
    """A region in which PyTorch would run eligible ops in ``dtype``; ember runs them as written (see ``ember.amp``).

    Usable as ``with autocast('cuda'):`` and as a decorator.
    """

    def __init__(self, device_type: str, dtype: D.dtype | None = None, enabled: bool = True,
                 cache_enabled: bool | None = None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        if not is_autocast_available(device_type):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
        self.device = device_type
        self.fast_dtype = dtype if dtype is not None else _DEFAULT_DTYPES[device_type]
        self._enabled = enabled
        self._cache_enabled = cache_enabled

    def __enter__(self) -> 'autocast':
        return self

    def __exit__(self, exc_type, exc_val, exc_tb) -> None:
        return None

    def __call__(self, func):
        @functools.wraps(func)
        def decorated(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return decorated
