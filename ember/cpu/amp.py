"""``ember.cpu.amp``: the deprecated CPU spellings of ``ember.amp.autocast`` and ``ember.amp.GradScaler``."""
from __future__ import annotations

from .. import _dtype as D
from ..amp import autocast as _autocast, GradScaler as _GradScaler


class autocast(_autocast):
    """``ember.amp.autocast('cpu', ...)``."""

    def __init__(self, enabled: bool = True, dtype: D.dtype = D.bfloat16, cache_enabled: bool = True):
        super().__init__('cpu', dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


class GradScaler(_GradScaler):
    """``ember.amp.GradScaler('cpu', ...)``."""

    def __init__(self, init_scale: float = 2.0 ** 16, growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True) -> None:
        super().__init__('cpu', init_scale, growth_factor, backoff_factor, growth_interval, enabled)


__all__ = ['autocast', 'GradScaler']
