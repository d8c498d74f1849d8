"""Sorting and selection: sort, argsort, topk, kthvalue, unique, searchsorted, bucketize, histograms, nonzero, ...

Sorts are always stable (``stable=True`` semantics) and put NaN after every number, like PyTorch. The
differentiable ones (sort, topk, kthvalue, masked_select) send the gradient back to the positions they picked,
through a scatter/gather pair of primitives whose backwards are each other, so every order of derivative works.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .. import return_types as RT
from .._tensor import Tensor, bind_methods, wrap_dim
from ._primitive import primitive, result_type, _write_out
from .arithmetic import broadcast_check

_wrap = Tensor._wrap
_histogram_t = RT.structseq('histogram', ('hist', 'bin_edges'))
# C++ type names PyTorch uses in some messages.
_CPP = {'float32': 'float', 'float64': 'double', 'float16': 'c10::Half', 'bfloat16': 'c10::BFloat16',
        'int64': 'long int', 'int32': 'int', 'int16': 'short int', 'int8': 'signed char', 'uint8': 'unsigned char',
        'bool': 'bool'}


# ----------------------------------------------------------------------------------------- gather/scatter pair
@primitive(backward_name='ScatterBackward0')
def _put_along(src, index, dim, shape):
    # Zeros of ``shape`` with ``src`` written at ``index`` along ``dim`` (indices are distinct along dim).
    out = np.zeros_like(src, shape=shape)
    np.put_along_axis(out, index, src, dim)
    return out


@primitive(backward_name='GatherBackward0')
def _take_along(x, index, dim):
    return np.take_along_axis(x, index, dim)


@_put_along.vjp
def _(grad, index, dim):
    return _take_along(grad, index, dim)


@_take_along.vjp
def _(grad, index, dim, x_shape):
    return _put_along(grad, index, dim, x_shape)


def _select_backward(grad: Tensor, indices: Tensor, dim: int, shape: tuple, keepdim: bool = True) -> Tensor:
    """Gradient of picking ``indices`` along ``dim`` from an input of ``shape``: scatter into zeros."""
    if not shape:
        return grad.reshape(())
    d = wrap_dim(dim, len(shape))
    if not keepdim:
        grad = grad.unsqueeze(d)
    return _put_along(grad, indices, d, shape)


# ----------------------------------------------------------------------------------------- helpers
def _dim0(dim: int, ndim: int) -> int:
    """Wrap ``dim``; a 0-d tensor is handled as a 1-element 1-d one (dim -1 and 0 both allowed)."""
    d = wrap_dim(dim, ndim)
    return d if ndim else 0


def _argsort(a, axis: int, descending: bool):
    """Stable argsort along ``axis`` (NaN last ascending, first descending), as int64."""
    if not descending:
        return np.argsort(a, axis=axis, kind='stable').astype(np.int64, copy=False)
    # Sort the reversed array ascending, then reverse back: descending order with ties in original order.
    n = a.shape[axis]
    i = np.argsort(np.flip(a, axis), axis=axis, kind='stable')
    return (n - 1) - np.flip(i, axis).astype(np.int64, copy=False)


def _check_sortable(a, op: str) -> None:
    if a.dtype.kind == 'c':
        raise RuntimeError(f" {op} does not support complex dtypes on CPU")


def _not_implemented(name: str, dt: D.dtype):
    return NotImplementedError(f"\"{name}\" not implemented for '{dt._legacy}'")


def _check_index_out(out) -> None:
    if out is not None and out[1].dtype is not D.int64:
        raise RuntimeError(f"Expected out tensor to have dtype long int, but got "
                           f"{_CPP.get(out[1].dtype.name, out[1].dtype.name)} instead")


def _out1(name: str, out, res: Tensor, inputs=()) -> Tensor:
    return res if out is None else _write_out(name, out, [res], list(inputs))


# ----------------------------------------------------------------------------------------- sort family
@primitive(n_out=2, nondiff_outputs=(1,), aux=('indices',))
def _sort(x, dim, descending):
    _check_sortable(x, 'Sort')
    if x.ndim == 0:
        wrap_dim(dim, 0)
        idx = np.zeros_like(x, dtype=np.int64)
        return x.copy(), idx, idx
    d = wrap_dim(dim, x.ndim)
    idx = _argsort(x, d, descending)
    return np.take_along_axis(x, idx, d), idx, idx


@_sort.vjp
def _(grad, indices, dim, x_shape):
    return _select_backward(grad[0], indices, dim, x_shape)


def sort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool | None = False, out=None):
    """Sort ``input`` along ``dim``; returns (values, indices). ember's sort is always stable."""
    _check_index_out(out)
    return RT.sort(_sort(input, dim, descending) if out is None else _sort(input, dim, descending, out=out))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim`` (stable)."""
    x = input._data
    _check_sortable(x, 'Sort')
    if x.ndim == 0:
        wrap_dim(dim, 0)
        return _wrap(np.zeros_like(x, dtype=np.int64))
    return _wrap(_argsort(x, wrap_dim(dim, x.ndim), descending))


def msort(input: Tensor, *, out=None) -> Tensor:
    """``input`` sorted along its first dimension."""
    return _out1('msort', out, _sort(input, 0, False)[0], (input,))


@primitive(n_out=2, nondiff_outputs=(1,), aux=('indices',))
def _topk(x, k, dim, largest):
    if x.dtype.kind == 'b':
        raise RuntimeError("topk does not support bool dtypes on CPU")
    _check_sortable(x, 'topk')
    d = _dim0(dim, x.ndim)
    n = x.shape[d] if x.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    if x.ndim == 0:  # PyTorch gives the element itself, for k of 0 as well as 1
        idx = np.zeros_like(x, dtype=np.int64)
        return x.copy(), idx, idx
    if k == n or k == 0:
        idx = _argsort(x, d, largest)[(slice(None),) * d + (slice(0, k),)]
    else:
        # Partition first (linear time), then sort only the k picked.
        part = np.argpartition(x, n - k if largest else k - 1, axis=d)
        pick = part[(slice(None),) * d + ((slice(n - k, None) if largest else slice(0, k)),)]
        idx = np.take_along_axis(pick, _argsort(np.take_along_axis(x, pick, d), d, largest), d)
        idx = idx.astype(np.int64, copy=False)
    return np.take_along_axis(x, idx, d), idx, idx


@_topk.vjp
def _(grad, indices, dim, x_shape):
    return _select_backward(grad[0], indices, dim, x_shape)


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True, *, out=None):
    """The ``k`` largest (or smallest) elements along ``dim``; returns (values, indices).

    ember always returns them sorted, also when ``sorted=False`` (PyTorch then leaves the order unspecified)."""
    _check_index_out(out)
    k = int(k)
    return RT.topk(_topk(input, k, dim, largest) if out is None else _topk(input, k, dim, largest, out=out))


@primitive(n_out=2, nondiff_outputs=(1,), aux=('indices',))
def _kthvalue(x, k, dim, keepdim):
    if x.dtype.kind in 'bc':
        raise _not_implemented('kthvalue_cpu', D.from_numpy_dtype(x.dtype))
    nd = x.ndim
    d = _dim0(dim, nd)
    xv = x.reshape(1) if nd == 0 else x
    n = xv.shape[d]
    if n == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    sl = (slice(None),) * d + (slice(k - 1, k),)
    idx = np.argpartition(xv, k - 1, axis=d)[sl].astype(np.int64, copy=False)
    vals = np.take_along_axis(xv, idx, d)
    if nd == 0:
        return vals.reshape(()), idx.reshape(()), idx
    if not keepdim:
        return np.squeeze(vals, d), np.squeeze(idx, d), idx
    return vals, idx, idx


@_kthvalue.vjp
def _(grad, indices, dim, keepdim, x_shape):
    return _select_backward(grad[0], indices, dim, x_shape, keepdim)


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False, *, out=None):
    """The ``k``-th smallest element (1-based) along ``dim``; returns (values, indices)."""
    _check_index_out(out)
    k = int(k)
    return RT.kthvalue(_kthvalue(input, k, dim, keepdim) if out is None
                       else _kthvalue(input, k, dim, keepdim, out=out))


# ----------------------------------------------------------------------------------------- unique
def _unique_rows(input: Tensor, dim, sort: bool):
    """Group equal slices (elements when ``dim`` is None): (unique values, inverse, counts) as arrays."""
    x = input._data
    if x.dtype.kind == 'c':
        raise _not_implemented('unique', input.dtype)
    if dim is None:
        a = x.reshape(-1, 1)
        d = None
    else:
        if x.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        d = wrap_dim(dim, x.ndim)
        if x.size == 0 and x.shape[d] != 0:
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
        a = np.moveaxis(x, d, 0).reshape(x.shape[d], math.prod(x.shape[:d] + x.shape[d + 1:]))
    n = a.shape[0]
    if sort and n:
        order = np.argsort(a[:, 0], kind='stable') if a.shape[1] == 1 else np.lexsort(a.T[::-1])
        s = a[order]
    else:
        order, s = None, a
    new = np.ones(n, dtype=bool)
    if n:
        # NaN != NaN, so every NaN is its own group, like PyTorch.
        new[1:] = (s[1:] != s[:-1]).any(axis=1)
    starts = np.flatnonzero(new)
    counts = np.diff(starts, append=n).astype(np.int64)
    groups = np.cumsum(new, dtype=np.int64) - 1
    if order is not None:
        inv = np.empty(n, dtype=np.int64)
        inv[order] = groups
    else:
        inv = groups
    vals = s[starts]
    if d is None:
        return vals.reshape(-1), inv.reshape(x.shape), counts
    return np.moveaxis(vals.reshape((len(starts),) + x.shape[:d] + x.shape[d + 1:]), 0, d), inv, counts


def _unique_result(vals, inv, counts, return_inverse, return_counts):
    out = _wrap(vals)
    if not return_inverse and not return_counts:
        return out
    res = (out,)
    if return_inverse:
        res += (_wrap(inv),)
    if return_counts:
        res += (_wrap(counts),)
    return res


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim: int | None = None):
    """The unique elements (or slices along ``dim``) of ``input``, sorted; optionally inverse indices and counts."""
    return _unique_result(*_unique_rows(input, dim, True), return_inverse, return_counts)


def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: int | None = None):
    """Collapse each run of equal consecutive elements (or slices along ``dim``) to one."""
    return _unique_result(*_unique_rows(input, dim, False), return_inverse, return_counts)


# ----------------------------------------------------------------------------------------- searching
def _search(seq, vals, right: bool):
    """Per-row searchsorted: ``seq`` (B, n) sorted rows, ``vals`` (B, m) -> (B, m) insertion points."""
    b, n = seq.shape
    m = vals.shape[1]
    if b == 1:
        return np.searchsorted(seq[0], vals[0], side='right' if right else 'left').reshape(1, m)
    # Merge each row's boundaries and values with one stable sort; the number of boundaries before a value
    # in the merged order is its insertion point (ties put values after boundaries for 'right', before for 'left').
    both = np.concatenate([seq, vals], axis=1) if right else np.concatenate([vals, seq], axis=1)
    is_seq = np.zeros(n + m, dtype=np.int64)
    if right:
        is_seq[:n] = 1
    else:
        is_seq[m:] = 1
    order = np.argsort(both, axis=1, kind='stable')
    flags = is_seq[order]
    before = np.cumsum(flags, axis=1) - flags
    res = np.empty((b, m), dtype=np.int64)
    qpos = order - (n if right else 0)  # position of each merged entry among the values (valid where a value)
    rows, cols = np.nonzero(flags == 0)
    res[rows, qpos[rows, cols]] = before[rows, cols]
    return res


def _searchsorted_impl(seq: Tensor, values, right: bool, out_int32: bool, sorter) -> Tensor:
    scalar = not isinstance(values, Tensor)
    rt = result_type([seq, values])
    if rt.category in (D.BOOL, D.COMPLEX):
        raise _not_implemented('searchsorted_out_cpu', rt)
    s = seq._data.astype(rt.np, copy=False)
    v = np.asarray(values._data if not scalar else values, dtype=rt.np)
    if sorter is not None:
        if sorter.dtype is not D.int64:
            raise RuntimeError(f"torch.searchsorted(): sorter must be a tensor of long dtype but got dtype "
                               f"{sorter.dtype._legacy}")
        if sorter.shape != seq.shape:
            raise RuntimeError(f"torch.searchsorted(): boundary and sorter must have the same size, but got boundary "
                               f"tensor {list(seq.shape)}and got sorter tensor {list(sorter.shape)}")
        so = sorter._data
        if so.size and (so.min() < 0 or so.max() >= s.shape[-1]):
            raise RuntimeError("torch.searchsorted(): sorter index out of range")
        s = np.take_along_axis(s, so, -1)
    if s.ndim == 1:
        res = np.searchsorted(s, v, side='right' if right else 'left')
    else:
        rows = math.prod(s.shape[:-1])
        res = _search(s.reshape(rows, s.shape[-1]), v.reshape(rows, v.shape[-1]), right).reshape(v.shape)
    return _wrap(np.asarray(res, dtype=np.int32 if out_int32 else np.int64))


def searchsorted(sorted_sequence: Tensor, input, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter: Tensor | None = None, out=None) -> Tensor:
    """Indices where ``input`` would be inserted into the innermost dimension of ``sorted_sequence`` to keep it
    sorted (``right``/``side='right'``: after equal elements)."""
    if side is not None:
        if side not in ('left', 'right'):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == 'left':
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == 'right'
    sd = sorted_sequence.ndim
    if sd == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 "
                           "dimension")
    vshape = tuple(input.shape) if isinstance(input, Tensor) else ()
    if sd > 1:
        if not vshape:
            raise RuntimeError(f"torch.searchsorted(): input value can be a scalar only when boundaries tensor "
                               f"dimension is 1, but we got boundaries tensor dim({sd}) and input value's dim(0) "
                               f"numel(1)")
        if len(vshape) != sd or vshape[:-1] != tuple(sorted_sequence.shape[:-1]):
            raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                               f"dimensions of boundaries tensor and input value tensor must match, but we got "
                               f"boundaries tensor {list(sorted_sequence.shape)} and input value tensor "
                               f"{list(vshape)}")
    res = _searchsorted_impl(sorted_sequence, input, right, out_int32, sorter)
    return _out1('searchsorted', out, res)


def bucketize(input, boundaries: Tensor, *, out_int32: bool = False, right: bool = False, out=None) -> Tensor:
    """The bucket of each element of ``input`` given 1-d ``boundaries`` (``right``: buckets closed on the left)."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return _out1('bucketize', out, _searchsorted_impl(boundaries, input, right, out_int32, None))


