"""Reductions: sum, mean, prod, max/min, amax/amin, argmax/argmin, norm, all/any, cumulative ops.

The statistics (median, mode, var/std, quantile) live in ``statistics`` and the softmax family in ``softmax``; both are
re-exported from here.


All take ``dim`` (an int, or a tuple/list where PyTorch allows one; None reduces everything) and ``keepdim``.
Ops that pick elements (max with dim, median, mode, cummax, quantile) find their indices on arrays and take
the values with one gather, whose backward is a scatter-add: one gradient rule serves them all.
"""
from __future__ import annotations

import functools
import math
from importlib import import_module

import numpy as np

from .. import _dtype as D
from .. import return_types
from .._tensor import Tensor, bind_methods, wrap_dim
from ._primitive import Primitive, primitive, inplace
from .arithmetic import conj_if_complex
from .comparison import eq, ne
from .indexing import where
from .pointwise import sgn, abs as _abs

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


_max_all = _whole('max', lambda x: np.asarray(np.max(x)))
_min_all = _whole('min', lambda x: np.asarray(np.min(x)))


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


# --- norms ----------------------------------------------------------------------------------------------------


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


@_axis_alias
def _mean_method(self, dim=None, keepdim=False, *, dtype=None, out=None):
    return mean(self, dim, keepdim, dtype=dtype, out=out) if out is not None else mean(self, dim, keepdim, dtype=dtype)


def _cum_inplace(op):
    def method(self, dim, *, dtype=None):
        return inplace(op, self, wrap_dim(_dim_int(dim, op.name), self.ndim, op.name), dtype)
    return method


_cumsum.name, _cumprod.name = 'cumsum', 'cumprod'

# The statistics and the softmax family use the helpers above, so they are imported after them.
from .statistics import *  # noqa: E402,F401,F403
from .statistics import (_lower_median, _lower_nanmedian, _median_all, _median_dim, _mode_dim, _mode_index,
                         _nanmedian_all, _nanmedian_dim, _quantile, _std, _var, _var_args)  # noqa: E402,F401
from .softmax import *  # noqa: E402,F401,F403
from .softmax import _log_softmax, _softmax, _softmax_wrapper  # noqa: E402,F401

bind_methods({
    'sum': sum, 'nansum': nansum, 'mean': _mean_method, 'nanmean': nanmean, 'sum_to_size': sum_to_size,
    'prod': prod, 'cumsum': cumsum, 'cumprod': cumprod, 'cumsum_': _cum_inplace(_cumsum),
    'cumprod_': _cum_inplace(_cumprod), 'max': max, 'min': min,
    'cummax': cummax, 'cummin': cummin, 'amax': amax, 'amin': amin, 'aminmax': aminmax,
    'argmax': argmax, 'argmin': argmin, 'norm': norm, 'all': all, 'any': any, 'count_nonzero': count_nonzero,
})

__all__ = ['sum', 'nansum', 'mean', 'nanmean', 'prod', 'cumsum', 'cumprod', 'max', 'min', 'median', 'nanmedian',
           'mode', 'cummax', 'cummin', 'amax', 'amin', 'aminmax', 'argmax', 'argmin', 'var', 'std', 'var_mean',
           'std_mean', 'norm', 'logsumexp', 'softmax', 'log_softmax', 'all', 'any', 'count_nonzero', 'quantile',
           'nanquantile']
