"""The shared base of real-valued location-scale distributions (Normal, Laplace, Cauchy, Gumbel)."""
from __future__ import annotations

from numbers import Number

from ember import Size, Tensor

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all


class _LocScale(Distribution):
    """A distribution on the reals with location ``loc`` and positive scale ``scale``, broadcast together."""
    arg_constraints = {'loc': constraints.real, 'scale': constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args: bool | None = None):
        self.loc, self.scale = broadcast_all(loc, scale)
        batch = Size() if isinstance(loc, Number) and isinstance(scale, Number) else self.loc.size()
        super().__init__(batch, validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc
