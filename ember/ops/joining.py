"""Joining and rearranging: cat, stack and the *stack family, repeat, tile, repeat_interleave, flip, roll, rot90,
tril/triu, diag, trace, block_diag, meshgrid, cartesian_prod, combinations."""
from __future__ import annotations

import itertools
import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, bind_methods, wrap_dim
from ._primitive import primitive, inplace
from .shape import (_diagonal, _diagonal_backward, _expand, _narrow, _shape_arg, _shape_str, diagonal, flatten,
                    reshape, transpose, unbind, atleast_1d, atleast_2d, atleast_3d)

_INTS = (int, np.integer)


def _tensor_list(tensors, fn: str) -> list:
    if isinstance(tensors, Tensor):
        raise TypeError(f"{fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor")
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return tensors


def _common_dtype(tensors) -> tuple:
    """PyTorch's promoted dtype of the tensors, and its NumPy dtype when some input needs a cast (else None)."""
    dt = tensors[0].dtype
    mixed = False
    for t in tensors:
        if t.dtype is not dt:
            dt = D.promote_types(dt, t.dtype)
            mixed = True
    return dt, (dt.np if mixed else None)


def _dim_arg(dim, fn: str) -> int:
    if not isinstance(dim, _INTS) or isinstance(dim, bool):
        raise TypeError(f"{fn}(): argument 'dim' must be int, not {type(dim).__name__}")
    return int(dim)


# ---------------------------------------------------------------------------------------------- cat / stack
@primitive(name='cat', backward_name='CatBackward0')
def _cat(tensors, dim, sizes, dtype):
    arrays = [a for a, s in zip(tensors, sizes) if s >= 0]
    if not arrays:
        return np.zeros_like(tensors[0], shape=(0,), dtype=dtype)
    if dtype is None:
        return np.concatenate(arrays, axis=dim)
    return np.concatenate(arrays, axis=dim, dtype=dtype, casting='unsafe')


@_cat.vjp
def _(grad, dim, sizes, needs_input_grad):
    out, o = [], 0
    for s, need in zip(sizes, needs_input_grad):
        if s < 0:  # a skipped legacy empty tensor of shape (0,)
            out.append(grad.new_zeros((0,)) if need else None)
            continue
        out.append(_narrow(grad, dim, o, s) if need else None)
        o += s
    return out


def cat(tensors, dim: int = 0, *, axis: int | None = None, out=None) -> Tensor:
    """Concatenate tensors along an existing dimension ``dim`` (dtypes promote; 1-D empty tensors are skipped)."""
    tensors = _tensor_list(tensors, 'cat')
    dim = _dim_arg(dim if axis is None else axis, 'cat')
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    ref = None
    sizes = []
    for i, t in enumerate(tensors):
        s = t._data.shape
        if not s:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
        if s == (0,):
            sizes.append(-1)
            continue
        if ref is None:
            ref, d = s, wrap_dim(dim, len(s))
        elif len(s) != len(ref):
            raise RuntimeError(f"Tensors must have same number of dimensions: got {len(ref)} and {len(s)}")
        elif s != ref:
            for k in range(len(s)):
                if k != d and s[k] != ref[k]:
                    raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size {ref[k]} "
                                       f"but got size {s[k]} for tensor number {i} in the list.")
        sizes.append(s[d])
    if ref is None:
        d = wrap_dim(dim, 1)
    _, npd = _common_dtype(tensors)
    if out is not None:
        return _cat(tensors, d, tuple(sizes), npd, out=out)
    return _cat(tensors, d, tuple(sizes), npd)


concat = concatenate = cat


@primitive(name='stack', backward_name='StackBackward0')
def _stack(tensors, dim, dtype):
    idx = (slice(None),) * dim + (None,)  # cheaper than np.stack's checks, which the caller has done
    parts = [a[idx] for a in tensors]
    if dtype is None:
        return np.concatenate(parts, axis=dim)
    return np.concatenate(parts, axis=dim, dtype=dtype, casting='unsafe')


