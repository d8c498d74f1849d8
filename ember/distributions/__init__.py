"""Probability distributions with sampling, densities and KL divergences (``torch.distributions``)."""
from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical, OneHotCategorical
from .distribution import Distribution
from .kl import kl_divergence, register_kl
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .uniform import Uniform

__all__ = ['Bernoulli', 'Categorical', 'Distribution', 'MultivariateNormal', 'Normal', 'OneHotCategorical',
           'Uniform', 'constraints', 'kl_divergence', 'register_kl']
