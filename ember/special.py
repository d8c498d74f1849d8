"""``torch.special``: special mathematical functions (error and gamma functions, entropy, softmax, ...)."""
from __future__ import annotations

import math

from ._tensor import Tensor
from .ops.arithmetic import xlogy, xlog1py
from .ops.pointwise import (sigmoid as expit, logit as _logit, erf, erfc, erfinv, log1p, expm1, exp2, sinc, entr,
                            lgamma as gammaln, digamma, polygamma, _round_prim)

psi = digamma
_SQRT1_2 = math.sqrt(0.5)


def logit(input: Tensor, eps: float | None = None, *, out: Tensor | None = None) -> Tensor:
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when ``eps`` is given."""
    return _logit(input, eps) if out is None else _logit(input, eps, out=out)


def ndtr(input: Tensor) -> Tensor:
    """The standard normal cumulative distribution function."""
    return 0.5 * erfc(input * -_SQRT1_2)


def round(input: Tensor, *, decimals: int = 0, out: Tensor | None = None) -> Tensor:
    """Round to ``decimals`` decimal places (halves to even)."""
    return _round_prim(input, decimals) if out is None else _round_prim(input, decimals, out=out)


def softmax(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """``exp(input) / exp(input).sum(dim)``, computed stably."""
    from .ops.reduction import softmax as _softmax
    return _softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """``log(softmax(input, dim))``, computed stably."""
    from .ops.reduction import log_softmax as _log_softmax
    return _log_softmax(input, dim, dtype=dtype)


def logsumexp(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    """``log(exp(input).sum(dim))``, computed stably."""
    from .ops.reduction import logsumexp as _logsumexp
    return _logsumexp(input, dim, keepdim)


__all__ = ['expit', 'logit', 'erf', 'erfc', 'erfinv', 'xlogy', 'xlog1py', 'log_softmax', 'softmax', 'logsumexp',
           'log1p', 'expm1', 'exp2', 'sinc', 'entr', 'ndtr', 'gammaln', 'digamma', 'psi', 'polygamma', 'round']
