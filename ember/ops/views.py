"""Views that pick part of a tensor or cut it into pieces: narrow, select, diagonal, diag_embed, unfold, as_strided,
and the split family (split, chunk, unbind, tensor_split, hsplit/vsplit/dsplit).

Like the views in ``shape``, each backward scatters the gradient into zeros of the input's shape through a
``*_backward`` primitive whose own backward is the view again, so every order of derivative works.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, bind_methods, wrap_dim
from ._primitive import Primitive, primitive, _mark_view
from .shape import _INTS, _root, _shape_arg, _shape_str, _storage_offset, _strided, _sub, reshape


# ---------------------------------------------------------------------------------------------- narrow / select
@primitive(view=True, name='narrow', backward_name='SliceBackward0')
def _narrow(x, dim, start, length):
    return _sub(x[(slice(None),) * dim + (slice(start, start + length),)], x)


@_narrow.vjp
def _(grad, x_shape, dim, start):
    return _narrow_backward(grad, x_shape, dim, start)


@primitive(backward_name='SliceBackwardBackward0')
def _narrow_backward(grad, shape, dim, start):
    out = np.zeros_like(grad, shape=shape)
    out[(slice(None),) * dim + (slice(start, start + grad.shape[dim]),)] = grad
    return out


@_narrow_backward.vjp
def _(gg, grad_shape, dim, start):
    return _narrow(gg, dim, start, grad_shape[dim])


def narrow(input: Tensor, dim: int, start, length: int) -> Tensor:
    """A view of ``input`` along ``dim`` from ``start`` (an int or 0-dim integer tensor) for ``length`` elements."""
    nd = input._data.ndim
    if nd == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if isinstance(start, Tensor):
        if start._data.ndim or start.dtype.category > 1:
            raise RuntimeError("start must be an 0-dim integral Tensor.")
        start = int(start.item())
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    d = wrap_dim(dim, nd)
    size = input._data.shape[d]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return _narrow(input, d, int(start), int(length))


@primitive(view=True, name='select', backward_name='SelectBackward0')
def _select(x, dim, index):
    # The trailing Ellipsis makes NumPy return a 0-d view instead of a scalar copy.
    return _sub(x[(slice(None),) * dim + (index, Ellipsis)], x)


@_select.vjp
def _(grad, x_shape, dim, index):
    return _select_backward(grad, x_shape, dim, index)


@primitive(backward_name='SelectBackwardBackward0')
def _select_backward(grad, shape, dim, index):
    out = np.zeros_like(grad, shape=shape)
    out[(slice(None),) * dim + (index,)] = grad
    return out


@_select_backward.vjp
def _(gg, dim, index):
    return _select(gg, dim, index)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """A view of ``input`` at ``index`` along ``dim``, with that dimension removed."""
    nd = input._data.ndim
    if nd == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, nd)
    size = input._data.shape[d]
    index = int(index)
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {_shape_str(input._data.shape)} at "
                         f"dimension {dim}")
    return _select(input, d, index + size if index < 0 else index)


# ---------------------------------------------------------------------------------------------- diagonal
def _diag_view(x, offset, d1, d2):
    v = np.diagonal(x, offset, d1, d2)
    if isinstance(v, np.ndarray) and x.flags.writeable:
        v.flags.writeable = True  # PyTorch's diagonal is a writable view (``x.diagonal().zero_()``)
    return v


@primitive(view=True, name='diagonal', backward_name='DiagonalBackward0')
def _diagonal(x, offset, dim1, dim2):
    return _diag_view(x, offset, dim1, dim2)


@_diagonal.vjp
def _(grad, x_shape, offset, dim1, dim2):
    return _diagonal_backward(grad, x_shape, offset, dim1, dim2)


@primitive(backward_name='DiagonalBackwardBackward0')
def _diagonal_backward(grad, shape, offset, dim1, dim2):
    out = np.zeros_like(grad, shape=shape)
    _diag_view(out, offset, dim1, dim2)[...] = grad
    return out


@_diagonal_backward.vjp
def _(gg, offset, dim1, dim2):
    return _diagonal(gg, offset, dim1, dim2)


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """A view of the diagonal (``offset`` above the main one) of the planes spanned by ``dim1`` and ``dim2``;
    the diagonal becomes the last dimension."""
    nd = input._data.ndim
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return _diagonal(input, int(offset), d1, d2)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """A tensor whose diagonals (planes ``dim1``, ``dim2``) are filled by the last dimension of ``input``."""
    nd = input._data.ndim + 1
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    shape = list(input._data.shape)
    n = shape.pop() + abs(offset)
    for p in sorted((d1, d2)):
        shape.insert(p, n)
    return _diagonal_backward(input, tuple(shape), int(offset), d1, d2)


# ---------------------------------------------------------------------------------------------- unfold / as_strided
@primitive(view=True, name='unfold', backward_name='UnfoldBackward0')
def _unfold(x, dim, size, step):
    if x.ndim == 0:
        return np.reshape(x, (1,))[:size]
    n = (x.shape[dim] - size) // step + 1
    st = x.strides
    shape = x.shape[:dim] + (n,) + x.shape[dim + 1:] + (size,)
    strides = st[:dim] + (st[dim] * step,) + st[dim + 1:] + (st[dim],)
    return _strided(x, shape, strides)


@_unfold.vjp
def _(grad, x_shape, dim, size, step):
    return _unfold_backward(grad, x_shape, dim, size, step)


@primitive(backward_name='UnfoldBackwardBackward0')
def _unfold_backward(grad, shape, dim, size, step):
    out = np.zeros_like(grad, shape=shape)
    if not shape:
        if size:
            out[...] = grad[0]
        return out
    n = grad.shape[dim]
    pre = (slice(None),) * dim
    if size <= n:  # loop over the shorter of window length and window count
        for k in range(size):
            out[pre + (slice(k, k + step * (n - 1) + 1, step),)] += grad[..., k]
    else:
        for j in range(n):
            out[pre + (slice(j * step, j * step + size),)] += np.moveaxis(grad[pre + (j,)], -1, dim)
    return out


@_unfold_backward.vjp
def _(gg, dim, size, step):
    return _unfold(gg, dim, size, step)


def unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """A view of all windows of ``size`` elements, ``step`` apart, along ``dimension`` (a new last dimension)."""
    nd = self._data.ndim
    d = wrap_dim(dimension, nd)
    length = self._data.shape[d] if nd else 1
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {length} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return _unfold(self, d, int(size), int(step))


def _positions(shape, strides, offset):
    """Storage positions (in elements) of every element of a strided layout."""
    pos = np.full(shape, offset, dtype=np.int64)
    for k, (n, s) in enumerate(zip(shape, strides)):
        pos += (np.arange(n, dtype=np.int64) * s).reshape((n,) + (1,) * (len(shape) - k - 1))
    return pos


@primitive(view=True, name='as_strided', backward_name='AsStridedBackward0')
def _as_strided(x, size, stride, storage_offset, x_stride, x_offset):
    item = x.itemsize
    return _strided(x, size, tuple(s * item for s in stride), start=storage_offset * item)


@_as_strided.vjp
def _(grad, x_shape, x_stride, x_offset, stride, storage_offset):
    return _strided_transfer(grad, stride, storage_offset, x_shape, x_stride, x_offset)


@primitive(backward_name='AsStridedBackwardBackward0')
def _strided_transfer(g, src_stride, src_offset, dst_shape, dst_stride, dst_offset):
    # Sum g into the storage positions it was read from, then read the positions of the destination layout.
    src = _positions(g.shape, src_stride, src_offset)
    dst = _positions(dst_shape, dst_stride, dst_offset)
    n = int(max(src.max(initial=-1), dst.max(initial=-1))) + 1
    store = np.zeros_like(g, shape=(n,))
    np.add.at(store, src.reshape(-1), g.reshape(-1))
    return store[dst]


@_strided_transfer.vjp
def _(gg, g_shape, src_stride, src_offset, dst_stride, dst_offset):
    return _strided_transfer(gg, dst_stride, dst_offset, g_shape, src_stride, src_offset)


def as_strided(input: Tensor, size, stride, storage_offset: int | None = None) -> Tensor:
    """A view of ``input``'s storage with the given size, stride (in elements) and storage offset."""
    size, stride = _shape_arg((size,), 'as_strided'), _shape_arg((stride,), 'as_strided')
    arr = input._data
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: "
                           f"{_shape_str(stride)}")
    if any(s < 0 for s in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {_shape_str(size)}")
    x_offset = _storage_offset(arr)
    offset = x_offset if storage_offset is None else int(storage_offset)
    item = arr.itemsize
    root = _root(arr) if isinstance(arr, np.ndarray) else arr
    need = (offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))) * item if 0 not in size else 0
    if need > root.nbytes:
        raise RuntimeError(f"setStorage: sizes {_shape_str(size)}, strides {_shape_str(stride)}, storage offset "
                           f"{offset}, and itemsize {item} requiring a storage size of {need} are out of bounds for "
                           f"storage of size {root.nbytes}")
    x_stride = tuple(s // item for s in arr.strides)
    return _as_strided(input, size, stride, offset, x_stride, x_offset)


# ---------------------------------------------------------------------------------------------- split family
_SPLITS: dict = {}


def _split_op(n: int, unbind: bool) -> Primitive:
    """The ``n``-output split (or unbind) primitive; its backward concatenates (stacks) the output gradients."""
    op = _SPLITS.get((n, unbind))
    if op is not None:
        return op
    if unbind:
        def fwd(x, dim):
            pre = (slice(None),) * dim
            return [_sub(x[pre + (i, Ellipsis)], x) for i in range(n)]

        def bwd(grad, dim):
            from .joining import stack
            return stack(list(grad), dim)
    else:
        def fwd(x, sizes, dim):
            pre = (slice(None),) * dim
            out, o = [], 0
            for s in sizes:
                out.append(_sub(x[pre + (slice(o, o + s),)], x))
                o += s
            return out

        def bwd(grad, dim):
            from .joining import cat
            return cat(list(grad), dim)
    name = 'unbind' if unbind else 'split'
    op = Primitive(fwd, name=name, n_out=n, backward_name=_camel(name) + 'Backward0')
    op.vjp(bwd)
    _SPLITS[(n, unbind)] = op
    return op


def _camel(name: str) -> str:
    return name[:1].upper() + name[1:]


def _run_split(input: Tensor, sizes: list, d: int) -> tuple:
    if len(sizes) == 1:
        return (_narrow(input, d, 0, sizes[0]),)
    outs = _split_op(len(sizes), False)(input, tuple(sizes), d)
    for o in outs:
        _mark_view(o, input)
    return outs


def _need_dim(input: Tensor, what: str) -> int:
    nd = input._data.ndim
    if nd == 0:
        raise RuntimeError(f"{what} expects at least a 1-dimensional tensor")
    return nd


def split(tensor: Tensor, split_size_or_sections, dim: int = 0) -> tuple:
    """Split into views of ``split_size`` elements along ``dim`` (the last may be smaller), or of the given sizes."""
    nd = _need_dim(tensor, 'split')
    d = wrap_dim(dim, nd)
    n = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(s) for s in split_size_or_sections]
        if any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got "
                               f"split_sizes={_shape_str(sizes)}")
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                               f"dimension {dim}), but got split_sizes={_shape_str(sizes)}")
        if not sizes:
            return ()
        return _run_split(tensor, sizes, d)
    size = int(split_size_or_sections)
    if size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
    if size == 0 and n:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
    if n == 0:
        return (_narrow(tensor, d, 0, 0),)
    sizes = [size] * (n // size) + ([n % size] if n % size else [])
    return _run_split(tensor, sizes, d)


def split_with_sizes(input: Tensor, split_sizes, dim: int = 0) -> tuple:
    return split(input, list(split_sizes), dim)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Split into ``chunks`` views of equal size (the last may be smaller; there may be fewer than ``chunks``)."""
    nd = _need_dim(input, 'chunk')
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = wrap_dim(dim, nd)
    n = input._data.shape[d]
    if n == 0:
        return tuple(_narrow(input, d, 0, 0) for _ in range(chunks))
    return split(input, -(-n // chunks), d)


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """Views of every slice of ``input`` along ``dim``, with that dimension removed."""
    nd = input._data.ndim
    if nd == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, nd)
    n = input._data.shape[d]
    if n == 0:
        return ()
    if n == 1:
        return (_select(input, d, 0),)
    outs = _split_op(n, True)(input, d)
    for o in outs:
        _mark_view(o, input)
    return outs


def tensor_split(input: Tensor, indices_or_sections, dim: int = 0) -> tuple:
    """Split into ``sections`` near-equal views, or at the given ``indices``, along ``dim``."""
    nd = input._data.ndim
    if nd == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    if isinstance(indices_or_sections, Tensor):
        t = indices_or_sections
        if t.dtype.name != 'int64':
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have dtype of long, but got "
                               f"{t.dtype._legacy}")
        if t._data.ndim > 1:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {t._data.ndim} dims")
        indices_or_sections = t.item() if t._data.ndim == 0 else t.tolist()
    d = wrap_dim(dim, nd)
    n = input._data.shape[d]
    if isinstance(indices_or_sections, (list, tuple)):
        bounds = [0] + [min(max(int(i), 0) if i >= 0 else max(int(i) + n, 0), n) for i in indices_or_sections] + [n]
        return tuple(_narrow(input, d, a, max(b - a, 0)) for a, b in zip(bounds[:-1], bounds[1:]))
    k = int(indices_or_sections)
    if k <= 0:
        raise RuntimeError(f"number of sections must be larger than 0, got {k}")
    q, r = divmod(n, k)
    sizes = [q + 1] * r + [q] * (k - r)
    return _run_split(input, sizes, d)


def _split_dims(input: Tensor, sections, dim: int, name: str) -> tuple:
    if isinstance(sections, _INTS):
        n = input._data.shape[dim]
        if sections == 0 or n % sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension "
                               f"{n} is not divisible by the split_size {sections}!")
    return tensor_split(input, sections, dim)


def hsplit(input: Tensor, indices_or_sections) -> tuple:
    """``tensor_split`` along dimension 1 (0 for 1-D tensors)."""
    nd = input._data.ndim
    if nd == 0:
        raise RuntimeError(f"torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with {nd} "
                           f"dimensions!")
    return _split_dims(input, indices_or_sections, 1 if nd > 1 else 0, 'hsplit')


def vsplit(input: Tensor, indices_or_sections) -> tuple:
    """``tensor_split`` along dimension 0 of a tensor with at least 2 dimensions."""
    nd = input._data.ndim
    if nd < 2:
        raise RuntimeError(f"torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with {nd} "
                           f"dimensions!")
    return _split_dims(input, indices_or_sections, 0, 'vsplit')


def dsplit(input: Tensor, indices_or_sections) -> tuple:
    """``tensor_split`` along dimension 2 of a tensor with at least 3 dimensions."""
    nd = input._data.ndim
    if nd < 3:
        raise RuntimeError(f"torch.dsplit requires a tensor with at least 3 dimension, but got a tensor with {nd} "
                           f"dimensions!")
    return _split_dims(input, indices_or_sections, 2, 'dsplit')


bind_methods({
    'narrow': narrow, 'select': select, 'diagonal': diagonal, 'diag_embed': diag_embed, 'unfold': unfold,
    'as_strided': as_strided, 'split': split, 'split_with_sizes': split_with_sizes, 'chunk': chunk, 'unbind': unbind,
    'tensor_split': tensor_split, 'hsplit': hsplit, 'vsplit': vsplit, 'dsplit': dsplit,
})

__all__ = ['narrow', 'select', 'diagonal', 'diag_embed', 'as_strided', 'split', 'split_with_sizes', 'chunk', 'unbind',
           'tensor_split', 'hsplit', 'vsplit', 'dsplit']
