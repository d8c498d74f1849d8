"""Normalisation: batch_norm, instance_norm, layer_norm, group_norm, rms_norm, local_response_norm, normalize.

batch, instance, layer and group norm share one fused primitive, ``_standardize``: it computes the mean and
the (biased) variance over some axes once, normalises, and applies the affine weight and bias, all in a few
array passes, and saves the normalised input and the inverse standard deviation. Its backward is the closed
form of the standardisation's vector-Jacobian product: on arrays from the saved values (a handful of passes)
for an ordinary backward, and in ember ops when that backward is itself being differentiated
(``create_graph=True``), recomputing the statistics from the input so that second derivatives see their
dependence on it.
"""
from __future__ import annotations

import math

import numpy as np

from ... import _dtype as D
from ..._tensor import Tensor
from ...autograd import grad_mode
from ...ops._primitive import primitive
from ...ops.reduction import mean as _mean, sum_to_size

_wrap = Tensor._wrap


def _shape_str(shape) -> str:
    return '[' + ', '.join(map(str, shape)) + ']'


_LETTERS = 'abcdefghijklmnopqrstuvwxyz'
_BLOCK = 1 << 16  # elements per block of the backward's elementwise tail


def _layout(ndim: int, axes: tuple, wshape: tuple):
    """einsum subscripts of the data and of the per-statistic result, and the weight's shape padded to ``ndim``."""
    sub = _LETTERS[:ndim]
    ssub = ''.join(sub[i] for i in range(ndim) if i not in axes)
    return sub, ssub, (1,) * (ndim - len(wshape)) + tuple(wshape)


def _sum(a, axes: tuple):
    """Sum over ``axes``, keeping them. Over the trailing or the leading axes of a contiguous array, a
    matrix-vector product with ones: a BLAS kernel, several times faster than NumPy's pairwise sums."""
    k, n = len(axes), a.ndim
    if a.flags.c_contiguous and a.dtype.kind == 'f' and a.dtype.itemsize >= 4 and a.size and k < n:
        if axes == tuple(range(n - k, n)):
            r = math.prod(a.shape[n - k:])
            return (a.reshape(-1, r) @ np.ones(r, a.dtype)).reshape(a.shape[:n - k] + (1,) * k)
        if axes == tuple(range(k)):
            r = math.prod(a.shape[:k])
            return (np.ones(r, a.dtype) @ a.reshape(r, -1)).reshape((1,) * k + a.shape[k:])
    return a.sum(axes, keepdims=True)


def _standardize_grads(g, xhat, invstd, weight, axes, wshape, need_x, need_w, need_b):
    """First-order gradients of ``xhat * weight + bias`` on arrays: the closed form
    dx = invstd * (g' - mean(g') - xhat * mean(g' * xhat)) with g' = g * weight, each sum over the data once."""
    g = g.astype(xhat.dtype, copy=False)
    if not xhat.size:
        return (np.zeros_like(xhat) if need_x else None, np.zeros(wshape, xhat.dtype) if need_w else None,
                np.zeros(wshape, xhat.dtype) if need_b else None)
    sub, ssub, wfull = _layout(xhat.ndim, axes, wshape)
    stat = invstd.shape
    m = xhat.size // invstd.size
    w = None if weight is None else weight.reshape(wfull).astype(xhat.dtype, copy=False)
    waxes = tuple(i for i in range(xhat.ndim) if wfull[i] == 1)
    # Normalised axes along which the weight is constant: sum g and g * xhat over them first (one pass each);
    # the weight then applies to those small partial sums (all of them for batch norm, the channels of a group).
    wconst = tuple(i for i in axes if w is None or wfull[i] == 1)
    gx = gw = gb = None
    if not wconst:
        if need_w:
            gw = np.einsum(f'{sub},{sub}->{"".join(sub[i] for i in range(xhat.ndim) if wfull[i] != 1)}', g, xhat)
        if need_b:
            gb = _sum(g, waxes)
        if need_x:
            gx = g * w
            c1 = _sum(gx, axes)
            c2 = np.einsum(f'{sub},{sub}->{ssub}', gx, xhat).reshape(stat)
            c1 *= invstd / m
            c2 *= invstd / m
            _finish_dx(gx, xhat, c2, c1, invstd)
        return gx, gw, gb
    pshape = tuple(1 if i in wconst else n for i, n in enumerate(xhat.shape))
    pg = _sum(g, wconst) if need_x or need_b else None
    pgx = np.einsum(f'{sub},{sub}->{"".join(sub[i] for i in range(xhat.ndim) if i not in wconst)}', g,
                    xhat).reshape(pshape) if need_x or need_w else None
    wrest = tuple(i for i in waxes if i not in wconst)
    if need_w:
        gw = pgx.sum(wrest, keepdims=True)
    if need_b:
        gb = pg.sum(wrest, keepdims=True) if all(wfull[i] == 1 for i in wconst) else g.sum(waxes)
    if need_x:
        rest = tuple(i for i in axes if i not in wconst)
        s1, s2 = (pg, pgx) if w is None else (pg * w, pgx * w)
        if rest:
            s1, s2 = s1.sum(rest, keepdims=True), s2.sum(rest, keepdims=True)
        scale = invstd if w is None else invstd * w
        gx = np.multiply(g, scale)
        _finish_dx(gx, xhat, s2 * (invstd / m), s1 * (invstd / m), None)
    return gx, gw, gb


