"""Unary elementwise math: exp, log, trigonometric and hyperbolic functions, activations, rounding, ...

Integer and bool inputs of floating-point functions give the default float dtype, like PyTorch. The special
functions (erf, erfc, erfinv, lgamma, digamma, polygamma, sinc, entr) live in ``special_functions`` and are
re-exported here.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, bind_methods
from ..autograd import grad_mode
from ._primitive import Primitive, primitive, inplace
from .arithmetic import conj_if_complex, _not_implemented, _pow, reciprocal


def _unary(name: str, fn, promote='float', complex_ok=True, backward_name=None, **options) -> Primitive:
    """A primitive applying ``fn`` to one array with floating-point warnings silenced."""
    if complex_ok:
        def forward(input):
            with np.errstate(all='ignore'):
                return fn(input)
    else:
        def forward(input):
            if input.dtype.kind == 'c':
                raise _not_implemented(f'{name}_cpu', input)
            with np.errstate(all='ignore'):
                return fn(input)
    return Primitive(forward, name=name, promote=promote, backward_name=backward_name, **options)


def _in64(fn):
    """Run a float64 kernel on an array of any floating dtype and round back to that dtype."""
    def run(x):
        if x.dtype == np.float64:
            return fn(x)
        return fn(x.astype(np.float64)).astype(x.dtype)
    return run


def _inplace(op):
    def method(self, *args, **kwargs):
        return inplace(op, self, *args, **kwargs)
    method.__name__ = op.name + '_'
    return method


def _zeros(grad: Tensor) -> Tensor:
    return grad.new_zeros(grad.shape)


def _where(cond, a, b):
    from .indexing import where
    return where(cond, a, b)


# ----------------------------------------------------------------------------------------- exponentials and logs

_LN2, _LN10 = math.log(2.0), math.log(10.0)

exp = _unary('exp', np.exp)
exp2 = _unary('exp2', np.exp2)
expm1 = _unary('expm1', np.expm1)
log = _unary('log', np.log)
log2 = _unary('log2', np.log2)
log10 = _unary('log10', np.log10)
log1p = _unary('log1p', np.log1p)
sqrt = _unary('sqrt', np.sqrt)
rsqrt = _unary('rsqrt', lambda x: np.reciprocal(np.sqrt(x)))


@exp.vjp
def _(grad, out):
    return grad * conj_if_complex(out)


@exp2.vjp
def _(grad, out):
    return grad * conj_if_complex(out * _LN2)


@expm1.vjp
def _(grad, out):
    return grad * conj_if_complex(out + 1)


@log.vjp
def _(grad, input):
    return grad / conj_if_complex(input)


@log2.vjp
def _(grad, input):
    return grad / conj_if_complex(input * _LN2)


@log10.vjp
def _(grad, input):
    return grad / conj_if_complex(input * _LN10)


@log1p.vjp
def _(grad, input):
    return grad / conj_if_complex(input + 1)


@sqrt.vjp
def _(grad, out):
    return grad / (2 * conj_if_complex(out))


@rsqrt.vjp
def _(grad, out):
    return -0.5 * grad * conj_if_complex(out * out * out)


def square(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """``input ** 2`` (bool inputs give int64, like PyTorch)."""
    from .arithmetic import pow
    return pow(input, 2, out=out)


# ----------------------------------------------------------------------------------------- trigonometric, hyperbolic

sin = _unary('sin', np.sin)
cos = _unary('cos', np.cos)
tan = _unary('tan', np.tan)
asin = _unary('asin', np.arcsin)
acos = _unary('acos', np.arccos)
atan = _unary('atan', np.arctan)
sinh = _unary('sinh', np.sinh)
cosh = _unary('cosh', np.cosh)
tanh = _unary('tanh', np.tanh)
asinh = _unary('asinh', np.arcsinh)
acosh = _unary('acosh', np.arccosh)
atanh = _unary('atanh', np.arctanh)


@sin.vjp
def _(grad, input):
    return grad * conj_if_complex(cos(input))


@cos.vjp
def _(grad, input):
    return -grad * conj_if_complex(sin(input))


@tan.vjp
def _(grad, out):
    return grad * conj_if_complex(1 + out * out)


@asin.vjp
def _(grad, input):
    return grad / conj_if_complex(sqrt(1 - input * input))


@acos.vjp
def _(grad, input):
    return -grad / conj_if_complex(sqrt(1 - input * input))


@atan.vjp
def _(grad, input):
    return grad / conj_if_complex(1 + input * input)


@sinh.vjp
def _(grad, input):
    return grad * conj_if_complex(cosh(input))


@cosh.vjp
def _(grad, input):
    return grad * conj_if_complex(sinh(input))


@tanh.vjp
def _(grad, out):
    if out.dtype.category == D.COMPLEX:
        return grad * conj_if_complex(1 - out * out)
    return _tanh_backward(grad, out)


# Fused backward kernels for the two activations on every hot path (one buffer instead of three temporaries, like
# PyTorch's tanh_backward / sigmoid_backward); their own backward keeps higher derivatives exact.
@primitive(backward_name='TanhBackwardBackward0')
def _tanh_backward(grad, y):
    """``grad * (1 - y**2)`` for ``y = tanh(x)``."""
    r = np.multiply(y, y, out=np.empty_like(y))
    np.subtract(1, r, out=r)
    r *= grad
    return r


@_tanh_backward.vjp
def _(gg, grad, y, needs_input_grad):
    dgrad = _tanh_backward(gg, y) if needs_input_grad[0] else None
    dy = gg * grad * y * -2 if needs_input_grad[1] else None
    return dgrad, dy


@primitive(backward_name='SigmoidBackwardBackward0')
def _sigmoid_backward(grad, y):
    """``grad * y * (1 - y)`` for ``y = sigmoid(x)``."""
    r = np.subtract(1, y, out=np.empty_like(y))
    r *= y
    r *= grad
    return r


@_sigmoid_backward.vjp
def _(gg, grad, y, needs_input_grad):
    dgrad = _sigmoid_backward(gg, y) if needs_input_grad[0] else None
    dy = gg * grad * (1 - 2 * y) if needs_input_grad[1] else None
    return dgrad, dy


@asinh.vjp
def _(grad, input):
    return grad / conj_if_complex(sqrt(input * input + 1))


@acosh.vjp
def _(grad, input):
    if input.dtype.category == D.COMPLEX:
        return grad / conj_if_complex(sqrt(input - 1) * sqrt(input + 1))
    return grad * rsqrt(input * input - 1)


@atanh.vjp
def _(grad, input):
    return grad / conj_if_complex(1 - input * input)


arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh


# ----------------------------------------------------------------------------------------- activations


def _sigmoid(x):
    # 1 / (1 + exp(-x)) in one buffer: four passes, one allocation (exp overflowing to inf gives the right 0).
    t = np.negative(x, out=np.empty_like(x))
    np.exp(t, out=t)
    t += 1
    return np.reciprocal(t, out=t)


sigmoid = _unary('sigmoid', _sigmoid)


@sigmoid.vjp
def _(grad, out):
    if out.dtype.category == D.COMPLEX:
        return grad * conj_if_complex(out * (1 - out))
    return _sigmoid_backward(grad, out)


def _logit(input, eps=None):
    if input.dtype.kind == 'c':
        raise _not_implemented('logit_cpu', input)
    if eps is not None:
        input = np.clip(input, eps, 1 - eps)
    with np.errstate(all='ignore'):
        return np.log(input / (1 - input))


logit = Primitive(_logit, name='logit', promote='float')
logit.__doc__ = "``log(input / (1 - input))``; with ``eps``, the input is first clamped to ``[eps, 1 - eps]``."


@logit.vjp
def _(grad, input, eps):
    g = grad / (input * (1 - input))
    if eps is None:
        return _where((input < 0) | (input > 1), math.nan, g)
    return _where((input < eps) | (input > 1 - eps), 0.0, g)


def _relu(input):
    if input.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    if input.dtype.kind == 'c':
        raise NotImplementedError("clamp is not supported for complex types")
    return np.maximum(input, 0)


relu = Primitive(_relu, name='relu')
relu.__doc__ = "``max(input, 0)``, elementwise."


@relu.vjp
def _(grad, out):
    # The gradient at exactly 0 is 0, like PyTorch (relu is not differentiable there; 0 keeps sparsity).
    return grad * (out > 0)


# ----------------------------------------------------------------------------------------- rounding


def _rounding(name, fn, int_ok=True):
    def forward(input):
        k = input.dtype.kind
        if k == 'c':
            raise NotImplementedError(f"{name} is not supported for complex inputs")
        if k == 'b' or (k in 'iu' and not int_ok):
            raise _not_implemented(f'{name}_vml_cpu' if int_ok else f'{name}_cpu', input)
        if k in 'iu':
            return input.copy()
        return fn(input)
    op = Primitive(forward, name=name)
    op.vjp(lambda grad: _zeros(grad))
    return op


floor = _rounding('floor', np.floor)
ceil = _rounding('ceil', np.ceil)
trunc = _rounding('trunc', np.trunc)
fix = trunc


def _frac(input):
    if input.dtype.kind != 'f':
        raise _not_implemented('frac_cpu', input)
    return input - np.trunc(input)


frac = Primitive(_frac, name='frac')
frac.vjp(lambda grad: grad)


def _round(input, decimals=None):
    k = input.dtype.kind
    if k == 'c' or k == 'b' or (k in 'iu' and decimals is not None):
        raise _not_implemented('round_vml_cpu', input)
    if k in 'iu':
        return input.copy()
    if not decimals:
        return np.rint(input)
    # PyTorch scales by 10^|decimals| in the input's dtype, rounds half to even, and scales back.
    ten = input.dtype.type(10.0 ** (decimals if decimals > 0 else -decimals))
    with np.errstate(all='ignore'):
        return np.rint(input * ten) / ten if decimals > 0 else np.rint(input / ten) * ten


_round_prim = Primitive(_round, name='round')
_round_prim.vjp(lambda grad: _zeros(grad))


def round(input: Tensor, *, decimals: int | None = None, out: Tensor | None = None) -> Tensor:
    """Round to the nearest integer (halves to even), or to ``decimals`` decimal places."""
    return _round_prim(input, decimals) if out is None else _round_prim(input, decimals, out=out)


# ----------------------------------------------------------------------------------------- sign, abs, complex parts


def _neg(input):
    if input.dtype == np.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    return np.negative(input)


neg = Primitive(_neg, name='neg')
neg.__doc__ = "``-input``."


@neg.vjp
def _(grad):
    return -grad


def _sign(input):
    k = input.dtype.kind
    if k == 'c':
        raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex numbers. Please use "
                                  "torch.sgn instead.")
    if k == 'b':
        return input.copy()
    # (x > 0) - (x < 0): NaN and -0 give 0, like PyTorch.
    return np.subtract(input > 0, input < 0, dtype=input.dtype)


sign = Primitive(_sign, name='sign')
sign.vjp(lambda grad: _zeros(grad))


def _sgn(input):
    if input.dtype.kind != 'c':
        return _sign(input)
    a = np.abs(input)
    with np.errstate(all='ignore'):
        return np.where(a == 0, 0, input / np.where(a == 0, 1, a)).astype(input.dtype)


sgn = Primitive(_sgn, name='sgn')
sgn.__doc__ = "``input / |input|`` for complex tensors (0 at 0), ``sign(input)`` otherwise."


@sgn.vjp
def _(grad, input, out):
    if input.dtype.category != D.COMPLEX:
        return _zeros(grad)
    a = abs(input)
    safe = a + (a == 0)
    return (grad / safe - out * real(grad * conj(out)) / safe) * (a != 0)


def _abs(input):
    if input.dtype == np.bool_:
        raise _not_implemented('abs_cpu', input)
    return np.abs(input)


abs = Primitive(_abs, name='abs')
abs.__doc__ = "``|input|``, elementwise (the modulus for complex tensors)."


@abs.vjp
def _(grad, input):
    return grad * sgn(input)


def _angle(input):
    if input.dtype.kind == 'c':
        return np.angle(input)
    return np.where(np.isnan(input), input, np.where(input < 0, np.pi, 0)).astype(input.dtype, copy=False)


angle = Primitive(_angle, name='angle', promote='float')
angle.__doc__ = "The argument of each (complex) element, in radians; pi for negative reals, 0 otherwise."


@angle.vjp
def _(grad, input):
    if input.dtype.category != D.COMPLEX:
        return _zeros(grad)
    a2 = real(input * conj(input))
    zero = a2 == 0
    return _where(zero, 0.0, grad * input / _where(zero, 1.0, a2) * 1j)


def _real(input):
    return np.real(input)


real = Primitive(_real, name='real', view=True)
real.__doc__ = "The real part of a tensor (a view; the tensor itself when it is real)."
real.vjp(lambda grad: grad)


def _imag(input):
    if input.dtype.kind != 'c':
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return np.imag(input)


imag = Primitive(_imag, name='imag', view=True)
imag.__doc__ = "The imaginary part of a complex tensor (a view)."
imag.vjp(lambda grad: grad * 1j)


def _view_as_real(input):
    if input.dtype.kind != 'c':
        raise RuntimeError("view_as_real is only supported for complex tensors")
    part = np.float32 if input.dtype == np.complex64 else np.float64
    # A new axis of size 1 is contiguous whatever the strides, so NumPy can reinterpret it as two parts.
    return input[..., None].view(part)


view_as_real = Primitive(_view_as_real, name='view_as_real', view=True)
view_as_real.__doc__ = "A real view of a complex tensor, with a last dimension of size 2 (real and imaginary parts)."
view_as_real.vjp(lambda grad: view_as_complex(grad.contiguous()))


def _view_as_complex(input):
    if input.dtype not in (np.float32, np.float64):
        if input.dtype == np.float16:
            raise RuntimeError("view_as_complex: ember has no complex32 (ComplexHalf) dtype to view a Half tensor as")
        raise RuntimeError(f"view_as_complex is only supported for half, float and double tensors, but got a tensor "
                           f"of scalar type: {D.from_numpy_dtype(input.dtype)._legacy}")
    if input.ndim == 0 or input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if not input.size:
        return input[..., 0].astype(np.complex64 if input.dtype == np.float32 else np.complex128)
    if input.strides[-1] != input.itemsize:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(st % (2 * input.itemsize) for st in input.strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    root = input
    while isinstance(root.base, np.ndarray):
        root = root.base
    if isinstance(input, np.ndarray) and (
            input.__array_interface__['data'][0] - root.__array_interface__['data'][0]) % (2 * input.itemsize):
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    return input.view(np.complex64 if input.dtype == np.float32 else np.complex128)[..., 0]


view_as_complex = Primitive(_view_as_complex, name='view_as_complex', view=True)
view_as_complex.__doc__ = "A complex view of a real tensor whose last dimension (of size 2) holds the real and " \
    "imaginary parts."
view_as_complex.vjp(lambda grad: view_as_real(grad))


def _conj(input):
    return np.conj(input) if input.dtype.kind == 'c' else input


conj = Primitive(_conj, name='conj')
conj.__doc__ = "The complex conjugate (the tensor itself when it is real)."
conj.vjp(lambda grad: conj_if_complex(grad))
conj_physical = conj


# ----------------------------------------------------------------------------------------- NaN and inf


def _nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    k = input.dtype.kind
    if k == 'c':
        return _nan_to_num(input.real, nan, posinf, neginf) + 1j * _nan_to_num(input.imag, nan, posinf, neginf)
    if k != 'f' and input.dtype.name != 'bfloat16':
        return input.copy()
    fi = D.finfo(D.from_numpy_dtype(input.dtype))
    hi = fi.max if posinf is None else posinf
    lo = fi.min if neginf is None else neginf
    out = np.where(np.isnan(input), nan, input)
    out = np.where(input == np.inf, hi, np.where(input == -np.inf, lo, out))
    return out.astype(input.dtype, copy=False)


_nan_to_num_prim = Primitive(_nan_to_num, name='nan_to_num')


@_nan_to_num_prim.vjp
def _(grad, input):
    return grad * isfinite(input)


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None, *,
               out: Tensor | None = None) -> Tensor:
    """Replace NaN, +inf and -inf by ``nan``, ``posinf`` and ``neginf`` (default: 0 and the dtype's largest and
    smallest finite values)."""
    if input._requires_grad and input.dtype.category == D.COMPLEX and grad_mode.state.enabled:
        raise RuntimeError("nan_to_num does not support automatic differentiation for outputs with complex dtype.")
    if out is not None:
        return _nan_to_num_prim(input, nan, posinf, neginf, out=out)
    return _nan_to_num_prim(input, nan, posinf, neginf)


def _predicate(name, fn, complex_msg=None):
    def forward(input):
        k = input.dtype.kind
        if k == 'c' and complex_msg is not None:
            raise (NotImplementedError if name == 'signbit' else RuntimeError)(complex_msg)
        if k in 'biu':
            return fn(input) if name in ('isfinite', 'isreal', 'signbit') else np.zeros(input.shape, np.bool_)
        return fn(input)
    return Primitive(forward, name=name, differentiable=False)


isnan = _predicate('isnan', np.isnan)
isinf = _predicate('isinf', np.isinf)
isposinf = _predicate('isposinf', lambda x: x == np.inf, "isposinf does not support complex inputs.")
isneginf = _predicate('isneginf', lambda x: x == -np.inf, "isneginf does not support complex inputs.")
isfinite = _predicate('isfinite', lambda x: np.isfinite(x) if x.dtype.kind in 'fc' else np.ones(x.shape, np.bool_))
isreal = _predicate('isreal', lambda x: np.imag(x) == 0 if x.dtype.kind == 'c' else np.ones(x.shape, np.bool_))
signbit = _predicate('signbit', lambda x: np.signbit(x) if x.dtype.kind == 'f' else np.less(x, 0),
                     "signbit is not implemented for complex tensors.")


# ----------------------------------------------------------------------------------------- Tensor methods
# The special functions live in ``special_functions`` (which imports this module's helpers, hence the import
# down here); they stay importable from here, float64 kernels included (``distributions.gamma`` uses _lgamma64).
from .special_functions import _lgamma64, digamma, entr, erf, erfc, erfinv, lgamma, polygamma, sinc  # noqa: E402,F401


_OPS = {
    'exp': exp, 'exp2': exp2, 'expm1': expm1, 'log': log, 'log2': log2, 'log10': log10, 'log1p': log1p,
    'sqrt': sqrt, 'rsqrt': rsqrt, 'sin': sin, 'cos': cos, 'tan': tan, 'asin': asin, 'acos': acos, 'atan': atan,
    'arcsin': asin, 'arccos': acos, 'arctan': atan, 'sinh': sinh, 'cosh': cosh, 'tanh': tanh, 'asinh': asinh,
    'acosh': acosh, 'atanh': atanh, 'arcsinh': asinh, 'arccosh': acosh, 'arctanh': atanh, 'sigmoid': sigmoid,
    'logit': logit, 'floor': floor, 'ceil': ceil, 'trunc': trunc, 'fix': trunc, 'frac': frac,
    'nan_to_num': _nan_to_num_prim, 'sign': sign, 'sgn': sgn, 'neg': neg, 'negative': neg, 'abs': abs, 'absolute': abs,
    'relu': relu,
}
bind_methods(_OPS)
bind_methods({k + '_': _inplace(v) for k, v in _OPS.items()})
bind_methods({
    'nan_to_num': nan_to_num, 'square': square, 'square_': lambda self: inplace(_pow, self, 2),
    'round': round, 'round_': lambda self, *, decimals=None: inplace(_round_prim, self, decimals),
    'isnan': isnan, 'isinf': isinf, 'isposinf': isposinf, 'isneginf': isneginf, 'isfinite': isfinite,
    'isreal': isreal, 'signbit': signbit, 'angle': angle, 'conj': conj, 'conj_physical': conj,
    'reciprocal': reciprocal,
    '__neg__': neg, '__abs__': abs, '__pos__': lambda self: self,
    'real': property(real), 'imag': property(imag),
})


negative = neg
absolute = abs

__all__ = ['exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'square', 'sin', 'cos', 'tan',
           'asin', 'acos', 'atan', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh',
           'arcsinh', 'arccosh', 'arctanh', 'sigmoid', 'logit', 'relu', 'erf', 'erfc', 'erfinv', 'lgamma',
           'digamma', 'polygamma', 'sinc', 'floor', 'ceil', 'round', 'trunc', 'fix', 'frac', 'nan_to_num', 'isnan',
           'isinf', 'isposinf', 'isneginf', 'isfinite', 'isreal', 'signbit', 'sign', 'sgn', 'neg', 'negative',
           'abs', 'absolute', 'angle', 'real', 'imag', 'conj', 'conj_physical', 'view_as_real',
           'view_as_complex']
