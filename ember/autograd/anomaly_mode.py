"""Anomaly detection: remember where each node was made, and fail loudly when backward produces NaN."""
from __future__ import annotations

import traceback
import warnings


class _Anomaly:
    __slots__ = ('enabled', 'check_nan')

    def __init__(self):
        self.enabled = False
        self.check_nan = True

    def trace(self) -> list:
        return traceback.format_stack()[:-3]

    def check(self, node, outs) -> None:
        if not self.check_nan:
            return
        for i, g in enumerate(outs):
            if g is None or g.dtype.category < 2:
                continue
            if bool(_isnan_any(g._data)):
                if node._trace:
                    warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the "
                                  f"error:\n{''.join(node._trace)}", RuntimeWarning, stacklevel=2)
                raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def _isnan_any(arr):
    import numpy as np
    return np.isnan(arr).any()


anomaly = _Anomaly()


def is_anomaly_enabled() -> bool:
    return anomaly.enabled


def is_anomaly_check_nan_enabled() -> bool:
    return anomaly.check_nan


class detect_anomaly:
    """Context manager / decorator that enables anomaly detection for the autograd engine."""

    def __init__(self, check_nan: bool = True):
        self.check_nan = check_nan

    def __enter__(self):
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and should only "
                      "be enabled for debugging.", UserWarning, stacklevel=2)
        self.prev = (anomaly.enabled, anomaly.check_nan)
        anomaly.enabled, anomaly.check_nan = True, self.check_nan

    def __exit__(self, *exc):
        anomaly.enabled, anomaly.check_nan = self.prev
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Turn anomaly detection on or off (takes effect at once; a context manager restores it after)."""

    def __init__(self, mode: bool, check_nan: bool = True):
        self.prev = (anomaly.enabled, anomaly.check_nan)
        anomaly.enabled, anomaly.check_nan = bool(mode), check_nan

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        anomaly.enabled, anomaly.check_nan = self.prev
        return False
