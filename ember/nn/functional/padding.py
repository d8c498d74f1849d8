"""``pad``: constant, reflect, replicate and circular padding (negative constant padding crops)."""
from __future__ import annotations

import numpy as np

from ..._tensor import Tensor
from ...ops._primitive import primitive


@primitive(backward_name='ConstantPadNdBackward0')
def _pad_constant(x, pads, value):
    grow = [(max(lo, 0), max(hi, 0)) for lo, hi in pads]
    out = np.pad(x, grow, mode='constant', constant_values=value) if any(a or b for a, b in grow) else x.copy()
    if any(lo < 0 or hi < 0 for lo, hi in pads):
        out = out[tuple(slice(-min(lo, 0), out.shape[i] + min(hi, 0)) for i, (lo, hi) in enumerate(pads))]
    return out


@_pad_constant.vjp
def _(grad, pads):
    return _pad_constant(grad, tuple((-lo, -hi) for lo, hi in pads), 0)


_NP_MODES = {'reflect': 'reflect', 'replicate': 'edge', 'circular': 'wrap'}


def pad(input: Tensor, pad, mode: str = 'constant', value: float | None = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dimensions: ``pad = (left_last, right_last, left_prev, right_prev, ...)``."""
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    nd = input.ndim
    k = len(pad) // 2
    if k > nd:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {nd}")
    pairs = [(0, 0)] * (nd - k) + [(pad[2 * (k - 1 - i)], pad[2 * (k - 1 - i) + 1]) for i in range(k)]
    if mode == 'constant':
        for i, (lo, hi) in enumerate(pairs):
            if input.shape[i] + lo + hi < 0:
                raise RuntimeError(f"The input size {input.shape[i]}, plus negative padding {lo} and {hi} resulted in "
                                   f"a negative output size, which is invalid. Check dimension {i} of your input.")
        return _pad_constant(input, tuple(pairs), 0 if value is None else value)
    if mode not in _NP_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value not in (None, 0):
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    if not (k <= 3 and nd in (k + 1, k + 2)):
        raise NotImplementedError(f"Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now")
    out = input
    for dim in range(nd - k, nd):
        lo, hi = pairs[dim]
        if not (lo or hi):
            continue
        n = input.shape[dim]
        if mode == 'reflect' and (lo >= n or hi >= n):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({lo}, {hi}) at dimension {dim} of input {list(input.shape)}")
        if mode == 'circular' and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if min(lo, hi) < 0:
            raise RuntimeError(f"negative padding is not supported for mode {mode}")
        idx = np.pad(np.arange(n), (lo, hi), mode=_NP_MODES[mode])
        out = out.index_select(dim, Tensor._wrap(idx.astype(np.int64)))
    return out


__all__ = ['pad']