# ----------------------------------------------------------------------------------------- counting
def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """Count the occurrences of each non-negative integer in 1-d ``input`` (summing ``weights`` if given)."""
    x = input._data
    if x.dtype.kind not in 'iu':
        raise _not_implemented('bincount_cpu', input.dtype)
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if x.ndim != 1 or (x.size and x.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.ndim != 1 or weights.shape[0] != x.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    if x.size == 0:
        return _wrap(np.zeros_like(x, dtype=np.int64, shape=(minlength,)))
    if weights is None:
        return _wrap(np.bincount(x, minlength=minlength).astype(np.int64, copy=False))
    # float32 and float64 weights keep their dtype; any other dtype gives float64.
    wdt = weights.dtype if weights.dtype in (D.float32, D.float64) else D.float64
    r = np.bincount(x, weights=weights._data.astype(np.float64, copy=False), minlength=minlength)
    return _wrap(r.astype(wdt.np, copy=False))


def _check_hist_dtype(input: Tensor, name: str) -> None:
    if input.dtype.category != D.FLOAT:
        raise _not_implemented(name, input.dtype)


def _bin_index(x, edges, bins: int):
    """Bin of each ``x`` inside [edges[0], edges[-1]] for evenly spaced ``edges`` (last bin closed)."""
    lo, hi = edges[0], edges[-1]
    pos = ((x - lo) * (bins / (hi - lo))).astype(np.int64)
    np.clip(pos, 0, bins - 1, out=pos)
    # The division can land one bin off next to an edge: settle it against the edges themselves.
    pos -= x < edges[pos]
    pos += (x >= edges[pos + 1]) & (pos != bins - 1)
    return pos


def _histogram_counts(x, edges, bins: int, weight, even: bool, dtype):
    lo, hi = edges[0], edges[-1]
    keep = (x >= lo) & (x <= hi)
    xs = x[keep]
    if even:
        pos = _bin_index(xs, edges, bins)
    else:
        pos = np.minimum(np.searchsorted(edges, xs, side='right') - 1, bins - 1)
    w = None if weight is None else weight[keep].astype(np.float64, copy=False)
    return np.bincount(pos, weights=w, minlength=bins).astype(dtype, copy=False)


def _calc_dtype(dt: D.dtype):
    return np.float32 if dt in (D.float16, D.bfloat16) else dt.np


def histc(input: Tensor, bins: int = 100, min=0, max=0, *, out=None) -> Tensor:
    """Histogram of ``input`` with ``bins`` equal bins over [min, max] (the data's range when min == max)."""
    _check_hist_dtype(input, 'histogram_cpu')
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    x = input._data.reshape(-1).astype(_calc_dtype(input.dtype), copy=False)
    if lo == hi and x.size:
        lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo:g}, {hi:g}] is not finite")
    from .creation import linspace
    edges = linspace(lo, hi, bins + 1, dtype=input.dtype)._data.astype(x.dtype, copy=False)
    res = _wrap(_histogram_counts(x, edges, bins, None, True, input.dtype.np), dtype=input.dtype)
    return _out1('histc', out, res)


