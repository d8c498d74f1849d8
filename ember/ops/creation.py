"""Tensor creation: ``tensor``, ``zeros``, ``ones``, ``full``, ``empty``, ``arange``, ``linspace``, ``eye``, ..."""
from __future__ import annotations

import math
import warnings
from typing import Sequence

import numpy as np

from .. import _dtype as D
from .._device import CPU, to_device
from .._tensor import Tensor, bind_methods
from ..backend import xp_for

_wrap = Tensor._wrap
_default_device = [CPU]


def get_default_device():
    """The device new tensors are made on when none is given."""
    return _default_device[0]


def set_default_device(device) -> None:
    """Set the device new tensors are made on when none is given."""
    _default_device[0] = to_device(device) if device is not None else CPU


def _dev(device):
    return _default_device[0] if device is None else to_device(device)


def _finish(arr, dtype: D.dtype, device, requires_grad: bool) -> Tensor:
    device = _dev(device)
    if device.type != 'cpu':
        arr = xp_for(device).asarray(arr)
    t = _wrap(arr, dtype=dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _sizes(size, fn: str) -> tuple:
    """Accept ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` and ``f(ember.Size(...))``."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = int(s)
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"{fn}(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(s).__name__} at pos {len(out)}")
        if s < 0:
            raise RuntimeError(f"{fn}(): negative dimension {s}; sizes must be non-negative")
        out.append(int(s))
    return tuple(out)


def _infer_dtype(data, arr: np.ndarray) -> D.dtype:
    """PyTorch's dtype for data given as Python numbers: bool, int64, the default float, or complex."""
    if isinstance(data, (np.ndarray, np.generic)):
        return D.from_numpy_dtype(arr.dtype)
    k = arr.dtype.kind
    if k == 'b':
        return D.bool_
    if k in 'iu':
        return D.int64
    if k == 'f':
        if _has_tensor(data):
            return D.from_numpy_dtype(arr.dtype)
        return D.get_default_dtype()
    if k == 'c':
        return D.get_default_dtype().to_complex()
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _has_tensor(data) -> bool:
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return isinstance(data, (Tensor, np.ndarray, np.generic))


def _to_array(data):
    if isinstance(data, Tensor):
        return data._host()
    if isinstance(data, (list, tuple)) and data and _has_tensor(data):
        return np.array([_to_array(d) for d in data])
    if isinstance(data, (list, tuple)):
        _check_ragged(data)
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    arr = np.asarray(data)
    if arr.dtype.kind in 'OUSV':
        raise TypeError(f"Could not infer dtype of {type(_first(data)).__name__}")
    return arr


def _first(data):
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def _check_ragged(data, dim: int = 0) -> None:
    if not data or not isinstance(data[0], (list, tuple)):
        return
    n = len(data[0])
    for d in data:
        if not isinstance(d, (list, tuple)) or len(d) != n:
            got = len(d) if isinstance(d, (list, tuple)) else type(d).__name__
            raise ValueError(f"expected sequence of length {n} at dim {dim + 1} (got {got})")
        _check_ragged(d, dim + 1)


def tensor(data, dtype=None, device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """Construct a tensor with no autograd history by copying ``data`` (a number, a nested list, an array)."""
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or "
                      "sourceTensor.clone().detach().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    arr = _to_array(data)
    dt = D.to_dtype(dtype) if dtype is not None else (
        data.dtype if isinstance(data, Tensor) else _infer_dtype(data, arr))
    arr = np.array(arr, dtype=dt.np, copy=True)
    if device is None and isinstance(data, Tensor):
        device = data.device
    return _finish(arr, dt, device, requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Convert ``data`` to a tensor, sharing memory with it when dtype and device allow."""
    if isinstance(data, Tensor):
        if dtype is None and device is None:
            return data
        return data.to(device=device if device is not None else data.device,
                       dtype=dtype if dtype is not None else data.dtype)
    if isinstance(data, np.ndarray) and (device is None or to_device(device).type == 'cpu'):
        dt = D.to_dtype(dtype) if dtype is not None else D.from_numpy_dtype(data.dtype)
        return _wrap(data.astype(dt.np, copy=False) if data.dtype != dt.np else data, dtype=dt)
    return tensor(data, dtype=dtype, device=device)


asarray = as_tensor


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor that shares memory with the NumPy array ``ndarray``."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    if any(s < 0 for s in ndarray.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative "
                         "strides are not currently supported. (You can probably work around this by making a copy "
                         "of your array  with array.copy().) ")
    return _wrap(ndarray, dtype=D.from_numpy_dtype(ndarray.dtype))


def from_dlpack(ext) -> Tensor:
    """A tensor that shares memory with an object implementing ``__dlpack__`` (NumPy, PyTorch, CuPy)."""
    if isinstance(ext, Tensor):
        return ext
    dev_type = ext.__dlpack_device__()[0] if hasattr(ext, '__dlpack_device__') else 1
    if dev_type == 2:  # kDLCUDA
        from ..backend import cupy
        return _wrap(cupy().from_dlpack(ext))
    return _wrap(np.from_dlpack(ext))


def _dt(dtype) -> D.dtype:
    return D.get_default_dtype() if dtype is None else D.to_dtype(dtype)


def _filled(fill, size, dtype, device, requires_grad, fn):
    shape = _sizes(size, fn)
    dt = _dt(dtype)
    dev = _dev(device)
    xp = xp_for(dev)
    arr = xp.full(shape, fill, dtype=dt.np) if fill is not None else xp.empty(shape, dtype=dt.np)
    return _finish(arr, dt, dev, requires_grad)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False) -> Tensor:
    """A tensor filled with 0 of the given size."""
    return _out(out, _filled(0, size, dtype, device, requires_grad, 'zeros'))


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
         pin_memory: bool = False) -> Tensor:
    """A tensor filled with 1 of the given size."""
    return _out(out, _filled(1, size, dtype, device, requires_grad, 'ones'))


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False, memory_format=None) -> Tensor:
    """An uninitialised tensor of the given size (ember fills it with zeros: NumPy memory is cheap to clear)."""
    return _out(out, _filled(0, size, dtype, device, requires_grad, 'empty'))


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
         pin_memory: bool = False) -> Tensor:
    """A tensor of the given size filled with ``fill_value`` (dtype inferred from it when not given)."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dtype = D.scalar_dtype(fill_value)
    return _out(out, _filled(fill_value, (size,) if not isinstance(size, int) else (size,), dtype, device,
                             requires_grad, 'full'))


def _out(out, t: Tensor) -> Tensor:
    if out is None:
        return t
    out._data = t._data
    out.dtype = t.dtype
    out._version_ctr.value += 1
    return out


def _like(x: Tensor, dtype, device):
    return (x.dtype if dtype is None else D.to_dtype(dtype)), (x.device if device is None else device)


def zeros_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None) -> Tensor:
    """A tensor of zeros with the shape (and by default dtype and device) of ``input``."""
    dt, dev = _like(input, dtype, device)
    return _filled(0, input.shape, dt, dev, requires_grad, 'zeros_like')


def ones_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=None) -> Tensor:
    """A tensor of ones with the shape (and by default dtype and device) of ``input``."""
    dt, dev = _like(input, dtype, device)
    return _filled(1, input.shape, dt, dev, requires_grad, 'ones_like')


def empty_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None) -> Tensor:
    """An uninitialised tensor with the shape (and by default dtype and device) of ``input``."""
    dt, dev = _like(input, dtype, device)
    return _filled(0, input.shape, dt, dev, requires_grad, 'empty_like')


