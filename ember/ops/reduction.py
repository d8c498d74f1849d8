"""Reductions: sum, mean, prod, max/min, std/var, norm, logsumexp, cumulative ops, median, mode, quantile, softmax.

All take ``dim`` (an int, or a tuple/list where PyTorch allows one; None reduces everything) and ``keepdim``.
Ops that pick elements (max with dim, median, mode, cummax, quantile) find their indices on arrays and take
the values with one gather, whose backward is a scatter-add: one gradient rule serves them all.
"""
from __future__ import annotations

import builtins
import functools
import math
from importlib import import_module
import warnings

import numpy as np

from .. import _dtype as D
from .. import return_types
from .._tensor import Tensor, bind_methods, wrap_dim
from ._primitive import Primitive, primitive, inplace
from .arithmetic import conj_if_complex
from .comparison import eq, ne
from .indexing import where
from .pointwise import exp, sgn, abs as _abs

_wrap = Tensor._wrap
_INT_KINDS = 'biu'


def norm_dims(dim, ndim: int, name: str = '') -> tuple:
    """``dim`` (None, an int or a sequence) as a sorted tuple of non-negative axes; None or () means all."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        d = wrap_dim(int(dim), ndim, name)
        return (d,) if ndim else ()
    dims = tuple(wrap_dim(int(d), ndim, name) for d in dim)
    if len(set(dims)) != len(dims):
        d = next(d for d in dims if dims.count(d) > 1)
        raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return tuple(sorted(dims)) if dims and ndim else tuple(range(ndim))


def expand_reduced(grad: Tensor, shape: tuple, dims: tuple, keepdim: bool) -> Tensor:
    """Broadcast a reduction's gradient back over the reduced ``dims`` of an input of ``shape``."""
    if not keepdim and dims:
        grad = grad.reshape(tuple(1 if i in dims else s for i, s in enumerate(shape)))
    return grad.expand(shape)


def _count(shape: tuple, dims: tuple) -> int:
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def _is_half(npd) -> bool:
    return npd == np.float16 or npd.name == 'bfloat16'


def _acc_dtype(x, dtype):
    """(accumulation dtype, result dtype) of a sum-like reduction: integers give int64, and half precision
    floats accumulate in float32 and round at the end, like PyTorch."""
    res = D.to_dtype(dtype).np if dtype is not None else (np.dtype(np.int64) if x.dtype.kind in _INT_KINDS
                                                         else x.dtype)
    return (np.dtype(np.float32) if _is_half(res) else res), res


def _finish(r, res):
    r = np.asarray(r)
    return r if r.dtype == res else r.astype(res)


def _axis_alias(fn):
    """Let ``fn`` take NumPy's ``axis=`` for ``dim=``, as PyTorch does."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if 'axis' in kwargs:
            kwargs['dim'] = kwargs.pop('axis')
        return fn(*args, **kwargs)
    return wrapper


def _dim_int(dim, name: str) -> int:
    if isinstance(dim, (tuple, list)) or not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
    return int(dim)


# --- gather along a dim and its transpose, scatter-add: the backward of every element-picking op --------------

@primitive(backward_name='GatherBackward0')
def _take_along(x, index, dim):
    return np.take_along_axis(x, index, dim)


@_take_along.vjp
def _(grad, x_shape, index, dim):
    return _put_along_add(grad, index, dim, x_shape), None


@primitive(backward_name='ScatterAddBackward0')
def _put_along_add(src, index, dim, shape):
    out = np.zeros(shape, src.dtype)
    if src.ndim == 0:
        out[...] = src
        return out
    grid = list(np.ogrid[tuple(slice(s) for s in index.shape)])
    grid[dim] = index
    np.add.at(out, tuple(grid), src)
    return out


@_put_along_add.vjp
def _(grad, index, dim):
    return _take_along(grad, index, dim), None


@primitive(backward_name='FlipBackward0')
def _flip(x, dim):
    return np.flip(x, dim)


@_flip.vjp
def _(grad, dim):
    return _flip(grad, dim)


# --- sums and means ---------------------------------------------------------------------------------------------

@primitive
def sum(x, dim=None, keepdim=False, dtype=None):
    dims = norm_dims(dim, x.ndim, 'sum')
    acc, res = _acc_dtype(x, dtype)
    return _finish(np.sum(x, axis=dims, keepdims=keepdim, dtype=acc), res)


@sum.vjp
def _(grad, x_shape, dim, keepdim):
    return expand_reduced(grad, x_shape, norm_dims(dim, len(x_shape)), keepdim)


@primitive
def nansum(x, dim=None, keepdim=False, dtype=None):
    if x.dtype.kind == 'c':
        raise RuntimeError("nansum on CPU does not support complex inputs")
    dims = norm_dims(dim, x.ndim, 'nansum')
    acc, res = _acc_dtype(x, dtype)
    return _finish(np.nansum(x, axis=dims, keepdims=keepdim, dtype=acc), res)


@nansum.vjp
def _(grad, x, dim, keepdim):
    return expand_reduced(grad, x.shape, norm_dims(dim, x.ndim), keepdim) * eq(x, x)


@primitive
def mean(x, dim=None, keepdim=False, dtype=None):
    if dtype is None and x.dtype.kind in _INT_KINDS:
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {D.from_numpy_dtype(x.dtype)._legacy}")
    dims = norm_dims(dim, x.ndim, 'mean')
    acc, res = _acc_dtype(x, dtype)
    with np.errstate(invalid='ignore', divide='ignore'):
        s = np.sum(x, axis=dims, keepdims=keepdim, dtype=acc)
        return _finish(np.true_divide(s, _count(x.shape, dims), dtype=acc), res)


@mean.vjp
def _(grad, x_shape, dim, keepdim):
    dims = norm_dims(dim, len(x_shape))
    return expand_reduced(grad, x_shape, dims, keepdim) / _count(x_shape, dims)


@_axis_alias
def nanmean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """The mean of the elements that are not NaN (NaN where all are)."""
    if input.dtype.category < D.FLOAT:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{input.dtype._legacy}")
    r = nansum(input, dim, keepdim, dtype=dtype) / sum(eq(input, input), dim, keepdim)
    return r if out is None else _copy_out(out, r)


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


def _copy_out(out: Tensor, r: Tensor) -> Tensor:
    from ._primitive import _write_out
    return _write_out('out', out, [r], [r])


# --- products ------------------------------------------------------------------------------------------------------

@primitive
def _prod(x, dim, keepdim, dtype):
    acc, res = _acc_dtype(x, dtype)
    axis = None if dim is None else dim
    return _finish(np.prod(x, axis=axis, keepdims=keepdim, dtype=acc), res)


_prod.name, _prod.backward_name = 'prod', 'ProdBackward0'


@_prod.vjp
def _(grad, x, out, dim, keepdim):
    if dim is None:
        return _prod_grad(grad.reshape(1), x.reshape(-1), out.reshape(1), 0).reshape(x.shape)
    if not keepdim:
        grad, out = grad.unsqueeze(dim), out.unsqueeze(dim)
    return _prod_grad(grad, x, out, dim)


def _prod_grad(grad: Tensor, x: Tensor, out: Tensor, dim: int) -> Tensor:
    """d prod / d x_k is the product of the other elements: out / x_k without zeros; with zeros, the products of
    the elements before and after k (which stays differentiable, so higher derivatives are right too)."""
    if not any(eq(x, 0)).item():
        return grad * conj_if_complex(out / x)
    before = _cumprod(_shift(x, dim, 1, 1), dim)
    after = _flip(_cumprod(_shift(_flip(x, dim), dim, 1, 1), dim), dim)
    return grad * conj_if_complex(before * after)


@_axis_alias
def prod(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """The product of all elements, or of each slice along ``dim`` (a single dimension)."""
    if dim is not None:
        dim = wrap_dim(_dim_int(dim, 'prod'), input.ndim, 'prod')
        if input.ndim == 0:
            dim = None
    elif keepdim:
        raise TypeError("prod() received an invalid combination of arguments - got (Tensor, keepdim=bool)")
    if out is not None:
        return _prod(input, dim, keepdim, dtype, out=out)
    return _prod(input, dim, keepdim, dtype)


# --- cumulative ops ------------------------------------------------------------------------------------------------

def _cum(fn, x, dim, dtype):
    acc, res = _acc_dtype(x, dtype)
    if x.ndim == 0:
        return _finish(x, res)
    return _finish(fn(x, axis=dim, dtype=acc), res)


@primitive(backward_name='CumsumBackward0')
def _cumsum(x, dim, dtype=None):
    return _cum(np.cumsum, x, dim, dtype)


@_cumsum.vjp
def _(grad, dim):
    return _rev_cumsum(grad, dim)


def _rev_cumsum(t: Tensor, dim: int) -> Tensor:
    if t.ndim == 0:
        return t
    return _flip(_cumsum(_flip(t, dim), dim), dim)


@primitive(backward_name='CumprodBackward0')
def _cumprod(x, dim, dtype=None):
    return _cum(np.cumprod, x, dim, dtype)


@_cumprod.vjp
def _(grad, x, out, dim):
    if x.ndim == 0:
        return grad
    if not any(eq(x, 0)).item():
        return _rev_cumsum(grad * conj_if_complex(out), dim) / conj_if_complex(x)
    # With zeros, no division: grad_k = prod_{j<k} x_j * s_k with s_k = grad_k + x_{k+1} s_{k+1}.
    s = _linrec(conj_if_complex(_shift(x, dim, -1, 0)), grad, dim)
    return conj_if_complex(_cumprod(_shift(x, dim, 1, 1), dim)) * s


@primitive(backward_name='ShiftBackward0')
def _shift(x, dim, n, fill):
    """``x`` moved ``n`` places along ``dim`` (forward when positive), the vacated places set to ``fill``."""
    out = np.full_like(x, fill)
    src = [slice(None)] * x.ndim
    dst = [slice(None)] * x.ndim
    src[dim], dst[dim] = (slice(None, -n), slice(n, None)) if n > 0 else (slice(-n, None), slice(None, n))
    out[tuple(dst)] = x[tuple(src)]
    return out


@_shift.vjp
def _(grad, dim, n):
    return _shift(grad, dim, -n, 0)


@primitive(backward_name='LinrecBackward0')
def _linrec(a, b, dim):
    """The reverse linear recurrence y_k = b_k + a_k * y_{k+1} along ``dim`` (y_last = b_last)."""
    am, bm = np.moveaxis(a, dim, 0), np.moveaxis(b, dim, 0)
    y = np.array(bm, dtype=np.result_type(a, b))
    for k in range(y.shape[0] - 2, -1, -1):
        y[k] += am[k] * y[k + 1]
    return np.moveaxis(y, 0, dim)


@_linrec.vjp
def _(grad, a, out, dim):
    # The adjoint runs the recurrence the other way: lam_k = grad_k + a_{k-1} lam_{k-1}.
    lam = _flip(_linrec(_flip(conj_if_complex(_shift(a, dim, 1, 0)), dim), _flip(grad, dim), dim), dim)
    return lam * conj_if_complex(_shift(out, dim, -1, 0)), lam


def _cum_wrapper(op, name):
    def fn(input: Tensor, dim: int, *, dtype=None, out=None) -> Tensor:
        d = wrap_dim(_dim_int(dim, name), input.ndim, name)
        return op(input, d, dtype, out=out) if out is not None else op(input, d, dtype)
    fn.__name__ = name
    return _axis_alias(fn)


cumsum = _cum_wrapper(_cumsum, 'cumsum')
cumsum.__doc__ = "The running sums of the elements along ``dim``."
cumprod = _cum_wrapper(_cumprod, 'cumprod')
cumprod.__doc__ = "The running products of the elements along ``dim``."


# --- element-picking reductions: max/min with dim, median, mode, cummax/cummin ---------------------------------

def _select_vjp(grad, x_shape, dim, keepdim, idx):
    g = grad[0]
    if not x_shape:
        return g
    if not keepdim:
        g = g.unsqueeze(dim)
    return _put_along_add(g, idx, dim, x_shape)


def _selector(name: str, find, cumulative: bool = False) -> Primitive:
    """A primitive returning (values, indices) along ``dim``; ``find(x, dim)`` gives the indices on arrays,
    with ``dim`` kept (size 1) or, when ``cumulative``, of ``x``'s shape."""
    def fwd(x, dim, keepdim=False):
        if x.ndim == 0:
            return x.copy(), np.zeros((), np.int64), np.zeros((), np.int64)
        idx = find(x, dim).astype(np.int64, copy=False)
        vals = np.take_along_axis(x, idx, dim)
        if cumulative or keepdim:
            return vals, idx, idx
        return vals.squeeze(dim), idx.squeeze(dim), idx
    op = Primitive(fwd, name=name, n_out=2, nondiff_outputs=(1,), aux=('idx',),
                   backward_name=name[0].upper() + name[1:] + 'Backward0')
    op.vjp(_select_vjp)
    return op


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


