"""Views and shape changes: view, reshape, expand, transpose, permute, squeeze, in-place reshapes and resize_.
The views that pick part of a tensor or split it (narrow, select, diagonal, unfold, as_strided, split, chunk,
unbind, ...) live in ``views`` and are re-exported here.

Ops declared with ``view=True`` return tensors that share memory and the version counter with their input
wherever PyTorch's do. A view's backward scatters the gradient into zeros of the input's shape through a
``*_backward`` primitive whose own backward is the view again, so every order of derivative works.
"""
from __future__ import annotations

import warnings

import numpy as np

from .._tensor import Tensor, Size, bind_methods, wrap_dim
from ..backend import xp_of
from ._primitive import primitive

_wrap = Tensor._wrap
_INTS = (int, np.integer)


def _shape_str(shape) -> str:
    return f"[{', '.join(map(str, shape))}]"


def _shape_arg(shape, fn: str) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    out = []
    for s in shape:
        if type(s) is not int:
            if isinstance(s, Tensor):
                s = s.__index__()
            if not isinstance(s, _INTS) or isinstance(s, bool):
                raise TypeError(f"{fn}(): argument 'size' must be tuple of ints, but found element of type "
                                f"{type(s).__name__} at pos {len(out)}")
            s = int(s)
        out.append(s)
    return tuple(out)


def _dims_arg(dims) -> tuple:
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    return tuple(d if type(d) is int else int(d.__index__()) for d in dims)


def infer_shape(shape: tuple, numel: int) -> tuple:
    """Resolve one -1 in ``shape`` and check the element count, with PyTorch's messages."""
    known = 1
    neg = -1
    for i, s in enumerate(shape):
        if s == -1:
            if neg >= 0:
                raise RuntimeError("only one dimension can be inferred")
            neg = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {_shape_str(shape)}")
        else:
            known *= s
    if neg >= 0:
        if known == 0:
            if numel == 0:
                raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {_shape_str(shape)} because the "
                                   f"unspecified dimension size -1 can be any value and is ambiguous")
            raise RuntimeError(f"shape '{_shape_str(shape)}' is invalid for input of size {numel}")
        if numel % known:
            raise RuntimeError(f"shape '{_shape_str(shape)}' is invalid for input of size {numel}")
        return shape[:neg] + (numel // known,) + shape[neg + 1:]
    if known != numel:
        raise RuntimeError(f"shape '{_shape_str(shape)}' is invalid for input of size {numel}")
    return shape


def _root(arr):
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return arr


def _overlaps(shape, strides) -> bool:
    """Whether two elements of a strided layout may share memory (a sufficient test for 'no': each stride clears
    the reach of all smaller ones)."""
    reach = 0
    for st, n in sorted((abs(st), n) for n, st in zip(shape, strides) if n > 1):
        if st <= reach:
            return True
        reach += (n - 1) * st
    return False


def _strided(x, shape: tuple, strides: tuple, start: int | None = None):
    """A view of ``x``'s memory with byte ``strides``; ``start`` is the byte offset of its first element from the
    start of x's storage (default: x's own first element). Keeps NumPy's base chain, so storage queries work.
    Views whose elements overlap are read-only: in-place writes through them would be order-dependent."""
    if isinstance(x, np.ndarray):
        root = _root(x)
        here = x.__array_interface__['data'][0] - root.__array_interface__['data'][0]
        if root.flags.c_contiguous or root.flags.f_contiguous:
            v = np.ndarray(shape, x.dtype, buffer=root, offset=here if start is None else start, strides=strides)
        elif start is None or start == here:
            v = np.lib.stride_tricks.as_strided(x, shape, strides)
        else:
            raise RuntimeError("as_strided: the storage of this tensor is not contiguous memory; clone it first")
        if v.flags.writeable and (not x.flags.writeable or _overlaps(shape, strides)):
            v.flags.writeable = False
        return v
    import cupy
    ptr = x.data if start is None else _root(x).data + start
    return cupy.ndarray(shape, x.dtype, memptr=ptr, strides=strides)


def _sub(v, x):
    """A piece of an expanded (read-only) array may be free of aliasing again; PyTorch lets such pieces be written."""
    if not v.flags.writeable and isinstance(v, np.ndarray) and _root(x).flags.writeable \
            and not _overlaps(v.shape, v.strides):
        v.flags.writeable = True
    return v


def _storage_offset(arr) -> int:
    root = _root(arr) if isinstance(arr, np.ndarray) else arr
    if root is arr:
        return 0
    return (arr.__array_interface__['data'][0] - root.__array_interface__['data'][0]) // arr.itemsize


# ---------------------------------------------------------------------------------------------- view / reshape
@primitive(view=True, name='view', backward_name='ViewBackward0')
def _view(x, shape):
    shape = infer_shape(shape, x.size)
    if x.flags.c_contiguous:
        return x.reshape(shape)
    try:
        if isinstance(x, np.ndarray):
            return np.reshape(x, shape, copy=False)
        v = x.view()
        v.shape = shape
        return v
    except (ValueError, AttributeError):
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one dimension "
                           "spans across two contiguous subspaces). Use .reshape(...) instead.") from None


@_view.vjp
def _(grad, x_shape):
    return grad.reshape(x_shape)


def view(self: Tensor, *shape) -> Tensor:
    """A view of this tensor with a new shape (the data must be laid out compatibly), or of a new dtype."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int, np.integer, Tensor)):
        if isinstance(shape[0], float):
            raise TypeError("view() received an invalid combination of arguments - got (float), but expected one "
                            "of: (torch.dtype dtype) or (tuple of ints size)")
        from .conversion import view_dtype
        return view_dtype(self, shape[0])
    return _view(self, _shape_arg(shape, 'view'))


@primitive(view=True, name='reshape', backward_name='ViewBackward0')
def _reshape(x, shape):
    return x.reshape(infer_shape(shape, x.size))


@_reshape.vjp
def _(grad, x_shape):
    return grad.reshape(x_shape)


def reshape(input: Tensor, *shape) -> Tensor:
    """``input`` with a new shape: a view when the layout allows, else a copy."""
    shape = _shape_arg(shape, 'reshape')
    if shape == input._data.shape and not input._requires_grad:
        return _alias(input)
    return _reshape(input, shape)


def _alias(x: Tensor) -> Tensor:
    t = _wrap(x._data, dtype=x.dtype)
    t._version_ctr = x._version_ctr
    t._base = x._base if x._base is not None else x
    return t


def view_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.view(other.size())``."""
    return _view(self, other._data.shape)


def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.reshape(other.size())``."""
    return reshape(self, other._data.shape)


def ravel(input: Tensor) -> Tensor:
    """A contiguous flattened tensor: a view when the input is contiguous, else a copy."""
    if not input._data.flags.c_contiguous:
        from .conversion import clone
        input = clone(input)
    return _view(input, (-1,))


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Flatten dimensions ``start_dim`` to ``end_dim`` into one."""
    nd = input._data.ndim
    s, e = wrap_dim(start_dim, nd), wrap_dim(end_dim, nd)
    if nd == 0:
        return reshape(input, (1,))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = input._data.shape
    n = 1
    for d in shape[s:e + 1]:
        n *= d
    return reshape(input, shape[:s] + (n,) + shape[e + 1:])


def unflatten(input: Tensor, dim: int, sizes) -> Tensor:
    """Expand dimension ``dim`` into the shape ``sizes`` (a view)."""
    shape = input._data.shape
    d = wrap_dim(dim, input._data.ndim)
    sizes = _shape_arg((sizes,), 'unflatten')
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        sizes = infer_shape(sizes, shape[d])
    except RuntimeError as e:
        if 'is invalid for input' in str(e):
            raise RuntimeError(f"unflatten: Provided sizes {_shape_str(sizes)} don't multiply up to the size of dim "
                               f"{dim} ({shape[d]}) in the input tensor") from None
        raise
    return _view(input, shape[:d] + sizes + shape[d + 1:])