def full_like(input: Tensor, fill_value, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=None) -> Tensor:
    """A tensor filled with ``fill_value`` with the shape (and by default dtype and device) of ``input``."""
    dt, dev = _like(input, dtype, device)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _filled(fill_value, input.shape, dt, dev, requires_grad, 'full_like')


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad: bool = False) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) spaced by ``step``; int64 unless a bound is a float."""
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0 and end != start:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        dt = D.int64 if all(isinstance(v, (int, np.integer)) for v in vals) else D.get_default_dtype()
    else:
        dt = D.to_dtype(dtype)
    n = max(int(math.ceil((end - start) / step)), 0)
    if dt.category >= D.FLOAT:
        arr = (start + np.arange(n, dtype=np.float64) * step).astype(dt.np)
    else:
        arr = np.arange(start, start + n * step, step, dtype=np.float64)[:n].astype(dt.np) \
            if not all(isinstance(v, (int, np.integer)) for v in vals) else np.arange(start, end, step, dtype=dt.np)
    return _out(out, _finish(arr, dt, device, requires_grad))


def range_(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Deprecated ``torch.range``: like arange but includes ``end``; float by default."""
    if end is None:
        start, end = 0, start
    dt = _dt(dtype)
    n = int(math.floor((end - start) / step)) + 1
    return _finish((start + np.arange(n, dtype=np.float64) * step).astype(dt.np), dt, device, requires_grad)


