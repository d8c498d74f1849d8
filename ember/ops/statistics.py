"""Statistics: median, nanmedian, mode, var, std, var_mean, std_mean, quantile, nanquantile."""
from __future__ import annotations

import builtins
import warnings

import numpy as np

from .. import _dtype as D
from .. import return_types
from .._tensor import Tensor, bind_methods, wrap_dim
from ._primitive import primitive
from .comparison import eq
from .indexing import where
# reduction imports this module at its end, after these helpers exist.
from .reduction import (_axis_alias, _check_real, _copy_out, _count, _dim_int, _finish, _run_selector, _selector,
                        _take_along, _whole, expand_reduced, mean, norm_dims)

_wrap = Tensor._wrap
_INT_KINDS = 'biu'


def _lower_median(x, dim):
    n = x.shape[dim]
    order = np.argsort(x, axis=dim, kind='stable')
    idx = np.take(order, [(n - 1) // 2], axis=dim)
    nan = np.isnan(x) if x.dtype.kind in 'fc' else None
    if nan is not None and nan.any():
        has = nan.any(axis=dim, keepdims=True)
        idx = np.where(has, np.argmax(nan, axis=dim, keepdims=True), idx)
    return idx


def _lower_nanmedian(x, dim):
    order = np.argsort(x, axis=dim, kind='stable')  # NaNs sort last
    m = (~np.isnan(x)).sum(axis=dim, keepdims=True) if x.dtype.kind in 'fc' else x.shape[dim]
    k = np.maximum((np.asarray(m) - 1) // 2, 0)
    if np.ndim(k) == 0:
        k = np.full(tuple(1 if i == dim else s for i, s in enumerate(x.shape)), k)
    return np.take_along_axis(order, k, dim)


def _mode_index(x, dim):
    # Sort each slice, find runs of equal values, take the longest run (the smallest value among equally long
    # ones); its last element in a stable sort is the value's last occurrence, the index PyTorch gives.
    xm = np.moveaxis(x, dim, -1)
    lead, n = xm.shape[:-1], xm.shape[-1]
    rows = xm.reshape(-1, n)
    order = np.argsort(rows, axis=1, kind='stable')
    s = np.take_along_axis(rows, order, 1)
    start = np.ones(s.shape, bool)
    start[:, 1:] = s[:, 1:] != s[:, :-1]
    run = np.cumsum(start, axis=1) - 1
    m = rows.shape[0]
    counts = np.bincount((np.arange(m)[:, None] * n + run).ravel(), minlength=m * n).reshape(m, n)
    best = np.argmax(counts, axis=1)
    last = np.argmax(run == best[:, None], axis=1) + counts[np.arange(m), best] - 1
    idx = order[np.arange(m), last].reshape(lead + (1,))
    return np.moveaxis(idx, -1, dim)


_median_dim = _selector('median', _lower_median)
_nanmedian_dim = _selector('nanmedian', _lower_nanmedian)
_mode_dim = _selector('mode', _mode_index)


def _median_all_fn(x):
    if x.size == 0:
        return np.array(np.nan, x.dtype)
    flat = x.reshape(-1)
    return np.asarray(flat[_lower_median(flat, 0)[0]])


def _nanmedian_all_fn(x):
    if x.size == 0:
        return np.array(np.nan, x.dtype)
    flat = x.reshape(-1)
    return np.asarray(flat[_lower_nanmedian(flat, 0)[0]])


_median_all = _whole('median', _median_all_fn)
_nanmedian_all = _whole('nanmedian', _nanmedian_all_fn)


@_axis_alias
def median(input: Tensor, dim=None, keepdim: bool = False, *, out=None):
    """The lower median of all elements, or (values, indices) of each slice's lower median along ``dim``."""
    _check_real(input, 'median')
    if dim is None:
        return _median_all(input, out=out) if out is not None else _median_all(input)
    return _run_selector(_median_dim, return_types.median, input, dim, keepdim, 'median', out)


@_axis_alias
def nanmedian(input: Tensor, dim=None, keepdim: bool = False, *, out=None):
    """Like ``median`` but ignoring NaNs (NaN only where a slice is all NaN)."""
    _check_real(input, 'nanmedian')
    if dim is None:
        return _nanmedian_all(input, out=out) if out is not None else _nanmedian_all(input)
    return _run_selector(_nanmedian_dim, return_types.nanmedian, input, dim, keepdim, 'nanmedian', out)


@_axis_alias
def mode(input: Tensor, dim: int = -1, keepdim: bool = False, *, out=None):
    """(values, indices) of the most frequent value of each slice along ``dim`` (the smallest among ties)."""
    _check_real(input, 'mode')
    return _run_selector(_mode_dim, return_types.mode, input, dim, keepdim, 'mode', out)


def _var_fwd(x, dims, correction, keepdim):
    if x.dtype.kind in _INT_KINDS:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    # Accumulating in double makes float32 results correctly rounded, like PyTorch's.
    acc = np.complex128 if x.dtype.kind == 'c' else np.float64
    xa = x.astype(acc, copy=False)
    n = _count(x.shape, dims)
    with np.errstate(invalid='ignore', divide='ignore'):
        dev = xa - np.mean(xa, axis=dims, keepdims=True) if x.size else xa
        sq = dev.real * dev.real + dev.imag * dev.imag if x.dtype.kind == 'c' else dev * dev
        ss = np.sum(sq, axis=dims, keepdims=keepdim)
        real = np.abs(np.zeros(0, x.dtype)).dtype
        return _finish(ss / builtins.max(0, n - correction), real)


@primitive
def _var(x, dims, correction, keepdim):
    return _var_fwd(x, dims, correction, keepdim)


@primitive
def _std(x, dims, correction, keepdim):
    with np.errstate(invalid='ignore'):
        return np.sqrt(_var_fwd(x, dims, correction, keepdim))


_var.name, _var.backward_name = 'var', 'VarBackward0'
_std.name, _std.backward_name = 'std', 'StdBackward0'


def _var_grad(grad: Tensor, x: Tensor, dims: tuple, correction, keepdim: bool) -> Tensor:
    n = _count(x.shape, dims)
    g = expand_reduced(grad, x.shape, dims, keepdim)
    return g * (2.0 / builtins.max(0, n - correction)) * (x - mean(x, dims, keepdim=True))


@_var.vjp
def _(grad, x, dims, correction, keepdim):
    return _var_grad(grad, x, dims, correction, keepdim)


@_std.vjp
def _(grad, x, out, dims, correction, keepdim):
    # A zero standard deviation gets a zero gradient (the true one is infinite), like PyTorch.
    return _var_grad(where(eq(out, 0), 0, grad / (2 * out)), x, dims, correction, keepdim)


def _var_args(name, input, dim, unbiased, keepdim, correction):
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, correction=int, "
                        f"unbiased=bool)")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    if input.dtype.category < D.FLOAT:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dims = norm_dims(dim, input.ndim, name)
    n = _count(input.shape, dims)
    if n - correction <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
                      f"factor (input numel divided by output numel).", UserWarning, stacklevel=3)
    return dims, correction


@_axis_alias
def var(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, out=None) -> Tensor:
    """The variance over ``dim``, dividing by N - correction (Bessel's correction, 1, by default)."""
    dims, c = _var_args('var', input, dim, unbiased, keepdim, correction)
    return _var(input, dims, c, keepdim, out=out) if out is not None else _var(input, dims, c, keepdim)


@_axis_alias
def std(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, out=None) -> Tensor:
    """The standard deviation over ``dim``, dividing by N - correction (1 by default)."""
    dims, c = _var_args('std', input, dim, unbiased, keepdim, correction)
    return _std(input, dims, c, keepdim, out=out) if out is not None else _std(input, dims, c, keepdim)


@_axis_alias
def var_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> tuple:
    """(variance, mean) over ``dim`` in one call."""
    dims, c = _var_args('var_mean', input, dim, unbiased, keepdim, correction)
    return _var(input, dims, c, keepdim), mean(input, dims, keepdim)


@_axis_alias
def std_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> tuple:
    """(standard deviation, mean) over ``dim`` in one call."""
    dims, c = _var_args('std_mean', input, dim, unbiased, keepdim, correction)
    return _std(input, dims, c, keepdim), mean(input, dims, keepdim)


# --- quantiles ---------------------------------------------------------------------------------------------------

_INTERPOLATIONS = ('linear', 'lower', 'higher', 'midpoint', 'nearest')


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):
    if input.dtype not in (D.float32, D.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, but "
                           f"got {interpolation}")
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.dtype is not input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        qa = q._host()
        scalar_q = q.ndim == 0
    else:
        qa = np.asarray(float(q), input.dtype.np)
        scalar_q = True
    if input.numel() == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if np.any((qa < 0) | (qa > 1)):
        bad = (q.item() if isinstance(q, Tensor) else q) if scalar_q else None
        raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {bad}" if bad is not None
                           else f"{name}() q values must be in the range [0, 1]")
    x = input.reshape(-1) if dim is None else input
    if x.ndim == 0:
        x = x.reshape(1)
    d = 0 if dim is None else wrap_dim(_dim_int(dim, name), input.ndim, name)
    xd = x._data
    n = xd.shape[d]
    order = np.argsort(xd, axis=d, kind='stable')  # NaNs sort last
    nan = np.isnan(xd)
    qs = np.atleast_1d(qa).astype(xd.dtype)
    kshape = tuple(1 if i == d else s for i, s in enumerate(xd.shape))
    if ignore_nan:
        last = np.sum(~nan, axis=d, keepdims=True) - 1
    else:
        last = np.full(kshape, n - 1)
    last = last.astype(xd.dtype)
    # ranks: one q per slot along dim; slices with a NaN (quantile) or only NaNs (nanquantile) point at a NaN
    shape_q = [1] * xd.ndim
    shape_q[d] = len(qs)
    ranks = qs.reshape(shape_q) * last
    bad = np.any(nan, axis=d, keepdims=True) if not ignore_nan else last < 0
    ranks = np.where(bad, n - 1, ranks)
    if interpolation == 'lower':
        ranks = np.floor(ranks)
    elif interpolation == 'higher':
        ranks = np.ceil(ranks)
    elif interpolation == 'nearest':
        ranks = np.round(ranks)
    lo_r = np.floor(ranks).astype(np.int64)
    hi_r = np.minimum(np.ceil(ranks).astype(np.int64), n - 1)
    lo = _take_along(x, _wrap(np.take_along_axis(order, lo_r, d)), d)
    hi = _take_along(x, _wrap(np.take_along_axis(order, hi_r, d)), d)
    if interpolation == 'midpoint':
        w = np.where(lo_r == hi_r, 0, 0.5).astype(xd.dtype)
    elif interpolation == 'linear' and isinstance(q, Tensor):
        w = None  # computed from q itself below, so q gets its gradient too
    else:
        w = (ranks - lo_r).astype(xd.dtype)
    if w is None:
        wt = q.reshape(shape_q) * _wrap(last) - _wrap(lo_r.astype(xd.dtype))
    else:
        wt = _wrap(w)
    r = lo + (hi - lo) * wt
    if ignore_nan:
        r = where(_wrap(np.broadcast_to(last < 0, r.shape)), float('nan'), r)
    # r has the q values along d: move them to the front, then drop or keep the reduced dim.
    r = r.unsqueeze(0).transpose(0, d + 1).squeeze(d + 1)
    if keepdim:
        r = r.reshape((r.shape[0],) + ((1,) * input.ndim if dim is None or not input.ndim else kshape))
    elif dim is None or not input.ndim:
        r = r.reshape(r.shape[0])
    if scalar_q:
        r = r.squeeze(0)
    return r


@_axis_alias
def quantile(input: Tensor, q, dim=None, keepdim: bool = False, *, interpolation: str = 'linear',
             out=None) -> Tensor:
    """The q-th quantiles of all elements, or of each slice along ``dim`` (q a float or a 1-D tensor)."""
    r = _quantile('quantile', input, q, dim, keepdim, interpolation, False)
    return r if out is None else _copy_out(out, r)


@_axis_alias
def nanquantile(input: Tensor, q, dim=None, keepdim: bool = False, *, interpolation: str = 'linear',
                out=None) -> Tensor:
    """Like ``quantile`` but ignoring NaNs (NaN only where a slice is all NaN)."""
    r = _quantile('nanquantile', input, q, dim, keepdim, interpolation, True)
    return r if out is None else _copy_out(out, r)


bind_methods({'median': median, 'nanmedian': nanmedian, 'mode': mode, 'var': var, 'std': std, 'quantile': quantile,
              'nanquantile': nanquantile})

__all__ = ['median', 'nanmedian', 'mode', 'var', 'std', 'var_mean', 'std_mean', 'quantile', 'nanquantile']
