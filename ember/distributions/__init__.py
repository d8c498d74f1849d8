"""Probability distributions with sampling, densities and KL divergences (``torch.distributions``)."""
from . import constraints, transforms
from .bernoulli import Bernoulli
from .binomial import Binomial
from .cauchy import Cauchy
from .categorical import Categorical, OneHotCategorical
from .distribution import Distribution
from .exponential import Exponential
from .gamma import Beta, Dirichlet, Gamma
from .geometric import Geometric
from .gumbel import Gumbel
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .mixture_same_family import MixtureSameFamily
from .multinomial import Multinomial
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .poisson import Poisson
from .studentT import Chi2, HalfNormal, StudentT
from .transformed_distribution import LogNormal, TransformedDistribution
from .transforms import (AbsTransform, AffineTransform, ComposeTransform, ExpTransform, PowerTransform,
                         SigmoidTransform, SoftplusTransform, TanhTransform, Transform)
from .uniform import Uniform

__all__ = ['AbsTransform', 'AffineTransform', 'Bernoulli', 'Beta', 'Binomial', 'Categorical', 'Cauchy',
           'Chi2', 'ComposeTransform', 'constraints', 'Dirichlet', 'Distribution', 'Exponential',
           'ExpTransform', 'Gamma', 'Geometric', 'Gumbel', 'HalfNormal', 'Independent', 'kl_divergence',
           'Laplace', 'LogNormal', 'MixtureSameFamily', 'Multinomial', 'MultivariateNormal', 'Normal',
           'OneHotCategorical', 'Poisson', 'PowerTransform', 'register_kl', 'SigmoidTransform',
           'SoftplusTransform', 'StudentT', 'TanhTransform', 'Transform', 'TransformedDistribution',
           'transforms', 'Uniform']