def _row_blocks(a) -> list:
    """Slices along the first axis of about ``_BLOCK`` elements each: an elementwise tail runs block by block, so
    that its operands stay in cache between passes and its temporary stays small."""
    n = a.shape[0]
    step = max(1, _BLOCK // max(1, a.size // n)) if n else 1
    return [slice(i, i + step) for i in range(0, n, step)]


def _at(c, sl):
    """The part of a broadcast operand (as many dimensions as the data) that meets the block ``sl``."""
    return c[sl] if c.shape[0] > 1 else c


def _finish_dx(gx, xhat, c2, c1, invstd) -> None:
    """gx = gx * invstd - (xhat * c2 + c1) in place (no invstd: it is already in gx)."""
    t = None
    for sl in _row_blocks(gx):
        xb, gxb = xhat[sl], gx[sl]
        t = np.empty_like(xb) if t is None or t.shape[0] < xb.shape[0] else t[:xb.shape[0]]
        if invstd is not None:
            gxb *= _at(invstd, sl)
        np.multiply(xb, _at(c2, sl), out=t)
        t += _at(c1, sl)
        gxb -= t


def _make_standardize(backward_name: str):
    @primitive(n_out=3, nondiff_outputs=(1, 2), aux=('xhat', 'invstd'), backward_name=backward_name)
    def op(x, weight, bias, axes, wshape, eps):
        xf = x.astype(np.float32) if x.dtype.itemsize < 4 else x  # half types: statistics in float32
        sub, ssub, _ = _layout(x.ndim, axes, wshape)
        m = math.prod(x.shape[i] for i in axes)
        if m and xf.dtype.kind == 'f':
            mu = _sum(xf, axes)
            mu /= m
            xhat = np.subtract(xf, mu)
            var = np.einsum(f'{sub},{sub}->{ssub}', xhat, xhat).reshape(mu.shape)
            var /= m
        else:
            mu = xf.mean(axis=axes, keepdims=True)
            xhat = np.subtract(xf, mu)
            var = np.square(xhat).mean(axis=axes, keepdims=True)
        invstd = 1.0 / np.sqrt(var + eps)
        xhat *= invstd
        if weight is not None:
            y = np.multiply(xhat, weight.reshape(wshape))
            if bias is not None:
                y += bias.reshape(wshape)
        else:
            y = xhat + bias.reshape(wshape) if bias is not None else xhat.copy()
        return y.astype(x.dtype, copy=False), mu, var, xhat, invstd

    @op.vjp
    def _(grads, x, weight, bias, axes, wshape, eps, xhat, invstd, needs_input_grad):
        g = grads[0]
        nw = weight is not None and needs_input_grad[1]
        nb = bias is not None and needs_input_grad[1 + (weight is not None)]
        if not grad_mode.state.enabled:
            gx, gw, gb = _standardize_grads(g._data, xhat._data, invstd._data, None if weight is None else
                                            weight._data, axes, wshape, needs_input_grad[0], nw, nb)
            return (None if gx is None else _wrap(gx), None if gw is None else _wrap(gw.reshape(weight.shape)),
                    None if gb is None else _wrap(gb.reshape(bias.shape)))
        # Differentiating the backward: the statistics must be functions of x, not constants.
        mu = x.mean(axes, keepdim=True)
        xc = x - mu
        invstd = ((xc * xc).mean(axes, keepdim=True) + eps).rsqrt()
        xhat = xc * invstd
        gx = gw = gb = None
        if needs_input_grad[0]:
            gxhat = g * weight.reshape(wshape) if weight is not None else g
            gx = (gxhat - gxhat.mean(axes, keepdim=True) - xhat * (gxhat * xhat).mean(axes, keepdim=True)) * invstd
        if nw:
            gw = sum_to_size(g * xhat, wshape).reshape(weight.shape)
        if nb:
            gb = sum_to_size(g, wshape).reshape(bias.shape)
        return gx, gw, gb

    return op


_batch_norm_op = _make_standardize('NativeBatchNormBackward0')
_layer_norm_op = _make_standardize('NativeLayerNormBackward0')
_group_norm_op = _make_standardize('NativeGroupNormBackward0')


def _check_dtypes(input: Tensor, *others, kernel: str = 'batch_norm') -> None:
    dt = input.dtype
    if dt.category < D.FLOAT:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dt._legacy}\'')
    for t in others:
        if t is not None and t.dtype is not dt and not (dt.itemsize < 4 and t.dtype is D.float32):
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def _verify_batch_size(size) -> None:
    n = size[0]
    for s in size[2:]:
        n *= s
    if n == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size {size}")


