"""Gather and scatter along a dim: gather, scatter (src, value, legacy reduce), scatter_add, scatter_reduce.

The backward of each is the other kind of op written in ember ops, so they differentiate to any order."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, bind_methods, wrap_dim
from ._primitive import inplace, primitive
# indexing imports this module at its end, after these helpers exist.
from .indexing import _INDEX_DTYPES, _SCALARS, _basic_backward, _first_bad, _sh, where


# ----------------------------------------------------------------------------------------------- gather / scatter
def _along(index, d: int) -> tuple:
    """The NumPy index that reaches, for every position p of ``index``, the element at p with p[d] = index[p]."""
    nd = index.ndim
    return tuple(index if k == d else np.arange(n).reshape((n,) + (1,) * (nd - k - 1))
                 for k, n in enumerate(index.shape))


def _check_index_dtype(name: str, index) -> None:
    if index.dtype not in _INDEX_DTYPES:
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")


def _bounds(index, n: int, d: int) -> None:
    bad = _first_bad(index, 0, n)
    if bad is not None:
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {n}")


def _prep_gather(x, dim, index):
    """Check gather's arguments; return (x, index) as arrays of at least 1 dim and the wrapped dim."""
    _check_index_dtype('gather', index)
    d = wrap_dim(dim, max(x.ndim, 1))
    if x.ndim == 0 or index.ndim == 0:
        x, index = x.reshape(-1), index.reshape(-1)
    if index.ndim != x.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for k in range(x.ndim):
        if k != d and index.shape[k] > x.shape[k]:
            raise RuntimeError(f"Size does not match at dimension {k} expected index {_sh(index.shape)} to be no "
                               f"larger than self {_sh(x.shape)} apart from dimension {d}")
    _bounds(index, x.shape[d], d)
    return x, index, d


@primitive
def gather(x, dim, index, *, sparse_grad=False):
    """The values of ``input`` along ``dim`` at the positions ``index`` holds (``out[i][j] = x[index[i][j]][j]``)."""
    shape = index.shape
    x, index, d = _prep_gather(x, dim, index)
    return x[_along(index, d)].reshape(shape)


@gather.vjp
def _(grad, x_shape, dim, index):
    return scatter_add(grad.new_zeros(x_shape), dim, index, grad)


def _prep_scatter(x, dim, index, src):
    """Check scatter's arguments; return (d, NumPy index, the part of src it reads, whether x is 0-d)."""
    _check_index_dtype('scatter', index)
    d = wrap_dim(dim, max(x.ndim, 1))
    is_src = not isinstance(src, _SCALARS)
    if is_src and src.dtype != x.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    xs = x.shape if x.ndim else (1,)
    ix = index if index.ndim else index.reshape(1)
    if is_src and src.ndim == 0:
        src = src.reshape(1)
    if ix.ndim != len(xs):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    if is_src and src.ndim != ix.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    for k in range(ix.ndim):
        if (k != d and ix.shape[k] > xs[k]) or (is_src and ix.shape[k] > src.shape[k]):
            raise RuntimeError(f"Expected index {_sh(ix.shape)} to be no larger than self {_sh(xs)} apart from "
                               f"dimension {d}" + (f" and to be no larger size than src {_sh(src.shape)}" if is_src
                                                   else ""))
    _bounds(ix, xs[d], d)
    if is_src and src.shape != ix.shape:
        src = src[tuple(slice(0, n) for n in ix.shape)]
    return _along(ix, d), src


def _scatter_into(x, dim, index, src, how):
    """A copy of ``x`` with ``src`` scattered in by ``how(out, key, src)``."""
    key, src = _prep_scatter(x, dim, index, src)
    out = x.copy() if x.ndim else x.reshape(1).copy()
    how(out, key, src)
    return out.reshape(x.shape)


def _set(out, key, v):
    out[key] = v


@primitive
def _scatter(x, dim, index, src):
    return _scatter_into(x, dim, index, src, _set)


