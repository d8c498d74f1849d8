"""Binary arithmetic with broadcasting and PyTorch's promotion, and the Python operators on Tensor.

Clamping, extrema, addcmul/addcdiv and lerp live in ``clamp`` and are re-exported from here.
"""
from __future__ import annotations

import cmath
import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, bind_methods
from ._primitive import Primitive, primitive, inplace

_NUMBERS = (Tensor, bool, int, float, complex, np.generic)


def conj_if_complex(t):
    """``t.conj()`` for complex tensors and numbers, ``t`` itself otherwise (Wirtinger calculus helper)."""
    if isinstance(t, Tensor):
        return t.conj() if t.dtype.category == D.COMPLEX else t
    return t.conjugate() if isinstance(t, complex) else t


def broadcast_check(name: str, a, b) -> None:
    """Raise PyTorch's message when two operands cannot broadcast."""
    sa, sb = np.shape(a), np.shape(b)
    for i in range(1, min(len(sa), len(sb)) + 1):
        x, y = sa[-i], sb[-i]
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                               f"dimension {max(len(sa), len(sb)) - i}")


def _binary(name, fn, a, b):
    try:
        return fn(a, b)
    except ValueError:
        broadcast_check(name, a, b)
        raise
    except OverflowError:
        # A Python int outside the tensor's integer range wraps around, as PyTorch's conversion does.
        a, b = _wrap_int(a, b), _wrap_int(b, a)
        return fn(a, b)


def _wrap_int(v, other):
    if type(v) is int:
        return np.array(v).astype(np.result_type(other))
    return v


def _need_tensor(name: str, v, pos: int) -> None:
    """PyTorch's TypeError for a Python number where a tensor is required (the forward sees scalars unwrapped)."""
    if isinstance(v, (bool, int, float, complex)):
        arg = 'input' if pos == 1 else 'other'
        raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not {type(v).__name__}")


def _no_complex_or_bool(name: str, x, y) -> None:
    k = _kind(x, y)
    if k == 'c' or k == 'b':
        raise _not_implemented(name, np.result_type(x, y))


def _kind(x, y=None) -> str:
    """NumPy kind letter of the result of an op on ``x`` (and ``y``); Python scalars are weak, like PyTorch's."""
    return (np.result_type(x) if y is None else np.result_type(x, y)).kind


def _not_implemented(name: str, arr) -> NotImplementedError:
    return NotImplementedError(f"\"{name}\" not implemented for '{D.from_numpy_dtype(np.result_type(arr))._legacy}'")


def _check_alpha(x, y, alpha) -> None:
    k = _kind(x, y)
    if isinstance(alpha, (bool, np.bool_)) and k != 'b':
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if k in 'biu' and isinstance(alpha, (float, complex, np.floating, np.complexfloating)):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if k != 'c' and isinstance(alpha, (complex, np.complexfloating)):
        raise RuntimeError("For non-complex input tensors, argument alpha must not be a complex number.")


def _scaled(x, y, alpha):
    if type(alpha) is int and alpha == 1:
        return y
    _check_alpha(x, y, alpha)
    return np.multiply(y, alpha)


def _zero_division_check(x, y) -> None:
    if _kind(x, y) in 'iu' and np.any(np.asarray(y) == 0):
        raise RuntimeError("ZeroDivisionError")


# ----------------------------------------------------------------------------------------- add / sub


@primitive(promote='same')
def add(input, other, alpha=1):
    """``input + alpha * other``."""
    return _binary('add', np.add, input, _scaled(input, other, alpha))


@add.vjp
def _(grad, alpha):
    return grad, (grad if type(alpha) is int and alpha == 1 else grad * conj_if_complex(alpha))


@primitive(promote='same')
def _sub(input, other, alpha=1):
    return _binary('sub', np.subtract, input, _scaled(input, other, alpha))


_sub.name, _sub.backward_name = 'sub', 'SubBackward0'


@_sub.vjp
def _(grad, alpha):
    return grad, -grad if type(alpha) is int and alpha == 1 else grad * (-conj_if_complex(alpha))


@primitive(promote='same', backward_name='RsubBackward1')
def _rsub(input, other, alpha=1):
    return _binary('rsub', np.subtract, other, _scaled(other, input, alpha))


