"""Softmax family: logsumexp, softmax, log_softmax (computed stably, with backward in ember ops)."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, bind_methods, wrap_dim
from ._primitive import primitive
from .pointwise import exp
# reduction imports this module at its end, after these helpers exist.
from .reduction import _axis_alias, _dim_int, _finish, _is_half, expand_reduced, norm_dims, sum

# --- logsumexp, softmax --------------------------------------------------------------------------------------------

@primitive(promote='float', operands=['x'])
def logsumexp(x, dim, keepdim=False):
    dims = norm_dims(dim, x.ndim, 'logsumexp')
    acc = np.float32 if _is_half(x.dtype) else x.dtype
    xa = x.astype(acc, copy=False)
    with np.errstate(all='ignore'):
        m = np.max(xa, axis=dims, keepdims=True, initial=-np.inf) if x.dtype.kind != 'c' else \
            np.max(xa.real, axis=dims, keepdims=True, initial=-np.inf)
        m = np.where(np.isfinite(m), m, 0)  # keeps inf - inf from turning an all -inf slice into NaN
        r = np.log(np.sum(np.exp(xa - m), axis=dims, keepdims=True)) + m
    return _finish(r if keepdim else r.reshape(tuple(s for i, s in enumerate(x.shape) if i not in dims)), x.dtype)


@logsumexp.vjp
def _(grad, x, out, dim, keepdim):
    dims = norm_dims(dim, x.ndim)
    return expand_reduced(grad, x.shape, dims, keepdim) * exp(x - expand_reduced(out, x.shape, dims, keepdim))


# Fused primitives: composing exp / sum / div would overflow for large inputs and keep more tensors alive; the
# backward needs only the output.
@primitive(backward_name='SoftmaxBackward0')
def _softmax(x, dim):
    acc = np.float32 if _is_half(x.dtype) else x.dtype
    xa = x.astype(acc, copy=False)
    if x.ndim == 0:
        return np.ones((), x.dtype)
    with np.errstate(all='ignore'):
        e = np.exp(xa - np.max(xa, axis=dim, keepdims=True, initial=-np.inf))
        return _finish(e / np.sum(e, axis=dim, keepdims=True), x.dtype)


@_softmax.vjp
def _(grad, out, dim):
    return out * (grad - sum(grad * out, dim, keepdim=True))


@primitive(backward_name='LogSoftmaxBackward0')
def _log_softmax(x, dim):
    acc = np.float32 if _is_half(x.dtype) else x.dtype
    xa = x.astype(acc, copy=False)
    if x.ndim == 0:
        return np.zeros((), x.dtype)
    with np.errstate(all='ignore'):
        s = xa - np.max(xa, axis=dim, keepdims=True, initial=-np.inf)
        return _finish(s - np.log(np.sum(np.exp(s), axis=dim, keepdims=True)), x.dtype)


@_log_softmax.vjp
def _(grad, out, dim):
    return grad - exp(out) * sum(grad, dim, keepdim=True)


def _softmax_wrapper(op, name):
    def fn(input: Tensor, dim: int, dtype=None, *, out=None) -> Tensor:
        if dtype is not None:
            input = input.to(dtype)
        elif input.dtype.category < D.FLOAT:
            kernel = 'softmax_lastdim_kernel_impl' if dim in (-1, input.ndim - 1) else 'softmax_kernel_impl'
            if name == 'log_softmax':
                kernel = 'log_' + kernel
            raise NotImplementedError(f"\"{kernel}\" not implemented for '{input.dtype._legacy}'")
        d = wrap_dim(_dim_int(dim, name), input.ndim, name)
        return op(input, d, out=out) if out is not None else op(input, d)
    fn.__name__ = name
    return _axis_alias(fn)


softmax = _softmax_wrapper(_softmax, 'softmax')
softmax.__doc__ = "exp(x) / sum(exp(x)) along ``dim``, computed stably (``dtype`` casts the input first)."
log_softmax = _softmax_wrapper(_log_softmax, 'log_softmax')
log_softmax.__doc__ = "log(softmax(x)) along ``dim``, computed stably (``dtype`` casts the input first)."


bind_methods({'logsumexp': logsumexp, 'softmax': softmax, 'log_softmax': log_softmax})

__all__ = ['logsumexp', 'softmax', 'log_softmax']
