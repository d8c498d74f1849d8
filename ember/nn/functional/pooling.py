"""Pooling: max / avg / adaptive / lp pools and max_unpool, in 1, 2 and 3 spatial dimensions.

Max pools save only their indices (PyTorch's flat per-channel positions). Their backward scatters the gradient
to those positions (``_scatter``), whose own backward is a gather at the same positions (``_gather``) and back:
the pair is closed under differentiation. Average pools are linear: ``_avg_pool`` and its adjoint
``_avg_pool_adjoint`` are each other's backward.
"""
from __future__ import annotations

import math

import numpy as np

from ..._tensor import Tensor
from ...backend import pooling as K
from ...ops._primitive import primitive

_WORDS = {1: 'one', 2: 'two', 3: 'three'}
_AXES = {2: ('H', 'W'), 3: ('T', 'H', 'W')}


def _size_str(shape) -> str:
    return '[' + ', '.join(map(str, shape)) + ']'


# ------------------------------------------------------------------------------------------- primitives

def _scatter_fn(x, indices, spatial, accumulate):
    return K.scatter_flat(x, indices, spatial, accumulate)


def _gather_fn(x, indices):
    return K.gather_flat(x, indices)


_scatter = primitive(_scatter_fn, name='max_pool_backward', backward_name='MaxPoolBackwardBackward0')
_unpool = {d: primitive(_scatter_fn, name=f'max_unpool{d}d', backward_name=f'MaxUnpool{max(d, 2)}DBackward0')
           for d in (1, 2, 3)}
_gather = primitive(_gather_fn, name='max_pool_gather', backward_name='MaxPoolBackwardBackwardBackward0')


def _scatter_vjp(grad, indices):
    return _gather(grad, indices)


for _p in (_scatter, *_unpool.values()):
    _p.vjp(_scatter_vjp)


@_gather.vjp
def _(grad, x_shape, indices):
    return _scatter(grad, indices, tuple(x_shape[2:]), True)


def _max_pool_fn(x, kernel, stride, dilation, lo, out_size, unique):
    return K.max_pool(x, kernel, stride, dilation, lo, out_size)


def _max_pool_vjp(grad, x_shape, indices, unique):
    # Windows that cannot overlap put each gradient in a place of its own: a plain put, no accumulation.
    return _scatter(grad, indices, tuple(x_shape[2:]), not unique)


def _max_pool_indices_vjp(grad, x_shape, out, unique):
    return _scatter(grad[0], out[1], tuple(x_shape[2:]), not unique)


# Per dimension: one primitive saving the indices as aux (the usual case), one returning them as an output.
_max_pool = {}
for _d in (1, 2, 3):
    _name = f'MaxPool{max(_d, 2)}DWithIndicesBackward0'
    _max_pool[_d, False] = primitive(_max_pool_fn, name=f'max_pool{_d}d', backward_name=_name, aux=('indices',))
    _max_pool[_d, False].vjp(_max_pool_vjp)
    _max_pool[_d, True] = primitive(_max_pool_fn, name=f'max_pool{_d}d_with_indices', backward_name=_name, n_out=2,
                                    nondiff_outputs=(1,))
    _max_pool[_d, True].vjp(_max_pool_indices_vjp)


def _adaptive_max_fn(x, out_size):
    return K.adaptive_max_pool(x, out_size)


def _adaptive_max_vjp(grad, x_shape, out):
    return _scatter(grad[0], out[1], tuple(x_shape[2:]), True)


_adaptive_max = {d: primitive(_adaptive_max_fn, name=f'adaptive_max_pool{d}d', n_out=2, nondiff_outputs=(1,),
                              backward_name=f'AdaptiveMaxPool{d}DBackward0') for d in (1, 2, 3)}
for _p in _adaptive_max.values():
    _p.vjp(_adaptive_max_vjp)


def _avg_pool_fn(x, kernel, stride, lo, out, count_include_pad, divisor_override):
    return K.avg_pool(x, kernel, stride, lo, out, count_include_pad, divisor_override)


def _avg_adjoint_fn(g, x_shape, kernel, stride, lo, count_include_pad, divisor_override):
    return K.avg_pool_adjoint(g, x_shape, kernel, stride, lo, count_include_pad, divisor_override)


_avg_pool = {d: primitive(_avg_pool_fn, name=f'avg_pool{d}d', backward_name=f'AvgPool{d}DBackward0')
             for d in (1, 2, 3)}