_rsub.name = 'rsub'


@_rsub.vjp
def _(grad, alpha):
    return (-grad if type(alpha) is int and alpha == 1 else grad * (-conj_if_complex(alpha))), grad


def _is_bool(v) -> bool:
    return v.dtype is D.bool_ if isinstance(v, Tensor) else isinstance(v, (bool, np.bool_))


def _check_bool_sub(a, b) -> None:
    ba, bb = _is_bool(a), _is_bool(b)
    if ba and bb:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if ba or bb:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")


def sub(input, other, *, alpha=1, out: Tensor | None = None) -> Tensor:
    """``input - alpha * other``; bool operands are refused, like PyTorch."""
    if _is_bool(input) or _is_bool(other):
        _check_bool_sub(input, other)
    if out is not None:
        return _sub(input, other, alpha, out=out)
    return _sub(input, other, alpha)


def rsub(input, other, *, alpha=1, out: Tensor | None = None) -> Tensor:
    """``other - alpha * input`` (the reflected subtraction behind ``2 - t``)."""
    if _is_bool(input) or _is_bool(other):
        _check_bool_sub(input, other)
    if out is not None:
        return _rsub(input, other, alpha, out=out)
    return _rsub(input, other, alpha)


# ----------------------------------------------------------------------------------------- mul / div


@primitive(promote='same')
def mul(input, other):
    """``input * other``."""
    return _binary('mul', np.multiply, input, other)


@mul.vjp
def _(grad, input, other, needs_input_grad):
    gx = grad * conj_if_complex(other) if needs_input_grad[0] or not isinstance(input, Tensor) else None
    gy = grad * conj_if_complex(input) if isinstance(other, Tensor) and needs_input_grad[-1] else None
    return gx, gy


def _floor_divide(x, y):
    _no_complex_or_bool('div_floor_cpu', x, y)
    if _kind(x, y) in 'iu':
        _zero_division_check(x, y)
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.floor_divide(x, y)


def _trunc_divide(x, y):
    _no_complex_or_bool('div_trunc_cpu', x, y)
    if _kind(x, y) in 'iu':
        _zero_division_check(x, y)
        q = np.floor_divide(x, y)
        fix = (np.remainder(x, y) != 0) & ((np.asarray(x) < 0) != (np.asarray(y) < 0))
        return (q + fix).astype(q.dtype)
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.trunc(np.true_divide(x, y))


@primitive(promote='same', operands=('input', 'other'), backward_name='DivBackward2')
def _div_rounding(input, other, rounding_mode):
    if rounding_mode == 'floor':
        return _binary('div', _floor_divide, input, other)
    if rounding_mode == 'trunc':
        return _binary('div', _trunc_divide, input, other)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                       f"'{rounding_mode}'")


_div_rounding.name = 'div'


@_div_rounding.vjp
def _(grad):
    # Rounded quotients are piecewise constant: their gradient is zero (not grad * 0, which keeps NaN).
    z = grad.new_zeros(grad.shape)
    return z, z


@primitive(promote='float', backward_name='DivBackward0')
def true_divide(input, other):
    """``input / other`` with true (floating-point) division; integer operands give the default float dtype."""
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        return _binary('div', np.true_divide, input, other)


@true_divide.vjp
def _(grad, other, out, needs_input_grad):
    gx = grad / conj_if_complex(other) if needs_input_grad[0] else None
    gy = None
    if isinstance(other, Tensor) and needs_input_grad[-1]:
        gy = -grad * conj_if_complex(out / other)
    return gx, gy


def div(input, other, *, rounding_mode: str | None = None, out: Tensor | None = None) -> Tensor:
    """``input / other``; ``rounding_mode`` 'trunc' or 'floor' rounds the quotient (keeping integer dtypes)."""
    if rounding_mode is None:
        return true_divide(input, other) if out is None else true_divide(input, other, out=out)
    if out is not None:
        return _div_rounding(input, other, rounding_mode, out=out)
    return _div_rounding(input, other, rounding_mode)


divide = div


@primitive(promote='same', backward_name='NotImplemented')
def _floor_divide_op(input, other):
    return _binary('floor_divide', _floor_divide, input, other)