def _cum_index(acc):
    def find(x, dim):
        run = acc.accumulate(x, axis=dim)
        hit = x == run
        if x.dtype.kind in 'fc':
            hit |= np.isnan(x)  # a NaN takes over and keeps the index of the latest NaN, like PyTorch
        shape = [1] * x.ndim
        shape[dim] = x.shape[dim]
        pos = np.where(hit, np.arange(x.shape[dim]).reshape(shape), 0)
        return np.maximum.accumulate(pos, axis=dim)
    return find


_max_dim = _selector('max', lambda x, d: np.argmax(x, axis=d, keepdims=True))
_min_dim = _selector('min', lambda x, d: np.argmin(x, axis=d, keepdims=True))
_median_dim = _selector('median', _lower_median)
_nanmedian_dim = _selector('nanmedian', _lower_nanmedian)
_mode_dim = _selector('mode', _mode_index)
_cummax = _selector('cummax', _cum_index(np.maximum), cumulative=True)
_cummin = _selector('cummin', _cum_index(np.minimum), cumulative=True)


def _evenly_vjp(grad, x, out):
    # The gradient of a value picked from the whole tensor is shared evenly among the elements equal to it.
    mask = where(ne(out, out), ne(x, x), eq(x, out))
    return grad * mask / sum(mask)