def _check_numel(name: str, t: Tensor | None, expected: int) -> None:
    if t is not None and t.numel() != expected:
        raise RuntimeError(f"{name} should contain {expected} elements not {t.numel()}")


def _channel_shape(input: Tensor) -> tuple:
    return (1, input.shape[1]) + (1,) * (input.ndim - 2)


def _update_running(running: Tensor, stat, momentum: float) -> None:
    """running = (1 - momentum) * running + momentum * stat, in place and unrecorded."""
    with grad_mode.no_grad():
        running.mul_(1 - momentum).add_(stat.reshape(running.shape).to(running.dtype), alpha=momentum)


def _affine_eval(input: Tensor, mean: Tensor, var: Tensor, weight, bias, eps: float, shape: tuple) -> Tensor:
    """Normalise with given statistics (not computed from the input): one scale and one shift per channel."""
    scale = (var + eps).rsqrt()
    if weight is not None:
        scale = scale * weight
    shift = -mean * scale
    if bias is not None:
        shift = shift + bias
    y = input * scale.reshape(shape) + shift.reshape(shape)
    return y if y.dtype is input.dtype else y.to(input.dtype)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float = 0.1,
               eps: float = 1e-05) -> Tensor:
    """Batch normalisation over the channel dimension 1, with batch statistics in training (updating the
    running statistics in place) and the running statistics otherwise."""
    if training:
        _verify_batch_size(input.shape)
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    c = input.shape[1] if input.ndim > 1 else 0
    _check_numel('running_mean', running_mean, c)
    _check_numel('running_var', running_var, c)
    _check_numel('weight', weight, c)
    _check_numel('bias', bias, c)
    _check_dtypes(input, weight, bias, running_mean, running_var)
    shape = _channel_shape(input)
    if not training:
        if running_mean is None or running_var is None:
            raise RuntimeError(f"running_{'mean' if running_mean is None else 'var'} must be defined in evaluation "
                               f"mode")
        return _affine_eval(input, running_mean, running_var, weight, bias, eps, shape)
    axes = (0,) + tuple(range(2, input.ndim))
    y, mu, var = _batch_norm_op(input, weight, bias, axes, shape, eps)
    if running_mean is not None:
        _update_running(running_mean, mu, momentum)
    if running_var is not None:
        n = input.shape[0] * math.prod(input.shape[2:])
        _update_running(running_var, var * (n / (n - 1)), momentum)
    return y


def _verify_spatial_size(size) -> None:
    if math.prod(size[2:]) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {size}")


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-05) -> Tensor:
    """Normalise each channel of each sample over its spatial dimensions (running statistics, when given,
    are updated with the batch average of the per-instance statistics)."""
    if use_input_stats:
        _verify_spatial_size(input.shape)
    n, c = input.shape[0], input.shape[1]
    # PyTorch checks the per-channel tensors after repeating them over the batch; so do its messages.
    for name, t in (('running_mean', running_mean), ('running_var', running_var), ('weight', weight), ('bias', bias)):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {n * c} elements not {n * t.numel()}")
    _check_dtypes(input, weight, bias, running_mean, running_var)
    shape = _channel_shape(input)
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false")
        return _affine_eval(input, running_mean, running_var, weight, bias, eps, shape)
    axes = tuple(range(2, input.ndim))
    y, mu, var = _batch_norm_op(input, weight, bias, axes, shape, eps)
    if running_mean is not None:
        _update_running(running_mean, mu.mean(0), momentum)
    if running_var is not None:
        m = math.prod(input.shape[2:])
        _update_running(running_var, var.mean(0) * (m / (m - 1)), momentum)
    return y


