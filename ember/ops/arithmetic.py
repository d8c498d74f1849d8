"""Binary arithmetic with broadcasting and PyTorch's promotion, and the Python operators on Tensor."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, bind_methods
from ._primitive import primitive, inplace


def conj_if_complex(t):
    """``t.conj()`` for complex tensors and numbers, ``t`` itself otherwise (Wirtinger calculus helper)."""
    if isinstance(t, Tensor):
        return t.conj() if t.dtype.category == D.COMPLEX else t
    return t.conjugate() if isinstance(t, complex) else t


def _shape_str(a) -> str:
    return f"[{', '.join(map(str, np.shape(a)))}]"


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


@primitive(promote='same')
def add(x, y, alpha=1):
    if alpha != 1:
        return _binary('add', np.add, x, np.multiply(y, alpha))
    return _binary('add', np.add, x, y)


@add.vjp
def _(grad, alpha):
    return grad, (grad if alpha == 1 else grad * conj_if_complex(alpha))


@primitive(promote='same')
def sub(x, y, alpha=1):
    if getattr(x, 'dtype', None) == np.bool_ and getattr(y, 'dtype', None) == np.bool_ or \
            (getattr(y, 'dtype', None) == np.bool_ and isinstance(x, bool)):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. If you are "
                           "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    if alpha != 1:
        return _binary('sub', np.subtract, x, np.multiply(y, alpha))
    return _binary('sub', np.subtract, x, y)


@sub.vjp
def _(grad, alpha):
    return grad, (-grad if alpha == 1 else grad * (-conj_if_complex(alpha)))


@primitive(promote='same', backward_name='RsubBackward1')
def rsub(x, y, alpha=1):
    """``y - alpha * x`` (the reflected subtraction behind ``2 - t``)."""
    return _binary('rsub', np.subtract, y, np.multiply(x, alpha) if alpha != 1 else x)


@rsub.vjp
def _(grad, alpha):
    return (-grad if alpha == 1 else grad * (-conj_if_complex(alpha))), grad


@primitive(promote='same')
def mul(x, y):
    return _binary('mul', np.multiply, x, y)


@mul.vjp
def _(grad, x, y, needs_input_grad):
    gx = grad * conj_if_complex(y) if needs_input_grad[0] or not isinstance(x, Tensor) else None
    gy = grad * conj_if_complex(x) if isinstance(y, Tensor) and needs_input_grad[-1] else None
    return gx, gy


def _floor_divide(x, y):
    if np.issubdtype(np.result_type(x), np.integer) and np.any(np.asarray(y) == 0):
        raise RuntimeError("ZeroDivisionError")
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.floor_divide(x, y)


def _trunc_divide(x, y):
    if np.issubdtype(np.result_type(x), np.integer):
        if np.any(np.asarray(y) == 0):
            raise RuntimeError("ZeroDivisionError")
        q = np.floor_divide(x, y)
        fix = (np.remainder(x, y) != 0) & ((np.asarray(x) < 0) != (np.asarray(y) < 0))
        return (q + fix).astype(q.dtype)
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.trunc(np.true_divide(x, y))


@primitive(promote='same', backward_name='DivBackward0')
def _div_rounding(x, y, rounding_mode):
    if rounding_mode == 'floor':
        return _binary('div', _floor_divide, x, y)
    if rounding_mode == 'trunc':
        return _binary('div', _trunc_divide, x, y)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                       f"'{rounding_mode}'")


@_div_rounding.vjp
def _(grad):
    return grad * 0, grad * 0


@primitive(promote='float')
def true_divide(x, y):
    with np.errstate(divide='ignore', invalid='ignore'):
        return _binary('div', np.true_divide, x, y)


@true_divide.vjp
def _(grad, x, y, needs_input_grad):
    gx = grad / conj_if_complex(y) if needs_input_grad[0] or not isinstance(x, Tensor) else None
    gy = None
    if isinstance(y, Tensor) and needs_input_grad[-1]:
        gy = -grad * conj_if_complex(x / (y * y))
    return gx, gy


true_divide.backward_name = 'DivBackward0'


def div(input, other, *, rounding_mode: str | None = None, out=None) -> Tensor:
    """``input / other``; ``rounding_mode`` 'trunc' or 'floor' rounds the quotient (keeping integer dtypes)."""
    if rounding_mode is None:
        return true_divide(input, other, out=out) if out is not None else true_divide(input, other)
    r = _div_rounding(input, other, rounding_mode)
    return r if out is None else _copy_out(out, r)


divide = div


def floor_divide(input, other, *, out=None) -> Tensor:
    """``input // other``, rounding the quotient towards minus infinity."""
    return div(input, other, rounding_mode='floor', out=out)


