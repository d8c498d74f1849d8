"""Tensor creation: ``tensor``, ``zeros``, ``ones``, ``full``, ``empty``, ``arange``, ``linspace``, ``eye``, ..."""
from __future__ import annotations

import math
import warnings
from typing import Sequence

import numpy as np

from .. import _dtype as D
from .._device import CPU, to_device
from .._tensor import Tensor, Size, bind_methods
from ..backend import xp_for, xp_of
from ._primitive import primitive, inplace

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
        if dtype.category < D.FLOAT:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t._requires_grad = True
    return t


def _sizes(size, fn: str) -> tuple:
    """Accept ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` and ``f(ember.Size(...))``."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    elif not size:
        raise TypeError(f"{fn}() missing 1 required positional arguments: \"size\"")
    out = []
    for s in size:
        if isinstance(s, Tensor) and s.dtype.category <= D.INT and s._data.size == 1:
            s = int(s)
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"{fn}(): argument 'size' (position {len(out) + 1}) must be tuple of ints, not "
                            f"{type(s).__name__}")
        out.append(int(s))
    if any(s < 0 for s in out):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(out)}: [{', '.join(map(str, out))}]")
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
        return D.get_default_dtype()
    if k == 'c':
        return D.get_default_dtype().to_complex()
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _has_tensor(data) -> bool:
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return isinstance(data, (Tensor, np.ndarray, np.generic))


def _leaf_dtype(data) -> D.dtype:
    """The promoted dtype of a nested list that holds tensors or NumPy values (each keeps its own dtype)."""
    if isinstance(data, (list, tuple)):
        dt = None
        for d in data:
            e = _leaf_dtype(d)
            dt = e if dt is None else D.promote_types(dt, e)
        return dt if dt is not None else D.get_default_dtype()
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, (np.ndarray, np.generic)):
        return D.from_numpy_dtype(data.dtype)
    return D.scalar_dtype(data)


def _to_array(data):
    if isinstance(data, Tensor):
        return data._host()
    if isinstance(data, np.ndarray):
        return data
    if isinstance(data, (list, tuple)) and data and _has_tensor(data):
        parts = []
        for d in data:
            if isinstance(d, Tensor) and d._data.size != 1:
                raise TypeError("only integer tensors of a single element can be converted to an index")
            parts.append(_to_array(d))
        return np.array(parts)
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    try:
        arr = np.asarray(data)
    except ValueError:  # ragged
        _check_ragged(data)
        raise
    if arr.dtype.kind in 'OUSV':
        _check_ragged(data)
        bad = _bad_leaf(data)
        if isinstance(bad, int):
            raise ValueError("Overflow when unpacking long long")
        if isinstance(bad, (str, bytes)):
            raise ValueError(f"too many dimensions '{type(bad).__name__}'")
        raise RuntimeError(f"Could not infer dtype of {type(bad).__name__}")
    if arr.dtype == np.uint64:
        raise ValueError("Overflow when unpacking long long")
    return arr


def _bad_leaf(data):
    """The first element of nested lists that is not a usable number."""
    if isinstance(data, (list, tuple)):
        for d in data:
            b = _bad_leaf(d)
            if b is not None:
                return b
        return None
    if isinstance(data, (bool, float, complex)) or (isinstance(data, int) and -(1 << 63) <= data < (1 << 63)):
        return None
    return data


def _check_ragged(data, dim: int = 0) -> None:
    """Raise PyTorch's errors for nested lists that are not rectangular."""
    if not isinstance(data, (list, tuple)) or not data:
        return
    first = data[0]
    if isinstance(first, (list, tuple)):
        n = len(first)
        for d in data:
            if not isinstance(d, (list, tuple)):
                raise TypeError("not a sequence")
            if len(d) != n:
                raise ValueError(f"expected sequence of length {n} at dim {dim + 1} (got {len(d)})")
            _check_ragged(d, dim + 1)
    else:
        for d in data:
            if isinstance(d, (list, tuple)):
                if isinstance(first, int) and not isinstance(first, bool):
                    raise TypeError(f"'{type(d).__name__}' object cannot be interpreted as an integer")
                raise TypeError(f"must be real number, not {type(d).__name__}")


