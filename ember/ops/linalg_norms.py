"""Vector and matrix norms: linalg.vector_norm, linalg.matrix_norm and linalg.norm."""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, wrap_dim
from .blas import with_out
from .reduction import _vector_norm as _norm_primitive, norm_dims
from .linalg import _name
from .linalg_decomp import svdvals

# ---- norms -------------------------------------------------------------------------------------------------------

def _vector_norm_checks(x, ord, dtype):
    if isinstance(ord, str) or not isinstance(ord, (int, float, np.integer, np.floating)):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not {type(ord).__name__}")
    if x.dtype.kind not in 'fc':
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {_name(x)}")
    if dtype is not None:
        dt = D.to_dtype(dtype)
        if dt.category < D.FLOAT:
            raise RuntimeError(f"linalg.vector_norm: dtype should be floating point or complex, but got "
                               f"{dt._legacy}")
        src = D.from_numpy_dtype(x.dtype)
        if D.promote_types(src, dt) is not dt:
            raise RuntimeError(f"linalg.vector_norm: the dtype of the input ({src._legacy}) should be convertible "
                               f"without narrowing to the specified dtype ({dt._legacy})")


def _vector_norm(x: Tensor, ord, dim, keepdim: bool, dtype=None) -> Tensor:
    """linalg.vector_norm's checks and ``dtype``, then the norm primitive shared with ``torch.norm``."""
    a = x._data
    _vector_norm_checks(a, ord, dtype)
    dims = norm_dims(dim, a.ndim, 'linalg.vector_norm')
    if (math.isinf(ord) or ord < 0) and (any(a.shape[d] == 0 for d in dims) or (a.size == 0 and not dims)):
        raise RuntimeError(f"linalg.vector_norm cannot compute the {_fmt(ord)} norm on an empty tensor because the "
                           f"operation does not have an identity")
    if dtype is not None:
        x = x.to(D.to_dtype(dtype))
    return _norm_primitive(x, float(ord), dims, keepdim)


def _fmt(ord) -> str:
    return ('-' if ord < 0 else '') + 'inf' if math.isinf(ord) else (str(int(ord)) if ord == int(ord) else str(ord))


@with_out
def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """The vector ``ord``-norm over ``dim`` (all elements when None)."""
    if isinstance(dim, list):
        dim = tuple(dim)
    return _vector_norm(x, ord, dim, keepdim, dtype)


def _move_to_end(A: Tensor, d0: int, d1: int) -> Tensor:
    nd = A.ndim
    perm = [i for i in range(nd) if i not in (d0, d1)] + [d0, d1]
    return A.permute(perm) if perm != list(range(nd)) else A


@with_out
def matrix_norm(A: Tensor, ord='fro', dim=(-2, -1), keepdim: bool = False, *, dtype=None) -> Tensor:
    """Matrix norm: 'fro', 'nuc', or the induced norms inf, -inf, 1, -1, 2, -2, over the two ``dim``."""
    a = A._data
    if a.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if a.dtype.kind not in 'fc':
        raise RuntimeError(f"linalg.matrix_norm: Expected a floating point or complex tensor as input. Got {_name(a)}")
    dim = tuple(dim)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    d0, d1 = wrap_dim(dim[0], a.ndim), wrap_dim(dim[1], a.ndim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == 'fro':
        return _vector_norm(A, 2, (d0, d1), keepdim, dtype)
    if ord not in ('nuc', 1, -1, 2, -2, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if dtype is not None:
        A = A.to(D.to_dtype(dtype))
    if ord in (1, -1, math.inf, -math.inf):
        # Induced 1 / inf norms: the extreme of the absolute column / row sums.
        inner, outer = (d0, d1) if abs(ord) == 1 else (d1, d0)
        sums = _vector_norm(A, 1, inner, True)
        r = _vector_norm(sums, math.inf if ord > 0 else -math.inf, outer, True)
    else:
        s = svdvals(_move_to_end(A, d0, d1))
        r = s.sum(-1) if ord == 'nuc' else _vector_norm(s, math.inf if ord > 0 else -math.inf, -1, False)
        r = r.unsqueeze(min(d0, d1)).unsqueeze(max(d0, d1))
    return r if keepdim else r.squeeze((d0, d1))


@with_out
def linalg_norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Vector or matrix norm, chosen by ``dim`` and ``ord`` (the 2-norm of the flattened input by default)."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        dim = tuple(dim)
        if len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")
    elif ord is not None:
        if A.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                               f"{A.ndim}D.")
        dim = tuple(range(A.ndim))
    if dim is not None and len(dim) == 2:
        return matrix_norm(A, 'fro' if ord is None else ord, dim, keepdim, dtype=dtype)
    if isinstance(ord, str):
        return matrix_norm(A, ord, dim or (-2, -1), keepdim, dtype=dtype)
    return _vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype)


__all__ = ['vector_norm', 'matrix_norm', 'linalg_norm']