_scatter.name = 'scatter'


@_scatter.vjp
def _(grad, dim, index, src_shape, needs_input_grad):
    gx = _scatter_value(grad, dim, index, 0) if needs_input_grad[0] else None
    gs = _pad_to(gather(grad, dim, index), src_shape) if needs_input_grad[-1] else None
    return gx, None, None, gs


@primitive(backward_name='ScatterBackward1')
def _scatter_value(x, dim, index, value):
    return _scatter_into(x, dim, index, value, _set)


_scatter_value.name = 'scatter'


@_scatter_value.vjp
def _(grad, dim, index):
    return _scatter_value(grad, dim, index, 0)


def _pad_to(g: Tensor, shape: tuple) -> Tensor:
    """``g`` placed at the start of zeros of ``shape`` (the gradient of a src larger than its index)."""
    if tuple(g.shape) == tuple(shape):
        return g
    if len(shape) == 0:
        return g.reshape(())
    return _basic_backward(g, tuple(shape), tuple(slice(0, n) for n in g.shape))


@primitive
def _scatter_legacy_reduce(x, dim, index, src, reduce):
    ufunc = np.add if reduce == 'add' else np.multiply
    return _scatter_into(x, dim, index, src, ufunc.at)


_scatter_legacy_reduce.name = 'scatter'


@_scatter_legacy_reduce.vjp
def _(grad, reduce):
    raise RuntimeError("the derivative for 'scatter' with reduce is not implemented; use scatter_reduce instead")


def scatter(input: Tensor, dim: int, index: Tensor, src=None, value=None, *, reduce: str | None = None,
            out=None) -> Tensor:
    """A copy of ``input`` with the values of ``src`` (or the scalar ``value``) written at ``index`` along ``dim``."""
    v = src if src is not None else value
    if reduce is not None:
        if reduce not in ('add', 'multiply'):
            raise RuntimeError("reduce argument must be either add or multiply.")
        return _scatter_legacy_reduce(input, dim, index, v, reduce, out=out)
    if isinstance(v, Tensor):
        return _scatter(input, dim, index, v, out=out)
    return _scatter_value(input, dim, index, v, out=out)


def _scatter_(self: Tensor, dim: int, index: Tensor, src=None, value=None, *, reduce: str | None = None) -> Tensor:
    v = src if src is not None else value
    if reduce is not None:
        if reduce not in ('add', 'multiply'):
            raise RuntimeError("reduce argument must be either add or multiply.")
        return inplace(_scatter_legacy_reduce, self, dim, index, v, reduce)
    return inplace(_scatter if isinstance(v, Tensor) else _scatter_value, self, dim, index, v)


@primitive
def scatter_add(x, dim, index, src):
    """A copy of ``input`` with the values of ``src`` added at ``index`` along ``dim`` (duplicates summed)."""
    return _scatter_into(x, dim, index, src, np.add.at)


@scatter_add.vjp
def _(grad, dim, index, src_shape, needs_input_grad):
    gs = _pad_to(gather(grad, dim, index), src_shape) if needs_input_grad[-1] else None
    return grad, None, None, gs


_REDUCE_INIT = {'sum': 0, 'mean': 0, 'prod': 1}


def _reduce_at(reduce: str, include_self: bool):
    ufunc = {'sum': np.add, 'mean': np.add, 'prod': np.multiply, 'amax': np.maximum, 'amin': np.minimum}[reduce]

    def how(out, key, src):
        if not include_self:
            if reduce in _REDUCE_INIT:
                out[key] = _REDUCE_INIT[reduce]
            elif out.dtype == np.bool_:
                out[key] = reduce == 'amin'
            else:
                info = np.finfo(out.dtype) if out.dtype.kind in 'fc' else np.iinfo(out.dtype)
                lo, hi = (-np.inf, np.inf) if out.dtype.kind in 'fc' else (info.min, info.max)
                out[key] = lo if reduce == 'amax' else hi
        ufunc.at(out, key, src)
        if reduce == 'mean':
            n = np.full(out.shape, 1 if include_self else 0, dtype=np.int64)
            np.add.at(n, key, 1)
            n = np.maximum(n, 1)
            out[...] = out // n if out.dtype.kind in 'iub' else out / n
    return how