def _copy_out(out, r):
    out._data = r._data.astype(out._data.dtype, copy=False) if out.shape == r.shape else r._data
    return out


@primitive(promote='same')
def remainder(x, y):
    if np.issubdtype(np.result_type(x), np.integer) and np.any(np.asarray(y) == 0):
        raise RuntimeError("ZeroDivisionError")
    with np.errstate(divide='ignore', invalid='ignore'):
        return _binary('remainder', np.remainder, x, y)


@remainder.vjp
def _(grad, x, y, needs_input_grad):
    gy = None
    if isinstance(y, Tensor) and needs_input_grad[-1]:
        gy = -grad * floor_divide(x, y)
    return grad, gy


@primitive(promote='same')
def fmod(x, y):
    if np.issubdtype(np.result_type(x), np.integer) and np.any(np.asarray(y) == 0):
        raise RuntimeError("ZeroDivisionError")
    with np.errstate(divide='ignore', invalid='ignore'):
        return _binary('fmod', np.fmod, x, y)


@fmod.vjp
def _(grad, x, y, needs_input_grad):
    gy = None
    if isinstance(y, Tensor) and needs_input_grad[-1]:
        gy = -grad * div(x, y, rounding_mode='trunc')
    return grad, gy


def _pow_forward(x, y):
    xa = np.asarray(x)
    if xa.dtype.kind in 'iu' and np.any(np.asarray(y) < 0) and np.result_type(x, y).kind in 'iu':
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        return _binary('pow', np.power, x, y)


@primitive(promote='same')
def pow(x, y):
    return _pow_forward(x, y)


@pow.vjp
def _(grad, x, y, out, needs_input_grad):
    gx = gy = None
    if isinstance(x, Tensor) and needs_input_grad[0]:
        if isinstance(y, Tensor):
            gx = where_(y == 0, 0.0, grad * conj_if_complex(y * x ** (y - 1)))
        elif y == 0:
            gx = grad * 0
        else:
            gx = grad * conj_if_complex(y * x ** (y - 1))
    if isinstance(y, Tensor) and needs_input_grad[-1]:
        from .pointwise import log
        base = x if isinstance(x, Tensor) else y.new_tensor(x)
        # 0 ** y has gradient 0 w.r.t. y where y >= 0 (PyTorch masks the log(0) term there).
        safe = where_((base == 0) & (y >= 0) if y.dtype.category < D.COMPLEX else base == 0, 1.0, base)
        gy = grad * conj_if_complex(out * log(safe))
        if y.dtype.category < D.COMPLEX:
            gy = where_((base == 0) & (y >= 0), 0.0, gy)
    return gx, gy


def where_(cond, a, b):
    from .indexing import where
    return where(cond, a, b)


@primitive(promote='same', operands=('x', 'y'), backward_name='PowBackward1')
def _rpow(x, y):
    """``y ** x`` for a scalar ``y`` (behind ``2 ** t``)."""
    return _pow_forward(y, x)


@_rpow.vjp
def _(grad, y, out):
    import math
    return grad * conj_if_complex(out * (math.log(y) if not isinstance(y, complex) else __import__('cmath').log(y)))


def float_power(input, exponent) -> Tensor:
    """``input ** exponent`` computed in double precision (complex128 for complex operands)."""
    cplx = any((isinstance(v, Tensor) and v.is_complex()) or isinstance(v, complex) for v in (input, exponent))
    dt = D.complex128 if cplx else D.float64
    a = input.to(dt) if isinstance(input, Tensor) else input
    b = exponent.to(dt) if isinstance(exponent, Tensor) else exponent
    return pow(a, b)


