"""Unary elementwise math: exp, log, trigonometric and hyperbolic functions, activations, rounding, ...

Integer and bool inputs of floating-point functions give the default float dtype, like PyTorch. The special
functions NumPy lacks (erf, erfc, erfinv, lgamma, digamma, polygamma) are computed here in float64 with
vectorised series, Chebyshev interpolants and Newton steps, then rounded to the input's dtype.
"""
from __future__ import annotations

import math
from fractions import Fraction

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


# ----------------------------------------------------------------------------------------- special functions

_SQRT_PI = math.sqrt(math.pi)
_TWO_OVER_SQRT_PI = 2 / _SQRT_PI
# erf(x) = x * sum_n c_n x^(2n) (Maclaurin); 18 terms reach double precision for |x| <= 1.
_ERF_TAYLOR = [_TWO_OVER_SQRT_PI * (-1) ** n / (math.factorial(n) * (2 * n + 1)) for n in range(18)]
_ERFCX_LO, _ERFCX_HI, _ERFCX_DEG = 1.0, 4.0, 32
_erfcx_cheb = []


def _erfcx_coeffs():
    """Chebyshev interpolant of erfcx(x) = exp(x^2) erfc(x) on [1, 4], built once from ``math.erfc``."""
    if not _erfcx_cheb:
        n = _ERFCX_DEG + 1
        nodes = np.cos(np.pi * (np.arange(n) + 0.5) / n)
        xs = _ERFCX_LO + (nodes + 1) * (_ERFCX_HI - _ERFCX_LO) / 2
        vals = [math.erfc(v) * math.exp(v * v) for v in xs.tolist()]
        _erfcx_cheb.append(np.polynomial.chebyshev.chebfit(nodes, vals, _ERFCX_DEG))
    return _erfcx_cheb[0]


def _horner(t, coeffs):
    """sum_k coeffs[k] t^k, evaluated in place."""
    acc = np.full_like(t, coeffs[-1])
    for c in coeffs[-2::-1]:
        acc *= t
        acc += c
    return acc


def _clenshaw(u, coeffs):
    """sum_k coeffs[k] T_k(u) (Chebyshev polynomials), evaluated in place."""
    b1 = np.zeros_like(u)
    b2 = np.zeros_like(u)
    u2 = 2 * u
    for c in coeffs[:0:-1]:
        b2 *= -1
        b2 += u2 * b1
        b2 += c
        b1, b2 = b2, b1
    return u * b1 - b2 + coeffs[0]


def _erf_small(x):
    return x * _horner(x * x, _ERF_TAYLOR)


def _erfc_large(a):
    """erfc(a) for a > 1 (or NaN): the Chebyshev interpolant up to 4, the continued fraction beyond."""
    out = np.empty_like(a)
    mid = a <= _ERFCX_HI
    if mid.any():
        t = a[mid]
        u = (2 * t - (_ERFCX_LO + _ERFCX_HI)) / (_ERFCX_HI - _ERFCX_LO)
        out[mid] = _clenshaw(u, _erfcx_coeffs()) * np.exp(-t * t)
    far = ~mid
    if far.any():
        t = a[far]
        # erfc(a) = exp(-a^2) / sqrt(pi) / (a + (1/2) / (a + 1 / (a + (3/2) / (a + ...)))): 24 levels do for a > 4.
        f = t.copy()
        for k in range(24, 0, -1):
            f = t + (k / 2) / f
        out[far] = np.exp(-t * t) / (_SQRT_PI * f)
    return out


def _erf64(x):
    small = np.abs(x) <= 1
    if small.all():
        return _erf_small(x)
    out = np.empty_like(x)
    out[small] = _erf_small(x[small])
    big = x[~small]
    out[~small] = np.copysign(1 - _erfc_large(np.abs(big)), big)
    return out


def _erfc64(x):
    small = np.abs(x) <= 1
    if small.all():
        return 1 - _erf_small(x)
    out = np.empty_like(x)
    out[small] = 1 - _erf_small(x[small])
    big = x[~small]
    e = _erfc_large(np.abs(big))
    out[~small] = np.where(big < 0, 2 - e, e)
    return out


def _erfinv64(y):
    a = np.abs(y)
    out = np.where(a == 1, np.copysign(np.inf, y), np.nan)
    ok = a < 1
    a = a[ok]
    # A closed-form first guess (relative error below 1e-2), then Halley steps on erf (erfc above 0.5, where
    # 1 - a is exact and erfc keeps full relative precision).
    w = np.log1p(-a * a)
    t = 2 / (np.pi * 0.147) + w / 2
    x = np.sqrt(np.sqrt(t * t - w / 0.147) - t)
    hi = a > 0.5
    for _ in range(3):
        f = np.where(hi, (1 - a) - _erfc64(x), _erf64(x) - a)
        r = f / (_TWO_OVER_SQRT_PI * np.exp(-x * x))
        x = x - r / (1 + x * r)
    out[ok] = np.copysign(x, y[ok])
    return out


def _bernoulli(n: int) -> Fraction:
    b = [Fraction(1)]
    for m in range(1, n + 1):
        b.append(-sum(math.comb(m + 1, k) * b[k] for k in range(m)) / (m + 1))
    return b[n]


_B2K = [_bernoulli(2 * k) for k in range(1, 9)]  # B2, B4, ..., B16
_LGAMMA_SERIES = [float(b / (2 * k * (2 * k - 1))) for k, b in enumerate(_B2K, 1)]
_DIGAMMA_SERIES = [float(b / (2 * k)) for k, b in enumerate(_B2K, 1)]
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
_SHIFT = 10


def _sinpi(x):
    r = x - 2 * np.round(x / 2)  # exact reduction to [-1, 1]
    return np.sin(np.pi * r)


def _lgamma64(x):
    refl = x < 0.5
    if not refl.any():
        return _lgamma_pos(x)
    out = np.empty_like(x)
    # lgamma(x) = log(pi / |sin(pi x)|) - lgamma(1 - x); poles at the non-positive integers.
    xr = x[refl]
    with np.errstate(all='ignore'):
        out[refl] = np.where(xr == np.floor(xr), np.inf,
                             np.log(np.pi / np.abs(_sinpi(xr))) - _lgamma_pos(1 - xr))
    out[~refl] = _lgamma_pos(x[~refl])
    return out


_lgamma2_coeffs = []


def _lgamma_near2(e):
    """lgamma(2 + e) for |e| <= 0.5 by its Taylor series, accurate relative to the value near its zero at e = 0:
    (1 - euler_gamma) e + sum_k (-1)^k (zeta(k) - 1) e^k / k, with zeta(k) - 1 = (-1)^k polygamma(k - 1, 2) / (k-1)!"""
    if not _lgamma2_coeffs:
        two = np.array([2.0])
        c = [1 - 0.5772156649015329]
        c += [_polygamma64(k - 1, two)[0] / math.factorial(k - 1) / k for k in range(2, 28)]
        _lgamma2_coeffs.append(c)
    return e * _horner(e, _lgamma2_coeffs[0])


def _lgamma_pos(x):
    """log(gamma(x)) for x >= 0.5 (or NaN/inf): a series around 2 on [0.5, 2.5] (where lgamma has its zeros at
    1 and 2), else the recurrence up to x + 10 and Stirling's series."""
    near = x <= 2.5
    out = np.empty_like(x)
    if near.any():
        xn = x[near]
        # lgamma(x) = lgamma(x + 1) - log(x) moves [0.5, 1.5) to [1.5, 2.5).
        low = xn < 1.5
        out[near] = _lgamma_near2(np.where(low, xn - 1, xn - 2)) - np.where(low, np.log(xn), 0)
    far = ~near
    if far.any():
        out[far] = _lgamma_far(x[far])
    return out