_avg_pool_adjoint = primitive(_avg_adjoint_fn, name='avg_pool_backward', backward_name='AvgPoolBackwardBackward0')


def _avg_pool_vjp(grad, x_shape, kernel, stride, lo, count_include_pad, divisor_override):
    return _avg_pool_adjoint(grad, tuple(x_shape), kernel, stride, lo, count_include_pad, divisor_override)


for _p in _avg_pool.values():
    _p.vjp(_avg_pool_vjp)


@_avg_pool_adjoint.vjp
def _(grad, g_shape, kernel, stride, lo, count_include_pad, divisor_override):
    return _avg_pool[len(kernel)](grad, kernel, stride, lo, tuple(g_shape[2:]), count_include_pad, divisor_override)


# ------------------------------------------------------------------------------------------- arguments

def _ints(v, d: int, fn: str, what: str, omit: bool = False) -> tuple:
    """An int or a sequence of 1 or d ints, as a d-tuple; PyTorch's message otherwise."""
    if isinstance(v, (int, np.integer)):
        return (int(v),) * d
    v = tuple(int(i) for i in v)
    if len(v) == 1:
        return v * d
    if len(v) == d:
        return v
    if d == 1:
        raise RuntimeError(f"{fn}() {what} must be an int, list of ints or tuple of ints of size 1 but got size "
                           f"{len(v)}")
    verb = 'must be either' if what == 'dilation' else 'must either be'
    if fn == 'avg_pool3d' and what == 'kernel_size':
        verb = 'must be'
    opt = 'omitted, ' if omit else ''
    raise RuntimeError(f"{fn}: {what} {verb} {opt}a single int, or a tuple of {_WORDS[d]} ints")


def _stride(stride, kernel: tuple, d: int, fn: str) -> tuple:
    if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0):
        return kernel
    return _ints(stride, d, fn, 'stride', omit=True)


def _axes_str(label: str, vals, d: int) -> str:
    names = _AXES[max(d, 2)]
    vals = ((1,) + tuple(vals)) if d == 1 else tuple(vals)
    return ' '.join(f"{label}{n}: {v}" for n, v in zip(names, vals))