def _whole(name: str, fn) -> Primitive:
    op = Primitive(fn, name=name, backward_name=name[0].upper() + name[1:] + 'Backward1')
    op.vjp(_evenly_vjp)
    return op


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


_max_all = _whole('max', lambda x: np.asarray(np.max(x)))
_min_all = _whole('min', lambda x: np.asarray(np.min(x)))
_median_all = _whole('median', _median_all_fn)
_nanmedian_all = _whole('nanmedian', _nanmedian_all_fn)


def _check_real(x: Tensor, name: str) -> None:
    if x.dtype.category == D.COMPLEX:
        raise NotImplementedError(f"\"{name}\" not implemented for '{x.dtype._legacy}'")


def _nonempty(x: Tensor, d, name: str, exc=RuntimeError) -> None:
    if d is None:
        if x._data.size == 0:
            raise exc(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                      f"reduction dim with the 'dim' argument.")
    elif x._data.ndim and x._data.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _run_selector(op, rtype, input, dim, keepdim, name, out, cumulative=False):
    d = wrap_dim(_dim_int(dim, name), input.ndim, name)
    if not cumulative:
        _nonempty(input, d, name)
    if out is not None:
        return rtype(op(input, d, keepdim, out=tuple(out)))
    return rtype(op(input, d, keepdim))


def _max_min(name, whole, bydim, binary, rtype):
    def fn(input: Tensor, dim=None, keepdim: bool = False, *, out=None):
        if isinstance(dim, Tensor):
            fn2 = getattr(import_module('ember'), binary)
            return fn2(input, dim, out=out) if out is not None else fn2(input, dim)
        if dim is None:
            _check_real(input, name + '_all')
            if keepdim:
                raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, keepdim=bool)")
            _nonempty(input, None, name)
            return whole(input, out=out) if out is not None else whole(input)
        if input.dtype.category == D.COMPLEX:
            raise RuntimeError(f"{name}(): does not support complex input")
        return _run_selector(bydim, rtype, input, dim, keepdim, name, out)
    fn.__name__ = name
    return _axis_alias(fn)


max = _max_min('max', _max_all, _max_dim, 'maximum', return_types.max)
max.__doc__ = "The largest element; with ``dim``, (values, indices) of each slice's largest; with a tensor, maximum."
min = _max_min('min', _min_all, _min_dim, 'minimum', return_types.min)
min.__doc__ = "The smallest element; with ``dim``, (values, indices) of each slice's smallest; with a tensor, minimum."


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


@_axis_alias
def cummax(input: Tensor, dim: int, *, out=None):
    """(values, indices) of the running maximum along ``dim``."""
    _check_real(input, 'cummax_cpu')
    return _run_selector(_cummax, return_types.cummax, input, dim, True, 'cummax', out, True)


@_axis_alias
def cummin(input: Tensor, dim: int, *, out=None):
    """(values, indices) of the running minimum along ``dim``."""
    _check_real(input, 'cummin_cpu')
    return _run_selector(_cummin, return_types.cummin, input, dim, True, 'cummin', out, True)


# --- amax / amin / aminmax / argmax / argmin -------------------------------------------------------------------

def _amax_vjp(grad, x, out, dim, keepdim):
    # Ties share the gradient evenly, like PyTorch's amax/amin.
    dims = norm_dims(dim, x.ndim)
    o = expand_reduced(out, x.shape, dims, keepdim)
    mask = where(ne(o, o), ne(x, x), eq(x, o))
    return expand_reduced(grad, x.shape, dims, keepdim) * mask / sum(mask, dims, keepdim=True)