def _scalar_or_tensor_op(op, reflected=False):
    def method(self, other):
        if not isinstance(other, (Tensor, bool, int, float, complex, np.generic)):
            if isinstance(other, np.ndarray):
                other = Tensor._wrap(other)
            else:
                return NotImplemented
        return op(other, self) if reflected else op(self, other)
    return method


def _sub_method(self, other):
    if not isinstance(other, (Tensor, bool, int, float, complex, np.generic)):
        return NotImplemented
    return sub(self, other)


def _rsub_method(self, other):
    if not isinstance(other, (Tensor, bool, int, float, complex, np.generic)):
        return NotImplemented
    return rsub(self, other)


def _rtruediv(self, other):
    if not isinstance(other, (Tensor, bool, int, float, complex, np.generic)):
        return NotImplemented
    from .pointwise import reciprocal
    return true_divide(other, self) if isinstance(other, Tensor) else reciprocal(self) * other


def _rpow_method(self, other):
    if isinstance(other, Tensor):
        return pow(other, self)
    if not isinstance(other, (bool, int, float, complex, np.generic)):
        return NotImplemented
    return _rpow(self, other)


def _pow_method(self, other):
    if not isinstance(other, (Tensor, bool, int, float, complex, np.generic)):
        return NotImplemented
    return pow(self, other)


def _inplace_method(op):
    def method(self, other, *args, **kwargs):
        return inplace(op, self, other, *args, **kwargs)
    method.__name__ = op.name + '_'
    return method


def _div_(self, other, *, rounding_mode=None):
    if rounding_mode is None:
        return inplace(true_divide, self, other)
    return inplace(_div_rounding, self, other, rounding_mode)


def _floordiv(self, other):
    if not isinstance(other, (Tensor, bool, int, float, complex, np.generic)):
        return NotImplemented
    return floor_divide(self, other)


def _rfloordiv(self, other):
    return floor_divide(other if isinstance(other, Tensor) else self.new_tensor(other), self)


def _rmod(self, other):
    return remainder(other if isinstance(other, Tensor) else self.new_tensor(other), self)


bind_methods({
    'add': add, 'sub': sub, 'subtract': sub, 'mul': mul, 'multiply': mul, 'div': div, 'divide': div,
    'true_divide': true_divide, 'floor_divide': floor_divide, 'remainder': remainder, 'fmod': fmod, 'pow': pow,
    'float_power': float_power,
    'add_': _inplace_method(add), 'sub_': _inplace_method(sub), 'subtract_': _inplace_method(sub),
    'mul_': _inplace_method(mul), 'multiply_': _inplace_method(mul), 'div_': _div_, 'divide_': _div_,
    'true_divide_': _inplace_method(true_divide), 'remainder_': _inplace_method(remainder),
    'fmod_': _inplace_method(fmod), 'pow_': _inplace_method(pow),
    'floor_divide_': lambda self, other: inplace(_div_rounding, self, other, 'floor'),
    'float_power_': lambda self, other: self.copy_(float_power(self, other)),
    '__add__': _scalar_or_tensor_op(add), '__radd__': _scalar_or_tensor_op(add, True),
    '__iadd__': _inplace_method(add),
    '__sub__': _sub_method, '__rsub__': _rsub_method, '__isub__': _inplace_method(sub),
    '__mul__': _scalar_or_tensor_op(mul), '__rmul__': _scalar_or_tensor_op(mul, True),
    '__imul__': _inplace_method(mul),
    '__truediv__': _scalar_or_tensor_op(true_divide), '__rtruediv__': _rtruediv,
    '__itruediv__': _inplace_method(true_divide),
    '__floordiv__': _floordiv, '__rfloordiv__': _rfloordiv,
    '__ifloordiv__': lambda self, other: inplace(_div_rounding, self, other, 'floor'),
    '__mod__': _scalar_or_tensor_op(remainder), '__rmod__': _rmod, '__imod__': _inplace_method(remainder),
    '__pow__': _pow_method, '__rpow__': _rpow_method, '__ipow__': _inplace_method(pow),
})

subtract = sub
multiply = mul

__all__ = ['add', 'sub', 'subtract', 'rsub', 'mul', 'multiply', 'div', 'divide', 'true_divide', 'floor_divide',
           'remainder', 'fmod', 'pow', 'float_power']