# ---------------------------------------------------------------------------------------------- expand
@primitive(view=True, name='expand', backward_name='ExpandBackward0')
def _expand(x, shape):
    # Only a real broadcast (size 1 -> n) makes elements alias; those views are read-only, like PyTorch's
    # refusal to write into memory that several elements share.
    if x.size == _numel(shape):
        return x.reshape(shape)
    if isinstance(x, np.ndarray) and x.flags.c_contiguous:  # ~4x faster than np.broadcast_to
        lead = len(shape) - x.ndim
        st = x.strides
        strides = (0,) * lead + tuple(0 if n == 1 and m != 1 else st[i] for i, (n, m) in
                                      enumerate(zip(x.shape, shape[lead:])))
        v = np.ndarray(shape, x.dtype, buffer=x, strides=strides)
        v.flags.writeable = False
        return v
    return np.broadcast_to(x, shape)


@_expand.vjp
def _(grad, x_shape):
    return grad.sum_to_size(x_shape)


def _numel(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def _expand_shape(x: Tensor, shape: tuple) -> tuple:
    xs = x._data.shape
    nd = len(shape)
    lead = nd - len(xs)
    if lead < 0:
        raise RuntimeError(f"expand(torch.{x.dtype._legacy}Tensor{{{_shape_str(xs)}}}, size={_shape_str(shape)}): "
                           f"the number of sizes provided ({nd}) must be greater or equal to the number of "
                           f"dimensions in the tensor ({len(xs)})")
    if lead == 0 and shape == xs:
        return shape
    full = list(shape)
    for i, s in enumerate(shape):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            continue
        cur = xs[i - lead]
        if s == -1:
            full[i] = cur
        elif cur != 1 and s != cur or s < 0:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                               f"non-singleton dimension {i}.  Target sizes: {_shape_str(shape)}.  Tensor sizes: "
                               f"{_shape_str(xs)}")
    return tuple(full)


def expand(self: Tensor, *sizes) -> Tensor:
    """A view of this tensor with singleton dimensions expanded to a larger size (no copy); -1 keeps a size."""
    return _expand(self, _expand_shape(self, _shape_arg(sizes, 'expand')))


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.expand(other.size())``."""
    return _expand(self, _expand_shape(self, other._data.shape))


def broadcast_to(input: Tensor, size) -> Tensor:
    """``input`` broadcast to ``size`` (a view, like ``expand``)."""
    return _expand(input, _expand_shape(input, _shape_arg((size,), 'broadcast_to')))


def broadcast_shapes(*shapes) -> Size:
    """The shape that tensors of the given shapes broadcast to (without making any tensor)."""
    shapes = [(s,) if isinstance(s, _INTS) else tuple(s) for s in shapes]
    nd = max((len(s) for s in shapes), default=0)
    out = [1] * nd
    for s in shapes:
        for k, v in enumerate(s):
            if v < 0:
                raise ValueError("Attempting to broadcast a dimension with negative length!")
    for idx, s in enumerate(shapes):
        for k in range(1, len(s) + 1):
            v, cur = s[-k], out[-k]
            if v == cur or v == 1:
                continue
            if cur == 1:
                out[-k] = v
            else:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {v} at {-k}! Mismatching argument "
                                   f"at index {idx} had {tuple(s)}; but expected shape should be broadcastable to "
                                   f"{_shape_str(out)}")
    return Size(out)


def broadcast_tensors(*tensors) -> tuple:
    """Views of the tensors, all expanded to their common broadcast shape."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tensors[0]
    shape = ()
    for t in tensors:
        s = t._data.shape
        if s == shape:
            continue
        n = max(len(s), len(shape))
        a, b = (1,) * (n - len(shape)) + shape, (1,) * (n - len(s)) + s
        new = []
        for i, (p, q) in enumerate(zip(a, b)):
            if p != q and p != 1 and q != 1:
                raise RuntimeError(f"The size of tensor a ({p}) must match the size of tensor b ({q}) at "
                                   f"non-singleton dimension {i}")
            new.append(q if p == 1 else p)
        shape = tuple(new)
    return tuple(_expand(t, shape) for t in tensors)