def _check_window(d: int, input: Tensor, kernel, stride, pads, dilation, fn: str) -> None:
    """PyTorch's checks of a pooling window (as its 2-D / 3-D kernels word them; 1-D pools are 2-D pools)."""
    if any(s == 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    for k, p, dl in zip(kernel, pads, dilation):
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
        if p > (dl * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={dl}")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"kernel size should be greater than zero, but got {_axes_str('k', kernel, d)}")
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"stride should be greater than zero, but got {_axes_str('d', stride, d)}")
    if any(v <= 0 for v in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {_axes_str('dilation', dilation, d)}")
    if any(n == 0 for n in input.shape[1:]):
        what = f"{d + 1}D or {d + 2}D" if d > 1 else "2D or 3D"
        prefix = f"{fn}: " if d == 1 else ""
        raise RuntimeError(f"{prefix}Expected {what} (batch mode) tensor with optional 0 dim batch size for input, "
                           f"but got:{_size_str(input.shape)}")


def _too_small(d: int, input: Tensor, out) -> RuntimeError:
    lead = input.shape[-d - 1:-d] if input.ndim > d else ()
    ins = tuple(lead) + ((1,) if d == 1 else ()) + tuple(input.shape[-d:])
    outs = tuple(lead) + ((1,) if d == 1 else ()) + tuple(out)
    return RuntimeError(f"Given input size: ({'x'.join(map(str, ins))}). Calculated output size: "
                        f"({'x'.join(map(str, outs))}). Output size is too small")


def _check_float_or_int(input: Tensor, fn: str) -> None:
    if input.dtype.is_complex or input.dtype.name == 'bool':
        raise NotImplementedError(f"\"{fn}\" not implemented for '{input.dtype._legacy}'")


# ------------------------------------------------------------------------------------------- max pool

def _max_pool_nd(d: int, input: Tensor, kernel_size, stride, padding, dilation, ceil_mode: bool,
                 return_indices: bool):
    fn = f'max_pool{d}d'
    if d == 1:
        kernel = _ints(kernel_size, 1, fn, 'kernel_size')
        stride = kernel if stride is None or stride == [] or stride == () else _ints(stride, 1, fn, 'stride')
        pads = _ints(padding, 1, fn, 'padding')
        dilation = _ints(dilation, 1, fn, 'dilation')
        if input.ndim not in (2, 3) or input.shape[-2] == 0 and input.ndim == 3:
            raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                               f"input, but got:{_size_str(input.shape)}")
        for what, v, cond, rule in (('kernel_size', kernel[0], kernel[0] > 0, 'must be greater than zero'),
                                    ('stride', stride[0], stride[0] > 0, 'must be greater than zero'),
                                    ('padding', pads[0], pads[0] >= 0, 'must be non-negative')):
            if not cond:
                raise RuntimeError(f"max_pool1d() {what} {rule}, but got {v}")
        if pads[0] > kernel[0] // 2:
            raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got "
                               f"padding={pads[0]} and kernel_size={kernel[0]}")
        if dilation[0] <= 0:
            raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {dilation[0]}")
    else:
        kernel = _ints(kernel_size, d, fn, 'kernel_size')
        stride = _stride(stride, kernel, d, fn)
        pads = _ints(padding, d, fn, 'padding')
        dilation = _ints(dilation, d, fn, 'dilation')
        if input.ndim not in (d + 1, d + 2):
            raise RuntimeError(f"non-empty {d + 1}D or {d + 2}D (batch mode) tensor expected for input")
        _check_window(d, input, kernel, stride, pads, dilation, fn)
    _check_float_or_int(input, fn)
    out = tuple(K.out_size(n, k, s, p, dl, ceil_mode)
                for n, k, s, p, dl in zip(input.shape[-d:], kernel, stride, pads, dilation))
    if any(o <= 0 for o in out):
        if d == 1:
            raise RuntimeError(f"max_pool1d() Invalid computed output size: {out[0]}")
        raise _too_small(d, input, out)
    unbatched = input.ndim == d + 1
    x = input.unsqueeze(0) if unbatched else input
    unique = all(s >= dl * (k - 1) + 1 for k, s, dl in zip(kernel, stride, dilation))
    res = _max_pool[d, bool(return_indices)](x, kernel, stride, dilation, pads, out, unique)
    if unbatched:
        return (res[0].squeeze(0), res[1].squeeze(0)) if return_indices else res.squeeze(0)
    return res


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """1-D max pooling over an input (N, C, L) or (C, L); optionally also the argmax indices."""
    return _max_pool_nd(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """2-D max pooling over an input (N, C, H, W) or (C, H, W); optionally also the argmax indices."""
    return _max_pool_nd(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """3-D max pooling over an input (N, C, D, H, W) or (C, D, H, W); optionally also the argmax indices."""
    return _max_pool_nd(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
                            return_indices: bool = False):
    """max_pool1d that always returns (values, indices)."""
    return _max_pool_nd(1, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
                            return_indices: bool = False):
    """max_pool2d that always returns (values, indices)."""
    return _max_pool_nd(2, input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
                            return_indices: bool = False):
    """max_pool3d that always returns (values, indices)."""
    return _max_pool_nd(3, input, kernel_size, stride, padding, dilation, ceil_mode, True)


# ------------------------------------------------------------------------------------------- max unpool

def _unpool_output_size(input: Tensor, kernel, stride, pads, output_size) -> list:
    d = len(kernel)
    default = [(input.shape[-d + i] - 1) * stride[i] + kernel[i] - 2 * pads[i] for i in range(d)]
    if output_size is None:
        return default
    if len(output_size) == d + 2:
        output_size = output_size[2:]
    if len(output_size) != d:
        raise ValueError(f"output_size should be a sequence containing {d} or {d + 2} elements, but it has a length "
                         f"of '{len(output_size)}'")
    for i in range(d):
        lo, hi = default[i] - stride[i], default[i] + stride[i]
        if not lo < output_size[i] < hi:
            raise ValueError(f'invalid output_size "{output_size}" (dim {i} must be between {lo} and {hi})')
    return output_size


def _max_unpool_nd(d: int, input: Tensor, indices: Tensor, kernel_size, stride, padding, output_size) -> Tensor:
    kernel = _ints(kernel_size, d, f'max_unpool{d}d', 'kernel_size')
    stride = kernel if stride is None else _ints(stride, d, f'max_unpool{d}d', 'stride')
    pads = _ints(padding, d, f'max_unpool{d}d', 'padding')
    out = [int(v) for v in _unpool_output_size(input, kernel, stride, pads, output_size)]
    kd = max(d, 2)  # 1-D unpooling is 2-D unpooling of a trailing unit dimension, messages included
    nd = input.ndim + (d == 1)
    if nd not in (kd + 1, kd + 2):
        raise RuntimeError(f"Input to max_unpooling{kd}d should be a {kd + 1}d or {kd + 2}d Tensor, but got a tensor "
                           f"with {nd} dimensions.")
    if indices.dtype.name != 'int64':
        raise RuntimeError(f"elements in indices should be type int64 but got: {indices.dtype._legacy}")
    if tuple(indices.shape) != tuple(input.shape):
        tail = (1,) if d == 1 else ()
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({_size_str(tuple(input.shape) + tail)}) but got indices tensor with shape: "
                           f"{_size_str(tuple(indices.shape) + tail)}")
    sizes = out + [1] if d == 1 else out
    total = int(np.prod(out))
    idx = indices._data
    bad = (idx < 0) | (idx >= total)
    if bad.any():
        raise RuntimeError(f"Found an invalid max index: {int(idx.ravel()[np.argmax(bad.ravel())])} (output volumes "
                           f"are of size {'x'.join(map(str, sizes))})")
    unbatched = input.ndim == d + 1
    if unbatched:
        input, indices = input.unsqueeze(0), indices.unsqueeze(0)
    y = _unpool[d](input, indices, tuple(out), False)
    return y.squeeze(0) if unbatched else y


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """The partial inverse of max_pool1d: values put back at their indices, zeros elsewhere."""
    return _max_unpool_nd(1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """The partial inverse of max_pool2d: values put back at their indices, zeros elsewhere."""
    return _max_unpool_nd(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None) -> Tensor:
    """The partial inverse of max_pool3d: values put back at their indices, zeros elsewhere."""
    return _max_unpool_nd(3, input, indices, kernel_size, stride, padding, output_size)


# ------------------------------------------------------------------------------------------- avg pool

def _avg_pool_nd(d: int, input: Tensor, kernel_size, stride, padding, ceil_mode, count_include_pad,
                 divisor_override) -> Tensor:
    fn = f'avg_pool{d}d'
    if d == 1:
        for what, v in (('kernel_size', kernel_size), ('stride', stride), ('padding', padding)):
            if isinstance(v, (list, tuple)) and len(v) != 1 and not (what == 'stride' and len(v) == 0):
                raise RuntimeError(f"avg_pool1d() argument '{what}' should contain one int (got {len(v)})")
        if input.ndim not in (2, 3):
            raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for argument #1 "
                               f"'self' (while checking arguments for avg_pool1d)")
    kernel = _ints(kernel_size, d, fn, 'kernel_size')
    stride = _stride(stride, kernel, d, fn)
    pads = _ints(padding, d, fn, 'padding')
    if d == 2 and input.ndim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(input.ndim, 1)}, "
                         f"{max(input.ndim, 1) - 1}], but got -3)")
    if input.ndim not in (d + 1, d + 2):
        raise RuntimeError(f"non-empty {d + 1}D or {d + 2}D (batch mode) tensor expected for input")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _check_window(d, input, kernel, stride, pads, (1,) * d, fn)
    _check_float_or_int(input, fn)
    if d == 3 and any(n + 2 * p < k for n, k, p in zip(input.shape[-3:], kernel, pads)):
        t, h, w = input.shape[-3:]
        raise RuntimeError(f"input image (T: {t} H: {h} W: {w}) smaller than kernel size (kT: {kernel[0]} "
                           f"kH: {kernel[1]} kW: {kernel[2]})")
    out = tuple(K.out_size(n, k, s, p, 1, ceil_mode) for n, k, s, p in zip(input.shape[-d:], kernel, stride, pads))
    if any(o <= 0 for o in out):
        raise _too_small(d, input, out)
    unbatched = input.ndim == d + 1
    x = input.unsqueeze(0) if unbatched else input
    y = _avg_pool[d](x, kernel, stride, pads, out, bool(count_include_pad), divisor_override)
    return y.squeeze(0) if unbatched else y