@_stack.vjp
def _(grad, dim):
    return list(unbind(grad, dim))


def stack(tensors, dim: int = 0, *, axis: int | None = None, out=None) -> Tensor:
    """Join tensors of equal shape along a new dimension ``dim``."""
    tensors = _tensor_list(tensors, 'stack')
    dim = _dim_arg(dim if axis is None else axis, 'stack')
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    s0 = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != s0:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {_shape_str(s0)} at entry 0 and "
                               f"{_shape_str(t._data.shape)} at entry {i}")
    d = wrap_dim(dim, len(s0) + 1)
    _, npd = _common_dtype(tensors)
    if out is not None:
        return _stack(tensors, d, npd, out=out)
    return _stack(tensors, d, npd)


def _nonempty(tensors, fn: str) -> list:
    tensors = _tensor_list(tensors, fn)
    if not tensors:
        raise RuntimeError(f"{fn} expects a non-empty TensorList")
    return tensors


def hstack(tensors, *, out=None) -> Tensor:
    """Concatenate column-wise: along dimension 1, or 0 for 1-D tensors."""
    ts = atleast_1d(_nonempty(tensors, 'hstack'))
    return cat(ts, 0 if ts[0]._data.ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None) -> Tensor:
    """Concatenate row-wise (1-D tensors become rows)."""
    return cat(atleast_2d(_nonempty(tensors, 'vstack')), 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None) -> Tensor:
    """Concatenate depth-wise, along dimension 2 (after ``atleast_3d``)."""
    return cat(atleast_3d(_nonempty(tensors, 'dstack')), 2, out=out)


def column_stack(tensors, *, out=None) -> Tensor:
    """Concatenate along dimension 1, turning 0-D and 1-D tensors into columns first."""
    ts = _nonempty(tensors, 'column_stack')
    return cat([reshape(t, (t.numel(), 1)) if t._data.ndim <= 1 else t for t in ts], 1, out=out)


# ---------------------------------------------------------------------------------------------- repeat family
@primitive(name='repeat', backward_name='RepeatBackward0')
def _repeat(x, repeats):
    lead = len(repeats) - x.ndim
    return np.tile(np.reshape(x, (1,) * lead + x.shape), repeats)


@_repeat.vjp
def _(grad, x_shape, repeats):
    lead = len(repeats) - len(x_shape)
    full = (1,) * lead + tuple(x_shape)
    split = []
    for r, s in zip(repeats, full):
        split += [r, s]
    return grad.reshape(tuple(split)).sum(tuple(range(0, 2 * len(full), 2))).reshape(x_shape)


def repeat(self: Tensor, *sizes) -> Tensor:
    """Tile this tensor ``sizes[i]`` times along each dimension (a copy; extra leading sizes add dimensions)."""
    if not sizes:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    reps = _shape_arg(sizes, 'repeat')
    xs = self._data.shape
    if len(reps) < len(xs):
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    full = (1,) * (len(reps) - len(xs)) + xs
    if any(r < 0 for r in reps):
        shape = [r * s for r, s in zip(reps, full)]
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {_shape_str(shape)}")
    return _repeat(self, reps)


def tile(input: Tensor, dims) -> Tensor:
    """Repeat ``input`` ``dims[i]`` times along each dimension (missing leading dims count as 1)."""
    dims = _shape_arg((dims,), 'tile')
    dims = (1,) * (input._data.ndim - len(dims)) + dims
    return repeat(input, dims)


@primitive(name='repeat_interleave', backward_name='RepeatInterleaveBackward0')
def _repeat_interleave(x, repeats, dim):
    return np.repeat(x, repeats, axis=dim)


@_repeat_interleave.vjp
def _(grad, x_shape, repeats, dim):
    return _segment_sum(grad, repeats, dim, x_shape[dim])


