"""Array libraries per device: NumPy for ``cpu``, CuPy (imported on first use) for ``cuda``.

Op bodies are written against NumPy's API. CuPy arrays take part in NumPy's dispatch protocols
(``__array_ufunc__`` / ``__array_function__``), so the same body runs on both; what differs lives here.
"""
from __future__ import annotations

import numpy as np

_cupy = None


def cupy():
    """The CuPy module, imported on first use."""
    global _cupy
    if _cupy is None:
        try:
            import cupy as cp
        except ImportError:
            raise RuntimeError("ember's CUDA backend needs CuPy: pip install 'ember[cuda]' "
                               "(cupy-cuda12x) on a machine with an NVIDIA GPU") from None
        _cupy = cp
    return _cupy


def cuda_available() -> bool:
    try:
        cp = cupy()
        return cp.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


def xp_for(device) -> object:
    """The array module that holds arrays of ``device``."""
    if device.type == 'cpu':
        return np
    if device.type == 'cuda':
        return cupy()
    raise RuntimeError(f"no array backend for device '{device}'")


def xp_of(arr) -> object:
    """The array module of an array."""
    return np if isinstance(arr, (np.ndarray, np.generic)) else cupy()