_floor_divide_op.name = 'floor_divide'


@_floor_divide_op.vjp
def _(grad):
    raise RuntimeError("derivative for aten::floor_divide is not implemented")


def floor_divide(input, other, *, out: Tensor | None = None) -> Tensor:
    """``input // other``, rounding the quotient towards minus infinity (PyTorch gives it no derivative)."""
    return _floor_divide_op(input, other) if out is None else _floor_divide_op(input, other, out=out)


@primitive(promote='same')
def remainder(input, other):
    """Python's modulus: the remainder has the sign of the divisor."""
    _no_complex_or_bool('remainder_cpu', input, other)
    _zero_division_check(input, other)
    with np.errstate(divide='ignore', invalid='ignore'):
        return _binary('remainder', np.remainder, input, other)


@remainder.vjp
def _(grad, input, other, needs_input_grad):
    if not isinstance(input, Tensor):
        raise RuntimeError("derivative for aten::remainder is not implemented")
    gy = None
    if isinstance(other, Tensor) and needs_input_grad[-1]:
        gy = -grad * div(input, other, rounding_mode='floor')
    return grad, gy


@primitive(promote='same')
def fmod(input, other):
    """C's fmod: the remainder has the sign of the dividend."""
    _need_tensor('fmod', input, 1)
    _no_complex_or_bool('fmod_cpu', input, other)
    _zero_division_check(input, other)
    with np.errstate(divide='ignore', invalid='ignore'):
        return _binary('fmod', np.fmod, input, other)


@fmod.vjp
def _(grad, input, other, needs_input_grad):
    gy = None
    if isinstance(other, Tensor) and needs_input_grad[-1]:
        gy = -grad * div(input, other, rounding_mode='trunc')
    return grad, gy


@primitive(promote='float')
def reciprocal(input):
    """``1 / input``."""
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        return np.reciprocal(input)


@reciprocal.vjp
def _(grad, out):
    return -grad * conj_if_complex(out * out)


# ----------------------------------------------------------------------------------------- powers


def _pow_forward(x, y):
    k = _kind(x, y)
    if k == 'b':
        if isinstance(y, (bool, np.bool_)) and isinstance(x, np.ndarray):
            return x.copy() if y else np.ones(x.shape, np.bool_)  # b ** True == b, b ** False == True
        raise _not_implemented('pow', np.bool_)
    if k in 'iu' and _kind(x) in 'iu':
        if not isinstance(y, np.ndarray):
            if y < 0:
                raise RuntimeError("Integers to negative integer powers are not allowed.")
        elif y.dtype.kind == 'i' and np.any(y < 0):
            # Integer tensors to negative tensor powers: 1 ** -n = 1, (-1) ** -n = +-1, everything else 0.
            r = _binary('pow', np.power, x, np.abs(y))
            xs = np.asarray(x)
            neg_one = np.where(y % 2 != 0, -1, 1)
            return np.where(y < 0, np.where(xs == 1, 1, np.where(xs == -1, neg_one, 0)), r).astype(r.dtype)
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        return _binary('pow', np.power, x, y)


def _pow_fn(input, exponent):
    return _pow_forward(input, exponent)


# PyTorch names the backward of tensor ** number PowBackward0 and of tensor ** tensor PowBackward1.
_pow = Primitive(_pow_fn, name='pow', promote='same', backward_name='PowBackward0')
_pow_tt = Primitive(_pow_fn, name='pow', promote='same', backward_name='PowBackward1')


def _pow_vjp(grad, input, exponent, out, needs_input_grad):
    from .indexing import where
    from .pointwise import log
    gx = gy = None
    if needs_input_grad[0]:
        if isinstance(exponent, Tensor):
            gx = where(exponent == 0, 0.0, grad * conj_if_complex(exponent * input ** (exponent - 1)))
        elif exponent == 0:
            gx = grad.new_zeros(grad.shape)
        else:
            gx = grad * conj_if_complex(exponent * input ** (exponent - 1))
    if isinstance(exponent, Tensor) and needs_input_grad[-1]:
        real = exponent.dtype.category < D.COMPLEX and input.dtype.category < D.COMPLEX
        # 0 ** y has gradient 0 w.r.t. y where y >= 0 (PyTorch masks the log(0) term there).
        zero_base = (input == 0) & (exponent >= 0) if real else input == 0
        gy = grad * conj_if_complex(out * log(where(zero_base, 1.0, input)))
        if real:
            gy = where(zero_base, 0.0, gy)
    return gx, gy