def _check_int_range(arr: np.ndarray, dt: D.dtype) -> None:
    """PyTorch refuses Python numbers that do not fit the requested integer dtype (negative numbers wrap
    around into an unsigned one, within the range of the signed type of its width)."""
    if arr.dtype.kind in 'iuf' and arr.size and dt.np != arr.dtype:
        info = np.iinfo(dt.np)
        lo = info.min if info.min < 0 else -(1 << (info.bits - 1))
        if arr.min() < lo or arr.max() > info.max:
            raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow")


def tensor(data, dtype=None, device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """Construct a tensor with no autograd history by copying ``data`` (a number, a nested list, an array)."""
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or "
                      "sourceTensor.clone().detach().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    arr = _to_array(data)
    if dtype is not None:
        dt = D.to_dtype(dtype)
        if not isinstance(data, (Tensor, np.ndarray)) and dt.category == D.INT:
            _check_int_range(arr, dt)
    elif isinstance(data, Tensor):
        dt = data.dtype
    elif isinstance(data, (list, tuple)) and data and _has_tensor(data):
        dt = _leaf_dtype(data)
    else:
        dt = _infer_dtype(data, arr)
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
    try:
        return _wrap(np.from_dlpack(ext))
    except (RuntimeError, BufferError, TypeError):
        if not str(getattr(ext, 'dtype', '')).endswith('bfloat16') or not hasattr(ext, 'view'):
            raise
    # NumPy's DLPack cannot express bfloat16: take the bits as int16 through DLPack, then reinterpret them (no copy).
    import sys
    lib = sys.modules.get(type(ext).__module__.split('.')[0])
    bits = np.from_dlpack(ext.view(getattr(lib, 'int16', np.int16)))
    return _wrap(bits.view(D.bfloat16.np), dtype=D.bfloat16)


def _dt(dtype) -> D.dtype:
    return D.get_default_dtype() if dtype is None else D.to_dtype(dtype)


def _filled(fill, shape: tuple, dt: D.dtype, device, requires_grad: bool) -> Tensor:
    """A tensor of ``shape`` (already checked) filled with ``fill``."""
    dev = _dev(device)
    return _finish(xp_for(dev).full(shape, fill, dtype=dt.np), dt, dev, requires_grad)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False) -> Tensor:
    """A tensor filled with 0 of the given size."""
    dt = out.dtype if dtype is None and out is not None else _dt(dtype)
    return _out(out, _filled(0, _sizes(size, 'zeros'), dt, device, requires_grad))


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
         pin_memory: bool = False) -> Tensor:
    """A tensor filled with 1 of the given size."""
    dt = out.dtype if dtype is None and out is not None else _dt(dtype)
    return _out(out, _filled(1, _sizes(size, 'ones'), dt, device, requires_grad))


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
          pin_memory: bool = False, memory_format=None) -> Tensor:
    """An uninitialised tensor of the given size (ember fills it with zeros: NumPy memory is cheap to clear)."""
    dt = out.dtype if dtype is None and out is not None else _dt(dtype)
    return _out(out, _filled(0, _sizes(size, 'empty'), dt, device, requires_grad))


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
                  pin_memory: bool = False) -> Tensor:
    """An uninitialised tensor with the given size and strides (in elements)."""
    shape = _sizes((size,), 'empty_strided')
    stride = tuple(int(s) for s in stride)
    if len(shape) != len(stride):
        raise RuntimeError(f"dimensionality of sizes ({len(shape)}) must match dimensionality of strides "
                           f"({len(stride)})")
    dt = _dt(dtype)
    n = 1 + sum((d - 1) * st for d, st in zip(shape, stride)) if all(shape) else 0
    base = np.zeros(n, dtype=dt.np)
    arr = np.lib.stride_tricks.as_strided(base, shape, tuple(st * base.itemsize for st in stride))
    return _finish(arr, dt, device, requires_grad)