@primitive(backward_name='SegmentSumBackward0')
def _segment_sum(g, repeats, dim, n):
    """Sum ``g`` over ``n`` consecutive runs of ``repeats[i]`` elements along ``dim`` (repeat_interleave's adjoint)."""
    shape = g.shape
    if isinstance(repeats, int):
        if not repeats:
            return np.zeros_like(g, shape=shape[:dim] + (n,) + shape[dim + 1:])
        return np.reshape(g, shape[:dim] + (n, repeats) + shape[dim + 1:]).sum(axis=dim + 1)
    reps = np.asarray(repeats, dtype=np.int64)
    out = np.zeros_like(g, shape=shape[:dim] + (n,) + shape[dim + 1:])
    nz = np.flatnonzero(reps)
    if nz.size:
        starts = (np.cumsum(reps) - reps)[nz]
        out[(slice(None),) * dim + (nz,)] = np.add.reduceat(g, starts, axis=dim)
    return out


@_segment_sum.vjp
def _(gg, repeats, dim):
    return _repeat_interleave(gg, repeats, dim)


def repeat_interleave(input: Tensor, repeats=None, dim: int | None = None, *, output_size: int | None = None):
    """Repeat each element ``repeats`` times (an int, or a tensor of per-element counts) along ``dim``
    (flattened when None). With only a tensor of counts ``r``, gives ``arange(len(r))`` repeated by ``r``."""
    if repeats is None:
        reps = input
        if reps.dtype.category > D.INT:
            raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{reps.dtype._legacy}'")
        if reps._data.ndim != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        from .creation import arange
        input = arange(reps._data.shape[0], dtype=reps.dtype, device=reps.device)
        dim = 0
        repeats = reps
    if dim is None:
        input = flatten(input)
        dim = 0
    d = wrap_dim(dim, input._data.ndim)
    n = input._data.shape[d] if input._data.ndim else 1
    if isinstance(repeats, Tensor):
        if repeats.dtype.category > D.INT:
            raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{repeats.dtype._legacy}'")
        if repeats._data.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if repeats._data.ndim == 0 or repeats._data.shape[0] == 1:
            repeats = int(repeats._host().reshape(-1)[0])
            if repeats < 0:
                raise RuntimeError("repeats can not be negative")
        else:
            r = repeats._host()
            if r.shape[0] != n:
                raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                                   f"{r.shape[0]} and input.size(0) = {n}")
            if (r < 0).any():
                raise RuntimeError("repeats can not be negative")
            repeats = tuple(int(v) for v in r)
    else:
        repeats = int(repeats)
        if repeats < 0:
            raise RuntimeError("Repeats must be non-negative")
    total = repeats * n if isinstance(repeats, int) else sum(repeats)
    if output_size is not None and output_size != total:
        raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {total} but got {output_size}")
    if input._data.ndim == 0:
        input = reshape(input, (1,))
    return _repeat_interleave(input, repeats, d)


# ---------------------------------------------------------------------------------------------- flip / roll / rot90
@primitive
def _flip(x, dims):
    return np.flip(x, dims).copy() if dims else x.copy()


_flip.name, _flip.backward_name = 'flip', 'FlipBackward0'


@_flip.vjp
def _(grad, dims):
    return _flip(grad, dims)


def _flip_dims(dims, nd: int) -> tuple:
    ds = tuple(wrap_dim(int(d), nd) for d in dims)
    for k, d in enumerate(ds):
        if d in ds[:k]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return ds


def flip(input: Tensor, dims) -> Tensor:
    """A copy of ``input`` with the order of elements reversed along ``dims``."""
    if isinstance(dims, _INTS):
        raise TypeError("flip(): argument 'dims' (position 2) must be tuple of ints, not int")
    return _flip(input, _flip_dims(dims, input._data.ndim))


