"""Probability distributions with sampling, densities and KL divergences (``torch.distributions``)."""
from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical, OneHotCategorical
from .distribution import Distribution
from .exponential import Exponential
from .gamma import Beta, Dirichlet, Gamma
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .poisson import Poisson
from .uniform import Uniform

__all__ = ['Bernoulli', 'Beta', 'Categorical', 'Dirichlet', 'Distribution', 'Exponential', 'Gamma', 'Independent',
           'Laplace', 'MultivariateNormal', 'Normal', 'OneHotCategorical', 'Poisson', 'Uniform', 'constraints',
           'kl_divergence', 'register_kl']
