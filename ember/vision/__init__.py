"""ember.vision: datasets, transforms, models and image utilities with torchvision's layout."""
from __future__ import annotations

import importlib

from . import datasets, io, ops, utils  # noqa: F401  (these import NumPy only; Pillow etc. load on first use)

_LAZY = ('transforms', 'models')


def __getattr__(name: str):
    if name in _LAZY:
        return importlib.import_module(f'{__name__}.{name}')
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
