"""Padding layers: constant (and zero), reflection, replication and circular padding of the last 1, 2 or 3
dimensions, each a module around ``F.pad``."""
from __future__ import annotations

from ..._tensor import Tensor
from .. import functional as F
from .module import Module


def _pad_tuple(padding, d: int) -> tuple:
    """An int pads every side; a tuple lists (left, right, top, bottom, front, back) up to ``2 * d`` entries."""
    if isinstance(padding, int):
        return (padding,) * (2 * d)
    return tuple(padding)


class _PadNd(Module):
    __constants__ = ['padding']
    _mode = 'constant'
    _dims = 1

    def __init__(self, padding) -> None:
        super().__init__()
        self.padding = _pad_tuple(padding, self._dims)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    __constants__ = ['padding', 'value']

    def __init__(self, padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, 'constant', self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dimension with ``value``."""
    _dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dimensions with ``value``."""
    _dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dimensions with ``value``."""
    _dims = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pad the last dimension with zeros."""
    _dims = 1


class ZeroPad2d(_ZeroPadNd):
    """Pad the last two dimensions with zeros."""
    _dims = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last three dimensions with zeros."""
    _dims = 3


class _ReflectionPadNd(_PadNd):
    _mode = 'reflect'


class ReflectionPad1d(_ReflectionPadNd):
    """Pad the last dimension with its reflection (the edge element not repeated)."""
    _dims = 1


class ReflectionPad2d(_ReflectionPadNd):
    """Pad the last two dimensions with their reflection."""
    _dims = 2


class ReflectionPad3d(_ReflectionPadNd):
    """Pad the last three dimensions with their reflection."""
    _dims = 3


class _ReplicationPadNd(_PadNd):
    _mode = 'replicate'


class ReplicationPad1d(_ReplicationPadNd):
    """Pad the last dimension by repeating its edge element."""
    _dims = 1


class ReplicationPad2d(_ReplicationPadNd):
    """Pad the last two dimensions by repeating their edge elements."""
    _dims = 2


class ReplicationPad3d(_ReplicationPadNd):
    """Pad the last three dimensions by repeating their edge elements."""
    _dims = 3


class _CircularPadNd(_PadNd):
    _mode = 'circular'


class CircularPad1d(_CircularPadNd):
    """Pad the last dimension by wrapping around."""
    _dims = 1


class CircularPad2d(_CircularPadNd):
    """Pad the last two dimensions by wrapping around."""
    _dims = 2


class CircularPad3d(_CircularPadNd):
    """Pad the last three dimensions by wrapping around."""
    _dims = 3
