"""Pooling kernels on arrays: window views reduced one kernel offset at a time, and flat-index scatter / gather.

Arrays are (N, C, *S) with D spatial dimensions. ``lo`` is the low-side padding per dimension; the high side
is whatever the output size needs (``ceil_mode`` windows may run past the input). Indices are PyTorch's: flat
positions within one channel's unpadded input (``h * W + w`` in 2-D).
"""
from __future__ import annotations

import numpy as np

from . import xp_of
from .conv import windows


def out_size(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's pooling output length; with ceil_mode the last window must start inside the input or left pad."""
    num = n + 2 * p - d * (k - 1) - 1
    o = (num + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (o - 1) * s >= n + p:
        o -= 1
    return o


def _padded(x, kernel, stride, dilation, lo, out, value):
    """x padded with ``value``: ``lo`` before each spatial dimension and as much after as the windows reach."""
    hi = [max(0, (o - 1) * s + d * (k - 1) + 1 - n - p)
          for n, k, s, d, p, o in zip(x.shape[2:], kernel, stride, dilation, lo, out)]
    if not any(lo) and not any(hi):
        return x
    xp = xp_of(x)
    res = xp.full(x.shape[:2] + tuple(n + p + h for n, p, h in zip(x.shape[2:], lo, hi)), value, x.dtype)
    res[(Ellipsis,) + tuple(slice(p, p + n) for n, p in zip(x.shape[2:], lo))] = x
    return res


def _lowest(dtype):
    if dtype.kind == 'f':
        return -np.inf
    if dtype.kind == 'b':
        return False
    return np.iinfo(dtype).min


def _flat_base(xp, spatial, stride, lo, out):
    """Flat input position of each window's origin (o * stride - lo per dimension), broadcast over Out."""
    st = np.cumprod((1,) + tuple(spatial[::-1]))[:-1][::-1]
    base = 0
    D = len(out)
    for i in range(D):
        shape = [1] * D
        shape[i] = out[i]
        base = base + ((xp.arange(out[i]) * stride[i] - lo[i]) * int(st[i])).reshape(shape)
    return base, st


def _max_and_arg(view, n: int, xp, nan_aware: bool):
    """The elementwise max of ``view(0) .. view(n - 1)`` and which view holds it, as PyTorch picks it: the first
    maximum, or the last NaN. One pass of np.maximum, one of comparisons (masked copies are slow in NumPy)."""
    best = view(0).copy()
    for j in range(1, n):
        xp.maximum(best, view(j), out=best)
    arg = xp.zeros(best.shape, np.uint8 if n < 256 else np.int64)
    if n > 1:
        pending = xp.ones(best.shape, bool)
        for j in range(n - 1):
            pending &= view(j) != best
            arg += pending
    if nan_aware:
        for j in range(n):
            xp.copyto(arg, j, where=xp.isnan(view(j)))
    return best, arg


def _has_nan(x, xp) -> bool:
    if x.dtype.kind != 'f' or not x.size:
        return False
    with np.errstate(invalid='ignore'):
        return bool(xp.isnan(x.max()))


def max_pool(x, kernel, stride, dilation, lo, out):
    """Max over windows of x (N, C, *S), and the flat per-channel index of the max, as PyTorch picks it (the
    first maximum, the last NaN; padding only where the whole window is -inf: then the first in-bounds place)."""
    xp = xp_of(x)
    D = len(kernel)
    low = _lowest(x.dtype)
    w = windows(_padded(x, kernel, stride, dilation, lo, out, low), kernel, stride, dilation, out)
    offsets = list(np.ndindex(*kernel))
    lead = (slice(None), slice(None))
    best, arg = _max_and_arg(lambda j: w[lead + offsets[j]], len(offsets), xp, _has_nan(x, xp))
    if any(lo):
        first = 0
        for i in range(D):
            skip = np.maximum(lo[i] - np.arange(out[i]) * stride[i], 0)
            shape = [1] * D
            shape[i] = out[i]
            first = first * kernel[i] + (-(-skip // dilation[i])).reshape(shape)
        arg = arg.astype(np.int64)
        xp.copyto(arg, xp.asarray(first), where=best == low)
    base, st = _flat_base(xp, x.shape[2:], stride, lo, out)
    koff = xp.asarray([sum(k * d * int(s) for k, d, s in zip(kidx, dilation, st)) for kidx in offsets], np.int64)
    return best, koff[arg] + base


def adaptive_bounds(n: int, o: int):
    """PyTorch's adaptive windows: start = floor(i * n / o), end = ceil((i + 1) * n / o)."""
    i = np.arange(o)
    return (i * n) // o, -((-(i + 1) * n) // o)


def adaptive_max_pool(x, out):
    """Max over PyTorch's adaptive windows of x (N, C, *S), with flat per-channel indices."""
    xp = xp_of(x)
    D = len(out)
    spatial = x.shape[2:]
    st = np.cumprod((1,) + tuple(spatial[::-1]))[:-1][::-1]
    pos, sizes = [], []
    for n, o in zip(spatial, out):
        start, end = adaptive_bounds(n, o)
        k = int((end - start).max())
        # Places past a window's end repeat its last element: a repeat is never the first maximum.
        pos.append(np.minimum(start[:, None] + np.arange(k), (end - 1)[:, None]))
        sizes.append(k)
    offsets = list(np.ndindex(*sizes))

    def place(j):
        key = []
        for i in range(D):
            shape = [1] * D
            shape[i] = out[i]
            key.append(pos[i][:, offsets[j][i]].reshape(shape))
        return key

    def view(j):
        return x[(slice(None), slice(None)) + tuple(xp.asarray(k) for k in place(j))]

    best, arg = _max_and_arg(view, len(offsets), xp, _has_nan(x, xp))
    p = int(np.prod(out))
    table = xp.asarray(np.stack([np.broadcast_to(sum(k * int(s) for k, s in zip(place(j), st)), tuple(out)).ravel()
                                 for j in range(len(offsets))]))
    return best, table[arg.reshape(-1, p), xp.arange(p)].reshape(arg.shape)


def _pool_slices(kidx, dilation, stride, out):
    return (slice(None), slice(None)) + tuple(
        slice(k * d, k * d + s * (o - 1) + 1, s) for k, d, s, o in zip(kidx, dilation, stride, out))


def avg_divisor(xp, spatial, kernel, stride, lo, out, count_include_pad, divisor_override, dtype):
    """The divisor of every output window, as PyTorch counts it (a scalar with divisor_override)."""
    if divisor_override:
        return divisor_override
    div = 1
    D = len(out)
    for i in range(D):
        start = np.arange(out[i]) * stride[i] - lo[i]
        end = np.minimum(start + kernel[i], spatial[i] + lo[i])
        cnt = end - start if count_include_pad else np.minimum(end, spatial[i]) - np.maximum(start, 0)
        shape = [1] * D
        shape[i] = out[i]
        div = div * cnt.reshape(shape)
    return xp.asarray(div.astype(dtype if dtype.kind == 'f' else np.int64))


def avg_pool(x, kernel, stride, lo, out, count_include_pad, divisor_override):
    """Average over windows of x (N, C, *S) with zero padding (integer inputs: truncating division)."""
    xp = xp_of(x)
    xpad = _padded(x, kernel, stride, (1,) * len(kernel), lo, out, 0)
    acc_dt = x.dtype if x.dtype.kind == 'f' else np.dtype(np.int64)
    acc = xp.zeros(x.shape[:2] + tuple(out), acc_dt)
    for kidx in np.ndindex(*kernel):
        acc += xpad[_pool_slices(kidx, (1,) * len(kernel), stride, out)]
    div = avg_divisor(xp, x.shape[2:], kernel, stride, lo, out, count_include_pad, divisor_override, x.dtype)
    if x.dtype.kind != 'f':
        return (xp.sign(acc) * (xp.abs(acc) // div)).astype(x.dtype)
    acc /= div
    return acc


def avg_pool_adjoint(g, x_shape, kernel, stride, lo, count_include_pad, divisor_override):
    """The adjoint of avg_pool: each output's gradient divided by its divisor and spread over its window."""
    xp = xp_of(g)
    out = g.shape[2:]
    D = len(kernel)
    div = avg_divisor(xp, x_shape[2:], kernel, stride, lo, out, count_include_pad, divisor_override, g.dtype)
    gd = g / div
    hi = [max(0, (o - 1) * s + k - n - p) for n, k, s, p, o in zip(x_shape[2:], kernel, stride, lo, out)]
    res = xp.zeros(x_shape[:2] + tuple(n + p + h for n, p, h in zip(x_shape[2:], lo, hi)), g.dtype)
    for kidx in np.ndindex(*kernel):
        res[_pool_slices(kidx, (1,) * D, stride, out)] += gd
    if any(lo) or any(hi):
        res = res[(Ellipsis,) + tuple(slice(p, p + n) for n, p in zip(x_shape[2:], lo))]
    return res


def scatter_flat(src, indices, spatial, accumulate: bool):
    """An array (N, C, *spatial) of zeros with src (N, C, *O) put (or added) at the flat per-channel indices."""
    xp = xp_of(src)
    n, c = src.shape[:2]
    size = int(np.prod(spatial))
    nc = n * c
    p = int(np.prod(indices.shape[2:]))
    if accumulate:
        flat = (indices.reshape(nc, p) + (xp.arange(nc) * size)[:, None]).ravel()
        res = xp.bincount(flat, weights=src.ravel(), minlength=nc * size).astype(src.dtype, copy=False)
    else:
        res = xp.zeros((nc, size), src.dtype)
        xp.put_along_axis(res, indices.reshape(nc, p), src.reshape(nc, p), axis=1)
    return res.reshape((n, c) + tuple(spatial))


def gather_flat(x, indices):
    """The elements of x (N, C, *S) at the flat per-channel indices (N, C, *O)."""
    xp = xp_of(x)
    nc = x.shape[0] * x.shape[1]
    return xp.take_along_axis(x.reshape(nc, int(np.prod(x.shape[2:]))), indices.reshape(nc, int(np.prod(
        indices.shape[2:]))), axis=1).reshape(indices.shape)
