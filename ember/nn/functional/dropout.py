"""Dropout: dropout, dropout1d/2d/3d (whole channels), alpha_dropout and feature_alpha_dropout (for SELU).

Masks come from ember's default generator (``ember.manual_seed`` makes them repeatable); the numbers differ
from PyTorch's. One primitive serves all variants: ``y = x * scale + shift`` where ``scale`` is the kept mask
times the rescaling factor, and backward multiplies by the saved ``scale`` only.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ..._tensor import Tensor
from ...ops._primitive import primitive, inplace
from ...ops.random import _host_like
from ...random import _gen

# SELU's negative saturation value, -scale * alpha: alpha dropout sets dropped units to it.
_SELU_SAT = 1.7580993408473766


@primitive(aux=('scale',), backward_name='NativeDropoutBackward0')
def _dropout(x, p, feature, alpha):
    shape = x.shape[:2] + (1,) * (x.ndim - 2) if feature else x.shape
    u = _gen(None).random(shape, dtype=np.float32)
    t = x.dtype.type
    keep = u >= p
    if not alpha:
        # scale = keep / (1 - p), written into the uniform draw's buffer when the dtypes allow.
        if u.dtype == x.dtype:
            scale = np.multiply(keep, t(1.0 / (1.0 - p)), out=u)
        else:
            scale = keep.astype(x.dtype)
            scale *= t(1.0 / (1.0 - p))
        scale = _host_like(scale, x)
        return x * scale, scale
    # Dropped units go to the saturation value, then an affine map restores zero mean and unit variance.
    a = 1.0 / math.sqrt((_SELU_SAT ** 2 * p + 1) * (1 - p))
    scale = keep.astype(x.dtype)
    shift = np.array([_SELU_SAT * a * (p - 1), _SELU_SAT * a * p], x.dtype).take(keep.view(np.uint8))
    scale *= t(a)
    scale, shift = _host_like(scale, x), _host_like(shift, x)
    y = x * scale
    y += shift
    return y, scale


@_dropout.vjp
def _(grad, scale):
    return grad * scale


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _apply(input: Tensor, p: float, training: bool, inplace_: bool, feature: bool, alpha: bool) -> Tensor:
    if feature and input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:  # everything dropped, for every variant (PyTorch multiplies by zero)
        return input.mul_(0) if inplace_ else input * 0
    if inplace_:
        return inplace(_dropout, input, p, feature, alpha)
    return _dropout(input, p, feature, alpha)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)`` (identity unless
    training)."""
    _check_p(p)
    return _apply(input, p, training, inplace, False, False)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout for SELU networks: dropped elements take SELU's saturation value and an affine map keeps the
    mean and variance."""
    _check_p(p)
    return _apply(input, p, training, inplace, False, True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Alpha dropout of whole channels."""
    _check_p(p)
    return _apply(input, p, training, inplace, True, True)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool, batched: bool) -> Tensor:
    if batched:
        return _apply(input, p, training, inplace, True, False)
    # Unbatched: one sample. In place, the write goes through the unsqueezed view into ``input``.
    y = _apply(input.unsqueeze(0), p, training, inplace, True, False)
    return input if inplace else y.squeeze(0)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of a (N, C, L) or (C, L) input with probability ``p``."""
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
                           f"dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           f"channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, input.ndim == 3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of a (N, C, H, W) input with probability ``p`` (3-D input: channels of (N, C, L))."""
    _check_p(p)
    d = input.ndim
    if d not in (3, 4):
        warnings.warn(f"dropout2d: Received a {d}-D input to dropout2d, which is deprecated and will result in an "
                      f"error in a future release. To retain the behavior and silence this warning, please use "
                      f"dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      f"spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
                      f"inputs).", stacklevel=2)
    if d == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please "
                      "switch to using dropout1d instead.", stacklevel=2)
    return _apply(input, p, training, inplace, True, False)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of a (N, C, D, H, W) or (C, D, H, W) input with probability ``p``."""
    _check_p(p)
    d = input.ndim
    if d not in (4, 5):
        warnings.warn(f"dropout3d: Received a {d}-D input to dropout3d, which is deprecated and will result in an "
                      f"error in a future release. To retain the behavior and silence this warning, please use "
                      f"dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 "
                      f"spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D "
                      f"inputs).", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, d == 5)


__all__ = ['dropout', 'alpha_dropout', 'feature_alpha_dropout', 'dropout1d', 'dropout2d', 'dropout3d']