def _normalized_shape(normalized_shape, fn: str) -> tuple:
    if isinstance(normalized_shape, int) or not isinstance(normalized_shape, (tuple, list)):
        raise TypeError(f"{fn}(): argument 'normalized_shape' (position 2) must be tuple of ints, not "
                        f"{type(normalized_shape).__name__}")
    return tuple(int(s) for s in normalized_shape)


def _check_normalized(input: Tensor, shape: tuple, sep: str) -> None:
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(f"Given normalized_shape={_shape_str(shape)}, expected input with shape "
                           f"[*{sep}{_shape_str(shape)[1:]}, but got input of size{_shape_str(input.shape)}")


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-05) -> Tensor:
    """Normalise over the trailing ``normalized_shape`` dimensions, then scale by weight and shift by bias."""
    shape = _normalized_shape(normalized_shape, 'layer_norm')
    for name, t in (('weight', weight), ('bias', bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got {name} of shape "
                               f"{_shape_str(t.shape)} and normalized_shape = {_shape_str(shape)}")
    _check_normalized(input, shape, ', ')
    _check_dtypes(input, weight, bias, kernel='LayerNormKernelImpl')
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    return _layer_norm_op(input, weight, bias, axes, shape, eps)[0]


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    """Root-mean-square normalisation over the trailing ``normalized_shape`` dimensions (eps defaults to the
    machine epsilon of the input's dtype)."""
    shape = _normalized_shape(normalized_shape, 'rms_norm')
    _check_normalized(input, shape, '')
    if weight is not None and tuple(weight.shape) != shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got weight of shape "
                           f"{_shape_str(weight.shape)} and normalized_shape = {_shape_str(shape)}")
    if eps is None:
        eps = D.finfo(input.dtype).eps
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    x = input.float() if input.dtype.itemsize < 4 and input.is_floating_point() else input
    y = x * (_mean(x * x, dims, True) + eps).rsqrt()
    y = y.to(input.dtype) if y.dtype is not input.dtype else y
    return y * weight if weight is not None else y


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-05) -> Tensor:
    """Normalise each group of ``C / num_groups`` channels of each sample, then apply a per-channel affine."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    n, c = input.shape[0], input.shape[1]
    _verify_batch_size([n * c // num_groups, num_groups] + list(input.shape[2:]))
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {_shape_str(input.shape)} and num_groups={num_groups}")
    for name, t in (('weight', weight), ('bias', bias)):
        if t is not None and (t.ndim != 1 or t.numel() != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of channels in input, "
                               f"but got {name} of shape {_shape_str(t.shape)} and input of shape "
                               f"{_shape_str(input.shape)}")
    _check_dtypes(input, weight, bias, kernel='GroupNormKernelImpl')
    x = input.reshape(n, num_groups, c // num_groups, -1)
    y = _group_norm_op(x, weight, bias, (2, 3), (1, num_groups, c // num_groups, 1), eps)[0]
    return y.reshape(input.shape)


def local_response_norm(input: Tensor, size: int, alpha: float = 0.0001, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """Normalise each element by the (scaled) mean square of ``size`` neighbouring channels."""
    dim = input.ndim
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    from .padding import pad
    c = input.shape[1]
    sq = input * input
    # Zero-pad the channel dimension, then sum the `size` shifted windows (size is small in practice).
    padded = pad(sq.movedim(1, -1), (size // 2, (size - 1) // 2))
    win = padded[..., 0:c]
    for j in range(1, size):
        win = win + padded[..., j:j + c]
    div = (win.movedim(-1, 1) * (alpha / size) + k) ** beta
    return input / div


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    """Divide by the ``p``-norm along ``dim`` (at least ``eps``)."""
    from ...ops.arithmetic import div
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denom if out is None else div(input, denom, out=out)


__all__ = ['batch_norm', 'instance_norm', 'layer_norm', 'rms_norm', 'group_norm', 'local_response_norm', 'normalize']
