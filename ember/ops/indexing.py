"""Indexing: ``where``, ``tensor[...]`` get and set, gather/scatter and the index_* family."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, bind_methods
from ._primitive import primitive, result_type


@primitive(operands=('x', 'y'))
def _where(cond, x, y):
    return np.where(cond, x, y)


_where.name, _where.backward_name = 'where', 'WhereBackward0'


@_where.vjp
def _(grad, cond):
    z = grad * 0
    return None, where(cond, grad, z), where(cond, z, grad)


def where(condition: Tensor, input=None, other=None, *, out=None):
    """Elements of ``input`` where ``condition`` holds, else of ``other``; with one argument, ``nonzero``."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if condition.dtype is not D.bool_:
        if condition.dtype is D.uint8:
            condition = condition.bool()
        else:
            raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                               f"{condition.dtype._legacy}")
    rt = result_type([input, other])
    a = input.to(rt) if isinstance(input, Tensor) else Tensor._wrap(np.asarray(input, dtype=rt.np))
    b = other.to(rt) if isinstance(other, Tensor) else Tensor._wrap(np.asarray(other, dtype=rt.np))
    return _where(condition, a, b)


bind_methods({'where': lambda self, condition, other: where(condition, self, other)})

__all__ = ['where']
