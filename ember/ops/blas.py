"""Matrix products: matmul (1-D, 2-D, batched with broadcasting), mm, bmm, mv, dot, ..."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, bind_methods
from ._primitive import primitive
from .arithmetic import conj_if_complex


def _dims(shape) -> str:
    return 'x'.join(map(str, shape))


def _check_same_dtype(name, a, b):
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{D.from_numpy_dtype(a.dtype)!r} != {D.from_numpy_dtype(b.dtype)!r}")


@primitive
def mm(x, y):
    if x.ndim != 2:
        raise RuntimeError(f"self must be a matrix")
    if y.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix")
    if x.shape[1] != y.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_dims(x.shape)} and {_dims(y.shape)})")
    _check_same_dtype('mm', x, y)
    return x @ y


@mm.vjp
def _(grad, x, y, needs_input_grad):
    gx = grad.mm(conj_if_complex(y.t())) if needs_input_grad[0] else None
    gy = conj_if_complex(x.t()).mm(grad) if needs_input_grad[1] else None
    return gx, gy


@primitive
def matmul(x, y):
    if x.ndim == 0 or y.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {x.ndim}D and {y.ndim}D")
    _check_same_dtype('matmul', x, y)
    kx = x.shape[-1]
    ky = y.shape[-2] if y.ndim > 1 else y.shape[0]
    if kx != ky:
        if x.ndim <= 2 and y.ndim <= 2:
            if x.ndim == 1 and y.ndim == 1:
                raise RuntimeError(f"inconsistent tensor size, expected tensor [{kx}] and src [{ky}] to have the "
                                   f"same number of elements, but got {kx} and {ky} elements respectively")
            if y.ndim == 1:
                raise RuntimeError(f"size mismatch, got input ({x.shape[0]}), mat ({_dims(x.shape)}), vec ({ky})")
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                               f"({_dims(x.shape if x.ndim == 2 else (1,) + x.shape)} and {_dims(y.shape)})")
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{x.shape[0] if x.ndim > 2 else y.shape[0]}, {kx}] but got: "
                           f"[{y.shape[0] if y.ndim > 2 else 1}, {ky}].")
    return np.matmul(x, y)


@matmul.vjp
def _(grad, x, y, needs_input_grad):
    gx = gy = None
    xs, ys = x, conj_if_complex(y)
    xc = conj_if_complex(x)
    if x.ndim == 1 and y.ndim == 1:
        return (grad * ys if needs_input_grad[0] else None), (grad * xc if needs_input_grad[1] else None)
    g = grad
    if x.ndim == 1:
        g = g.unsqueeze(-2)
        xc = xc.unsqueeze(0)
    if y.ndim == 1:
        g = g.unsqueeze(-1)
        ys = ys.unsqueeze(-1)
    if needs_input_grad[0]:
        gx = g.matmul(ys.mT)
        if x.ndim == 1:
            gx = gx.squeeze(-2)
    if needs_input_grad[1]:
        gy = xc.mT.matmul(g) if x.ndim > 1 else xc.mT.matmul(g)
        if y.ndim == 1:
            gy = gy.squeeze(-1)
    return gx, gy


def _matmul_method(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(self, other)


def _rmatmul_method(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


bind_methods({'mm': mm, 'matmul': matmul, '__matmul__': _matmul_method, '__rmatmul__': _rmatmul_method})

__all__ = ['mm', 'matmul']
