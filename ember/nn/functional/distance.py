"""Distances and similarities: pairwise_distance, cosine_similarity, pdist and cdist (composites)."""
from __future__ import annotations

import numpy as np

from ... import _dtype as D
from ..._tensor import Tensor
from ...autograd import grad_mode
from ...backend import xp_of
from ...ops.linalg import vector_norm


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """The ``p``-norm of ``x1 - x2 + eps`` over the last dimension (inputs broadcast)."""
    return vector_norm(x1 - x2 + eps, p, -1, keepdim)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``x1 / max(|x1|, eps) . x2 / max(|x2|, eps)`` along ``dim`` (inputs broadcast)."""
    from ...ops.shape import broadcast_tensors
    if x1.dtype.category < D.FLOAT and (not isinstance(x2, Tensor) or x2.dtype.category < D.FLOAT):
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{D.promote_types(x1.dtype, x2.dtype)._legacy}")
    x1, x2 = broadcast_tensors(x1, x2)
    n1 = vector_norm(x1, 2, dim, True)
    n2 = vector_norm(x2, 2, dim, True)
    # PyTorch clamps the norms without recording it: the gradient is that of the unclamped norms.
    with grad_mode.no_grad():
        c1 = n1.clamp_min(eps) - n1
        c2 = n2.clamp_min(eps) - n2
    return ((x1 / (n1 + c1)) * (x2 / (n2 + c2))).sum(dim)


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """The ``p``-norm distances between every pair of rows ``i < j`` of a 2-D input, in row-major order."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if input.dtype.category != D.FLOAT:
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    xp = xp_of(input._data)
    a = input.index_select(0, Tensor._wrap(xp.asarray(i)))
    b = input.index_select(0, Tensor._wrap(xp.asarray(j)))
    return vector_norm(a - b, p, -1, False)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str = 'use_mm_for_euclid_dist_if_necessary') -> Tensor:
    """The ``p``-norm distance between each row of ``x1`` (..., P, M) and each row of ``x2`` (..., R, M)."""
    if x1.ndim < 2 or x2.ndim < 2:
        which, t = (1, x1) if x1.ndim < 2 else (2, x2)
        raise RuntimeError(f"cdist only supports at least 2D tensors, X{which} got: {t.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if x1.dtype.category != D.FLOAT or x2.dtype.category != D.FLOAT:
        raise RuntimeError(f"cdist only supports floating-point dtypes, X{1 if x1.dtype.category != D.FLOAT else 2} "
                           f"got: {(x1 if x1.dtype.category != D.FLOAT else x2).dtype._legacy}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if compute_mode not in ('use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist',
                            'donot_use_mm_for_euclid_dist'):
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    use_mm = p == 2 and (compute_mode == 'use_mm_for_euclid_dist' or (
        compute_mode == 'use_mm_for_euclid_dist_if_necessary' and (x1.shape[-2] > 25 or x2.shape[-2] > 25)))
    if use_mm:
        # |a - b|^2 = |a|^2 + |b|^2 - 2 a.b: one matrix product instead of a (P, R, M) difference tensor.
        sq = (x1 * x1).sum(-1, keepdim=True) + (x2 * x2).sum(-1).unsqueeze(-2) - 2 * (x1 @ x2.transpose(-1, -2))
        return sq.clamp_min(1e-30).sqrt()
    return vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, -1, False)


__all__ = ['pairwise_distance', 'cosine_similarity', 'pdist']