def _lgamma_far(x):
    low = x < _SHIFT
    y = np.where(low, x + _SHIFT, x)
    prod = np.ones_like(x)
    xl = x[low]
    p = xl.copy()
    for k in range(1, _SHIFT):
        p *= xl + k
    prod[low] = p
    inv = 1 / y
    series = inv * _horner(inv * inv, _LGAMMA_SERIES)
    with np.errstate(invalid='ignore'):
        r = (y - 0.5) * np.log(y) - y + _HALF_LOG_2PI + series - np.log(prod)
    return np.where(x == np.inf, np.inf, r)


def _digamma64(x):
    refl = x < 0.5
    if not refl.any():
        return _digamma_pos(x)
    out = np.empty_like(x)
    xr = x[refl]
    # digamma(x) = digamma(1 - x) - pi / tan(pi x); NaN at the negative integers, -inf at +0, +inf at -0.
    r = xr - np.round(xr)
    with np.errstate(all='ignore'):
        v = _digamma_pos(1 - xr) - np.pi / np.tan(np.pi * r)
    v = np.where(xr == np.floor(xr), np.nan, v)
    out[refl] = np.where(xr == 0, np.copysign(np.inf, -xr), v)
    out[~refl] = _digamma_pos(x[~refl])
    return out


def _digamma_pos(x):
    low = x < _SHIFT
    y = np.where(low, x + _SHIFT, x)
    acc = np.zeros_like(x)
    xl = x[low]
    s = 1 / xl
    for k in range(1, _SHIFT):
        s += 1 / (xl + k)
    acc[low] = s
    inv2 = 1 / (y * y)
    with np.errstate(invalid='ignore'):
        r = np.log(y) - 0.5 / y - inv2 * _horner(inv2, _DIGAMMA_SERIES) - acc
    return np.where(x == np.inf, np.inf, r)


def _polygamma64(n: int, x):
    """The n-th derivative of digamma, n >= 1: (-1)^(n+1) n! zeta(n + 1, x), with the Hurwitz zeta function
    summed directly up to x + N >= 10 + n and finished by its Euler-Maclaurin tail."""
    s = n + 1
    big = _SHIFT + n
    finite = x[np.isfinite(x)]
    count = int(max(0.0, math.ceil(big - finite.min()))) if finite.size else 0
    acc = np.zeros_like(x)
    y = x.copy()
    with np.errstate(all='ignore'):
        for _ in range(count):
            m = y < big
            acc += np.where(m, y ** -s, 0.0)
            y = np.where(m, y + 1, y)
        tail = y ** (1 - s) / (s - 1) + 0.5 * y ** -s
        fac = s / 2  # s (s+1) ... (s + 2j - 2) / (2j)!
        yp = y ** (-s - 1)
        inv2 = 1 / (y * y)
        for j, b in enumerate(_B2K, 1):
            tail += float(b) * fac * yp
            fac *= (s + 2 * j - 1) * (s + 2 * j) / ((2 * j + 1) * (2 * j + 2))
            yp = yp * inv2
        z = acc + tail
        z = np.where((x <= 0) & (x == np.floor(x)), np.inf, z)
        z = np.where(x == np.inf, 0.0, np.where(x == -np.inf, np.nan, z))
    return (-1) ** (n + 1) * math.factorial(n) * z


erf = _unary('erf', _in64(_erf64), complex_ok=False)
erfc = _unary('erfc', _in64(_erfc64), complex_ok=False)
erfinv = _unary('erfinv', _in64(_erfinv64), complex_ok=False)
lgamma = _unary('lgamma', _in64(_lgamma64), complex_ok=False)
digamma = _unary('digamma', _in64(_digamma64), complex_ok=False)


@erf.vjp
def _(grad, input):
    return grad * (_TWO_OVER_SQRT_PI * exp(-input * input))


