"""``unfold`` (im2col: sliding blocks of (N, C, H, W) as columns (N, C * kh * kw, L)) and its adjoint ``fold``.

The two primitives are each other's backward, so derivatives of any order work.
"""
from __future__ import annotations

import numpy as np

from ..._tensor import Tensor
from ...backend import conv as KC
from ...ops._primitive import primitive


@primitive(backward_name='Im2ColBackward0')
def _im2col(x, kernel, dilation, pads, stride):
    cols, _ = KC.im2col(x, kernel, stride, dilation, pads, 1)
    return cols.reshape(x.shape[0], cols.shape[2], cols.shape[3])


@_im2col.vjp
def _(grad, x_shape, kernel, dilation, pads, stride):
    return _col2im(grad, tuple(x_shape[2:]), kernel, dilation, pads, stride)


@primitive(backward_name='Col2ImBackward0')
def _col2im(cols, size, kernel, dilation, pads, stride):
    n, ck = cols.shape[:2]
    k = int(np.prod(kernel))
    blocks = tuple(KC.out_size(s, kk, st, dl, lo, hi) for s, kk, st, dl, (lo, hi) in zip(size, kernel, stride, dilation,
                                                                                          pads))
    c = cols.reshape((n, ck // k) + tuple(kernel) + blocks)
    return KC.col2im(c, (n, ck // k) + tuple(size), kernel, stride, dilation, pads)


@_col2im.vjp
def _(grad, kernel, dilation, pads, stride):
    return _im2col(grad, kernel, dilation, pads, stride)


def _pair(v, what: str) -> tuple:
    if isinstance(v, (int, np.integer)):
        return (int(v),) * 2
    v = tuple(int(i) for i in v)
    if len(v) != 2:
        raise RuntimeError(f"It is expected {what} equals to 2, but got size {len(v)}")
    return v


def _args(kernel_size, dilation, padding, stride) -> tuple:
    kernel, dilation = _pair(kernel_size, 'kernel_size'), _pair(dilation, 'dilation')
    padding, stride = _pair(padding, 'padding'), _pair(stride, 'stride')
    if min(kernel) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: {kernel[0]} "
                           f"kernel_width: {kernel[1]}")
    if min(stride) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {stride[0]} "
                           f"stride_width: {stride[1]}")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: {dilation[0]} "
                           f"dilation_width: {dilation[1]}")
    if min(padding) < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {padding[0]} "
                           f"pad_width: {padding[1]}")
    return kernel, dilation, padding, stride


def _blocks(size, kernel, dilation, padding, stride) -> tuple:
    # C++ division truncates toward zero, which the messages show for too-small inputs.
    return tuple(int((n + 2 * p - (d * (k - 1) + 1)) / s) + 1
                 for n, k, d, p, s in zip(size, kernel, dilation, padding, stride))


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Extract sliding local blocks: (N, C, H, W) -> (N, C * prod(kernel_size), L)."""
    if input.ndim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(input.ndim, 1)}, "
                         f"{max(input.ndim, 1) - 1}], but got 2)")
    kernel, dilation, padding, stride = _args(kernel_size, dilation, padding, stride)
    if input.ndim not in (3, 4) or any(n == 0 for n in input.shape[-3:]):
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    size = tuple(input.shape[-2:])
    blocks = _blocks(size, kernel, dilation, padding, stride)
    if min(blocks) < 1:
        raise RuntimeError(f"Given input with spatial size {size}, kernel_size={kernel}, dilation={dilation}, "
                           f"padding={padding}, calculated shape of the array of sliding blocks as {blocks}, but its "
                           f"components must be at least one.")
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    y = _im2col(x, kernel, dilation, tuple((p, p) for p in padding), stride)
    return y.squeeze(0) if unbatched else y


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Combine sliding local blocks into a tensor, summing overlaps: (N, C * prod(k), L) -> (N, C, *output_size)."""
    size = _pair(output_size, 'output_size')
    kernel, dilation, padding, stride = _args(kernel_size, dilation, padding, stride)
    if input.ndim not in (2, 3) or any(n == 0 for n in input.shape[-2:]):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    k = kernel[0] * kernel[1]
    ck, length = input.shape[-2:]
    if ck % k:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={ck} and kernel_size={kernel}.")
    blocks = _blocks(size, kernel, dilation, padding, stride)
    if blocks[0] * blocks[1] != length:
        raise RuntimeError(f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, padding={padding}, "
                           f"stride={stride}, expected size of input's dimension 2 to match the calculated number of "
                           f"sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
                           f"input.size(2)={length}.")
    if min(blocks) < 1:
        raise RuntimeError(f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, padding={padding}, "
                           f"stride={stride}, calculated shape of the array of sliding blocks as {blocks}, which is "
                           f"too small (non-positive)")
    unbatched = input.ndim == 2
    x = input.unsqueeze(0) if unbatched else input
    y = _col2im(x, size, kernel, dilation, tuple((p, p) for p in padding), stride)
    return y.squeeze(0) if unbatched else y


__all__ = ['fold', 'unfold']