def avg_pool1d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """1-D average pooling over an input (N, C, L) or (C, L)."""
    return _avg_pool_nd(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """2-D average pooling over an input (N, C, H, W) or (C, H, W)."""
    return _avg_pool_nd(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool3d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """3-D average pooling over an input (N, C, D, H, W) or (C, D, H, W)."""
    return _avg_pool_nd(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


# ------------------------------------------------------------------------------------------- adaptive pools

def _adaptive_args(d: int, kind: str, input: Tensor, output_size) -> tuple:
    fn = f'adaptive_{kind}_pool{d}d'
    if d == 1:
        if isinstance(output_size, (list, tuple)) and len(output_size) != 1:
            if kind == 'max' and len(output_size) == 2:
                raise RuntimeError("adaptive_max_pool1d(): internal error: output_size.size() must be 1")
            raise RuntimeError(f"{fn}() argument 'output_size' should contain one int (got {len(output_size)})")
        if input.ndim not in (2, 3):
            raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for argument #1 "
                               f"'self' (while checking arguments for {fn})")
    elif input.ndim not in (d + 1, d + 2):
        sep = ': ' if kind == 'max' else ' '
        raise RuntimeError(f"{fn}(): Expected {d + 1}D or {d + 2}D tensor, but got{sep}{_size_str(input.shape)}")
    if isinstance(output_size, (list, tuple)):
        if len(output_size) != d and d > 1:
            raise RuntimeError(f"{fn}(): internal error: output_size.size() must be {d}" if kind == 'max' else
                               f"{fn}: output_size must be {d}")
        out = tuple(input.shape[-d + i] if v is None else int(v) for i, v in enumerate(output_size * (d // len(
            output_size) if len(output_size) == 1 else 1)))
    else:
        out = (int(output_size),) * d
    if any(o < 0 for o in out):
        if kind == 'avg':
            shown = ((1,) + out) if d == 1 else out
            raise RuntimeError(f"adaptive_avg_pool{max(d, 2)}d: elements of output_size must be greater than or "
                               f"equal to 0 but received {{{', '.join(map(str, shown))}}}")
        shape = tuple(input.shape[:-1]) + (1,) + out if d == 1 else tuple(input.shape[:-d]) + out
        bad = next(o for o in out if o < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {_size_str(shape)}")
    for i in range(1, input.ndim):
        if input.shape[i] == 0:
            shape, dim = tuple(input.shape), i
            if d == 1:  # PyTorch pools 1-D as 2-D with a unit height
                shape, dim = shape[:-1] + (1,) + shape[-1:], i + (i == input.ndim - 1)
            raise RuntimeError(f"adaptive_{kind}_pool{max(d, 2)}d(): Expected input to have non-zero size for "
                               f"non-batch dimensions, but input has sizes {_size_str(shape)} with dimension {dim} "
                               f"being empty")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"adaptive_{kind}_pool{max(d, 2)}d\" not implemented for '{input.dtype._legacy}'")
    return out


def _empty_like_graph(input: Tensor, shape: tuple) -> Tensor:
    """An empty result that is still an output of ``input``'s graph, as PyTorch's is."""
    return input.sum().mul(0).expand(shape)


def _adaptive_matrix(n: int, o: int, like: Tensor) -> Tensor:
    """The (o, n) matrix that averages each of PyTorch's adaptive windows."""
    start, end = K.adaptive_bounds(n, o)
    cols = np.arange(n)
    m = ((cols >= start[:, None]) & (cols < end[:, None])) / (end - start)[:, None]
    return Tensor._wrap(like._data.dtype.type(1) * m.astype(like._data.dtype))


def _adaptive_avg_nd(d: int, input: Tensor, output_size) -> Tensor:
    out = _adaptive_args(d, 'avg', input, output_size)
    spatial = tuple(input.shape[-d:])
    if any(o == 0 for o in out):
        return _empty_like_graph(input, tuple(input.shape[:-d]) + out)
    if all(o == 1 for o in out):
        return input.mean(tuple(range(-d, 0)), keepdim=True)
    if all(n % o == 0 for n, o in zip(spatial, out)):
        k = tuple(n // o for n, o in zip(spatial, out))
        unbatched = input.ndim == d + 1
        x = input.unsqueeze(0) if unbatched else input
        y = _avg_pool[d](x, k, k, (0,) * d, out, True, None)
        return y.squeeze(0) if unbatched else y
    # Uneven windows: the average is separable, one small matrix product per spatial dimension.
    y = input
    lead = tuple(input.shape[:-d])
    for i in range(d - 1, -1, -1):
        n, o = spatial[i], out[i]
        if n == o:
            continue
        m = _adaptive_matrix(n, o, input)
        shape = tuple(y.shape)
        if i == d - 1:
            y = (y.reshape(-1, n) @ m.t()).reshape(shape[:-1] + (o,))
        else:
            pos = len(lead) + i
            rest = int(np.prod(shape[pos + 1:]))
            y = (m @ y.reshape(shape[:pos] + (n, rest))).reshape(shape[:pos] + (o,) + shape[pos + 1:])
    return y


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    """1-D average pooling to a given output length (PyTorch's adaptive windows)."""
    return _adaptive_avg_nd(1, input, output_size)


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """2-D average pooling to a given output size (None keeps that input size)."""
    return _adaptive_avg_nd(2, input, output_size)


def adaptive_avg_pool3d(input: Tensor, output_size) -> Tensor:
    """3-D average pooling to a given output size (None keeps that input size)."""
    return _adaptive_avg_nd(3, input, output_size)


def _adaptive_max_nd(d: int, input: Tensor, output_size, return_indices: bool):
    out = _adaptive_args(d, 'max', input, output_size)
    unbatched = input.ndim == d + 1
    x = input.unsqueeze(0) if unbatched else input
    if any(o == 0 for o in out):
        shape = tuple(x.shape[:2]) + out
        vals, idx = _empty_like_graph(x, shape), Tensor._wrap(np.zeros(shape, np.int64))
    else:
        vals, idx = _adaptive_max[d](x, out)
    if unbatched:
        vals, idx = vals.squeeze(0), idx.squeeze(0)
    return (vals, idx) if return_indices else vals


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    """1-D max pooling to a given output length; optionally also the argmax indices."""
    return _adaptive_max_nd(1, input, output_size, return_indices)


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """2-D max pooling to a given output size; optionally also the argmax indices."""
    return _adaptive_max_nd(2, input, output_size, return_indices)


def adaptive_max_pool3d(input: Tensor, output_size, return_indices: bool = False):
    """3-D max pooling to a given output size; optionally also the argmax indices."""
    return _adaptive_max_nd(3, input, output_size, return_indices)


def adaptive_max_pool1d_with_indices(input: Tensor, output_size, return_indices: bool = False):
    """adaptive_max_pool1d that always returns (values, indices)."""
    return _adaptive_max_nd(1, input, output_size, True)


def adaptive_max_pool2d_with_indices(input: Tensor, output_size, return_indices: bool = False):
    """adaptive_max_pool2d that always returns (values, indices)."""
    return _adaptive_max_nd(2, input, output_size, True)


def adaptive_max_pool3d_with_indices(input: Tensor, output_size, return_indices: bool = False):
    """adaptive_max_pool3d that always returns (values, indices)."""
    return _adaptive_max_nd(3, input, output_size, True)


# ------------------------------------------------------------------------------------------- lp pool

def _lp_pool_nd(d: int, input: Tensor, norm_type, kernel_size, stride, ceil_mode) -> Tensor:
    mp, ap = (max_pool1d, avg_pool1d) if d == 1 else (max_pool2d, avg_pool2d) if d == 2 else (max_pool3d, avg_pool3d)
    if norm_type == math.inf:
        return mp(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -math.inf:
        return -mp(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if d == 1:
        if not isinstance(kernel_size, (int, np.integer)):
            raise TypeError(f"mul(): argument 'other' (position 1) must be Tensor, not {type(kernel_size).__name__}")
        count = int(kernel_size)
    else:
        count = math.prod(_ints(kernel_size, d, f'lp_pool{d}d', 'kernel_size'))
    out = ap(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(count).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int, stride=None, ceil_mode: bool = False) -> Tensor:
    """1-D power-average pooling: (sum over each window of x ** p) ** (1 / p)."""
    return _lp_pool_nd(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """2-D power-average pooling: (sum over each window of x ** p) ** (1 / p)."""
    return _lp_pool_nd(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """3-D power-average pooling: (sum over each window of x ** p) ** (1 / p)."""
    return _lp_pool_nd(3, input, norm_type, kernel_size, stride, ceil_mode)


__all__ = ['max_pool1d', 'max_pool2d', 'max_pool3d', 'max_pool1d_with_indices', 'max_pool2d_with_indices',
           'max_pool3d_with_indices', 'max_unpool1d', 'max_unpool2d', 'max_unpool3d', 'avg_pool1d', 'avg_pool2d',
           'avg_pool3d', 'adaptive_avg_pool1d', 'adaptive_avg_pool2d', 'adaptive_avg_pool3d', 'adaptive_max_pool1d',
           'adaptive_max_pool2d', 'adaptive_max_pool3d', 'adaptive_max_pool1d_with_indices',
           'adaptive_max_pool2d_with_indices', 'adaptive_max_pool3d_with_indices', 'lp_pool1d', 'lp_pool2d',
           'lp_pool3d']
