"""Comparisons and logic: eq, ne, lt, le, gt, ge (bool results), equal, allclose, isclose, logical_*, bitwise_*."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, bind_methods
from ._primitive import primitive, inplace, result_type
from .arithmetic import _binary

_SCALARS = (bool, int, float, complex, np.generic)


def _legacy(arr) -> str:
    return D.from_numpy_dtype(arr.dtype)._legacy


def _wrap_int_scalar(x, y):
    """PyTorch casts a Python int to the tensor's integer dtype with wraparound (``uint8_t > -1`` is False);
    NumPy would compare the exact values instead."""
    if type(y) is int and getattr(x, 'dtype', None) is not None and x.dtype.kind in 'iu':
        info = np.iinfo(x.dtype)
        if not info.min <= y <= info.max:
            y = np.array(y & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64).astype(x.dtype)
    return y


def _cmp(name, ufunc, ordered):
    def op(x, y):
        y = _wrap_int_scalar(x, y)
        if ordered and np.result_type(x).kind == 'c':
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{_legacy(np.asarray(x))}'")
        return _binary(name, ufunc, x, y)
    op.__name__ = name
    return primitive(op, promote='same', differentiable=False)


eq = _cmp('eq', np.equal, False)
ne = _cmp('ne', np.not_equal, False)
lt = _cmp('lt', np.less, True)
le = _cmp('le', np.less_equal, True)
gt = _cmp('gt', np.greater, True)
ge = _cmp('ge', np.greater_equal, True)
less, less_equal, greater, greater_equal, not_equal = lt, le, gt, ge, ne


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both tensors have the same size and elements (NaN is never equal to itself)."""
    _need_tensors('equal', input, other)
    if input._data.shape != other._data.shape:
        return False
    return bool(np.array_equal(input._data, other._data))


def _need_tensors(name: str, input, other) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")


