"""Helpers shared by the distributions (as in ``torch.distributions.utils``)."""
from __future__ import annotations

from numbers import Number

import ember
from ember import Tensor

__all__ = ['broadcast_all', 'clamp_probs', 'lazy_property', 'logits_to_probs', 'probs_to_logits']


def broadcast_all(*values):
    """Turn numbers into tensors (of the first tensor's dtype, else the default) and broadcast them all."""
    if not all(isinstance(v, (Tensor, Number)) for v in values):
        raise ValueError('Input arguments must all be instances of numbers.Number, torch.Tensor or objects '
                         'implementing __torch_function__.')
    like = next((v for v in values if isinstance(v, Tensor)), None)
    if like is None:
        return tuple(ember.tensor(float(v), dtype=ember.get_default_dtype()) for v in values)
    tensors = [v if isinstance(v, Tensor) else ember.tensor(v, dtype=like.dtype, device=like.device) for v in values]
    shape = ember.broadcast_shapes(*(t.shape for t in tensors))
    # tensors already of the common shape pass through untouched: no graph node ties them to this distribution
    return tuple(t if t.shape == shape else t.expand(shape) for t in tensors)


def _sum_rightmost(value: Tensor, dim: int) -> Tensor:
    """Sum out the ``dim`` rightmost dimensions of ``value``."""
    return value.reshape(value.shape[:value.dim() - dim] + (-1,)).sum(-1) if dim > 0 else value


def clamp_probs(probs: Tensor) -> Tensor:
    """Clamp probabilities into the open interval (eps, 1 - eps) of their dtype."""
    eps = ember.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def logits_to_probs(logits: Tensor, is_binary: bool = False) -> Tensor:
    """Probabilities from logits: a sigmoid when binary, else a softmax over the last dim."""
    return ember.sigmoid(logits) if is_binary else ember.softmax(logits, dim=-1)


def probs_to_logits(probs: Tensor, is_binary: bool = False) -> Tensor:
    """Logits from (clamped) probabilities; the inverse of ``logits_to_probs``."""
    p = clamp_probs(probs)
    return ember.log(p) - ember.log1p(-p) if is_binary else ember.log(p)


class lazy_property:
    """A property computed once on first access and then cached on the instance."""

    def __init__(self, fn):
        self.wrapped = fn
        self.__doc__ = fn.__doc__

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        with ember.enable_grad():
            value = self.wrapped(instance)
        instance.__dict__[self.wrapped.__name__] = value
        return value