@erfc.vjp
def _(grad, input):
    return grad * (-_TWO_OVER_SQRT_PI * exp(-input * input))


@erfinv.vjp
def _(grad, out):
    return grad * ((_SQRT_PI / 2) * exp(out * out))


@lgamma.vjp
def _(grad, input):
    return grad * digamma(input)


@digamma.vjp
def _(grad, input):
    return grad * polygamma(1, input)


@primitive(promote='float', operands=('input',))
def _polygamma(n, input):
    if input.dtype.kind == 'c':
        raise _not_implemented('polygamma_cpu', input)
    if n == 0:
        return _in64(_digamma64)(input)
    return _in64(lambda x: _polygamma64(n, x))(input)


_polygamma.name = 'polygamma'


@_polygamma.vjp
def _(grad, n, input):
    return None, grad * polygamma(n + 1, input)


def polygamma(n: int, input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The n-th derivative of the digamma function."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return _polygamma(n, input) if out is None else _polygamma(n, input, out=out)


def _sinc(input):
    y = np.pi * input
    safe = np.where(input == 0, 1, y)
    return np.where(input == 0, 1, np.sin(safe) / safe).astype(y.dtype, copy=False)


sinc = _unary('sinc', _sinc)


@sinc.vjp
def _(grad, input, out):
    # d/dx sin(pi x) / (pi x) = (cos(pi x) - sinc(x)) / x, which is 0 at x = 0.
    zero = input == 0
    d = (cos(input * math.pi) - out) / _where(zero, 1.0, input)
    return grad * conj_if_complex(_where(zero, 0.0, d))


def _entr(x):
    return np.where(x > 0, -x * np.log(np.where(x > 0, x, 1)), np.where(x == 0, 0, np.where(np.isnan(x), x, -np.inf))
                    ).astype(x.dtype, copy=False)


entr = _unary('entr', _entr, complex_ok=False, backward_name='SpecialEntrBackward0')


@entr.vjp
def _(grad, input):
    return grad * -(1 + log(input))


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


def _inplace(op):
    def method(self, *args, **kwargs):
        return inplace(op, self, *args, **kwargs)
    method.__name__ = op.name + '_'
    return method


_OPS = {
    'exp': exp, 'exp2': exp2, 'expm1': expm1, 'log': log, 'log2': log2, 'log10': log10, 'log1p': log1p,
    'sqrt': sqrt, 'rsqrt': rsqrt, 'sin': sin, 'cos': cos, 'tan': tan, 'asin': asin, 'acos': acos, 'atan': atan,
    'arcsin': asin, 'arccos': acos, 'arctan': atan, 'sinh': sinh, 'cosh': cosh, 'tanh': tanh, 'asinh': asinh,
    'acosh': acosh, 'atanh': atanh, 'arcsinh': asinh, 'arccosh': acosh, 'arctanh': atanh, 'sigmoid': sigmoid,
    'logit': logit, 'erf': erf, 'erfc': erfc, 'erfinv': erfinv, 'lgamma': lgamma, 'digamma': digamma,
    'sinc': sinc, 'floor': floor, 'ceil': ceil, 'trunc': trunc, 'fix': trunc, 'frac': frac,
    'nan_to_num': _nan_to_num_prim, 'sign': sign, 'sgn': sgn, 'neg': neg, 'negative': neg, 'abs': abs, 'absolute': abs,
    'relu': relu,
}
bind_methods(_OPS)
bind_methods({k + '_': _inplace(v) for k, v in _OPS.items()})
bind_methods({
    'nan_to_num': nan_to_num, 'square': square, 'square_': lambda self: inplace(_pow, self, 2),
    'round': round, 'round_': lambda self, *, decimals=None: inplace(_round_prim, self, decimals),
    'polygamma': lambda self, n: polygamma(n, self),
    'polygamma_': lambda self, n: self.copy_(polygamma(n, self)),
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
