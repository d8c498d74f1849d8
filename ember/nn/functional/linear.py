"""Linear maps: ``linear`` (a fused primitive: one BLAS call forward, two backward), ``bilinear``."""
from __future__ import annotations

import numpy as np

from ..._tensor import Tensor
from ...ops._primitive import primitive


def _dims(shape) -> str:
    return 'x'.join(map(str, shape))


@primitive
def _linear(x, weight, bias=None):
    if x.shape[-1] != weight.shape[-1]:
        rows = int(np.prod(x.shape[:-1])) if x.ndim > 1 else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} and "
                           f"{_dims(weight.shape[::-1])})")
    if x.dtype != weight.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_np_name(x.dtype)} and "
                           f"{_np_name(weight.dtype)}")
    out = np.matmul(x, weight.T)
    if bias is not None:
        out += bias
    return out


_linear.name, _linear.backward_name = 'linear', 'AddmmBackward0'


@_linear.vjp
def _(grad, x, weight, bias, needs_input_grad):
    gx = grad.matmul(weight) if needs_input_grad[0] else None
    gw = gb = None
    if needs_input_grad[1]:
        g2 = grad.reshape(-1, grad.shape[-1]) if grad.ndim != 2 else grad
        x2 = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
        gw = g2.t().mm(x2) if x.ndim > 1 else grad.unsqueeze(1) * x.unsqueeze(0)
    if bias is not None and needs_input_grad[-1]:
        gb = grad.sum(tuple(range(grad.ndim - 1))) if grad.ndim > 1 else grad
    return gx, gw, gb


def _np_name(npd) -> str:
    from ..._dtype import from_numpy_dtype
    return from_numpy_dtype(npd)._legacy


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``."""
    if bias is None:
        return _linear(input, weight)
    return _linear(input, weight, bias)

__all__ = ['linear']