# ---------------------------------------------------------------------------------------------- dimension order
@primitive(view=True)
def transpose(x, dim0, dim1):
    nd = x.ndim
    d0, d1 = wrap_dim(dim0, nd), wrap_dim(dim1, nd)
    if d0 == d1 or not nd:
        return x.view()
    return x.swapaxes(d0, d1)


@transpose.vjp
def _(grad, dim0, dim1):
    return transpose(grad, dim0, dim1)


transpose.__doc__ = "A view of ``input`` with dimensions ``dim0`` and ``dim1`` swapped."
swapaxes = swapdims = transpose


@primitive(view=True)
def permute(x, dims):
    nd = x.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the length "
                           f"of the desired ordering of dimensions i.e. input.dim() = {nd} is not equal to len(dims) "
                           f"= {len(dims)}")
    d = tuple(wrap_dim(i, nd) for i in dims)
    if len(set(d)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return x.transpose(d)


@permute.vjp
def _(grad, dims):
    nd = len(dims)
    inv = [0] * nd
    for k, i in enumerate(dims):
        inv[i % nd] = k
    return permute(grad, tuple(inv))


permute.__doc__ = "A view of ``input`` with its dimensions reordered as ``dims``."


def _permute_method(self: Tensor, *dims) -> Tensor:
    return permute(self, _dims_arg(dims))


def t(input: Tensor) -> Tensor:
    """Transpose a tensor of at most 2 dimensions (0-D and 1-D tensors are returned as views of themselves)."""
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    if nd == 2:
        return transpose(input, 0, 1)
    return _alias(input) if not input._requires_grad else _reshape(input, input._data.shape)


def movedim(input: Tensor, source, destination) -> Tensor:
    """A view of ``input`` with the dimensions in ``source`` moved to the positions in ``destination``."""
    nd = input._data.ndim
    src = (source,) if isinstance(source, _INTS) else tuple(source)
    dst = (destination,) if isinstance(destination, _INTS) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({_shape_str(src)} dims) should "
                           f"contain the same number of dims as destination ({_shape_str(dst)} dims)")
    s = [wrap_dim(d, nd) for d in src]
    e = [wrap_dim(d, nd) for d in dst]
    if len(set(s)) != len(s):
        raise RuntimeError(f"movedim: repeated dim in `source` ({_shape_str(src)})")
    if len(set(e)) != len(e):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({_shape_str(dst)})")
    order = [-1] * nd
    for a, b in zip(s, e):
        order[b] = a
    rest = iter(d for d in range(nd) if d not in s)
    perm = tuple(o if o >= 0 else next(rest) for o in order)
    return permute(input, perm)


moveaxis = movedim


def _T(self: Tensor) -> Tensor:
    nd = self._data.ndim
    if nd == 0:
        warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.",
                      UserWarning, stacklevel=2)
    elif nd != 2:
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and "
                      "it will throw an error in a future release. Consider `x.mT` to transpose batches of matrices "
                      "or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.",
                      UserWarning, stacklevel=2)
    return permute(self, tuple(range(nd - 1, -1, -1)))


def _mT(self: Tensor) -> Tensor:
    if self._data.ndim < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got "
                           f"{self._data.ndim}-D tensor.")
    return transpose(self, -2, -1)


def _conj_transpose(self: Tensor, what: str) -> Tensor:
    if self._data.ndim < 2:
        raise RuntimeError(f"{what} is only supported on matrices or batches of matrices. Got "
                           f"{self._data.ndim}-D tensor.")
    r = transpose(self, -2, -1)
    return r.conj() if r.is_complex() else r


def _mH(self: Tensor) -> Tensor:
    if self._data.ndim == 0:
        warnings.warn("Tensor.mH is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
        return self.conj() if self.is_complex() else _alias(self)
    return _conj_transpose(self, 'tensor.mH')


def _H(self: Tensor) -> Tensor:
    nd = self._data.ndim
    if nd == 0:
        warnings.warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().", UserWarning, stacklevel=2)
        return self.conj() if self.is_complex() else _alias(self)
    if nd != 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {nd}-D tensor."
                           + (" For batches of matrices, consider using tensor.mH" if nd > 2 else ""))
    return _conj_transpose(self, 'tensor.H')


