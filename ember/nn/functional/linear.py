"""Linear maps: ``linear`` (a fused primitive: one BLAS call forward, two backward), ``bilinear``."""
from __future__ import annotations

import numpy as np

from ..._tensor import Tensor
from ...ops._primitive import primitive
from ...ops.blas import _CPP_NAMES


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
    if x.ndim > 2:  # one GEMM over all leading dims instead of one per batch element
        out = np.matmul(x.reshape(-1, x.shape[-1]), weight.T).reshape(x.shape[:-1] + (weight.shape[0],))
    else:
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

def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y[..., o] = input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o]``."""
    tensors = [('input1', input1), ('input2', input2), ('weight', weight)] + ([('bias', bias)] if bias is not None
                                                                               else [])
    if len({t.dtype for _, t in tensors}) > 1:
        raise RuntimeError("All tensors must have the same dtype, got " +
                           ', '.join(f"{n}: {_CPP_NAMES.get(t.dtype.name, t.dtype.name)}" for n, t in tensors))
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and {input2.ndim}")
    for i in range(input1.ndim - 1):
        if input1.shape[i] != input2.shape[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: got {input1.shape[i]} "
                               f"and {input2.shape[i]}")
    if input1.size(-1) != weight.size(1):
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {input1.size(-1)} but expected "
                           f"{weight.size(1)}")
    if input2.size(-1) != weight.size(2):
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {input2.size(-1)} but expected "
                           f"{weight.size(2)}")
    if weight.ndim != 3:
        raise RuntimeError("number of dimensions must match")
    if bias is not None and bias.size(0) != weight.size(0):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {bias.size(0)} but expected "
                           f"{weight.size(0)}")
    out_f, in1, in2 = weight.shape
    batch = input1.shape[:-1]
    # One matmul: (N, in1) @ (in1, out*in2), then contract in2 against input2.
    t = input1.reshape(-1, in1).matmul(weight.permute(1, 0, 2).reshape(in1, out_f * in2))
    out = (t.reshape(-1, out_f, in2) * input2.reshape(-1, 1, in2)).sum(-1)
    if bias is not None:
        out = out + bias
    return out.reshape(batch + (out_f,))


__all__ = ['linear', 'bilinear']
