"""Probability distributions with sampling, densities and KL divergences (``torch.distributions``)."""
from . import constraints, transforms
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
from .transformed_distribution import LogNormal, TransformedDistribution
from .transforms import (AffineTransform, ComposeTransform, ExpTransform, PowerTransform, SigmoidTransform,
                         SoftplusTransform, TanhTransform, Transform)
from .uniform import Uniform

__all__ = ['AffineTransform', 'Bernoulli', 'Beta', 'Categorical', 'ComposeTransform', 'Dirichlet', 'Distribution',
           'ExpTransform', 'Exponential', 'Gamma', 'Independent', 'Laplace', 'LogNormal', 'MultivariateNormal', 'Normal',
           'OneHotCategorical', 'Poisson', 'PowerTransform', 'SigmoidTransform', 'SoftplusTransform', 'TanhTransform',
           'Transform', 'TransformedDistribution', 'Uniform', 'constraints', 'kl_divergence', 'register_kl',
           'transforms']
