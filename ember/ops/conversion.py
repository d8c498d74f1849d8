"""Dtype and device conversion and copies: ``to``, ``type``, ``float()``..., ``clone``, ``contiguous``, ``copy_``."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._device import device as Device, to_device
from .._tensor import Tensor, bind_methods
from ..backend import xp_for
from ._primitive import primitive, check_inplace, _state

_wrap = Tensor._wrap


@primitive(backward_name='ToCopyBackward0')
def _to_copy(x, dtype, device):
    arr = x
    if device is not None:
        xp = xp_for(device)
        if device.type == 'cpu':
            arr = arr.get() if not isinstance(arr, np.ndarray) else arr
        else:
            with xp.cuda.Device(device.index or 0):
                arr = xp.asarray(arr)
    if dtype is not None and arr.dtype != dtype.np:
        if arr.dtype.kind == 'c' and dtype.category != D.COMPLEX:
            import warnings
            warnings.warn("Casting complex values to real discards the imaginary part", UserWarning, stacklevel=4)
            arr = arr.real
        arr = arr.astype(dtype.np)
    elif arr is x:
        arr = arr.copy()
    return arr


@_to_copy.vjp
def _(grad):
    return grad


def _parse_to(args, kwargs):
    dtype = kwargs.pop('dtype', None)
    device = kwargs.pop('device', None)
    copy = kwargs.pop('copy', False)
    kwargs.pop('non_blocking', None)
    kwargs.pop('memory_format', None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    for a in args:
        if isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        elif isinstance(a, D.dtype) or (isinstance(a, type) and a in (float, int, bool, complex)):
            dtype = a
        elif isinstance(a, (str, Device, int)) and not isinstance(a, bool):
            if isinstance(a, str) and a.removeprefix('torch.') in D._BY_NAME:
                dtype = a
            else:
                device = a
        elif isinstance(a, bool):
            copy = a
        elif a is None:
            continue
        else:
            raise TypeError(f"to() received an invalid combination of arguments - got ({type(a).__name__})")
    return (D.to_dtype(dtype) if dtype is not None else None), (to_device(device) if device is not None else None), copy


def to(self: Tensor, *args, **kwargs) -> Tensor:
    """This tensor with the given dtype and/or device: itself when nothing changes (unless ``copy=True``)."""
    dtype, device, copy = _parse_to(args, dict(kwargs))
    if device is not None and device.type == 'cuda':
        from ..cuda import _require
        _require()
    if dtype is self.dtype:
        dtype = None
    if device is not None and device == self._device:
        device = None
    if dtype is None and device is None:
        return clone(self) if copy else self
    return _to_copy(self, dtype, device)


def _caster(dt: D.dtype):
    def method(self: Tensor, memory_format=None) -> Tensor:
        return self if self.dtype is dt else _to_copy(self, dt, None)
    method.__name__ = dt._legacy.lower()
    method.__doc__ = f"``self.to({dt!r})``."
    return method


_LEGACY_NAMES = {f'torch.{d._legacy}Tensor': d for d in D.ALL}


def type_(self: Tensor, dtype=None, non_blocking: bool = False, **kwargs):
    """With no argument, the legacy type name (``'torch.FloatTensor'``); else this tensor cast to ``dtype``."""
    if dtype is None:
        prefix = 'torch.cuda.' if self._device.type == 'cuda' else 'torch.'
        return f"{prefix}{self.dtype._legacy}Tensor"
    dtype = getattr(dtype, '_torch_name', dtype)  # a legacy type such as ember.FloatTensor
    if isinstance(dtype, str) and dtype in _LEGACY_NAMES:
        dtype = _LEGACY_NAMES[dtype]
    elif isinstance(dtype, str) and dtype.replace('.cuda', '') in _LEGACY_NAMES:
        return to(self, 'cuda', _LEGACY_NAMES[dtype.replace('.cuda', '')])
    return to(self, D.to_dtype(dtype))


def type_as(self: Tensor, other: Tensor) -> Tensor:
    return to(self, other.dtype)


@primitive
def clone(x, memory_format=None):
    return x.copy()


@clone.vjp
def _(grad):
    return grad


def contiguous(self: Tensor, memory_format=None) -> Tensor:
    """This tensor if already C-contiguous, else a contiguous copy."""
    return self if self._data.flags.c_contiguous else clone(self)


@primitive(promote=None)
def _copy_from(x, src):
    return np.broadcast_to(np.asarray(src, dtype=x.dtype) if isinstance(src, np.ndarray) else src, x.shape).astype(
        x.dtype, copy=True)


_copy_from.name, _copy_from.backward_name = 'copy', 'CopyBackwards'


@_copy_from.vjp
def _(grad):
    return grad * 0, grad


def copy_(self: Tensor, src, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` into this tensor (broadcasting, casting dtype and device), in place."""
    from ._primitive import inplace
    if isinstance(src, Tensor) and src._device != self._device:
        src = to(src, self._device)
    if isinstance(src, Tensor):
        try:
            np.broadcast_shapes(src._data.shape, self._data.shape)
        except ValueError:
            raise RuntimeError(f"The size of tensor a ({self.shape[-1] if self.ndim else 1}) must match the size of "
                               f"tensor b ({src.shape[-1] if src.ndim else 1}) at non-singleton dimension "
                               f"{max(self.ndim - 1, 0)}") from None
    if not (_state.enabled and (self._requires_grad or (isinstance(src, Tensor) and src._requires_grad))):
        self._data[...] = src._data if isinstance(src, Tensor) else src
        self._version_ctr.value += 1
        return self
    return inplace(_copy_from, self, src)