@primitive
def _scatter_reduce(x, dim, index, src, reduce, include_self=True):
    if reduce not in ('sum', 'prod', 'mean', 'amax', 'amin'):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if isinstance(src, _SCALARS):
        raise TypeError("scatter_reduce(): argument 'src' must be Tensor")
    return _scatter_into(x, dim, index, src, _reduce_at(reduce, include_self))


_scatter_reduce.name = 'scatter_reduce'


@_scatter_reduce.vjp
def _(grad, x, dim, index, src, reduce, include_self, out):
    ones = grad.new_ones(index.shape)
    hit = grad.new_zeros(x.shape).scatter_add(dim, index, ones)  # how many src elements land at each position
    src_used = src if tuple(src.shape) == tuple(index.shape) else \
        src[tuple(slice(0, n) for n in index.shape)]
    if reduce == 'sum':
        gx, gs = grad, grad.gather(dim, index)
    elif reduce == 'mean':
        n = hit + 1 if include_self else hit
        g = grad / n.masked_fill(n == 0, 1)
        gx, gs = g, g.gather(dim, index)
    elif reduce in ('amax', 'amin'):
        # Ties share the gradient evenly, like PyTorch.
        # Like PyTorch, a self value equal to the result takes its share even when include_self=False.
        self_eq = x == out
        src_eq = src_used == out.gather(dim, index)
        n = self_eq.to(grad.dtype).scatter_add(dim, index, src_eq.to(grad.dtype))
        g = grad / n.masked_fill(n == 0, 1)
        gx, gs = g.masked_fill(~self_eq, 0), g.gather(dim, index).masked_fill(~src_eq, 0)
    else:
        # d(prod)/d(e) is the product of the others: prod/e without zeros, the product of the non-zeros when e is
        # the only zero, and 0 when there are other zeros.
        xz, sz = x == 0, src_used == 0
        x1, s1 = x.masked_fill(xz, 1), src_used.masked_fill(sz, 1)
        p = _scatter_reduce(x1, dim, index, s1, 'prod', include_self)
        zx = xz & (hit == 0) if not include_self else xz
        z = zx.to(grad.dtype).scatter_add(dim, index, sz.to(grad.dtype))
        gx = grad * where(xz, p.masked_fill(z != 1, 0), (p / x1).masked_fill(z != 0, 0))
        pg, zg = p.gather(dim, index), z.gather(dim, index)
        gs = grad.gather(dim, index) * where(sz, pg.masked_fill(zg != 1, 0), (pg / s1).masked_fill(zg != 0, 0))
    if not include_self:
        gx = gx.masked_fill(hit > 0, 0)
    return gx, None, None, _pad_to(gs, tuple(src.shape))


def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *, include_self: bool = True,
                   out=None) -> Tensor:
    """Reduce the values of ``src`` into a copy of ``input`` at ``index`` along ``dim`` (sum/prod/mean/amax/amin)."""
    return _scatter_reduce(input, dim, index, src, reduce, include_self, out=out)


def _scatter_reduce_(self: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *,
                     include_self: bool = True) -> Tensor:
    return inplace(_scatter_reduce, self, dim, index, src, reduce, include_self)


bind_methods({
    'gather': gather, 'scatter': scatter, 'scatter_': _scatter_, 'scatter_add': scatter_add,
    'scatter_add_': lambda self, dim, index, src: inplace(scatter_add, self, dim, index, src),
    'scatter_reduce': scatter_reduce, 'scatter_reduce_': _scatter_reduce_,
})

__all__ = ['gather', 'scatter', 'scatter_add', 'scatter_reduce']
