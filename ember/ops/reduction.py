"""Reductions: sum, mean, ... over all elements or over ``dim`` (int or tuple), with ``keepdim`` and ``dtype``."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, bind_methods, wrap_dim
from ._primitive import primitive


def norm_dims(dim, ndim: int, name: str = '') -> tuple:
    """``dim`` (None, an int or a sequence) as a sorted tuple of non-negative axes; None means all."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        return (wrap_dim(int(dim), ndim, name),)
    dims = tuple(wrap_dim(int(d), ndim, name) for d in dim)
    if len(set(dims)) != len(dims):
        d = next(d for d in dims if dims.count(d) > 1)
        raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return tuple(sorted(dims)) if dims else tuple(range(ndim))


def expand_reduced(grad: Tensor, shape: tuple, dims: tuple, keepdim: bool) -> Tensor:
    """Broadcast a reduction's gradient back over the reduced ``dims`` of an input of ``shape``."""
    if not keepdim and dims:
        grad = grad.reshape(tuple(1 if i in dims else s for i, s in enumerate(shape)))
    return grad.expand(shape)


def _sum_dtype(x, dtype):
    if dtype is not None:
        return D.to_dtype(dtype).np
    if x.dtype.kind in 'biu':
        return np.int64
    return None


@primitive
def sum(x, dim=None, keepdim=False, dtype=None):
    dims = norm_dims(dim, x.ndim, 'sum')
    return np.sum(x, axis=dims, keepdims=keepdim, dtype=_sum_dtype(x, dtype))


@sum.vjp
def _(grad, x_shape, dim, keepdim):
    return expand_reduced(grad, x_shape, norm_dims(dim, len(x_shape)), keepdim)


@primitive
def mean(x, dim=None, keepdim=False, dtype=None):
    if dtype is None and x.dtype.kind in 'biu':
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {D.from_numpy_dtype(x.dtype)._legacy}")
    dims = norm_dims(dim, x.ndim, 'mean')
    npd = D.to_dtype(dtype).np if dtype is not None else x.dtype
    return np.mean(x, axis=dims, keepdims=keepdim, dtype=npd)


@mean.vjp
def _(grad, x_shape, dim, keepdim):
    dims = norm_dims(dim, len(x_shape))
    n = 1
    for d in dims:
        n *= x_shape[d]
    return expand_reduced(grad, x_shape, dims, keepdim) / n


def sum_to_size(x: Tensor, *size) -> Tensor:
    """Sum ``x`` down to ``size`` (the inverse of broadcasting ``size`` up to ``x.shape``)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    size = tuple(size)
    shape = x._data.shape
    lead = len(shape) - len(size)
    if lead < 0:
        raise RuntimeError(f"size {{{', '.join(map(str, size))}}} is not expandable to size "
                           f"{{{', '.join(map(str, shape))}}}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size) if s == 1 and shape[lead + i] != 1)
    if dims:
        x = sum(x, dims, keepdim=True)
    if lead:
        x = x.reshape(size)
    return x


bind_methods({'sum': sum, 'mean': mean, 'sum_to_size': sum_to_size})

__all__ = ['sum', 'mean']