def adjoint(input: Tensor) -> Tensor:
    """The conjugate transpose of the last two dimensions (a view)."""
    return _conj_transpose(input, 'tensor.adjoint()')


# ---------------------------------------------------------------------------------------------- (un)squeeze
@primitive(view=True)
def unsqueeze(x, dim):
    return x[(slice(None),) * wrap_dim(dim, x.ndim + 1) + (None,)]


@unsqueeze.vjp
def _(grad, dim):
    return _squeeze(grad, dim)


unsqueeze.__doc__ = "A view of ``input`` with a dimension of size one inserted at ``dim``."


@primitive(view=True, name='squeeze', backward_name='SqueezeBackward0')
def _squeeze(x, dim=None):
    if dim is None:
        return x.squeeze()
    nd = x.ndim
    if isinstance(dim, _INTS):
        d = wrap_dim(dim, nd)
        return x.squeeze(d) if nd and x.shape[d] == 1 else x.view()
    dims = [wrap_dim(int(i), nd) for i in dim]
    for k, d in enumerate(dims):
        if d in dims[:k]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    dims = tuple(d for d in dims if nd and x.shape[d] == 1)
    return x.squeeze(dims) if dims else x.view()


@_squeeze.vjp
def _(grad, x_shape):
    return grad.reshape(x_shape)


def squeeze(input: Tensor, dim=None) -> Tensor:
    """Remove dimensions of size 1 (all of them, or those in ``dim``, an int or a tuple)."""
    return _squeeze(input, dim)


def atleast_1d(*tensors):
    """Each input with at least one dimension (0-D tensors become views of shape (1,))."""
    return _atleast(tensors, lambda t: t if t._data.ndim >= 1 else reshape(t, (1,)))


def atleast_2d(*tensors):
    """Each input with at least two dimensions (views)."""
    def f(t):
        nd = t._data.ndim
        return t if nd >= 2 else unsqueeze(t, 0) if nd == 1 else reshape(t, (1, 1))
    return _atleast(tensors, f)


def atleast_3d(*tensors):
    """Each input with at least three dimensions: (n,) -> (1, n, 1), (m, n) -> (m, n, 1) (views)."""
    def f(t):
        nd = t._data.ndim
        if nd >= 3:
            return t
        s = t._data.shape
        return reshape(t, (1, 1, 1) if nd == 0 else (1, s[0], 1) if nd == 1 else s + (1,))
    return _atleast(tensors, f)


def _atleast(tensors, f):
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return f(tensors[0])
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tensors[0]
    return tuple(f(t) for t in tensors)




# ------------------------------------------------------------------------------------- in-place shape changes
def _become_view(x: Tensor, res: Tensor) -> Tensor:
    """Make ``x`` itself the view ``res`` of its old self: same memory, new shape, res's history."""
    from ._primitive import check_inplace
    check_inplace(x)
    x._data = res._data
    if res.grad_fn is not None:
        x.grad_fn, x._out_nr = res.grad_fn, res._out_nr
    x._version_ctr.value += 1
    return x


def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    """Insert a dimension of size one at ``dim``, in place."""
    return _become_view(self, unsqueeze(self, dim))


def squeeze_(self: Tensor, dim=None) -> Tensor:
    """Remove dimensions of size one (all, or those in ``dim``), in place."""
    return _become_view(self, _squeeze(self, dim))


def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap dimensions ``dim0`` and ``dim1``, in place."""
    return _become_view(self, transpose(self, dim0, dim1))


def t_(self: Tensor) -> Tensor:
    """``t()`` in place."""
    return _become_view(self, t(self))


def _storage_tail(arr) -> tuple:
    """The memory from ``arr``'s first element to the end of its root allocation, as (root, offset, length)."""
    root = arr
    while isinstance(root.base, type(arr)):
        root = root.base
    if not root.flags.c_contiguous:
        return None, 0, 0
    offset = (arr.__array_interface__['data'][0] - root.__array_interface__['data'][0]) // arr.itemsize \
        if arr.size and root.size else 0
    return root, offset, root.size - offset