def _fill_scalar(fn: str, fill_value):
    """``fill_value`` as a Python number (0-d tensors and NumPy scalars give their value)."""
    if isinstance(fill_value, Tensor):
        if fill_value._data.ndim:
            raise TypeError(f"{fn}(): argument 'fill_value' (position 2) must be Number, not Tensor")
        return fill_value.item()
    if isinstance(fill_value, np.generic):
        return fill_value.item()
    if not isinstance(fill_value, (bool, int, float, complex)):
        raise TypeError(f"{fn}(): argument 'fill_value' (position 2) must be Number, not "
                        f"{type(fill_value).__name__}")
    return fill_value


def _check_fill(value, dt: D.dtype) -> None:
    """PyTorch refuses fill values that an integer dtype cannot hold."""
    if dt.category == D.INT and not isinstance(value, complex):
        info = np.iinfo(dt.np)
        if not (math.isfinite(value) and info.min <= value <= info.max):
            raise RuntimeError(f"value cannot be converted to type {dt.name}_t without overflow")


def _size_arg(fn: str, size) -> tuple:
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}")
    return _sizes((size,), fn)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad: bool = False,
         pin_memory: bool = False) -> Tensor:
    """A tensor of the given size filled with ``fill_value`` (dtype inferred from it when not given)."""
    shape = _size_arg('full', size)
    fill_value = _fill_scalar('full', fill_value)
    dt = D.to_dtype(dtype) if dtype is not None else (out.dtype if out is not None else D.scalar_dtype(fill_value))
    _check_fill(fill_value, dt)
    return _out(out, _filled(fill_value, shape, dt, device, requires_grad))


def _out(out, t: Tensor) -> Tensor:
    if out is None:
        return t
    out._data = t._data.astype(out._data.dtype, copy=False)
    out._version_ctr.value += 1
    return out


def _like(x: Tensor, dtype, device):
    return (x.dtype if dtype is None else D.to_dtype(dtype)), (x.device if device is None else device)


def zeros_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None) -> Tensor:
    """A tensor of zeros with the shape (and by default dtype and device) of ``input``."""
    dt, dev = _like(input, dtype, device)
    return _filled(0, input._data.shape, dt, dev, requires_grad)


def ones_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=None) -> Tensor:
    """A tensor of ones with the shape (and by default dtype and device) of ``input``."""
    dt, dev = _like(input, dtype, device)
    return _filled(1, input._data.shape, dt, dev, requires_grad)


def empty_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None) -> Tensor:
    """An uninitialised tensor with the shape (and by default dtype and device) of ``input``."""
    dt, dev = _like(input, dtype, device)
    return _filled(0, input._data.shape, dt, dev, requires_grad)


def full_like(input: Tensor, fill_value, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=None) -> Tensor:
    """A tensor filled with ``fill_value`` with the shape (and by default dtype and device) of ``input``."""
    dt, dev = _like(input, dtype, device)
    fill_value = _fill_scalar('full_like', fill_value)
    _check_fill(fill_value, dt)
    return _filled(fill_value, input._data.shape, dt, dev, requires_grad)


def _number(v):
    if isinstance(v, Tensor):
        return v.item()
    if isinstance(v, np.generic):
        return v.item()
    return v


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad: bool = False) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) spaced by ``step``; int64 unless a bound is a float."""
    if end is None:
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    if dtype is not None:
        dt = D.to_dtype(dtype)
    elif out is not None:
        dt = out.dtype
    elif all(isinstance(v, int) for v in (start, end, step)):
        dt = D.int64
    else:
        dt = D.get_default_dtype()
    if dt is D.bool_ or dt.category == D.COMPLEX:
        raise NotImplementedError(f"\"arange_cpu\" not implemented for '{dt._legacy}'")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if dt.category == D.INT:
        # Integer ranges use the bounds and step truncated to integers, like PyTorch.
        for v in (start, end):
            if not math.isfinite(v):
                raise RuntimeError(f"unsupported range: {start} -> {end}")
        start, end, step = int(start), int(end), int(step)
        if step == 0:
            raise ValueError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = math.ceil((end - start) / step)
    if dt.category == D.INT:
        arr = np.arange(start, start + n * step, step, dtype=np.int64).astype(dt.np, copy=False)
    else:
        arr = (start + np.arange(n, dtype=np.float64) * step).astype(dt.np)
    return _out(out, _finish(arr, dt, device, requires_grad))


def range_(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Deprecated ``torch.range``: like arange but includes ``end``; float by default."""
    if end is None:
        start, end = 0, start
    dt = _dt(dtype)
    n = int(math.floor((end - start) / step)) + 1
    return _finish((start + np.arange(n, dtype=np.float64) * step).astype(dt.np), dt, device, requires_grad)


