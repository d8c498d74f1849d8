"""Convolution kernels on arrays: im2col (window views + one copy) and col2im (a scatter-add per kernel offset).

Shapes use D spatial dimensions (1, 2 or 3). ``pads`` is a list of (low, high) zero paddings per spatial
dimension; ``stride`` and ``dilation`` are tuples of D ints.
"""
from __future__ import annotations

import numpy as np

from . import xp_of


def out_size(size: int, k: int, s: int, d: int, lo: int, hi: int) -> int:
    return (size + lo + hi - d * (k - 1) - 1) // s + 1


def pad_zeros(x, pads):
    """Zero-pad the trailing spatial dimensions of ``x`` by ``pads`` ((low, high) per dimension)."""
    if not any(lo or hi for lo, hi in pads):
        return x
    xp = xp_of(x)
    lead = x.ndim - len(pads)
    out = xp.zeros(x.shape[:lead] + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[lead:], pads)), x.dtype)
    out[(Ellipsis,) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(x.shape[lead:], pads))] = x
    return out


def windows(x, kernel, stride, dilation, out):
    """A strided view of x (N, C, *S) with shape (N, C, *K, *Out): element [n, c, k..., o...] is
    x[n, c, o*stride + k*dilation ...]. No copy."""
    xp = xp_of(x)
    st = x.strides
    sp = st[2:]
    shape = x.shape[:2] + tuple(kernel) + tuple(out)
    strides = st[:2] + tuple(s * d for s, d in zip(sp, dilation)) + tuple(s * t for s, t in zip(sp, stride))
    return xp.lib.stride_tricks.as_strided(x, shape, strides)


def im2col(x, kernel, stride, dilation, pads, groups):
    """Columns of x (N, C, *S) for a grouped convolution: (N, groups, C/groups * prod(K), prod(Out)), and Out."""
    xp_ = pad_zeros(x, pads)
    out = tuple(out_size(n, k, s, d, 0, 0) for n, k, s, d in zip(xp_.shape[2:], kernel, stride, dilation))
    w = windows(xp_, kernel, stride, dilation, out)
    n, c = x.shape[:2]
    kk = int(np.prod(kernel))
    p = int(np.prod(out))
    cols = w.reshape(n, groups, (c // groups) * kk, p)  # the one copy: contiguous columns
    return cols, out


def col2im(cols, x_shape, kernel, stride, dilation, pads):
    """The adjoint of im2col: add columns (N, C, *K, *Out) back into an array of shape x_shape (N, C, *S)."""
    xp = xp_of(cols)
    padded = x_shape[:2] + tuple(n + lo + hi for n, (lo, hi) in zip(x_shape[2:], pads))
    res = xp.zeros(padded, cols.dtype)
    D = len(kernel)
    out = cols.shape[2 + D:]
    for kidx in np.ndindex(*kernel):
        sl = tuple(slice(k * d, k * d + s * (o - 1) + 1, s) for k, d, s, o in zip(kidx, dilation, stride, out))
        res[(slice(None), slice(None)) + sl] += cols[(slice(None), slice(None)) + kidx]
    if any(lo or hi for lo, hi in pads):
        res = res[(slice(None), slice(None)) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(x_shape[2:], pads))]
    return res


def conv_forward(x, w, stride, dilation, pads, groups):
    """y (N, O, *Out) = conv(x (N, C, *S), w (O, C/groups, *K))."""
    kernel = w.shape[2:]
    cols, out = im2col(x, kernel, stride, dilation, pads, groups)
    o = w.shape[0]
    wm = w.reshape(groups, o // groups, -1)
    y = np.matmul(wm, cols)  # (N, groups, O/groups, P)
    return y.reshape((x.shape[0], o) + out)


def conv_input_grad(g, w, x_shape, stride, dilation, pads, groups):
    """The adjoint of conv w.r.t. its input: maps g (N, O, *Out) to an array of x_shape."""
    n = g.shape[0]
    o = w.shape[0]
    kernel = w.shape[2:]
    out = g.shape[2:]
    wm = w.reshape(groups, o // groups, -1)
    gm = g.reshape(n, groups, o // groups, -1)
    cols = np.matmul(wm.transpose(0, 2, 1), gm)  # (N, groups, Cg*K, P)
    cols = cols.reshape((n, x_shape[1]) + tuple(kernel) + tuple(out))
    return col2im(cols, x_shape, kernel, stride, dilation, pads)


def conv_weight_grad(x, g, w_shape, stride, dilation, pads, groups):
    """The adjoint of conv w.r.t. its weight: sum over the batch of g (N, O, *Out) against x's columns."""
    kernel = w_shape[2:]
    cols, _ = im2col(x, kernel, stride, dilation, pads, groups)
    n = g.shape[0]
    o = w_shape[0]
    gm = g.reshape(n, groups, o // groups, -1)
    # A GEMM per sample and group, (Og, P) @ (P, Cg*K), then a sum over the batch: no copy of the columns.
    return np.matmul(gm, cols.swapaxes(-1, -2)).sum(0).reshape(w_shape)