_pow.vjp(_pow_vjp)
_pow_tt.vjp(_pow_vjp)


def _pow_any(input: Tensor, exponent) -> Tensor:
    return (_pow_tt if isinstance(exponent, Tensor) else _pow)(input, exponent)


@primitive(promote='same', operands=('exponent', 'base'), backward_name='PowBackward2')
def _rpow(exponent, base):
    return _pow_forward(base, exponent)


_rpow.name = 'pow'


@_rpow.vjp
def _(grad, exponent, base, out):
    from .indexing import where
    if isinstance(base, complex) or (isinstance(base, (int, float)) and base < 0 and exponent.is_complex()):
        lg = cmath.log(base)
    elif base > 0:
        lg = math.log(base)
    else:
        lg = -math.inf if base == 0 else math.nan
    if base == 0 and exponent.dtype.category < D.COMPLEX:
        # 0 ** y has gradient 0 w.r.t. y where y >= 0 (PyTorch masks the log(0) term there).
        return grad * (out * where(exponent >= 0, 0.0, lg))
    return grad * conj_if_complex(out * lg)


def pow(input, exponent, *, out: Tensor | None = None) -> Tensor:
    """``input ** exponent``; either may be a Python number (but not both)."""
    if not isinstance(input, Tensor):
        return _rpow(exponent, input) if out is None else _rpow(exponent, input, out=out)
    op = _pow_tt if isinstance(exponent, Tensor) else _pow
    return op(input, exponent) if out is None else op(input, exponent, out=out)


def _double_of(v):
    if isinstance(v, Tensor):
        return v.to(D.complex128 if v.dtype.category == D.COMPLEX else D.float64)
    return v


def float_power(input, exponent, *, out: Tensor | None = None) -> Tensor:
    """``input ** exponent`` computed in double precision (complex128 for complex operands)."""
    cplx = any((isinstance(v, Tensor) and v.is_complex()) or isinstance(v, complex) for v in (input, exponent))
    a, b = _double_of(input), _double_of(exponent)
    if cplx:
        a = a.to(D.complex128) if isinstance(a, Tensor) else a
        b = b.to(D.complex128) if isinstance(b, Tensor) else b
    return pow(a, b, out=out)


def _float_power_(self: Tensor, exponent) -> Tensor:
    cplx = self.is_complex() or (isinstance(exponent, Tensor) and exponent.is_complex()) or \
        isinstance(exponent, complex)
    want = D.complex128 if cplx else D.float64
    if self.dtype is not want:
        raise RuntimeError(f"the base given to float_power_ has dtype {self.dtype._legacy} but the operation's "
                           f"result requires dtype {want._legacy}")
    exponent = _double_of(exponent)
    return inplace(_pow_tt if isinstance(exponent, Tensor) else _pow, self, exponent)


# ----------------------------------------------------------------------------------------- hypot, atan2, copysign


def _float_only(name: str, dt) -> None:
    if dt.kind != 'f':
        raise _not_implemented(name, dt)


@primitive(promote='same')
def hypot(input, other):
    """``sqrt(input ** 2 + other ** 2)``, elementwise (floating-point inputs only)."""
    _need_tensor('hypot', input, 1)
    _need_tensor('hypot', other, 2)
    _float_only('hypot_cpu', np.result_type(input, other))
    return _binary('hypot', np.hypot, input, other)


@hypot.vjp
def _(grad, input, other, out):
    return grad * (input / out), grad * (other / out)


@primitive(promote='float')
def atan2(input, other):
    """The angle of the point ``(other, input)``: arctangent of ``input / other`` in the right quadrant."""
    _need_tensor('atan2', input, 1)
    _need_tensor('atan2', other, 2)
    if _kind(input, other) == 'c':
        raise _not_implemented('atan2_cpu', np.result_type(input, other))
    return _binary('atan2', np.arctan2, input, other)