def resize_(self: Tensor, *sizes, memory_format=None) -> Tensor:
    """Give this tensor the shape ``sizes`` over its storage (elements in storage order); grow the storage, keeping
    its contents, when it is too small (new elements are uninitialised)."""
    shape = _shape_arg(sizes, 'resize_')
    if any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {_shape_str(shape)}")
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    n = int(np.prod(shape, dtype=np.int64))
    arr = self._data
    root, offset, avail = _storage_tail(arr) if isinstance(arr, np.ndarray) else (None, 0, 0)
    if root is not None and n <= avail:
        self._data = root.reshape(-1)[offset:offset + n].reshape(shape)
    else:
        flat = arr.reshape(-1)
        data = xp_of(arr).zeros(max(n, flat.size), dtype=arr.dtype)
        data[:flat.size] = flat
        self._data = data[:n].reshape(shape)
    self._version_ctr.value += 1
    return self


def resize_as_(self: Tensor, the_template: Tensor, memory_format=None) -> Tensor:
    """``resize_`` to the shape of ``the_template``."""
    return resize_(self, the_template._data.shape)


def resize(self: Tensor, *sizes) -> Tensor:
    """Deprecated out-of-place ``resize_``: a new tensor over the same storage (with autograd, only a reshape)."""
    warnings.warn("non-inplace resize is deprecated")
    shape = _shape_arg(sizes, 'resize')
    if self._requires_grad:
        n = int(np.prod(shape, dtype=np.int64))
        if n != self._data.size:
            raise RuntimeError(f"requested resize to {'x'.join(map(str, shape))} ({n} elements in total), but the "
                               f"given tensor has a size of {'x'.join(map(str, self._data.shape))} "
                               f"({self._data.size} elements). autograd's resize can only change the shape of a "
                               f"given tensor, while preserving the number of elements. ")
        return reshape(self, shape)
    return resize_(_wrap(self._data, dtype=self.dtype), shape)


bind_methods({
    'view': view, 'reshape': reshape, 'view_as': view_as, 'reshape_as': reshape_as, 'ravel': ravel,
    'flatten': flatten, 'unflatten': unflatten, 'expand': expand, 'expand_as': expand_as,
    'broadcast_to': broadcast_to, 'transpose': transpose, 'swapaxes': transpose, 'swapdims': transpose,
    'permute': _permute_method, 't': t, 'movedim': movedim, 'moveaxis': movedim, 'adjoint': adjoint,
    'unsqueeze': unsqueeze, 'squeeze': squeeze, 'unsqueeze_': unsqueeze_, 'squeeze_': squeeze_,
    'transpose_': transpose_, 'swapaxes_': transpose_, 'swapdims_': transpose_, 't_': t_, 'resize_': resize_,
    'resize_as_': resize_as_, 'resize': resize,
    'T': property(_T), 'mT': property(_mT), 'mH': property(_mH), 'H': property(_H),
})

# The part-picking views live in ``views`` (which imports this module's helpers, hence the import down here);
# they stay importable from here, private primitives included (``joining`` uses them).
from .views import (_diagonal, _diagonal_backward, _narrow, as_strided, chunk, diag_embed, diagonal,  # noqa: E402,F401
                    dsplit, hsplit, narrow, select, split, split_with_sizes, tensor_split, unbind, unfold, vsplit)

__all__ = ['reshape', 'ravel', 'flatten', 'unflatten', 'broadcast_to', 'broadcast_shapes', 'broadcast_tensors',
           'transpose', 'swapaxes', 'swapdims', 'permute', 't', 'movedim', 'moveaxis', 'adjoint', 'unsqueeze',
           'squeeze', 'atleast_1d', 'atleast_2d', 'atleast_3d', 'narrow', 'select', 'diagonal', 'diag_embed',
           'as_strided', 'split', 'split_with_sizes', 'chunk', 'unbind', 'tensor_split', 'hsplit', 'vsplit', 'dsplit']
