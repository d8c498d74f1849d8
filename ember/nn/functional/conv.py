"""Convolutions: conv1d/2d/3d and conv_transpose1d/2d/3d on im2col + batched GEMM.

Three primitives are closed under differentiation, so gradients of any order work: the convolution
``y = conv(x, w)``, its adjoint in the input ``gx = conv_input_grad(g, w)`` (which is also the transposed
convolution) and its adjoint in the weight ``gw = conv_weight_grad(x, g)``; each one's backward is written
with the other two (they are all bilinear).
"""
from __future__ import annotations

from ..._tensor import Tensor
from ...backend import conv as K
from ...ops._primitive import primitive


@primitive(backward_name='ConvolutionBackward0')
def _conv(x, w, b, stride, dilation, pads, groups):
    y = K.conv_forward(x, w, stride, dilation, pads, groups)
    if b is not None:
        y += b.reshape((1, -1) + (1,) * (y.ndim - 2))
    return y


@_conv.vjp
def _(grad, x, w, b, stride, dilation, pads, groups, needs_input_grad):
    gx = _conv_input_grad(grad, w, tuple(x.shape), stride, dilation, pads, groups) if needs_input_grad[0] else None
    gw = _conv_weight_grad(x, grad, tuple(w.shape), stride, dilation, pads, groups) if needs_input_grad[1] else None
    gb = grad.sum((0,) + tuple(range(2, grad.ndim))) if b is not None and needs_input_grad[-1] else None
    return gx, gw, gb


@primitive(backward_name='ConvolutionBackwardBackward0')
def _conv_input_grad(g, w, x_shape, stride, dilation, pads, groups):
    return K.conv_input_grad(g, w, x_shape, stride, dilation, pads, groups)


@_conv_input_grad.vjp
def _(grad, g, w, stride, dilation, pads, groups, needs_input_grad):
    gg = _conv(grad, w, None, stride, dilation, pads, groups) if needs_input_grad[0] else None
    gw = _conv_weight_grad(grad, g, tuple(w.shape), stride, dilation, pads, groups) if needs_input_grad[1] else None
    return gg, gw


@primitive(backward_name='ConvolutionBackwardBackward1')
def _conv_weight_grad(x, g, w_shape, stride, dilation, pads, groups):
    return K.conv_weight_grad(x, g, w_shape, stride, dilation, pads, groups)


@_conv_weight_grad.vjp
def _(grad, x, g, stride, dilation, pads, groups, needs_input_grad):
    gx = _conv_input_grad(g, grad, tuple(x.shape), stride, dilation, pads, groups) if needs_input_grad[0] else None
    gg = _conv(x, grad, None, stride, dilation, pads, groups) if needs_input_grad[1] else None
    return gx, gg


# ------------------------------------------------------------------------------------------------ arguments

def _tuple(v, d: int, name: str, fn: str) -> tuple:
    if isinstance(v, int):
        return (v,) * d
    v = tuple(int(i) for i in v)
    if len(v) == 1:
        return v * d
    if len(v) != d:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {d} values to match the "
                           f"convolution dimensions, but got {name}={list(v)}")
    return v


def _size_str(shape) -> str:
    return '[' + ', '.join(map(str, shape)) + ']'


_TYPE_NAMES = {'float32': 'float', 'float64': 'double', 'float16': 'c10::Half', 'bfloat16': 'c10::BFloat16'}


def _check_common(fn: str, d: int, input: Tensor, weight: Tensor, bias, groups: int, transposed: bool):
    if input.ndim not in (d + 1, d + 2):
        raise RuntimeError(f"Expected {d + 1}D (unbatched) or {d + 2}D (batched) input to {fn}, but got input of "
                           f"size: {_size_str(input.shape)}")
    if weight.ndim != d + 2:
        raise RuntimeError(f"weight should have at least three dimensions" if weight.ndim < 3 else
                           f"Expected {d + 2}-dimensional weight for {d + 2}-dimensional input "
                           f"{_size_str(input.shape)}, but got {weight.ndim}-dimensional weight of size "
                           f"{_size_str(weight.shape)} instead")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype._legacy} but found {weight.dtype._legacy}")
    if bias is not None:
        if bias.dtype is not input.dtype:
            raise RuntimeError(f"expected scalar type {input.dtype._legacy} but found {bias.dtype._legacy}")
        n_out = weight.shape[1] * groups if transposed else weight.shape[0]
        if bias.ndim != 1 or bias.shape[0] != n_out:
            raise RuntimeError(f"Given weight of size {_size_str(weight.shape)}, expected bias to be 1-dimensional "
                               f"with {n_out} elements, but got bias of size {_size_str(bias.shape)} instead")