def histogram(input: Tensor, bins, *, range=None, weight: Tensor | None = None, density: bool = False, out=None):
    """Histogram of ``input``: ``bins`` equal bins over ``range`` (default the data's), or the given bin edges.

    Returns (hist, bin_edges)."""
    _check_hist_dtype(input, 'histogramdd')
    dt = input.dtype
    x = input._data.reshape(-1)
    if weight is not None:
        if weight.dtype is not dt:
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor and weight tensor "
                               f"should have the same dtype, but got input({_CPP[dt.name]}), and "
                               f"weight({_CPP.get(weight.dtype.name, weight.dtype.name)})")
        if tuple(weight.shape) != tuple(input.shape):
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided it should have the same shape as "
                               f"the input tensor excluding its innermost dimension, but got input with shape "
                               f"[{x.size}, 1] and weight with shape {list(weight.shape)}")
    cdt = _calc_dtype(dt)
    if isinstance(bins, Tensor):
        if bins.ndim != 1:
            raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got {bins.ndim} "
                               f"dimensions in the bins tensor for dimension 0")
        if bins.dtype is not dt:
            raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the same dtype, but "
                               f"got input with dtype {_CPP[dt.name]} and bins for dimension 0 with dtype "
                               f"{_CPP.get(bins.dtype.name, bins.dtype.name)}")
        edges_t = _wrap(bins._data.copy(), dtype=dt)
        edges, nb, even = bins._data.astype(cdt), bins.shape[0] - 1, False
    else:
        nb = int(bins)
        if nb <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {nb} for dimension 0")
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
            if lo > hi:
                raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {lo:g} max {hi:g} for "
                                   f"dimension 0")
        elif x.size:
            lo, hi = float(x.min()), float(x.max())
        else:
            lo, hi = 0.0, 1.0
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise RuntimeError(f"torch.histogramdd: dimension 0's range [{lo:g}, {hi:g}] is not finite")
        from .creation import linspace
        edges_t = linspace(lo, hi, nb + 1, dtype=dt)
        edges, even = edges_t._data.astype(cdt, copy=False), True
    w = None if weight is None else weight._data.reshape(-1)
    hist = _histogram_counts(x.astype(cdt, copy=False), edges, nb, w, even, np.float64)
    if density:
        with np.errstate(invalid='ignore', divide='ignore'):  # no data gives NaN, as in PyTorch
            hist = hist / (hist.sum() * np.diff(edges.astype(np.float64)))
    res = (_wrap(hist.astype(dt.np), dtype=dt), edges_t)
    if out is not None:
        _write_out('histogram', out, list(res), [])
        res = out
    return _histogram_t(*res)