@primitive(differentiable=False)
def _isclose(x, y, rtol, atol, equal_nan):
    close = np.equal(x, y)
    kind = x.dtype.kind
    if equal_nan and kind in 'fcV':
        close |= np.isnan(x) & np.isnan(y)
    if rtol == 0 and atol == 0:
        return close
    if kind in 'biu':
        # Integer differences are exact; only the tolerance is a float (of the default dtype).
        fdt = D.get_default_dtype().np
        diff = np.abs(x.astype(np.int64) - y.astype(np.int64)).astype(fdt)
        allowed = np.asarray(atol, fdt) + np.abs(np.asarray(rtol, fdt) * y.astype(fdt))
    else:
        with np.errstate(invalid='ignore', over='ignore'):
            diff = np.abs(x - y)
            allowed = np.abs(rtol * y) + atol
            if allowed.dtype != diff.dtype:
                allowed = allowed.astype(diff.dtype)
    with np.errstate(invalid='ignore'):
        close |= np.isfinite(diff) & (diff <= allowed)
    return close


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """Elementwise ``|input - other| <= atol + rtol * |other|`` (equal infinities count as close)."""
    _need_tensors('isclose', input, other)
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{input.dtype._legacy} did not match {other.dtype._legacy}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    return _isclose(input, other, rtol, atol, equal_nan)


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """Whether every element of ``input`` is close to the matching one of ``other`` (see ``isclose``)."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


# ----------------------------------------------------------------------------------------------- logical

def _logical(name, ufunc):
    @primitive(differentiable=False)
    def op(x, y):
        return _binary(name, ufunc, x, y)
    op.name = op.__name__ = name

    def fn(input: Tensor, other: Tensor, *, out=None) -> Tensor:
        _need_tensors(name, input, other)
        return op(input, other) if out is None else op(input, other, out=out)
    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name.split('_')[1].upper()} of the truth values of the inputs (a bool tensor)."
    return fn, op


logical_and, _logical_and = _logical('logical_and', np.logical_and)
logical_or, _logical_or = _logical('logical_or', np.logical_or)
logical_xor, _logical_xor = _logical('logical_xor', np.logical_xor)


@primitive(differentiable=False)
def logical_not(x):
    """Elementwise NOT of the truth values of ``input`` (a bool tensor)."""
    return np.logical_not(x)


# ----------------------------------------------------------------------------------------------- bitwise

def _int_only(name, x, y=None):
    a = x if hasattr(x, 'dtype') or y is None else y  # the promoted array (a scalar operand stays Python)
    if np.result_type(a).kind in 'fcV':
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{_legacy(np.asarray(a))}'")


def _bitwise(name, kernel, ufunc):
    def op(x, y):
        _int_only(kernel, x, y)
        return _binary(name, ufunc, x, _wrap_int_scalar(x, y))
    op.__name__ = name
    return primitive(op, promote='same', differentiable=False)


bitwise_and = _bitwise('bitwise_and', 'bitwise_and', np.bitwise_and)
bitwise_or = _bitwise('bitwise_or', 'bitwise_or', np.bitwise_or)
bitwise_xor = _bitwise('bitwise_xor', 'bitwise_xor', np.bitwise_xor)


def _shift(name, kernel, ufunc):
    def op(x, y):
        _int_only(kernel, x, y)
        if np.result_type(x, y).kind == 'b':
            raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for 'Bool'")
        return _binary(name, ufunc, x, _wrap_int_scalar(x, y))
    op.__name__ = name
    return primitive(op, promote='same', differentiable=False)


# NumPy already gives PyTorch's results for shifts by the bit width or more, and by negative amounts.
bitwise_left_shift = _shift('bitwise_left_shift', 'lshift', np.left_shift)
bitwise_right_shift = _shift('bitwise_right_shift', 'rshift', np.right_shift)


@primitive(differentiable=False)
def bitwise_not(x):
    """Elementwise bitwise NOT (logical NOT for bool tensors)."""
    _int_only('bitwise_not', x)
    return np.invert(x)


# ----------------------------------------------------------------------------------------------- methods

def _op_method(op):
    def method(self, other):
        if not isinstance(other, (Tensor, *_SCALARS)):
            if isinstance(other, np.ndarray):
                other = Tensor._wrap(other)
            else:
                return NotImplemented
        return op(self, other)
    return method


def _rop_method(op):
    def method(self, other):
        if not isinstance(other, _SCALARS):
            return NotImplemented
        return op(other, self)
    return method


def _inplace_method(op):
    def method(self, other):
        rt = result_type([self, other])
        if not D.can_cast(rt, self.dtype):
            raise RuntimeError(f"result type {rt._legacy} can't be cast to the desired output type "
                               f"{self.dtype._legacy}")
        return inplace(op, self, other)
    return method


def _inplace_cmp(op):
    # Comparisons write their 0/1 results into any dtype (no can-cast check, unlike bitwise ops).
    def method(self, other):
        return inplace(op, self, other)
    return method


def _invert(self):
    if self.dtype.category > D.INT:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(self)


def _logical_method(op, name):
    def method(self, other):
        _need_tensors(name, self, other)
        return op(self, other)
    return method


def _logical_inplace(op, name):
    def method(self, other):
        _need_tensors(name, self, other)
        return inplace(op, self, other)
    return method


_CMP = {'eq': eq, 'ne': ne, 'lt': lt, 'le': le, 'gt': gt, 'ge': ge, 'less': lt, 'less_equal': le, 'greater': gt,
        'greater_equal': ge, 'not_equal': ne}
_BIT = {'bitwise_and': bitwise_and, 'bitwise_or': bitwise_or, 'bitwise_xor': bitwise_xor,
        'bitwise_left_shift': bitwise_left_shift, 'bitwise_right_shift': bitwise_right_shift}
bind_methods(_CMP)
bind_methods(_BIT)
bind_methods({k + '_': _inplace_cmp(v) for k, v in _CMP.items()})
bind_methods({k + '_': _inplace_method(v) for k, v in _BIT.items()})
bind_methods({
    '__eq__': _op_method(eq), '__ne__': _op_method(ne), '__lt__': _op_method(lt), '__le__': _op_method(le),
    '__gt__': _op_method(gt), '__ge__': _op_method(ge),
    '__and__': _op_method(bitwise_and), '__or__': _op_method(bitwise_or), '__xor__': _op_method(bitwise_xor),
    '__lshift__': _op_method(bitwise_left_shift), '__rshift__': _op_method(bitwise_right_shift),
    '__rand__': _rop_method(bitwise_and), '__ror__': _rop_method(bitwise_or), '__rxor__': _rop_method(bitwise_xor),
    '__rlshift__': _rop_method(bitwise_left_shift), '__rrshift__': _rop_method(bitwise_right_shift),
    '__iand__': _inplace_method(bitwise_and), '__ior__': _inplace_method(bitwise_or),
    '__ixor__': _inplace_method(bitwise_xor), '__ilshift__': _inplace_method(bitwise_left_shift),
    '__irshift__': _inplace_method(bitwise_right_shift), '__invert__': _invert,
    'bitwise_not': bitwise_not, 'bitwise_not_': lambda self: inplace(bitwise_not, self),
    'logical_and': _logical_method(_logical_and, 'logical_and'),
    'logical_or': _logical_method(_logical_or, 'logical_or'),
    'logical_xor': _logical_method(_logical_xor, 'logical_xor'), 'logical_not': logical_not,
    'logical_and_': _logical_inplace(_logical_and, 'logical_and'),
    'logical_or_': _logical_inplace(_logical_or, 'logical_or'),
    'logical_xor_': _logical_inplace(_logical_xor, 'logical_xor'),
    'logical_not_': lambda self: inplace(logical_not, self),
    'equal': equal, 'isclose': isclose, 'allclose': allclose,
})

__all__ = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'less', 'less_equal', 'greater', 'greater_equal', 'not_equal',
           'equal', 'isclose', 'allclose', 'logical_and', 'logical_or', 'logical_xor', 'logical_not',
           'bitwise_and', 'bitwise_or', 'bitwise_xor', 'bitwise_not', 'bitwise_left_shift', 'bitwise_right_shift']
