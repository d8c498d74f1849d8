"""In-place ops on views: how writing through a view rewrites the history of its base (PyTorch's CopySlices).

When ``v = b[1:]`` and then ``v.mul_(2)``, the base ``b`` has changed too, so gradients reaching ``b`` must flow
through the multiplication for the elements under ``v`` and straight through elsewhere. A view is described by
its geometry in the base's memory (element offset, shape, strides), which covers every view op at once.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.graph import leaf_edge
from ._primitive import PrimitiveNode, primitive

_wrap = Tensor._wrap


def geometry(view: Tensor, base: Tensor):
    """(offset, shape, strides) of ``view`` in elements of ``base``'s C-contiguous memory, or None."""
    b, v = base._data, view._data
    if not b.flags.c_contiguous or b.dtype != v.dtype:
        return None
    item = b.itemsize
    off = (v.__array_interface__['data'][0] - b.__array_interface__['data'][0]) if isinstance(b, np.ndarray) \
        else int(v.data.ptr - b.data.ptr)
    return off // item, v.shape, tuple(s // item for s in v.strides)


def _region(arr, geom):
    off, shape, strides = geom
    flat = arr.reshape(-1)
    item = arr.itemsize
    return np.lib.stride_tricks.as_strided(flat[off:], shape, tuple(s * item for s in strides))


@primitive(view=True, backward_name='AsStridedBackward0')
def as_strided_region(base, geom):
    """The elements of ``base`` that a view with geometry ``geom`` covers."""
    return _region(np.ascontiguousarray(base), geom)


@as_strided_region.vjp
def _(grad, base_shape, geom):
    zeros = _wrap(np.zeros(base_shape, grad.dtype.np), dtype=grad.dtype)
    return scatter_region(zeros, grad, geom)


@primitive(backward_name='CopySlices')
def scatter_region(base, src, geom):
    """A copy of ``base`` whose region ``geom`` holds ``src``."""
    out = np.array(base, copy=True, order='C')
    _region(out, geom)[...] = src
    return out


@scatter_region.vjp
def _(grad, src_shape, geom):
    zeros = _wrap(np.zeros(src_shape, grad.dtype.np), dtype=grad.dtype)
    return scatter_region(grad, zeros, geom), as_strided_region(grad, geom)


def rebase_view_history(view: Tensor, result: Tensor) -> bool:
    """After ``result`` (carrying the in-place op's graph) was written into ``view``, point the base's
    history at a CopySlices node and the view's at a fresh view of the base. False if the view's layout
    cannot be described (the caller then keeps the plain rebase)."""
    base = view._base
    geom = geometry(view, base)
    if geom is None:
        return False
    if base.grad_fn is None and base._requires_grad:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    node = PrimitiveNode()
    node.op = scatter_region
    node.next_functions = (leaf_edge(base), leaf_edge(result))
    node.meta = ((base._data.shape, base.dtype), (result._data.shape, result.dtype))
    node.positions = ((0, -1), (1, -1))
    node.n_out = 1
    node._out_meta = None
    node.saved = [result._data.shape, geom]
    base.grad_fn, base._out_nr, base._requires_grad = node, 0, True
    vnode = PrimitiveNode()
    vnode.op = as_strided_region
    vnode.next_functions = ((node, 0),)
    vnode.meta = ((base._data.shape, base.dtype),)
    vnode.positions = ((0, -1),)
    vnode.n_out = 1
    vnode._out_meta = None
    vnode.saved = [base._data.shape, geom]
    view.grad_fn, view._out_nr, view._requires_grad = vnode, 0, True
    return True
