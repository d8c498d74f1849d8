"""Gamma, Beta and Dirichlet distributions (sampled through NumPy's gamma generator)."""
from __future__ import annotations

from numbers import Number

import numpy as np

import ember
from ember import Size, Tensor
from ember.ops._primitive import primitive
from ember.ops.pointwise import _lgamma64
from ember.random import _gen

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ['Beta', 'Dirichlet', 'Gamma']


@primitive(backward_name='StandardGammaBackward0')
def _standard_gamma(concentration):
    """Gamma(concentration, 1) draws from ember's default generator, kept above the dtype's tiny like torch."""
    draws = _gen(None).standard_gamma(np.asarray(concentration, dtype=np.float64))
    return np.maximum(draws, np.finfo(concentration.dtype).tiny).astype(concentration.dtype)


@_standard_gamma.vjp
def _(grad, concentration, out):
    return grad * _standard_gamma_grad(concentration, out)


def _gammainc64(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Regularised lower incomplete gamma P(a, x) in float64: a power series below x = a + 1, Lentz's continued
    fraction for the upper tail above it."""
    a, x = np.broadcast_arrays(a, x)
    out = np.empty(a.shape)
    lo = x < a + 1
    with np.errstate(all='ignore'):
        if lo.any():
            al, xl = a[lo], x[lo]
            term = np.ones_like(al)
            total = term.copy()
            for n in range(1, 2000):
                term = term * xl / (al + n)
                total += term
                if np.all(term < total * 1e-17):
                    break
            out[lo] = np.exp(al * np.log(xl) - xl - _lgamma64(al + 1)) * total
        hi = ~lo
        if hi.any():
            ah, xh = a[hi], x[hi]
            tiny = 1e-300
            b = xh + 1 - ah
            c = np.full_like(ah, 1 / tiny)
            d = 1 / b
            h = d.copy()
            for i in range(1, 2000):
                an = -i * (i - ah)
                b = b + 2
                d = an * d + b
                d = np.where(np.abs(d) < tiny, tiny, d)
                c = b + an / c
                c = np.where(np.abs(c) < tiny, tiny, c)
                d = 1 / d
                delta = d * c
                h = h * delta
                if np.all(np.abs(delta - 1) < 1e-16):
                    break
            out[hi] = 1 - np.exp(ah * np.log(xh) - xh - _lgamma64(ah)) * h
    return out


@primitive
def _standard_gamma_grad(concentration, x):
    """d x / d concentration of a Gamma(concentration, 1) sample x by implicit differentiation of its CDF:
    -(dP/da) / density, with dP/da by a central difference in float64 (not differentiable further, as in torch)."""
    a = np.asarray(concentration, dtype=np.float64)
    x64 = np.asarray(x, dtype=np.float64)
    h = 1e-5 * np.maximum(a, 1e-3)
    dp_da = (_gammainc64(a + h, x64) - _gammainc64(a - h, x64)) / (2 * h)
    with np.errstate(all='ignore'):
        log_density = (a - 1) * np.log(x64) - x64 - _lgamma64(a)
        grad = -dp_da * np.exp(-log_density)
        # Far tails where the density underflows: differentiate the Wilson-Hilferty cube-root normal approximation
        # x = a u^3, u = 1 - 1/(9a) + z/(3 sqrt(a)), at fixed z.
        z = 3 * np.sqrt(a) * (np.cbrt(x64 / a) - 1 + 1 / (9 * a))
        u = np.cbrt(x64 / a)
        wilson = u ** 3 + 3 * a * u ** 2 * (1 / (9 * a ** 2) - z / (6 * a ** 1.5))
    grad = np.where(np.isfinite(grad) & (np.abs(dp_da) > 1e-250), grad, wilson)
    return grad.astype(np.result_type(concentration, x))


class Gamma(Distribution):
    """Gamma distribution with shape ``concentration`` and inverse scale ``rate``."""
    arg_constraints = {'concentration': constraints.positive, 'rate': constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, concentration, rate, validate_args: bool | None = None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        scalar = isinstance(concentration, Number) and isinstance(rate, Number)
        super().__init__(Size() if scalar else self.rate.size(), validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.rate

    @property
    def mode(self) -> Tensor:
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self) -> Tensor:
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape=Size()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        value = _standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        return value.clamp(min=ember.finfo(value.dtype).tiny)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        value = ember.as_tensor(value, dtype=self.rate.dtype, device=self.rate.device)
        return (ember.xlogy(self.concentration, self.rate) + ember.xlogy(self.concentration - 1, value)
                - self.rate * value - ember.lgamma(self.concentration))

    def entropy(self) -> Tensor:
        c = self.concentration
        return c - ember.log(self.rate) + ember.lgamma(c) + (1.0 - c) * ember.digamma(c)


class Dirichlet(Distribution):
    """Dirichlet distribution over the simplex with parameters ``concentration`` (last dim = event)."""
    arg_constraints = {'concentration': constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration: Tensor, validate_args: bool | None = None):
        if concentration.dim() < 1:
            raise ValueError('`concentration` parameter must be at least one-dimensional.')
        self.concentration = concentration
        super().__init__(concentration.shape[:-1], concentration.shape[-1:], validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def variance(self) -> Tensor:
        c0 = self.concentration.sum(-1, True)
        return self.concentration * (c0 - self.concentration) / (c0.pow(2) * (c0 + 1))

    def rsample(self, sample_shape=Size()) -> Tensor:
        g = _standard_gamma(self.concentration.expand(self._extended_shape(sample_shape)))
        return (g / g.sum(-1, True)).clamp(min=ember.finfo(g.dtype).tiny, max=1 - ember.finfo(g.dtype).eps)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        c = self.concentration
        return ember.xlogy(c - 1.0, value).sum(-1) + ember.lgamma(c.sum(-1)) - ember.lgamma(c).sum(-1)

    def entropy(self) -> Tensor:
        c = self.concentration
        k = c.size(-1)
        c0 = c.sum(-1)
        return (ember.lgamma(c).sum(-1) - ember.lgamma(c0) - (k - c0) * ember.digamma(c0)
                - ((c - 1.0) * ember.digamma(c)).sum(-1))


class Beta(Distribution):
    """Beta distribution on [0, 1] with ``concentration1`` (alpha) and ``concentration0`` (beta)."""
    arg_constraints = {'concentration1': constraints.positive, 'concentration0': constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args: bool | None = None):
        self._c1, self._c0 = broadcast_all(concentration1, concentration0)
        scalar = isinstance(concentration1, Number) and isinstance(concentration0, Number)
        super().__init__(Size() if scalar else self._c1.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None) -> 'Beta':
        new = super().expand(batch_shape, _instance)
        new._c1, new._c0 = self._c1.expand(batch_shape), self._c0.expand(batch_shape)
        return new

    @property
    def concentration1(self) -> Tensor:
        return self._c1

    @property
    def concentration0(self) -> Tensor:
        return self._c0

    @property
    def mean(self) -> Tensor:
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def variance(self) -> Tensor:
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def rsample(self, sample_shape=Size()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        x = _standard_gamma(self.concentration1.expand(shape))
        y = _standard_gamma(self.concentration0.expand(shape))
        return (x / (x + y)).clamp(min=ember.finfo(x.dtype).tiny, max=1 - ember.finfo(x.dtype).eps)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        a, b = self.concentration1, self.concentration0
        return (ember.xlogy(a - 1, value) + ember.xlogy(b - 1, 1 - value)
                + ember.lgamma(a + b) - ember.lgamma(a) - ember.lgamma(b))

    def entropy(self) -> Tensor:
        a, b = self.concentration1, self.concentration0
        total = a + b
        return (ember.lgamma(a) + ember.lgamma(b) - ember.lgamma(total) - (a - 1) * ember.digamma(a)
                - (b - 1) * ember.digamma(b) + (total - 2) * ember.digamma(total))
