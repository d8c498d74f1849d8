"""Rebuilding tensors and parameters from checkpoint records (the constructors a checkpoint's pickle calls)."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, Version
from ._common import UnpicklingError, _describe, _parameter_type


# ------------------------------------------------------------------------------------------- rebuilding tensors

class _Block:
    """The bytes of one storage record, the version counter its tensors share, and its typed views."""

    __slots__ = ('raw', 'version', 'typed', 'swap', 'filled')

    def __init__(self, raw, swap: bool = False):
        self.raw, self.version, self.typed, self.swap, self.filled = raw, Version(), {}, swap, True

    def view(self, dtype: D.dtype):
        arr = self.typed.get(dtype)
        if arr is None:
            item = dtype.itemsize
            arr = self.raw[:self.raw.size // item * item].view(dtype.np)
            if self.swap and item > 1:
                arr = arr.copy()
                arr.view(f'u{item // 2 if dtype.is_complex else item}').byteswap(inplace=True)
            self.typed[dtype] = arr
        return arr


class _StorageRef:
    """A storage as the pickle sees it: a block, the dtype its type names (None: untyped), where it starts in the
    block (bytes) and its length (elements of its type)."""

    __slots__ = ('block', 'dtype', 'offset', 'numel')

    def __init__(self, block: _Block, dtype, offset: int, numel: int):
        self.block, self.dtype, self.offset, self.numel = block, dtype, offset, numel


def _strided(typed, offset: int, size: tuple, stride: tuple, item: int):
    byte_strides = tuple(s * item for s in stride)
    if isinstance(typed, np.ndarray):
        return np.ndarray(size, typed.dtype, buffer=typed, offset=offset * item, strides=byte_strides)
    from ..backend import cupy
    return cupy().lib.stride_tricks.as_strided(typed[offset:], size, byte_strides)


def _geometry(size, stride, offset) -> tuple:
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride) or not all(type(v) is int for v in size + stride + (offset,)):
        raise UnpicklingError(f"invalid tensor geometry: size {size!r}, stride {stride!r}, offset {offset!r}")
    if any(v < 0 for v in size + stride) or offset < 0:
        raise UnpicklingError(f"tensor with a negative size, stride or offset: size {list(size)}, stride "
                              f"{list(stride)}, offset {offset}")
    return size, stride


def _build_tensor(storage, dtype, storage_offset, size, stride, requires_grad) -> Tensor:
    if type(storage) is not _StorageRef:
        raise UnpicklingError(f"a tensor's storage is {_describe(storage)}, not a storage")
    if not isinstance(dtype, D.dtype):
        raise UnpicklingError(f"a tensor's dtype is {_describe(dtype)}, not a dtype")
    size, stride = _geometry(size, stride, storage_offset)
    item = dtype.itemsize
    numel = storage.numel * (storage.dtype.itemsize if storage.dtype is not None else 1) // item
    if all(size):
        last = storage_offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= numel:
            raise UnpicklingError(f"tensor of size {list(size)}, stride {list(stride)} and offset {storage_offset} "
                                  f"reaches past the end of its storage of {numel} elements")
    elif storage_offset > numel:
        raise UnpicklingError(f"tensor offset {storage_offset} is past the end of its storage of {numel} elements")
    start = storage.offset // item + storage_offset  # a legacy storage view starts storage.offset bytes in
    t = Tensor._wrap(_strided(storage.block.view(dtype), start, size, stride, item), dtype=dtype)
    t._version_ctr = storage.block.version
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    if type(storage) is _StorageRef and storage.dtype is None:
        raise UnpicklingError("_rebuild_tensor_v2 needs a typed storage; untyped storages go with _rebuild_tensor_v3")
    return _build_tensor(storage, getattr(storage, 'dtype', None), storage_offset, size, stride, requires_grad)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None):
    return _build_tensor(storage, dtype, storage_offset, size, stride, requires_grad)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad, backward_hooks=None):
    if not isinstance(data, Tensor):
        raise UnpicklingError(f"a parameter's data is {_describe(data)}, not a tensor")
    return _parameter_type()(data, bool(requires_grad))


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    p = _rebuild_parameter(data, requires_grad)
    _set_state(p, state)
    return p


def _rebuild_from_type_v2(func, new_type, args, state):
    if func not in (_rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_tensor, _rebuild_parameter):
        raise UnpicklingError(f"_rebuild_from_type_v2 may not call {_describe(func)}")
    t = func(*args)
    if new_type is _parameter_type() and not isinstance(t, new_type):
        t = new_type(t, t.requires_grad)
    elif new_type is not Tensor and new_type is not type(t):
        raise UnpicklingError(f"_rebuild_from_type_v2 may not make {_describe(new_type)}")
    _set_state(t, state)
    return t


def _set_state(t: Tensor, state) -> None:
    if not state:
        return
    if not isinstance(state, dict) or not all(isinstance(k, str) and not k.startswith('__') for k in state):
        raise UnpicklingError(f"a tensor's state is {_describe(state)}, not a dict of attribute names")
    t.__dict__.update(state)