def _amaxmin(name, fn):
    def fwd(x, dim=(), keepdim=False):
        if x.dtype.kind == 'c':
            raise NotImplementedError(f"\"{name[1:]}_values_cpu\" not implemented for "
                                      f"'{D.from_numpy_dtype(x.dtype)._legacy}'")
        dims = norm_dims(dim, x.ndim, name)
        if x.size == 0:
            if dim is None or (isinstance(dim, (tuple, list)) and not dim):
                raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                                   f"Specify the reduction dim with the 'dim' argument.")
            for d in dims:
                if x.shape[d] == 0:
                    raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
        return np.asarray(fn(x, axis=dims, keepdims=keepdim))
    op = Primitive(fwd, name=name)
    op.vjp(_amax_vjp)
    return op


amax = _amaxmin('amax', np.max)
amax.__doc__ = "The largest element of each slice over ``dim`` (ties share the gradient evenly)."
amin = _amaxmin('amin', np.min)
amin.__doc__ = "The smallest element of each slice over ``dim`` (ties share the gradient evenly)."


@_axis_alias
def aminmax(input: Tensor, *, dim=None, keepdim: bool = False, out=None):
    """(min, max) of all elements, or of each slice along ``dim``."""
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
                               "identity.")
        lo, hi = amin(input), amax(input)
        if keepdim:
            shape = (1,) * input.ndim
            lo, hi = lo.reshape(shape), hi.reshape(shape)
    else:
        d = wrap_dim(_dim_int(dim, 'aminmax'), input.ndim, 'aminmax')
        if input.ndim and input.shape[d] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {d} to have non-zero size.")
        lo, hi = amin(input, d, keepdim), amax(input, d, keepdim)
    if out is not None:
        _copy_out(out[0], lo)
        _copy_out(out[1], hi)
        return return_types.aminmax(out)
    return return_types.aminmax(lo, hi)


def _arg(name, fn):
    @primitive(differentiable=False)
    def op(x, dim=None, keepdim=False):
        if x.dtype == np.bool_:
            raise RuntimeError(f"{name}(): does not support bool input")
        if x.dtype.kind == 'c':
            raise RuntimeError(f"\"{name}_cpu\" not implemented for '{D.from_numpy_dtype(x.dtype)._legacy}'")
        if dim is None:
            if x.size == 0:
                raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
            r = fn(x.reshape(-1))
            return np.full((1,) * x.ndim if keepdim else (), r, np.int64)
        d = wrap_dim(_dim_int(dim, name), x.ndim, name)
        if x.ndim == 0:
            return np.zeros((), np.int64)
        if x.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
        return fn(x, axis=d, keepdims=keepdim).astype(np.int64, copy=False)
    op.name = op.__name__ = name
    return op


argmax = _arg('argmax', np.argmax)
argmax.__doc__ = "The index of the largest element (of the flattened tensor when ``dim`` is None)."
argmin = _arg('argmin', np.argmin)
argmin.__doc__ = "The index of the smallest element (of the flattened tensor when ``dim`` is None)."


# --- variance, standard deviation, norms -----------------------------------------------------------------------

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


@primitive(backward_name='LinalgVectorNormBackward0')
def _vector_norm(x, ord, dims, keepdim):
    a = np.abs(x)
    if x.size == 0 and ord in (math.inf, -math.inf):
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
                           f"operation does not have an identity")
    with np.errstate(all='ignore'):
        if ord == math.inf:
            r = np.max(a, axis=dims, keepdims=keepdim)
        elif ord == -math.inf:
            r = np.min(a, axis=dims, keepdims=keepdim)
        elif ord == 0:
            r = np.sum(a != 0, axis=dims, keepdims=keepdim)
        elif ord == 1:
            r = np.sum(a, axis=dims, keepdims=keepdim, dtype=np.float32 if _is_half(a.dtype) else None)
        elif ord == 2:
            r = np.sqrt(np.sum(a * a, axis=dims, keepdims=keepdim))
        else:
            r = np.sum(a ** ord, axis=dims, keepdims=keepdim) ** (1.0 / ord)
    return _finish(r, a.dtype)