def _check_steps(steps) -> int:
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool):
        raise TypeError(f"linspace() received an invalid combination of arguments - got steps of type "
                        f"{type(steps).__name__}, but expected int steps")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return int(steps)


def _linspace_sym(start, end, steps: int, npd) -> np.ndarray:
    """``steps`` points from start to end computed in dtype ``npd``: PyTorch fills the first half forward from
    the start and the second half backward from the end, so both ends are exact."""
    if steps == 1:
        return np.array([start], dtype=npd)
    start, end = npd.type(start), npd.type(end)
    step = (end - start) / npd.type(steps - 1)
    i = np.arange(steps)
    fwd = start + step * i.astype(npd)
    bwd = end - step * (steps - 1 - i).astype(npd)
    return np.where(i < steps // 2, fwd, bwd).astype(npd, copy=False)


def linspace(start, end, steps: int, *, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` values evenly spaced from ``start`` to ``end`` inclusive."""
    steps = _check_steps(steps)
    start, end = _number(start), _number(end)
    if dtype is not None:
        dt = D.to_dtype(dtype)
    elif isinstance(start, complex) or isinstance(end, complex):
        dt = D.get_default_dtype().to_complex()
    else:
        dt = out.dtype if out is not None else D.get_default_dtype()
    if dt.category <= D.INT:
        # Integer results start from the bounds truncated to integers, like PyTorch.
        arr = np.trunc(_linspace_sym(int(start), int(end), steps, np.dtype(np.float64))).astype(dt.np)
    else:
        arr = _linspace_sym(start, end, steps, dt.np)
    return _out(out, _finish(arr, dt, device, requires_grad))


def logspace(start, end, steps: int, base: float = 10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` values from ``base**start`` to ``base**end`` spaced evenly on a log scale."""
    steps = _check_steps(steps)
    dt = _dt(dtype)
    exps = _linspace_sym(float(_number(start)), float(_number(end)), steps, np.dtype(np.float64))
    with np.errstate(over='ignore'):
        arr = np.power(float(base), exps)
    return _out(out, _finish(arr.astype(dt.np), dt, device, requires_grad))


def eye(n: int, m: int | None = None, *, out=None, dtype=None, layout=None, device=None,
        requires_grad: bool = False) -> Tensor:
    """A 2-D tensor with ones on the diagonal and zeros elsewhere."""
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dt = _dt(dtype)
    return _out(out, _finish(np.eye(n, m, dtype=dt.np), dt, device, requires_grad))


def scalar_tensor(s, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A 0-d tensor holding the number ``s`` (of the default dtype unless ``dtype`` is given)."""
    dt = _dt(dtype)
    return _finish(np.asarray(_number(s), dtype=dt.np), dt, device, requires_grad)


def legacy_new(cls, args, device, dtype) -> Tensor:
    """``Tensor(...)`` / ``FloatTensor(...)``: from data when given a sequence, else uninitialised sizes."""
    dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    if len(args) == 1 and isinstance(args[0], Tensor):
        t = args[0]
        if dtype is not None and t.dtype is not dt:
            raise TypeError(f"expected {dt!r} (got {t.dtype!r})")
        return t
    if len(args) == 1 and not isinstance(args[0], (int, np.integer, Size)):
        data = args[0]
        if not isinstance(data, (list, tuple, np.ndarray)) and not hasattr(data, '__array__'):
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
        t = _finish(np.array(_to_array(data), dtype=dt.np), dt, device, False)
    else:
        t = _filled(0, _sizes(args, 'Tensor') if args else (0,), dt, device, False)
    if cls is not Tensor:
        t.__class__ = cls
    return t


class _TensorType(type):
    """The type of the legacy tensor types (``torch.FloatTensor``, ``torch.cuda.LongTensor``...): calling one builds a
    tensor of its dtype on its device type, and ``isinstance`` checks a tensor's dtype and device type."""

    def __call__(cls, *args, device=None):
        if cls._device_type == 'cuda':
            from ..cuda import is_available
            if not is_available():
                raise TypeError(f"type {cls._torch_name} not available. Torch not compiled with CUDA enabled.")
            device = device if device is not None else 'cuda'
        return legacy_new(Tensor, args, device, cls.dtype)

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj._device.type == cls._device_type

    def __repr__(cls) -> str:
        return f"<class '{cls._torch_name}'>"


def _legacy_type(name: str, dt: D.dtype, device_type: str = 'cpu') -> _TensorType:
    prefix = 'torch.' if device_type == 'cpu' else f'torch.{device_type}.'
    return _TensorType(name, (), {
        'dtype': dt, '_device_type': device_type, '_torch_name': prefix + name, '__module__': 'ember',
        '__doc__': f"Legacy constructor: a {dt.name} tensor from data or sizes (``{prefix}{name}``)."})


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

def new(self: Tensor, *args, device=None) -> Tensor:
    """Legacy constructor with this tensor's dtype and device: from data when given a sequence, else sizes."""
    return legacy_new(Tensor, args, device if device is not None else self.device, self.dtype)


def new_tensor(self: Tensor, data, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor copied from ``data`` with this tensor's dtype and device unless given."""
    return tensor(data, dtype=dtype if dtype is not None else self.dtype,
                  device=device if device is not None else self.device, requires_grad=requires_grad)


def new_zeros(self: Tensor, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Zeros of the given size with this tensor's dtype and device unless given."""
    dt, dev = _like(self, dtype, device)
    return _filled(0, _sizes(size, 'new_zeros'), dt, dev, requires_grad)


def new_ones(self: Tensor, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Ones of the given size with this tensor's dtype and device unless given."""
    dt, dev = _like(self, dtype, device)
    return _filled(1, _sizes(size, 'new_ones'), dt, dev, requires_grad)


def new_empty(self: Tensor, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor of the given size with this tensor's dtype and device unless given."""
    dt, dev = _like(self, dtype, device)
    return _filled(0, _sizes(size, 'new_empty'), dt, dev, requires_grad)


def new_full(self: Tensor, size, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given size filled with ``fill_value``, with this tensor's dtype and device unless given."""
    dt, dev = _like(self, dtype, device)
    fill_value = _fill_scalar('new_full', fill_value)
    _check_fill(fill_value, dt)
    return _filled(fill_value, _size_arg('new_full', size), dt, dev, requires_grad)


@primitive(name='fill', backward_name='FillBackward0')
def _fill(x, value):
    return xp_of(x).full_like(x, value)


@_fill.vjp
def _(grad):
    return zeros_like(grad)


def fill_(self: Tensor, value) -> Tensor:
    """Fill this tensor with ``value`` in place (its gradient is zero)."""
    value = _fill_scalar('fill_', value)
    _check_fill(value, self.dtype)
    return inplace(_fill, self, value)


def zero_(self: Tensor) -> Tensor:
    """Fill this tensor with zeros in place."""
    return fill_(self, 0)


bind_methods({'new': new, 'new_tensor': new_tensor, 'new_zeros': new_zeros, 'new_ones': new_ones, 'new_empty': new_empty,
              'new_full': new_full, 'fill_': fill_, 'zero_': zero_})

__all__ = ['tensor', 'as_tensor', 'asarray', 'from_numpy', 'from_dlpack', 'zeros', 'ones', 'empty', 'full',
           'empty_strided', 'zeros_like', 'ones_like', 'empty_like', 'full_like', 'arange', 'linspace', 'logspace',
           'eye', 'scalar_tensor', 'get_default_device', 'set_default_device', 'FloatTensor', 'DoubleTensor',
           'HalfTensor', 'BFloat16Tensor', 'LongTensor', 'IntTensor', 'ShortTensor', 'CharTensor', 'ByteTensor',
           'BoolTensor']