@atan2.vjp
def _(grad, input, other):
    r = input * input + other * other
    return grad * (other / r), grad * (-input / r)


arctan2 = atan2


@primitive(promote='float')
def copysign(input, other):
    """The magnitude of ``input`` with the sign of ``other`` (including the sign of zeros)."""
    _need_tensor('copysign', input, 1)
    if _kind(input, other) == 'c':
        raise _not_implemented('copysign_cpu', np.result_type(input, other))
    return _binary('copysign', np.copysign, input, other)


@copysign.vjp
def _(grad, input, out):
    from .indexing import where
    # d/dx copysign(x, y) = sign(x) * sign(result): result / x, masked to 0 where x == 0.
    ratio = where(input == 0, 0.0, out / where(input == 0, 1.0, input))
    return grad * ratio, grad.new_zeros(grad.shape)


def _xlogy_forward(name, x, y, shift):
    dt = np.result_type(x, y)
    if dt.kind == 'c':
        raise _not_implemented(name, dt)
    x, y = np.asarray(x, dt), np.asarray(y, dt)
    with np.errstate(divide='ignore', invalid='ignore'):
        r = np.multiply(x, np.log1p(y) if shift else np.log(y))
        return np.where(np.isnan(y), np.nan, np.where(x == 0, 0, r)).astype(dt, copy=False)


@primitive(promote='float')
def xlogy(input, other):
    """``input * log(other)``, defined as 0 where ``input`` is 0 (unless ``other`` is NaN)."""
    return _binary('xlogy', lambda a, b: _xlogy_forward('xlogy_cpu', a, b, False), input, other)


@xlogy.vjp
def _(grad, input, other):
    from .indexing import where
    gx = gy = None
    if isinstance(input, Tensor):
        gx = where((input == 0) & (other <= 0), 0.0, xlogy(grad, other))
    if isinstance(other, Tensor):
        gy = grad * input / other
    return gx, gy


@primitive(promote='float')
def xlog1py(input, other):
    """``input * log1p(other)``, defined as 0 where ``input`` is 0 (unless ``other`` is NaN)."""
    return _binary('xlog1py', lambda a, b: _xlogy_forward('xlog1py_cpu', a, b, True), input, other)


xlog1py.backward_name = 'SpecialXlog1PyBackward0'


@xlog1py.vjp
def _(grad, input, other):
    from .indexing import where
    gx = gy = None
    if isinstance(input, Tensor):
        gx = where((input == 0) & (other <= -1), 0.0, xlog1py(grad, other))
    if isinstance(other, Tensor):
        gy = grad * input / (other + 1)
    return gx, gy


# ----------------------------------------------------------------------------------------- Python operators


def _number_op(op, reflected=False):
    def method(self, other):
        if not isinstance(other, _NUMBERS):
            if isinstance(other, np.ndarray):
                other = Tensor._wrap(other)
            else:
                return NotImplemented
        return op(other, self) if reflected else op(self, other)
    return method


def _sub_method(self, other):
    if not isinstance(other, _NUMBERS):
        return NotImplemented
    return sub(self, other)


def _rsub_method(self, other):
    if not isinstance(other, _NUMBERS):
        return NotImplemented
    return rsub(self, other)


def _rtruediv(self, other):
    if not isinstance(other, _NUMBERS):
        return NotImplemented
    # PyTorch computes ``other / t`` as ``t.reciprocal() * other`` (values and grad_fn follow from that).
    return true_divide(other, self) if isinstance(other, Tensor) else mul(reciprocal(self), other)


def _rpow_method(self, other):
    if isinstance(other, Tensor):
        return _pow_tt(other, self)
    if not isinstance(other, _NUMBERS):
        return NotImplemented
    return _rpow(self, other)


def _pow_method(self, other):
    if not isinstance(other, _NUMBERS):
        return NotImplemented
    return _pow_any(self, other)


def _pow_(self, other):
    return inplace(_pow_tt if isinstance(other, Tensor) else _pow, self, other)


def _inplace_method(op):
    def method(self, other, *args, **kwargs):
        return inplace(op, self, other, *args, **kwargs)
    method.__name__ = op.name + '_'
    return method


def _add_(self, other, *, alpha=1):
    return inplace(add, self, other, alpha)