@_vector_norm.vjp
def _(grad, x, out, ord, dims, keepdim):
    g = expand_reduced(grad, x.shape, dims, keepdim)
    o = expand_reduced(out, x.shape, dims, keepdim)
    if ord == 0:
        return g * 0
    if ord == 1:
        return g * sgn(x)
    if ord in (math.inf, -math.inf):
        mask = eq(_abs(x), o)
        return g * sgn(x) * mask / sum(mask, dims, keepdim=True)
    if ord == 2:
        return x * where(eq(o, 0), 0, g / o)
    a = _abs(x)
    scaled = sgn(x) * a ** (ord - 1)
    if ord < 1:
        scaled = where(eq(x, 0), 0, scaled)
    return where(eq(o, 0), 0, scaled * g / o ** (ord - 1))


def norm(input: Tensor, p='fro', dim=None, keepdim: bool = False, out=None, dtype=None) -> Tensor:
    """The matrix or vector norm (the legacy ``torch.norm``): 'fro', 'nuc', or a vector p-norm over ``dim``."""
    if dtype is not None:
        input = input.to(dtype)
    if input.dtype.category < D.FLOAT:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{input.dtype._legacy}")
    if p is None:
        p = 'fro'
    if isinstance(p, str):
        if p == 'nuc':
            from .. import linalg
            r = linalg.matrix_norm(input, 'nuc', dim=(-2, -1) if dim is None else dim, keepdim=keepdim)
            return r if out is None else _copy_out(out, r)
        if p != 'fro':
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        p = 2
    dims = norm_dims(dim, input.ndim, 'linalg.vector_norm')
    r = _vector_norm(input, float(p), dims, keepdim)
    return r if out is None else _copy_out(out, r)


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


# --- logical reductions and counting ------------------------------------------------------------------------------

def _logical(name, fn):
    @primitive(differentiable=False)
    def op(x, dim=None, keepdim=False):
        # Unlike sum, an empty dim tuple reduces nothing here (PyTorch's all/any).
        dims = () if isinstance(dim, (tuple, list)) and not dim else norm_dims(dim, x.ndim, name)
        r = fn(x, axis=dims, keepdims=keepdim)
        return np.asarray(r, np.uint8 if x.dtype == np.uint8 else np.bool_)
    op.name = op.__name__ = name
    return op


all = _logical('all', np.all)
all.__doc__ = "Whether every element (of each slice over ``dim``) is non-zero."
any = _logical('any', np.any)
any.__doc__ = "Whether some element (of each slice over ``dim``) is non-zero."


@primitive(differentiable=False)
def count_nonzero(x, dim=None):
    dims = norm_dims(dim, x.ndim, 'count_nonzero')
    return np.asarray(np.count_nonzero(x, axis=dims), np.int64)


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


@_axis_alias
def _mean_method(self, dim=None, keepdim=False, *, dtype=None, out=None):
    return mean(self, dim, keepdim, dtype=dtype, out=out) if out is not None else mean(self, dim, keepdim, dtype=dtype)


def _cum_inplace(op):
    def method(self, dim, *, dtype=None):
        return inplace(op, self, wrap_dim(_dim_int(dim, op.name), self.ndim, op.name), dtype)
    return method


_cumsum.name, _cumprod.name = 'cumsum', 'cumprod'

bind_methods({
    'sum': sum, 'nansum': nansum, 'mean': _mean_method, 'nanmean': nanmean, 'sum_to_size': sum_to_size,
    'prod': prod, 'cumsum': cumsum, 'cumprod': cumprod, 'cumsum_': _cum_inplace(_cumsum),
    'cumprod_': _cum_inplace(_cumprod), 'max': max, 'min': min, 'median': median, 'nanmedian': nanmedian,
    'mode': mode, 'cummax': cummax, 'cummin': cummin, 'amax': amax, 'amin': amin, 'aminmax': aminmax,
    'argmax': argmax, 'argmin': argmin, 'var': var, 'std': std, 'norm': norm, 'logsumexp': logsumexp,
    'softmax': softmax, 'log_softmax': log_softmax, 'all': all, 'any': any, 'count_nonzero': count_nonzero,
    'quantile': quantile, 'nanquantile': nanquantile,
})

__all__ = ['sum', 'nansum', 'mean', 'nanmean', 'prod', 'cumsum', 'cumprod', 'max', 'min', 'median', 'nanmedian',
           'mode', 'cummax', 'cummin', 'amax', 'amin', 'aminmax', 'argmax', 'argmin', 'var', 'std', 'var_mean',
           'std_mean', 'norm', 'logsumexp', 'softmax', 'log_softmax', 'all', 'any', 'count_nonzero', 'quantile',
           'nanquantile']