def _conv_nd(d: int, fn: str, input, weight, bias, stride, padding, dilation, groups):
    _check_common(fn, d, input, weight, bias, groups, False)
    unbatched = input.ndim == d + 1
    if unbatched:
        input = input.unsqueeze(0)
    stride = _tuple(stride, d, 'stride', fn)
    dilation = _tuple(dilation, d, 'dilation', fn)
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(v <= 0 for v in dilation):
        raise RuntimeError("dilation should be greater than zero")
    kernel = weight.shape[2:]
    if isinstance(padding, str):
        if padding == 'valid':
            pads = [(0, 0)] * d
        elif padding == 'same':
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = []
            for k, dl in zip(kernel, dilation):
                total = dl * (k - 1)
                pads.append((total // 2, total - total // 2))
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        p = _tuple(padding, d, 'padding', fn)
        if any(v < 0 for v in p):
            raise RuntimeError("negative padding is not supported")
        pads = [(v, v) for v in p]
    c = input.shape[1]
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{_size_str(weight.shape)}] instead")
    if weight.shape[1] * groups != c:
        raise RuntimeError(f"Given groups={groups}, weight of size {_size_str(weight.shape)}, expected "
                           f"input{_size_str(input.shape)} to have {weight.shape[1] * groups} channels, but got {c} "
                           f"channels instead")
    padded = [n + lo + hi for n, (lo, hi) in zip(input.shape[2:], pads)]
    eff = [dl * (k - 1) + 1 for k, dl in zip(kernel, dilation)]
    if any(pn < e for pn, e in zip(padded, eff)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(map(str, eff))}). Kernel size can't be greater than actual input size")
    y = _conv(input, weight, bias, stride, dilation, tuple(pads), groups)
    return y.squeeze(0) if unbatched else y


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """1-D convolution (cross-correlation) of input (N, C, L) with weight (O, C/groups, k)."""
    return _conv_nd(1, 'conv1d', input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation) of input (N, C, H, W) with weight (O, C/groups, kh, kw)."""
    return _conv_nd(2, 'conv2d', input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """3-D convolution (cross-correlation) of input (N, C, D, H, W) with weight (O, C/groups, kd, kh, kw)."""
    return _conv_nd(3, 'conv3d', input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose_nd(d: int, fn: str, input, weight, bias, stride, padding, output_padding, groups, dilation):
    _check_common(fn, d, input, weight, bias, groups, True)
    unbatched = input.ndim == d + 1
    if unbatched:
        input = input.unsqueeze(0)
    stride = _tuple(stride, d, 'stride', fn)
    dilation = _tuple(dilation, d, 'dilation', fn)
    padding = _tuple(padding, d, 'padding', fn)
    output_padding = _tuple(output_padding, d, 'output_padding', fn)
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(v < 0 for v in padding):
        raise RuntimeError("negative padding is not supported")
    if any(op >= s and op >= dl for op, s, dl in zip(output_padding, stride, dilation)):
        names = ['depth', 'height', 'width'][-d:] if d > 1 else ['width']
        parts = ' '.join(f"output_padding_{n}: {v}" for n, v in zip(names, output_padding))
        parts += ' ' + ' '.join(f"stride_{n}: {v}" for n, v in zip(names, stride))
        parts += ' ' + ' '.join(f"dilation_{n}: {v}" for n, v in zip(names, dilation))
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, but got {parts}")
    c = input.shape[1]
    if weight.shape[0] != c:
        raise RuntimeError(f"Given transposed=1, weight of size {_size_str(weight.shape)}, expected "
                           f"input{_size_str(input.shape)} to have {weight.shape[0]} channels, but got {c} channels "
                           f"instead")
    kernel = weight.shape[2:]
    out = tuple((n - 1) * s - 2 * p + dl * (k - 1) + op + 1
                for n, s, p, dl, k, op in zip(input.shape[2:], stride, padding, dilation, kernel, output_padding))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, input.shape[2:]))}). Calculated "
                           f"output size per channel: ({' x '.join(map(str, out))}). Output size is too small")
    x_shape = (input.shape[0], weight.shape[1] * groups) + out
    y = _conv_input_grad(input, weight, x_shape, stride, dilation, tuple((p, p) for p in padding), groups)
    if bias is not None:
        y = y + bias.reshape((1, -1) + (1,) * d)
    return y.squeeze(0) if unbatched else y


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """1-D transposed convolution (the gradient of conv1d w.r.t. its input), weight (C, O/groups, k)."""
    return _conv_transpose_nd(1, 'conv_transpose1d', input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """2-D transposed convolution (the gradient of conv2d w.r.t. its input), weight (C, O/groups, kh, kw)."""
    return _conv_transpose_nd(2, 'conv_transpose2d', input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """3-D transposed convolution (the gradient of conv3d w.r.t. its input)."""
    return _conv_transpose_nd(3, 'conv_transpose3d', input, weight, bias, stride, padding, output_padding, groups,
                              dilation)


__all__ = ['conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d']