def _sub_(self, other, *, alpha=1):
    if _is_bool(self) or _is_bool(other):
        _check_bool_sub(self, other)
    return inplace(_sub, self, other, alpha)


def _div_(self, other, *, rounding_mode=None):
    if rounding_mode is None:
        return inplace(true_divide, self, other)
    return inplace(_div_rounding, self, other, rounding_mode)


def _floor_divide_(self, other):
    return inplace(_floor_divide_op, self, other)


def _floordiv(self, other):
    if not isinstance(other, _NUMBERS):
        return NotImplemented
    return _floor_divide_op(self, other)


def _rfloordiv(self, other):
    if not isinstance(other, _NUMBERS):
        return NotImplemented
    return _floor_divide_op(other, self)


def _rmod(self, other):
    if not isinstance(other, _NUMBERS):
        return NotImplemented
    return remainder(other, self)


def _method(fn):
    def method(self, *args, **kwargs):
        return fn(self, *args, **kwargs)
    method.__name__ = fn.__name__
    return method


# Clamping and friends use the helpers above, so they are imported after them.
from .clamp import *  # noqa: E402,F401,F403
from .clamp import (_addc_, _addcdiv, _addcdiv_, _check_addcdiv, _clamp, _clamp_, _clamp_args, _extremum,
                    _fmax, _fmin, _int_value, _lerp, _lerp_, _maximum, _minimum, _tensor_pair)  # noqa: E402,F401

bind_methods({
    'add': add, 'sub': _method(sub), 'subtract': _method(sub), 'rsub': _method(rsub), 'mul': mul, 'multiply': mul,
    'div': _method(div), 'divide': _method(div), 'true_divide': true_divide, 'floor_divide': _method(floor_divide),
    'remainder': remainder, 'fmod': fmod, 'pow': _pow_any, 'float_power': _method(float_power),
    'reciprocal': reciprocal, 'hypot': hypot, 'atan2': atan2, 'arctan2': atan2, 'copysign': copysign,
    'xlogy': xlogy,
    'add_': _add_, 'sub_': _sub_, 'subtract_': _sub_, 'mul_': _inplace_method(mul),
    'multiply_': _inplace_method(mul), 'div_': _div_, 'divide_': _div_,
    'true_divide_': _inplace_method(true_divide), 'floor_divide_': _floor_divide_,
    'remainder_': _inplace_method(remainder), 'fmod_': _inplace_method(fmod), 'pow_': _pow_,
    'float_power_': _float_power_, 'reciprocal_': lambda self: inplace(reciprocal, self),
    'hypot_': _inplace_method(hypot), 'atan2_': _inplace_method(atan2), 'arctan2_': _inplace_method(atan2),
    'copysign_': _inplace_method(copysign), 'xlogy_': _inplace_method(xlogy),
    '__add__': _number_op(add), '__radd__': _number_op(add, True), '__iadd__': _inplace_method(add),
    '__sub__': _sub_method, '__rsub__': _rsub_method, '__isub__': _sub_,
    '__mul__': _number_op(mul), '__rmul__': _number_op(mul, True), '__imul__': _inplace_method(mul),
    '__truediv__': _number_op(true_divide), '__rtruediv__': _rtruediv, '__itruediv__': _inplace_method(true_divide),
    '__floordiv__': _floordiv, '__rfloordiv__': _rfloordiv, '__ifloordiv__': _floor_divide_,
    '__mod__': _number_op(remainder), '__rmod__': _rmod, '__imod__': _inplace_method(remainder),
    '__pow__': _pow_method, '__rpow__': _rpow_method, '__ipow__': _pow_,
})

subtract = sub
multiply = mul

__all__ = ['add', 'sub', 'subtract', 'rsub', 'mul', 'multiply', 'div', 'divide', 'true_divide', 'floor_divide',
           'remainder', 'fmod', 'pow', 'float_power', 'reciprocal', 'hypot', 'atan2', 'arctan2', 'copysign', 'clamp',
           'clip', 'clamp_min', 'clamp_max', 'maximum', 'minimum', 'fmax', 'fmin', 'addcmul', 'addcdiv', 'lerp',
           'xlogy']