def _flip_method(self: Tensor, *dims) -> Tensor:
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    return _flip(self, _flip_dims(dims, self._data.ndim))


def fliplr(input: Tensor) -> Tensor:
    """Flip left to right (dimension 1)."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return _flip(input, (1,))


def flipud(input: Tensor) -> Tensor:
    """Flip up to down (dimension 0)."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return _flip(input, (0,))


@primitive(name='roll', backward_name='RollBackward0')
def _roll(x, shifts, dims):
    return np.roll(x, shifts, axis=dims)


@_roll.vjp
def _(grad, shifts, dims):
    return _roll(grad, tuple(-s for s in shifts) if isinstance(shifts, tuple) else -shifts, dims)


def roll(input: Tensor, shifts, dims=None) -> Tensor:
    """Shift elements cyclically by ``shifts`` along ``dims`` (along the flattened tensor when ``dims`` is None)."""
    shifts = (int(shifts),) if isinstance(shifts, _INTS) else tuple(int(s) for s in shifts)
    dims = () if dims is None else (dims,) if isinstance(dims, _INTS) else tuple(dims)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if not dims and len(shifts) == 1:
        return _roll(input, shifts[0], None)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    nd = input._data.ndim
    return _roll(input, shifts, tuple(wrap_dim(int(d), nd) for d in dims))