def linspace(start, end, steps: int, *, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` values evenly spaced from ``start`` to ``end`` inclusive."""
    if steps < 0:
        raise RuntimeError("linspace(): number of steps must be non-negative")
    start, end = (v.item() if isinstance(v, Tensor) else v for v in (start, end))
    dt = _dt(dtype) if dtype is not None or not isinstance(start, complex) else D.get_default_dtype().to_complex()
    if dt.category < D.FLOAT:
        arr = np.linspace(start, end, steps, dtype=np.float64)
        arr = np.trunc(arr).astype(dt.np)
    else:
        arr = _linspace_sym(start, end, steps).astype(dt.np)
    return _out(out, _finish(arr, dt, device, requires_grad))


def _linspace_sym(start, end, steps):
    # PyTorch fills the first half from the start and the second half back from the end.
    if steps == 1:
        return np.array([start], dtype=np.result_type(start, end, np.float64))
    step = (end - start) / (steps - 1)
    i = np.arange(steps)
    half = steps // 2
    return np.where(i < half, start + step * i, end - step * (steps - 1 - i))


def logspace(start, end, steps: int, base: float = 10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` values from ``base**start`` to ``base**end`` spaced evenly on a log scale."""
    dt = _dt(dtype)
    arr = np.power(base, _linspace_sym(float(start), float(end), steps) if steps else np.zeros(0))
    return _out(out, _finish(arr.astype(dt.np), dt, device, requires_grad))


def eye(n: int, m: int | None = None, *, out=None, dtype=None, layout=None, device=None,
        requires_grad: bool = False) -> Tensor:
    """A 2-D tensor with ones on the diagonal and zeros elsewhere."""
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    dt = _dt(dtype)
    return _out(out, _finish(np.eye(n, m, dtype=dt.np), dt, device, requires_grad))


def scalar_tensor(s, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    dt = _dt(dtype)
    return _finish(np.asarray(s, dtype=dt.np), dt, device, requires_grad)


def legacy_new(cls, args, device, dtype) -> Tensor:
    """``Tensor(...)`` / ``FloatTensor(...)``: from data when given a sequence, else uninitialised sizes."""
    dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    if len(args) == 1 and isinstance(args[0], Tensor):
        t = args[0]
        if dtype is not None and t.dtype is not dt:
            raise TypeError(f"expected {dt!r} (got {t.dtype!r})")
        return t
    if len(args) == 1 and not isinstance(args[0], (int, np.integer)) and not isinstance(args[0], D.__class__):
        data = args[0]
        if isinstance(data, (list, tuple, np.ndarray, float, complex)) or hasattr(data, '__array__'):
            if isinstance(data, float):
                raise TypeError(f"new(): data must be a sequence (got float)")
            arr = np.array(_to_array(data), dtype=dt.np)
            t = _finish(arr, dt, device, False)
            if cls is not Tensor:
                t.__class__ = cls
            return t
    t = _filled(0, args, dt, device, False, 'Tensor')
    if cls is not Tensor:
        t.__class__ = cls
    return t


def _legacy_type(name: str, dt: D.dtype):
    def new(*args, device=None):
        return legacy_new(Tensor, args, device, dt)
    new.__name__ = name
    new.__qualname__ = name
    new.__doc__ = f"Legacy constructor: a {dt.name} tensor from data or sizes (``torch.{name}``)."
    return new


FloatTensor = _legacy_type('FloatTensor', D.float32)
DoubleTensor = _legacy_type('DoubleTensor', D.float64)
HalfTensor = _legacy_type('HalfTensor', D.float16)
BFloat16Tensor = _legacy_type('BFloat16Tensor', D.bfloat16)
LongTensor = _legacy_type('LongTensor', D.int64)
IntTensor = _legacy_type('IntTensor', D.int32)
ShortTensor = _legacy_type('ShortTensor', D.int16)
CharTensor = _legacy_type('CharTensor', D.int8)
ByteTensor = _legacy_type('ByteTensor', D.uint8)
BoolTensor = _legacy_type('BoolTensor', D.bool_)


# ------------------------------------------------------------------------------------------- Tensor.new_*

def new_tensor(self: Tensor, data, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    return tensor(data, dtype=dtype if dtype is not None else self.dtype,
                  device=device if device is not None else self.device, requires_grad=requires_grad)


def new_zeros(self: Tensor, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    dt, dev = _like(self, dtype, device)
    return _filled(0, size, dt, dev, requires_grad, 'new_zeros')


def new_ones(self: Tensor, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    dt, dev = _like(self, dtype, device)
    return _filled(1, size, dt, dev, requires_grad, 'new_ones')


def new_empty(self: Tensor, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    dt, dev = _like(self, dtype, device)
    return _filled(0, size, dt, dev, requires_grad, 'new_empty')


def new_full(self: Tensor, size, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    dt, dev = _like(self, dtype, device)
    return _filled(fill_value, (size,), dt, dev, requires_grad, 'new_full')


bind_methods({'new_tensor': new_tensor, 'new_zeros': new_zeros, 'new_ones': new_ones, 'new_empty': new_empty,
              'new_full': new_full})

__all__ = ['tensor', 'as_tensor', 'asarray', 'from_numpy', 'from_dlpack', 'zeros', 'ones', 'empty', 'full',
           'zeros_like', 'ones_like', 'empty_like', 'full_like', 'arange', 'linspace', 'logspace', 'eye',
           'scalar_tensor', 'get_default_device', 'set_default_device', 'FloatTensor', 'DoubleTensor',
           'HalfTensor', 'BFloat16Tensor', 'LongTensor', 'IntTensor', 'ShortTensor', 'CharTensor', 'ByteTensor',
           'BoolTensor']
