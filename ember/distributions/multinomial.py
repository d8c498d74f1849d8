"""The multinomial distribution: counts of ``total_count`` categorical draws."""
from __future__ import annotations

import math

import ember
from ember import Size, Tensor

from . import constraints
from .binomial import Binomial
from .categorical import Categorical
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ['Multinomial']


class _MultinomialSupport(constraints.Constraint):
    is_discrete = True
    event_dim = 1

    def __init__(self, upper_bound: int):
        self.upper_bound = upper_bound

    def check(self, value):
        return (value >= 0).all(dim=-1) & (value.sum(dim=-1) <= self.upper_bound)

    def __repr__(self) -> str:
        return f"Multinomial(upper_bound={self.upper_bound})"


class Multinomial(Distribution):
    """Counts per class of ``total_count`` independent draws from ``Categorical(probs or logits)``."""
    arg_constraints = {'probs': constraints.simplex, 'logits': constraints.independent(constraints.real, 1)}

    def __init__(self, total_count: int = 1, probs: Tensor | None = None, logits: Tensor | None = None,
                 validate_args: bool | None = None):
        if not isinstance(total_count, int):
            raise NotImplementedError('inhomogeneous total_count is not supported')
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        param = self._categorical._param
        super().__init__(param.shape[:-1], param.shape[-1:], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None) -> 'Multinomial':
        new = self._get_checked_instance(Multinomial, _instance)
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, Size(batch_shape), self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return _MultinomialSupport(self.total_count)

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def param_shape(self) -> Size:
        return self._categorical.param_shape

    @property
    def mean(self) -> Tensor:
        return self.probs * self.total_count

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=Size()) -> Tensor:
        sample_shape = Size(sample_shape)
        k = self._event_shape[0]
        draws = self._categorical.sample(Size((self.total_count,)) + sample_shape)
        counts = (draws.unsqueeze(-1) == ember.arange(k, device=draws.device)).sum(0)
        return counts.to(self.probs.dtype)

    def entropy(self) -> Tensor:
        """n H(categorical) - log n! + sum over classes of E[log x_k!], x_k ~ Binomial(n, p_k) marginally."""
        n = self.total_count
        probs = self.probs
        x = ember.arange(1, n + 1, dtype=probs.dtype, device=probs.device).reshape((n,) + (1,) * probs.dim())
        binomial = Binomial(ember.full_like(probs, float(n)), probs=probs, validate_args=False)
        term2 = (binomial.log_prob(x).exp() * ember.lgamma(x + 1)).sum(0).sum(-1)
        return n * self._categorical.entropy() - math.lgamma(n + 1) + term2

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        # 0 * log(0) counts as 0 for classes of probability zero that were never drawn
        logits = ember.where((value == 0) & (logits == -math.inf), ember.zeros_like(logits), logits)
        log_factorial_n = ember.lgamma(value.sum(-1) + 1)
        log_factorial_xs = ember.lgamma(value + 1).sum(-1)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)
