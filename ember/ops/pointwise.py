"""Unary elementwise math: exp, log, trigonometric and hyperbolic functions, activations, rounding, ...

Integer and bool inputs of floating-point functions give the default float dtype, like PyTorch.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, bind_methods
from ._primitive import primitive, inplace
from .arithmetic import conj_if_complex


def _quiet(fn):
    def run(x):
        with np.errstate(all='ignore'):
            return fn(x)
    return run


@primitive(promote='float')
def exp(x):
    return _quiet(np.exp)(x)


@exp.vjp
def _(grad, out):
    return grad * conj_if_complex(out)


@primitive(promote='float')
def log(x):
    return _quiet(np.log)(x)


@log.vjp
def _(grad, x):
    return grad / conj_if_complex(x)


@primitive(promote='same')
def neg(x):
    if x.dtype == np.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    return np.negative(x)


@neg.vjp
def _(grad):
    return -grad


@primitive
def real(x):
    return np.real(x)


@real.vjp
def _(grad):
    return grad


@primitive
def conj(x):
    return np.conj(x) if x.dtype.kind == 'c' else x


@conj.vjp
def _(grad):
    return conj_if_complex(grad)


@primitive(promote='float')
def tanh(x):
    return np.tanh(x)


@tanh.vjp
def _(grad, out):
    return grad * conj_if_complex(1 - out * out)


@primitive(promote='float')
def sigmoid(x):
    with np.errstate(over='ignore'):  # exp(-x) overflowing to inf gives the right limit, 0
        return 1 / (1 + np.exp(-x))


@sigmoid.vjp
def _(grad, out):
    return grad * conj_if_complex(out * (1 - out))


@primitive
def relu(x):
    if x.dtype == np.bool_:
        raise RuntimeError("\"clamp_min_cpu\" not implemented for 'Bool'")
    return np.maximum(x, 0)


@relu.vjp
def _(grad, out):
    # The gradient at exactly 0 is 0, like PyTorch (relu is not differentiable there; 0 keeps sparsity).
    return grad * (out > 0)


@primitive(promote='float')
def sqrt(x):
    return _quiet(np.sqrt)(x)


@sqrt.vjp
def _(grad, out):
    return grad / (2 * conj_if_complex(out))


@primitive
def abs(x):
    return np.abs(x)


@abs.vjp
def _(grad, x):
    return grad * sgn(x)


@primitive
def sgn(x):
    if x.dtype.kind == 'c':
        a = np.abs(x)
        with np.errstate(all='ignore'):
            return np.where(a == 0, 0, x / np.where(a == 0, 1, a)).astype(x.dtype)
    return np.sign(x)


@sgn.vjp
def _(grad, x, out):
    if x.dtype.category != D.COMPLEX:
        return grad * 0
    a = abs(x)
    safe = a + (a == 0)
    return (grad / safe - out * real(grad * conj(out)) / safe) * (a != 0)


def _inplace(op):
    def method(self, *args, **kwargs):
        return inplace(op, self, *args, **kwargs)
    method.__name__ = op.name + '_'
    return method


_OPS = {'exp': exp, 'log': log, 'neg': neg, 'negative': neg, 'tanh': tanh, 'sigmoid': sigmoid, 'relu': relu,
        'sqrt': sqrt, 'abs': abs, 'absolute': abs, 'sgn': sgn, 'conj': conj}
bind_methods(_OPS)
bind_methods({k + '_': _inplace(v) for k, v in _OPS.items() if k not in ('conj',)})
bind_methods({'__neg__': neg, '__abs__': abs, '__pos__': lambda self: self,
              'real': property(real), 'imag': property(lambda self: imag(self))})


def imag(input: Tensor) -> Tensor:
    """The imaginary part of a complex tensor."""
    if not input.is_complex():
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    from .arithmetic import mul
    return real(mul(input, -1j))


negative = neg
absolute = abs

__all__ = ['exp', 'log', 'neg', 'negative', 'real', 'imag', 'conj', 'tanh', 'sigmoid', 'relu', 'sqrt', 'abs',
           'absolute', 'sgn']
