"""Comparisons and logic: eq, ne, lt, le, gt, ge (bool results), equal, allclose, isclose, logical_*, bitwise_*."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, bind_methods
from ._primitive import primitive, inplace
from .arithmetic import _binary


def _cmp(name, ufunc):
    @primitive(promote='same', differentiable=False)
    def op(x, y):
        return _binary(name, ufunc, x, y)
    op.name = op.__name__ = name
    return op


eq = _cmp('eq', np.equal)
ne = _cmp('ne', np.not_equal)
lt = _cmp('lt', np.less)
le = _cmp('le', np.less_equal)
gt = _cmp('gt', np.greater)
ge = _cmp('ge', np.greater_equal)
less, less_equal, greater, greater_equal, not_equal = lt, le, gt, ge, ne


def _op_method(op):
    def method(self, other):
        if not isinstance(other, (Tensor, bool, int, float, complex, np.generic, np.ndarray)):
            return NotImplemented
        return op(self, other)
    return method


def _inplace_cmp(op):
    def method(self, other):
        r = op(self, other)
        self._data[...] = r._data
        self._version_ctr.value += 1
        return self
    return method


_CMP = {'eq': eq, 'ne': ne, 'lt': lt, 'le': le, 'gt': gt, 'ge': ge, 'less': lt, 'less_equal': le, 'greater': gt,
        'greater_equal': ge, 'not_equal': ne}
bind_methods(_CMP)
bind_methods({k + '_': _inplace_cmp(v) for k, v in _CMP.items()})
bind_methods({'__eq__': _op_method(eq), '__ne__': _op_method(ne), '__lt__': _op_method(lt),
              '__le__': _op_method(le), '__gt__': _op_method(gt), '__ge__': _op_method(ge)})

__all__ = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'less', 'less_equal', 'greater', 'greater_equal', 'not_equal']
