"""Views and shape changes: view, reshape, expand, transpose, permute, squeeze, unsqueeze, flatten, ...

Ops declared with ``view=True`` return tensors that share memory and the version counter with their
input wherever PyTorch's do.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, bind_methods, wrap_dim
from ._primitive import primitive


def _shape_arg(shape, fn: str) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    out = []
    for s in shape:
        if isinstance(s, Tensor):
            s = int(s)
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"{fn}(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(s).__name__} at pos {len(out)}")
        out.append(int(s))
    return tuple(out)


def infer_shape(shape: tuple, numel: int) -> tuple:
    """Resolve one -1 in ``shape`` and check the element count, with PyTorch's messages."""
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for s in shape:
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
        shape = shape[:neg[0]] + (numel // known,) + shape[neg[0] + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}")
    return shape


@primitive(view=True)
def _view(x, shape):
    shape = infer_shape(shape, x.size)
    v = x.view()
    try:
        v.shape = shape
    except AttributeError:
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one dimension "
                           "spans across two contiguous subspaces). Use .reshape(...) instead.") from None
    return v


_view.name, _view.backward_name = 'view', 'ViewBackward0'


@_view.vjp
def _(grad, x_shape):
    return grad.reshape(x_shape)


def view(self: Tensor, *shape) -> Tensor:
    """A view of this tensor with a new shape (the data must be laid out compatibly), or of a new dtype."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int, np.integer, Tensor)):
        from .conversion import view_dtype
        return view_dtype(self, shape[0])
    return _view(self, _shape_arg(shape, 'view'))


@primitive(view=True)
def _reshape(x, shape):
    return np.reshape(x, infer_shape(shape, x.size))


_reshape.name, _reshape.backward_name = 'reshape', 'ViewBackward0'


@_reshape.vjp
def _(grad, x_shape):
    return grad.reshape(x_shape)


def reshape(input: Tensor, *shape) -> Tensor:
    """``input`` with a new shape: a view when the layout allows, else a copy."""
    shape = _shape_arg(shape, 'reshape')
    if shape == input._data.shape:
        return _reshape(input, shape) if input._requires_grad else _alias(input)
    return _reshape(input, shape)


def _alias(x: Tensor) -> Tensor:
    t = Tensor._wrap(x._data, dtype=x.dtype)
    t._version_ctr = x._version_ctr
    t._base = x._base if x._base is not None else x
    return t


def view_as(self: Tensor, other: Tensor) -> Tensor:
    return view(self, other.shape)


def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    return reshape(self, other.shape)


@primitive(view=True)
def _expand(x, shape):
    nd = len(shape)
    if nd < x.ndim:
        raise RuntimeError(f"expand(torch.FloatTensor{{[{', '.join(map(str, x.shape))}]}}, size=[{', '.join(map(str, shape))}]): "
                           f"the number of sizes provided ({nd}) must be greater or equal to the number of "
                           f"dimensions in the tensor ({x.ndim})")
    lead = nd - x.ndim
    full = []
    for i, s in enumerate(shape):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            full.append(s)
            continue
        cur = x.shape[i - lead]
        if s == -1:
            s = cur
        elif cur != 1 and s != cur:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                               f"non-singleton dimension {i}.  Target sizes: [{', '.join(map(str, shape))}].  Tensor "
                               f"sizes: [{', '.join(map(str, x.shape))}]")
        full.append(s)
    return np.broadcast_to(x, tuple(full))


_expand.name, _expand.backward_name = 'expand', 'ExpandBackward0'


@_expand.vjp
def _(grad, x_shape):
    return grad.sum_to_size(x_shape)


def expand(self: Tensor, *sizes) -> Tensor:
    """A view of this tensor with singleton dimensions expanded to a larger size (no copy)."""
    return _expand(self, _shape_arg(sizes, 'expand'))


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    return _expand(self, tuple(other.shape))


@primitive(view=True)
def transpose(x, dim0, dim1):
    d0, d1 = wrap_dim(dim0, x.ndim), wrap_dim(dim1, x.ndim)
    return np.swapaxes(x, d0, d1)


@transpose.vjp
def _(grad, dim0, dim1):
    return grad.transpose(dim0, dim1)


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
    return np.transpose(x, d)


@permute.vjp
def _(grad, dims):
    nd = len(dims)
    d = [i % nd if nd else 0 for i in dims]
    return grad.permute(tuple(int(i) for i in np.argsort(d)))


def _permute_method(self: Tensor, *dims) -> Tensor:
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    return permute(self, tuple(dims))


def t(input: Tensor) -> Tensor:
    """Transpose a tensor of at most 2 dimensions."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else _alias(input) if not input._requires_grad \
        else _reshape(input, input._data.shape)


@primitive(view=True)
def unsqueeze(x, dim):
    return np.expand_dims(x, wrap_dim(dim, x.ndim + 1))


@unsqueeze.vjp
def _(grad, dim):
    return grad.squeeze(dim)


@primitive(view=True)
def _squeeze(x, dim=None):
    if dim is None:
        return np.squeeze(x)
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    dims = tuple(d for d in (wrap_dim(int(i), x.ndim) for i in dims) if x.shape[d] == 1) if x.ndim else ()
    return np.squeeze(x, axis=dims) if dims else x.view()


_squeeze.name, _squeeze.backward_name = 'squeeze', 'SqueezeBackward0'


@_squeeze.vjp
def _(grad, x_shape):
    return grad.reshape(x_shape)


def squeeze(input: Tensor, dim=None) -> Tensor:
    """Remove dimensions of size 1 (all of them, or those in ``dim``)."""
    return _squeeze(input, dim)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Flatten dimensions ``start_dim`` to ``end_dim`` into one."""
    nd = input.ndim
    if nd == 0:
        return reshape(input, (1,))
    s, e = wrap_dim(start_dim, nd), wrap_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input if not input._requires_grad else reshape(input, input._data.shape)
    shape = input._data.shape
    n = 1
    for d in shape[s:e + 1]:
        n *= d
    return reshape(input, shape[:s] + (n,) + shape[e + 1:])


def _T(self: Tensor) -> Tensor:
    return permute(self, tuple(range(self.ndim - 1, -1, -1)))


def _mT(self: Tensor) -> Tensor:
    if self.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return transpose(self, -2, -1)


def _mH(self: Tensor) -> Tensor:
    r = _mT(self)
    return r.conj() if r.is_complex() else r


bind_methods({
    'view': view, 'reshape': reshape, 'view_as': view_as, 'reshape_as': reshape_as, 'expand': expand,
    'expand_as': expand_as, 'transpose': transpose, 'swapaxes': transpose, 'swapdims': transpose,
    'permute': _permute_method, 't': t, 'unsqueeze': unsqueeze, 'squeeze': squeeze, 'flatten': flatten,
    'T': property(_T), 'mT': property(_mT), 'mH': property(_mH), 'H': property(lambda self: _mH(self)),
})

__all__ = ['reshape', 'transpose', 'swapaxes', 'swapdims', 'permute', 't', 'unsqueeze', 'squeeze', 'flatten']
