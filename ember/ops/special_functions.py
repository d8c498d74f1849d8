"""Special functions: erf, erfc, erfinv, lgamma, digamma, polygamma, sinc and entr.

The ones NumPy lacks (erf, erfc, erfinv, lgamma, digamma, polygamma) are computed here in float64 with vectorised
series, Chebyshev interpolants and Newton steps, then rounded to the input's dtype.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .._tensor import Tensor, bind_methods
from ._primitive import primitive
from .arithmetic import _not_implemented, conj_if_complex
from .pointwise import _in64, _inplace, _unary, _where, cos, exp, log


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


_OPS = {'erf': erf, 'erfc': erfc, 'erfinv': erfinv, 'lgamma': lgamma, 'digamma': digamma, 'sinc': sinc}
bind_methods(_OPS)
bind_methods({k + '_': _inplace(v) for k, v in _OPS.items()})
bind_methods({
    'polygamma': lambda self, n: polygamma(n, self),
    'polygamma_': lambda self, n: self.copy_(polygamma(n, self)),
})

__all__ = ['erf', 'erfc', 'erfinv', 'lgamma', 'digamma', 'polygamma', 'sinc']
