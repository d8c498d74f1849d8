"""``ember.accelerator``: the device-generic view of the current accelerator (``torch.accelerator``).

ember's only accelerator is CUDA through CuPy; without a GPU there is none, as on a CPU-only PyTorch.
"""
from __future__ import annotations

from . import cuda as _cuda
from ._device import device as _device


def is_available() -> bool:
    return _cuda.is_available()


def current_accelerator(check_available: bool = False) -> _device | None:
    """``ember.device('cuda')`` when a GPU can be used, else None."""
    return _device('cuda') if _cuda.is_available() else None


def device_count() -> int:
    return _cuda.device_count()


def _require() -> None:
    if not _cuda.is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")


def current_device_index() -> int:
    _require()
    return _cuda.current_device()


def set_device_index(device) -> None:
    _require()
    _cuda.set_device(device)


def synchronize(device=None) -> None:
    _require()
    _cuda.synchronize(device)


class device_index:
    """Make ``device`` the current accelerator inside a ``with`` block (None: leave it as it is)."""

    def __init__(self, device, /) -> None:
        self.idx = device
        self.prev_idx = -1

    def __enter__(self) -> None:
        if self.idx is not None:
            self.prev_idx = current_device_index()
            set_device_index(self.idx)

    def __exit__(self, *exc) -> None:
        if self.idx is not None:
            set_device_index(self.prev_idx)


current_device_idx = current_device_index
set_device_idx = set_device_index