def rot90(input: Tensor, k: int = 1, dims=(0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times in the plane of ``dims``, from the first towards the second axis."""
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    nd = input._data.ndim
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = wrap_dim(dims[0], nd), wrap_dim(dims[1], nd)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    k %= 4
    if k == 1:
        return transpose(_flip(input, (d1,)), d0, d1)
    if k == 2:
        return _flip(input, (d0, d1))
    if k == 3:
        return transpose(_flip(input, (d0,)), d0, d1)
    return _flip(input, ())


# ---------------------------------------------------------------------------------------------- triangles / diagonals
def _need_matrix(x, name):
    if x.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


@primitive
def tril(x, diagonal=0):
    _need_matrix(x, 'tril')
    return np.tril(x, diagonal)


@tril.vjp
def _(grad, diagonal):
    return tril(grad, diagonal)


tril.__doc__ = "The lower triangle (on and below the ``diagonal``-th diagonal) of the last two dimensions."


@primitive
def triu(x, diagonal=0):
    _need_matrix(x, 'triu')
    return np.triu(x, diagonal)


@triu.vjp
def _(grad, diagonal):
    return triu(grad, diagonal)


triu.__doc__ = "The upper triangle (on and above the ``diagonal``-th diagonal) of the last two dimensions."


def tril_(self: Tensor, diagonal: int = 0) -> Tensor:
    return inplace(tril, self, diagonal)


def triu_(self: Tensor, diagonal: int = 0) -> Tensor:
    return inplace(triu, self, diagonal)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D input becomes a square matrix with it on the ``diagonal``-th diagonal; of a 2-D input, that diagonal
    (a copy)."""
    nd = input._data.ndim
    if nd == 1:
        n = input._data.shape[0] + abs(diagonal)
        return _diagonal_backward(input, (n, n), int(diagonal), 0, 1)
    if nd == 2:
        from .conversion import clone
        return clone(_diagonal(input, int(diagonal), 0, 1))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """A square matrix with the flattened input on its ``offset``-th diagonal."""
    return diag(flatten(input), offset)


def trace(input: Tensor) -> Tensor:
    """The sum of the main diagonal of a matrix."""
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input._data.ndim}")
    if input.dtype is D.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    return diagonal(input).sum()


@primitive(name='block_diag', backward_name='BlockDiagBackward0')
def _block_diag(tensors, shapes, origs, dtype):
    rows = sum(s[0] for s in shapes)
    cols = sum(s[1] for s in shapes)
    out = np.zeros_like(tensors[0], shape=(rows, cols), dtype=dtype)
    r = c = 0
    for a, (h, w) in zip(tensors, shapes):
        out[r:r + h, c:c + w] = np.reshape(a, (h, w))
        r, c = r + h, c + w
    return out


@_block_diag.vjp
def _(grad, shapes, origs, needs_input_grad):
    out = []
    r = c = 0
    for (h, w), orig, need in zip(shapes, origs, needs_input_grad):
        out.append(_narrow(_narrow(grad, 0, r, h), 1, c, w).reshape(orig) if need else None)
        r, c = r + h, c + w
    return out


def block_diag(*tensors) -> Tensor:
    """A block-diagonal matrix of the inputs (0-D and 1-D inputs count as 1 x n matrices)."""
    if not tensors:
        from .creation import empty
        return empty((1, 0))
    tensors = _tensor_list(tensors, 'block_diag')
    shapes = []
    for i, t in enumerate(tensors):
        s = t._data.shape
        if len(s) > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{len(s)} dimensions")
        shapes.append(s if len(s) == 2 else (1, s[0]) if s else (1, 1))
    dt, _ = _common_dtype(tensors)
    return _block_diag(tensors, tuple(shapes), tuple(t._data.shape for t in tensors), dt.np)


# ---------------------------------------------------------------------------------------------- grids / products
def meshgrid(*tensors, indexing: str | None = None) -> tuple:
    """Coordinate grids of the 1-D inputs: ``indexing='ij'`` (matrix) or ``'xy'`` (Cartesian, first two swapped)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = 'ij'
    if indexing not in ('ij', 'xy'):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    tensors = _tensor_list(tensors, 'meshgrid')
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    n = len(tensors)
    pos = list(range(n))
    if indexing == 'xy' and n >= 2:
        pos[0], pos[1] = 1, 0
    shape = [0] * n
    for t, p in zip(tensors, pos):
        shape[p] = t.numel()
    shape = tuple(shape)
    out = []
    for t, p in zip(tensors, pos):
        s = [1] * n
        s[p] = shape[p]
        out.append(_expand(reshape(t, tuple(s)), shape))
    return tuple(out)


def cartesian_prod(*tensors) -> Tensor:
    """The Cartesian product of 1-D tensors, one combination per row."""
    for t in tensors:
        if t._data.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {_shape_str(t._data.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing='ij')
    return stack([flatten(g) for g in grids], 1)


@primitive(name='index', backward_name='IndexBackward0')
def _take(x, index):
    return x[index]


@_take.vjp
def _(grad, x_shape, index):
    return _take_backward(grad, x_shape, index)


@primitive(backward_name='IndexBackwardBackward0')
def _take_backward(grad, shape, index):
    out = np.zeros_like(grad, shape=shape)
    np.add.at(out, index, grad)
    return out


@_take_backward.vjp
def _(gg, index):
    return _take(gg, index)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """All length-``r`` combinations of the elements of a 1-D tensor (like ``itertools.combinations``), one per row."""
    if input._data.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {_shape_str(input._data.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_empty((0,))
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.array(list(gen(range(input._data.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return _take(input, idx)


bind_methods({
    'repeat': repeat, 'tile': tile, 'repeat_interleave': repeat_interleave, 'flip': _flip_method, 'fliplr': fliplr,
    'flipud': flipud, 'roll': roll, 'rot90': rot90, 'tril': tril, 'triu': triu, 'tril_': tril_, 'triu_': triu_,
    'diag': diag, 'diagflat': diagflat, 'trace': trace,
})

__all__ = ['cat', 'concat', 'concatenate', 'stack', 'hstack', 'vstack', 'row_stack', 'dstack', 'column_stack',
           'tile', 'repeat_interleave', 'flip', 'fliplr', 'flipud', 'roll', 'rot90', 'tril', 'triu', 'diag',
           'diagflat', 'trace', 'block_diag', 'meshgrid', 'cartesian_prod', 'combinations']