# ----------------------------------------------------------------------------------------- nonzero and masks
def nonzero(input: Tensor, *, out=None, as_tuple: bool = False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one 1-d tensor per dim (``as_tuple``)."""
    x = input._data
    if as_tuple:
        return tuple(_wrap(i.astype(np.int64, copy=False)) for i in np.nonzero(x.reshape(1) if x.ndim == 0 else x))
    return _out1('nonzero', out, _wrap(np.argwhere(x).astype(np.int64, copy=False)))


def argwhere(input: Tensor) -> Tensor:
    """Indices of the non-zero elements as an (n, ndim) int64 tensor."""
    return _wrap(np.argwhere(input._data).astype(np.int64, copy=False))


def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """``nonzero`` with exactly ``size`` rows: truncated, or padded with ``fill_value``."""
    idx = np.argwhere(input._data).astype(np.int64, copy=False)[:size]
    pad = np.full((size - idx.shape[0], idx.shape[1]), fill_value, dtype=np.int64)
    return _wrap(np.concatenate([idx, pad]) if pad.size else idx)


@primitive(aux=('mask_b',))
def _masked_select(x, mask):
    try:
        shape = np.broadcast_shapes(mask.shape, x.shape)
    except ValueError:
        broadcast_check('masked_select', mask, x)
        raise
    mb = np.broadcast_to(mask, shape)
    return np.broadcast_to(x, shape)[mb], mb


@primitive(backward_name='MaskedScatterBackward0')
def _masked_expand(src, mask):
    # Zeros shaped like ``mask`` holding ``src`` where it is True (the inverse of masked_select).
    out = np.zeros_like(src, shape=mask.shape)
    out[mask] = src
    return out


@_masked_select.vjp
def _(grad, mask_b):
    return _masked_expand(grad, mask_b), None


@_masked_expand.vjp
def _(grad, mask):
    return _masked_select(grad, mask), None


def masked_select(input: Tensor, mask: Tensor, *, out=None) -> Tensor:
    """The elements of ``input`` where the boolean ``mask`` (broadcast with it) is True, as a 1-d tensor."""
    if mask.dtype is not D.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    return _masked_select(input, mask) if out is None else _masked_select(input, mask, out=out)


def isin(elements, test_elements, *, assume_unique: bool = False, invert: bool = False, out=None) -> Tensor:
    """Whether each element of ``elements`` is in ``test_elements`` (either may be a scalar)."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(f"isin() received an invalid combination of arguments - got "
                        f"({type(elements).__name__}, {type(test_elements).__name__}), but expected at least one "
                        f"Tensor")
    rt = result_type([elements, test_elements])
    if rt.category in (D.BOOL, D.COMPLEX):
        raise RuntimeError(f"Unsupported input type encountered for isin(): {rt._legacy}")
    a = np.asarray(elements._data if isinstance(elements, Tensor) else elements, dtype=rt.np)
    b = np.asarray(test_elements._data if isinstance(test_elements, Tensor) else test_elements, dtype=rt.np)
    res = np.isin(a, b, assume_unique=assume_unique, invert=invert)
    return _out1('isin', out, _wrap(np.asarray(res)))


bind_methods({
    'sort': sort, 'argsort': argsort, 'msort': msort, 'topk': topk, 'kthvalue': kthvalue, 'unique': unique,
    'unique_consecutive': unique_consecutive, 'bincount': bincount, 'histc': histc, 'histogram': histogram,
    'nonzero': nonzero, 'argwhere': argwhere, 'nonzero_static': nonzero_static, 'masked_select': masked_select,
})

__all__ = ['sort', 'argsort', 'msort', 'topk', 'kthvalue', 'unique', 'unique_consecutive', 'searchsorted',
           'bucketize', 'bincount', 'histc', 'histogram', 'nonzero', 'argwhere', 'nonzero_static', 'masked_select',
           'isin']