def view_dtype(self: Tensor, dtype) -> Tensor:
    """Reinterpret the bytes of this tensor as ``dtype`` (``Tensor.view(dtype)``)."""
    dt = D.to_dtype(dtype)
    if dt.itemsize != self.dtype.itemsize and self.ndim and not self._data.flags.c_contiguous:
        raise RuntimeError("self.stride(-1) must be 1 to view with a different element size")
    if dt.itemsize != self.dtype.itemsize and self.ndim == 0:
        raise RuntimeError("self.dim() cannot be 0 to view with a different element size")
    last = self.shape[-1] * self.dtype.itemsize if self.ndim else 0
    if self.ndim and last % dt.itemsize:
        raise RuntimeError(f"self.size(-1) must be divisible by {dt.itemsize // self.dtype.itemsize} to view "
                           f"{self.dtype!r} as {dt!r} (different element sizes), but got {self.shape[-1]}")
    t = _wrap(self._data.view(dt.np), dtype=dt)
    t._version_ctr = self._version_ctr
    t._base = self._base if self._base is not None else self
    return t


def cpu(self: Tensor, memory_format=None) -> Tensor:
    return to(self, 'cpu')


def cuda(self: Tensor, device=None, non_blocking: bool = False, memory_format=None) -> Tensor:
    """A copy of this tensor in CUDA memory (needs the CuPy backend)."""
    from ..cuda import _require
    _require()
    dev = Device('cuda', device if isinstance(device, int) else 0) if not isinstance(device, (str, Device)) \
        else to_device(device)
    return to(self, dev)


bind_methods({
    'to': to, 'type': type_, 'type_as': type_as, 'clone': clone, 'contiguous': contiguous, 'copy_': copy_,
    'cpu': cpu, 'cuda': cuda,
    'float': _caster(D.float32), 'double': _caster(D.float64), 'half': _caster(D.float16),
    'bfloat16': _caster(D.bfloat16), 'long': _caster(D.int64), 'int': _caster(D.int32),
    'short': _caster(D.int16), 'char': _caster(D.int8), 'byte': _caster(D.uint8), 'bool': _caster(D.bool_),
    'cfloat': _caster(D.complex64), 'cdouble': _caster(D.complex128),
})

__all__ = ['clone']
