"""In-place array kernels shared by the optimizers, in PyTorch's order of operations.

They take NumPy (or CuPy) arrays and write into the first one. A Python-float coefficient meets a float32
array as a float32 (NumPy's weak-scalar rule), which is what PyTorch does with a scalar argument.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor


def real(a):
    """``view_as_real`` of a complex array (a trailing axis of 2); real arrays as they are."""
    if a.dtype.kind == 'c':
        return a[..., None].view(a.real.dtype)
    return a


def grad_of(p: Tensor, maximize: bool):
    """The gradient array of ``p``, negated (a new array) when maximizing."""
    g = p._grad._data
    if g.dtype.kind == 'c':
        g = np.ascontiguousarray(g)  # viewed as real pairs below
    return np.negative(g) if maximize else g


def zeros_state(p: Tensor) -> Tensor:
    return Tensor._wrap(np.zeros_like(p._data), dtype=p.dtype)


def full_state(p: Tensor, value) -> Tensor:
    return Tensor._wrap(np.full_like(p._data, value), dtype=p.dtype)


def bump(*tensors: Tensor) -> None:
    """Count an in-place write on each tensor's version counter."""
    for t in tensors:
        t._version_ctr.value += 1


# PyTorch's vectorised CPU kernels round ``x * y + z`` once (a fused multiply-add) in add-with-alpha, addcmul and
# lerp. For float32 (and narrower) data the product of two float32 values is exact in float64, so computing there
# and rounding once reproduces PyTorch bit for bit. That costs about 3x the plain two-op form, so it is done up to
# this size, where per-call overhead dominates anyway; larger arrays (and float64 and complex data, which have no
# wider type at hand) round twice: at most one ulp per operation away from PyTorch.
_EXACT_FMA_MAX = 1 << 16


def _fma(x, y, z, out):
    """``out = x * y + z``, fused like PyTorch's kernels for float32 data up to ``_EXACT_FMA_MAX`` elements."""
    if out.size <= _EXACT_FMA_MAX and out.dtype.kind == 'f' and out.dtype != np.float64:
        np.add(np.multiply(x, y, dtype=np.float64), z, out=out, casting='same_kind')
    else:
        np.add(np.multiply(x, y), z, out=out)
    return out


def _coef(a, value):
    """A scalar coefficient as PyTorch hands it to a kernel: rounded to the data's precision."""
    return a.dtype.type(value) if a.dtype.kind == 'f' and a.dtype != np.float64 else value


def add_(a, b, alpha=1):
    """``a += alpha * b``."""
    if alpha == 1:
        return np.add(a, b, out=a)
    return _fma(b, _coef(a, alpha), a, a)


def add(a, b, alpha=1):
    """``a + alpha * b`` (new array)."""
    if alpha == 1:
        return np.add(a, b)
    return _fma(b, _coef(a, alpha), a, np.empty_like(a))


def addcmul_(a, t1, t2, value=1):
    """``a += value * t1 * t2`` (the product ``value * t1`` rounded, then fused with ``* t2 + a``)."""
    prod = np.multiply(t1, _coef(a, value)) if value != 1 else t1
    return _fma(prod, t2, a, a)


def addcmul(a, t1, t2, value=1):
    """``a + value * t1 * t2`` (new array)."""
    return addcmul_(a.copy(), t1, t2, value)


def addcdiv_(a, t1, t2, value=1):
    """``a += value * t1 / t2``."""
    q = np.multiply(t1, _coef(a, value)) if value != 1 else t1.copy()
    np.divide(q, t2, out=q)
    np.add(a, q, out=a)
    return a


def lerp_(a, end, weight):
    """``a += weight * (end - a)``, with PyTorch's two-sided formula (exact at both ends): ``a + w * (end - a)``
    for ``|w| < 0.5``, else ``end + (w - 1) * (end - a)``."""
    w = _coef(a, weight)
    d = np.subtract(end, a)
    if abs(w) < 0.5:
        return _fma(w, d, a, a)
    return _fma(w - 1, d, end, a)
