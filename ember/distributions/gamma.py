"""Gamma, Beta and Dirichlet distributions (sampled through NumPy's gamma generator)."""
from __future__ import annotations

from numbers import Number

import numpy as np

import ember
from ember import Size, Tensor
from ember.random import _gen

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ['Beta', 'Dirichlet', 'Gamma']


def _standard_gamma(concentration: Tensor) -> Tensor:
    """Gamma(concentration, 1) draws from ember's default generator, clamped away from zero like torch."""
    c = concentration.detach().cpu().numpy()
    draws = _gen(None).standard_gamma(c.astype(np.float64)).astype(c.dtype)
    tiny = np.finfo(c.dtype).tiny
    return ember.from_numpy(np.maximum(draws, tiny)).to(concentration.device)


class Gamma(Distribution):
    """Gamma distribution with shape ``concentration`` and inverse scale ``rate``."""
    arg_constraints = {'concentration': constraints.positive, 'rate': constraints.positive}
    support = constraints.nonnegative

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

    def sample(self, sample_shape=Size()) -> Tensor:
        with ember.no_grad():
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

    def sample(self, sample_shape=Size()) -> Tensor:
        with ember.no_grad():
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

    def sample(self, sample_shape=Size()) -> Tensor:
        with ember.no_grad():
            shape = self._extended_shape(sample_shape)
            x = _standard_gamma(self.concentration1.expand(shape))
            y = _standard_gamma(self.concentration0.expand(shape))
            eps = ember.finfo(x.dtype).eps
            return (x / (x + y)).clamp(min=ember.finfo(x.dtype).tiny, max=1 - eps)

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
